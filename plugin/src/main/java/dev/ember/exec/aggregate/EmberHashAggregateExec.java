package dev.ember.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.EmberExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.errors.QueryExecutionErrors;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code HashAggregateExec} and {@code SortAggregateExec} in every mode: Partial,
 * PartialMerge, Final and Complete, mixed as Spark mixes them in its COUNT(DISTINCT) plans.
 *
 * <p>Per partition: the device's group-by primitive folds every input batch into per-group state (null
 * is a key value like any other); at the end the state becomes Spark's buffer columns (Partial,
 * PartialMerge, so Spark or Ember can finish the aggregation) or the functions' results, over which the
 * result expressions are evaluated. Without grouping keys there is exactly one output row, also for an
 * empty partition, as in Spark. The state must fit in Ember's memory limit, or the task fails with an
 * error naming the setting to raise.
 *
 * <p>Rows are aggregated in the order the child produces them, batch after batch, so {@code first} and
 * {@code last} pick the rows Spark picks from the same input; see {@link FirstLastOrder} for the
 * sort-based plans that stay in Spark. Output groups come in the order Spark's operator emits them, as an
 * order-sensitive aggregation above (the merge steps of a COUNT(DISTINCT) plan) may depend on it: in order
 * of first appearance in place of a {@code HashAggregateExec} (Spark's hash map iterates in insertion
 * order), in key order in place of a {@code SortAggregateExec}.
 *
 * <p>Floating sums add in input order within a partition; the order partitions are merged in can change
 * the last bits of a double sum or average compared with Spark (as it can between two Spark runs).
 */
public final class EmberHashAggregateExec extends EmberExec {
    private static final long serialVersionUID = 1L;
    static final String PEAK_MEMORY = "peakMemoryBytes";
    static final String GROUPS = "numGroups";

    private final Seq<NamedExpression> groupingExpressions;
    private final Seq<AggregateExpression> aggregateExpressions;
    private final Seq<Attribute> aggregateAttributes;
    private final Seq<NamedExpression> resultExpressions;
    private final SparkPlan child;
    private final boolean keyOrder;

    /**
     * @param keyOrder whether output groups come in ascending key order, nulls first, as from Spark's
     *     {@code SortAggregateExec} that this node replaces (a {@code first}/{@code last} above may depend on
     *     that order); otherwise groups come in the order their keys first appeared, as from Spark's
     *     {@code HashAggregateExec}
     */
    public EmberHashAggregateExec(Seq<NamedExpression> groupingExpressions, Seq<AggregateExpression> aggregateExpressions,
            Seq<Attribute> aggregateAttributes, Seq<NamedExpression> resultExpressions, SparkPlan child,
            boolean keyOrder) {
        super(List.of(new Tuple2<>(PEAK_MEMORY, "peak memory held (bytes)"), new Tuple2<>(GROUPS, "number of groups")));
        this.groupingExpressions = requireNonNull(groupingExpressions, "groupingExpressions is null");
        this.aggregateExpressions = requireNonNull(aggregateExpressions, "aggregateExpressions is null");
        this.aggregateAttributes = requireNonNull(aggregateAttributes, "aggregateAttributes is null");
        this.resultExpressions = requireNonNull(resultExpressions, "resultExpressions is null");
        this.child = requireNonNull(child, "child is null");
        this.keyOrder = keyOrder;
    }

    /** Whether Ember can run an aggregation with these parts over {@code childOutput}; see the rules. */
    public static dev.ember.catalog.SupportLevel support(Seq<NamedExpression> grouping,
            Seq<AggregateExpression> aggregates, Seq<Attribute> aggregateAttributes, Seq<NamedExpression> results,
            Seq<Attribute> childOutput, dev.ember.expr.ExpressionCompiler compiler) {
        return AggregatePlan.support(Seqs.toList(grouping), Seqs.toList(aggregates), Seqs.toList(aggregateAttributes),
                Seqs.toList(results), Seqs.toList(childOutput), compiler);
    }

    public SparkPlan child() {
        return child;
    }

    @Override
    public Seq<Attribute> output() {
        return Seqs.attributesOf(resultExpressions);
    }

    @Override
    public Seq<SparkPlan> children() {
        return Seqs.of(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberHashAggregateExec(groupingExpressions, aggregateExpressions, aggregateAttributes,
                resultExpressions, newChildren.apply(0), keyOrder);
    }

    @Override
    public Partitioning outputPartitioning() {
        Partitioning partitioning = child.outputPartitioning();
        // grouping keeps the clustering on the grouping keys when they pass through; anything else is unknown
        return groupingExpressions.isEmpty() ? new UnknownPartitioning(partitioning.numPartitions()) : partitioning;
    }

    @Override
    public int productArity() {
        return 6;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> groupingExpressions;
            case 1 -> aggregateExpressions;
            case 2 -> aggregateAttributes;
            case 3 -> resultExpressions;
            case 4 -> child;
            case 5 -> keyOrder;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        AggregatePlan plan = AggregatePlan.plan(Seqs.toList(groupingExpressions), Seqs.toList(aggregateExpressions),
                Seqs.toList(aggregateAttributes), Seqs.toList(resultExpressions), Seqs.toList(child.output()));
        int maxRows = EmberConf.of(SQLConf.get()).get(EmberConf.BATCH_SIZE_ROWS);
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric peak = metric(PEAK_MEMORY);
        SQLMetric groups = metric(GROUPS);
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new AggregateSource(batches, plan, keyOrder, maxRows, metrics, peak,
                        groups), metrics),
                ColumnarBatch.class);
    }

    /** Aggregates the batches of one partition. */
    private static final class AggregateSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final AggregatePlan plan;
        private final boolean keyOrder;
        private final int maxRows;
        private final OperatorMetrics metrics;
        private final SQLMetric peak;
        private final SQLMetric groupMetric;
        private final Device device = Devices.current();
        private final BufferAllocator allocator = EmberMemory.taskAllocator();
        private final MemoryContext memory = new MemoryContext("EmberHashAggregateExec", allocator);
        private Device.GroupBy groupBy;
        private List<FieldVector> result;
        private int resultRows;
        private int nextRow;

        AggregateSource(Iterator<ColumnarBatch> input, AggregatePlan plan, boolean keyOrder, int maxRows,
                OperatorMetrics metrics, SQLMetric peak, SQLMetric groupMetric) {
            this.input = input;
            this.plan = plan;
            this.keyOrder = keyOrder;
            this.maxRows = maxRows;
            this.metrics = metrics;
            this.peak = peak;
            this.groupMetric = groupMetric;
        }

        @Override
        public ColumnarBatch next() {
            if (result == null) {
                aggregateAll();
            }
            if (nextRow >= resultRows) {
                return null;
            }
            int count = Math.min(maxRows, resultRows - nextRow);
            List<FieldVector> out = new ArrayList<>(result.size());
            try {
                for (FieldVector vector : result) {
                    if (count == resultRows) {
                        out.add(ExpressionColumns.share(vector, allocator));
                    } else {
                        out.add(ArrowBatches.slice(vector, nextRow, count, allocator));
                    }
                }
                nextRow += count;
                ColumnarBatch batch = ArrowBatches.toSpark(out, count);
                metrics.produced(count);
                return batch;
            } catch (RuntimeException e) {
                ArrowBatches.closeAll(out);
                throw e;
            }
        }

        private void aggregateAll() {
            groupBy = memory.run(() -> device.newGroupBy(plan.keyTypes(), plan.operations(), memory.allocator()));
            while (input.hasNext()) {
                ColumnarBatch batch = input.next();
                if (batch.numRows() == 0) {
                    continue;
                }
                long start = System.nanoTime();
                add(ArrowBatches.vectors(batch), batch.numRows());
                metrics.operatorTime().add(System.nanoTime() - start);
            }
            long start = System.nanoTime();
            int groups = groupBy.groupCount();
            groupMetric.add(groups);
            List<FieldVector> columns = new ArrayList<>(memory.run(() -> groupBy.keys(memory.allocator())));
            try {
                columns.addAll(memory.run(() -> AggregateOutput.columns(plan, groupBy, groups, memory.allocator())));
                if (keyOrder && groups > 1 && !plan.keyTypes().isEmpty()) {
                    List<FieldVector> sorted = memory.run(() -> inKeyOrder(columns, groups));
                    ArrowBatches.closeAll(columns);
                    columns.clear();
                    columns.addAll(sorted);
                }
                result = plan.results() == null ? columns : plan.results().evaluate(columns, groups, device,
                        memory.allocator());
            } finally {
                if (result != columns) {
                    ArrowBatches.closeAll(columns);
                }
            }
            resultRows = groups;
            groupBy.close();
            groupBy = null;
            metrics.operatorTime().add(System.nanoTime() - start);
        }

        /** The group columns (keys first) in ascending key order, nulls first: a sort aggregation's order. */
        private List<FieldVector> inKeyOrder(List<FieldVector> columns, int groups) {
            int keyCount = plan.keyTypes().size();
            List<Device.SortKey> orders = new ArrayList<>(keyCount);
            for (int i = 0; i < keyCount; i++) {
                orders.add(new Device.SortKey(true, true));
            }
            try (IntVector order = device.sortIndices(columns.subList(0, keyCount), orders, groups, -1,
                    memory.allocator())) {
                return device.gather(columns, order, memory.allocator());
            }
        }

        private void add(List<FieldVector> columns, int rows) {
            List<FieldVector> keys = plan.keys().evaluate(columns, rows, device, memory.allocator());
            List<FieldVector> inputs = new ArrayList<>();
            BitVector notEmpty = null;
            try {
                inputs.addAll(plan.inputs().evaluate(columns, rows, device, memory.allocator()));
                List<List<FieldVector>> operationInputs = new ArrayList<>();
                for (int[] indexes : plan.operationInputs()) {
                    List<FieldVector> in = new ArrayList<>(indexes.length);
                    for (int index : indexes) {
                        if (index < 0) {
                            notEmpty = notEmpty != null ? notEmpty : allFalse(rows);
                            in.add(notEmpty);
                        } else {
                            in.add(inputs.get(index));
                        }
                    }
                    operationInputs.add(in);
                }
                try {
                    groupBy.add(keys, operationInputs, rows);
                } catch (ArithmeticException e) {
                    throw QueryExecutionErrors.arithmeticOverflowError(e.getMessage(), "try_add", null);
                }
                memory.setHeapBytes(groupBy.heapBytes());
            } catch (org.apache.arrow.memory.OutOfMemoryException e) {
                throw memory.limitExceeded(0, e);
            } finally {
                ArrowBatches.closeAll(keys);
                ArrowBatches.closeAll(inputs);
                if (notEmpty != null) {
                    notEmpty.close();
                }
            }
        }

        private BitVector allFalse(int rows) {
            BitVector flags = new BitVector("isEmpty", memory.allocator());
            flags.allocateNew(Math.max(rows, 1));
            for (int row = 0; row < rows; row++) {
                flags.set(row, 0);
            }
            flags.setValueCount(rows);
            return flags;
        }

        @Override
        public void close() {
            peak.add(memory.peakBytes());
            try (MemoryContext context = memory) {
                if (groupBy != null) {
                    groupBy.close();
                }
                if (result != null) {
                    ArrowBatches.closeAll(result);
                    result = null;
                }
            }
        }
    }
}
