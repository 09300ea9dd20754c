package dev.ember.exec.sort;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.exec.EmberUnaryExec;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code SortExec}: sorts each partition (a global sort's partitions arrive range
 * partitioned, so sorting each one sorts the whole).
 *
 * <p>Per partition: every input batch is buffered and concatenated in the operator's memory context,
 * the device computes the sorted order of the key columns (stable: equal keys keep input order), and
 * the rows are gathered in that order into batches of {@code spark.ember.batchSizeRows}. Spark's
 * ordering: NaN above every number, -0.0 equal to 0.0, nulls first or last as requested. A partition
 * larger than Ember's memory limit fails with an error naming the setting to raise.
 */
public final class EmberSortExec extends EmberUnaryExec {
    private static final long serialVersionUID = 1L;
    static final String PEAK_MEMORY = "peakMemoryBytes";

    private final Seq<SortOrder> sortOrder;
    private final boolean global;

    public EmberSortExec(Seq<SortOrder> sortOrder, boolean global, SparkPlan child) {
        super(child, List.of(new Tuple2<>(PEAK_MEMORY, "peak memory held (bytes)")));
        this.sortOrder = requireNonNull(sortOrder, "sortOrder is null");
        this.global = global;
    }

    public Seq<SortOrder> sortOrder() {
        return sortOrder;
    }

    public boolean global() {
        return global;
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberSortExec(sortOrder, global, newChildren.apply(0));
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return sortOrder;
    }

    @Override
    public int productArity() {
        return 3;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> sortOrder;
            case 1 -> global;
            case 2 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<Attribute> input = Seqs.toList(child.output());
        SortKeys keys = SortKeys.bind(Seqs.toList(sortOrder), input);
        List<DataType> types = new ArrayList<>();
        input.forEach(attribute -> types.add(attribute.dataType()));
        int maxRows = EmberConf.of(SQLConf.get()).get(EmberConf.BATCH_SIZE_ROWS);
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric peak = metric(PEAK_MEMORY);
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new SortSource(batches, keys, types, maxRows, metrics, peak), metrics),
                ColumnarBatch.class);
    }

    /** Sorts the batches of one partition. */
    private static final class SortSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final SortKeys keys;
        private final List<DataType> types;
        private final int maxRows;
        private final OperatorMetrics metrics;
        private final SQLMetric peak;
        private final Device device = Devices.current();
        private final BufferAllocator allocator = EmberMemory.taskAllocator();
        private final MemoryContext memory = new MemoryContext("EmberSortExec", allocator);
        private BufferedInput buffered;
        private IntVector order;
        private SortedOutput output;

        SortSource(Iterator<ColumnarBatch> input, SortKeys keys, List<DataType> types, int maxRows,
                OperatorMetrics metrics, SQLMetric peak) {
            this.input = input;
            this.keys = keys;
            this.types = types;
            this.maxRows = maxRows;
            this.metrics = metrics;
            this.peak = peak;
        }

        @Override
        public ColumnarBatch next() {
            if (output == null) {
                buffered = BufferedInput.collect(input, types, device, memory);
                long start = System.nanoTime();
                List<FieldVector> keyColumns = keys.columns().evaluate(buffered.columns(), buffered.rowCount(),
                        device, memory.allocator());
                try {
                    order = memory.run(() -> device.sortIndices(keyColumns, keys.directions(), buffered.rowCount(),
                            -1, memory.allocator()));
                } finally {
                    keyColumns.forEach(FieldVector::close);
                }
                output = new SortedOutput(buffered.columns(), order, maxRows);
                metrics.operatorTime().add(System.nanoTime() - start);
            }
            long start = System.nanoTime();
            ColumnarBatch batch = output.next(device, allocator);
            metrics.operatorTime().add(System.nanoTime() - start);
            if (batch != null) {
                metrics.produced(batch.numRows());
            }
            return batch;
        }

        @Override
        public void close() {
            peak.add(memory.peakBytes());
            try (MemoryContext context = memory) {
                if (order != null) {
                    order.close();
                }
                if (buffered != null) {
                    buffered.close();
                }
            }
        }
    }
}
