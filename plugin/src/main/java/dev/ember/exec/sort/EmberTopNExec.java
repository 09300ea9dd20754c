package dev.ember.exec.sort;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.EmberExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Top-N: the first {@code limit} rows of each partition in the sort order, then projected. Replaces
 * Spark's {@code TakeOrderedAndProjectExec} as two of these nodes around a single-partition exchange
 * (see {@code TakeOrderedAndProjectRule}): the lower one keeps each partition's top rows, the upper one
 * the overall top rows.
 *
 * <p>Per partition it holds at most {@code limit} rows plus one input batch: after each batch the device
 * takes the top-N of the rows kept so far and the batch.
 */
public final class EmberTopNExec extends EmberExec {
    private static final long serialVersionUID = 1L;

    private final int limit;
    private final Seq<SortOrder> sortOrder;
    private final Seq<NamedExpression> projectList;
    private final SparkPlan child;

    public EmberTopNExec(int limit, Seq<SortOrder> sortOrder, Seq<NamedExpression> projectList, SparkPlan child) {
        super(List.of(new Tuple2<>(EmberSortExec.PEAK_MEMORY, "peak memory held (bytes)")));
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        this.limit = limit;
        this.sortOrder = requireNonNull(sortOrder, "sortOrder is null");
        this.projectList = requireNonNull(projectList, "projectList is null");
        this.child = requireNonNull(child, "child is null");
    }

    public int limit() {
        return limit;
    }

    public Seq<SortOrder> sortOrder() {
        return sortOrder;
    }

    public Seq<NamedExpression> projectList() {
        return projectList;
    }

    public SparkPlan child() {
        return child;
    }

    @Override
    public Seq<Attribute> output() {
        return Seqs.attributesOf(projectList);
    }

    @Override
    public Seq<SparkPlan> children() {
        return Seqs.of(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberTopNExec(limit, sortOrder, projectList, newChildren.apply(0));
    }

    @Override
    public Partitioning outputPartitioning() {
        return child.outputPartitioning();
    }

    @Override
    public int productArity() {
        return 4;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> limit;
            case 1 -> sortOrder;
            case 2 -> projectList;
            case 3 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<Attribute> input = Seqs.toList(child.output());
        SortKeys keys = SortKeys.bind(Seqs.toList(sortOrder), input);
        List<Expression> projected = new ArrayList<>();
        for (NamedExpression expression : Seqs.toList(projectList)) {
            projected.add((Expression) expression);
        }
        ExpressionColumns projection = ExpressionColumns.bind(projected, input);
        int rows = limit;
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric peak = metric(EmberSortExec.PEAK_MEMORY);
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new TopNSource(batches, keys, projection, rows, metrics, peak), metrics),
                ColumnarBatch.class);
    }

    /** Keeps the top rows of one partition. */
    private static final class TopNSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final SortKeys keys;
        private final ExpressionColumns projection;
        private final int limit;
        private final OperatorMetrics metrics;
        private final SQLMetric peak;
        private final Device device = Devices.current();
        private final BufferAllocator allocator = EmberMemory.taskAllocator();
        private final MemoryContext memory = new MemoryContext("EmberTopNExec", allocator);
        private List<FieldVector> kept;
        /** The rows of {@code kept}, counted apart from its columns: the input may have rows and no columns. */
        private int keptRows;
        private boolean done;

        TopNSource(Iterator<ColumnarBatch> input, SortKeys keys, ExpressionColumns projection, int limit,
                OperatorMetrics metrics, SQLMetric peak) {
            this.peak = peak;
            this.input = input;
            this.keys = keys;
            this.projection = projection;
            this.limit = limit;
            this.metrics = metrics;
        }

        @Override
        public ColumnarBatch next() {
            if (done) {
                return null;
            }
            done = true;
            while (input.hasNext()) {
                ColumnarBatch batch = input.next();
                if (batch.numRows() == 0 || limit == 0) {
                    continue;
                }
                long start = System.nanoTime();
                merge(ArrowBatches.vectors(batch), batch.numRows());
                metrics.operatorTime().add(System.nanoTime() - start);
            }
            if (kept == null) {
                return null;
            }
            long start = System.nanoTime();
            int rows = keptRows;
            List<FieldVector> out = projection.evaluate(kept, rows, device, allocator);
            metrics.operatorTime().add(System.nanoTime() - start);
            ColumnarBatch result;
            try {
                result = ArrowBatches.toSpark(out, rows);
            } catch (RuntimeException e) {
                ArrowBatches.closeAll(out);
                throw e;
            }
            metrics.produced(rows);
            return result;
        }

        /**
         * Keeps the top rows of what was kept and a new batch of {@code batchRows} rows. The row counts are
         * carried, not read from the first column: the sort keys may be constants or scalar subqueries over
         * a child with no columns ({@code count(*)} over an ordered limit), and the gather then has none.
         */
        private void merge(List<FieldVector> batch, int batchRows) {
            List<FieldVector> candidates = kept == null
                    ? memory.run(() -> shareAll(batch))
                    : memory.run(() -> device.concatenate(List.of(kept, batch), kept, memory.allocator()));
            try {
                int rows = Math.addExact(keptRows, batchRows);
                List<FieldVector> keyColumns = keys.columns().evaluate(candidates, rows, device, memory.allocator());
                List<FieldVector> top;
                int topRows;
                try (IntVector order = memory.run(() -> device.sortIndices(keyColumns, keys.directions(), rows, limit,
                        memory.allocator()))) {
                    top = memory.run(() -> device.gather(candidates, order, memory.allocator()));
                    topRows = order.getValueCount();
                } finally {
                    ArrowBatches.closeAll(keyColumns);
                }
                if (kept != null) {
                    ArrowBatches.closeAll(kept);
                }
                kept = top;
                keptRows = topRows;
            } finally {
                ArrowBatches.closeAll(candidates);
            }
        }

        private List<FieldVector> shareAll(List<FieldVector> vectors) {
            List<FieldVector> shared = new ArrayList<>();
            for (FieldVector vector : vectors) {
                shared.add(ExpressionColumns.share(vector, memory.allocator()));
            }
            return shared;
        }

        @Override
        public void close() {
            peak.add(memory.peakBytes());
            try (MemoryContext context = memory) {
                if (kept != null) {
                    ArrowBatches.closeAll(kept);
                    kept = null;
                }
            }
        }
    }
}
