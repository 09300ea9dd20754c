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
import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.ExternalSort;
import dev.ember.exec.spill.SpillFiles;
import dev.ember.exec.spill.SpillMetrics;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code SortExec}: sorts each partition (a global sort's partitions arrive range
 * partitioned, so sorting each one sorts the whole).
 *
 * <p>Per partition: every input batch is held in the operator's memory context, the device computes the
 * sorted order of the key columns (stable: equal keys keep input order), and the rows are gathered in that
 * order into batches of {@code spark.ember.batchSizeRows}. Spark's ordering: NaN above every number, -0.0
 * equal to 0.0, nulls first or last as requested. A partition larger than its share of Ember's memory limit
 * is sorted externally ({@link ExternalSort}: sorted runs spilled to Spark's local directories, merged
 * stably; metrics {@code spillBytes} and {@code spillPartitions}); with
 * {@code spark.ember.sort.spill.enabled=false} it fails with an error naming the setting to raise.
 */
public final class EmberSortExec extends EmberUnaryExec {
    private static final long serialVersionUID = 1L;
    static final String PEAK_MEMORY = "peakMemoryBytes";

    private final Seq<SortOrder> sortOrder;
    private final boolean global;

    public EmberSortExec(Seq<SortOrder> sortOrder, boolean global, SparkPlan child) {
        super(child, List.of(new Tuple2<>(PEAK_MEMORY, "peak memory held (bytes)"),
                new Tuple2<>(SpillMetrics.BYTES, "bytes spilled to disk"),
                new Tuple2<>(SpillMetrics.PARTITIONS, "sorted runs spilled")));
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
        EmberConf conf = EmberConf.of(SQLConf.get());
        int maxRows = conf.get(EmberConf.BATCH_SIZE_ROWS);
        ExternalSort.Settings settings = ExternalSort.Settings.of(conf);
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric peak = metric(PEAK_MEMORY);
        SpillMetrics spillMetrics = new SpillMetrics(metric(SpillMetrics.BYTES), metric(SpillMetrics.PARTITIONS));
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new SortSource(batches, keys, settings, maxRows, metrics, peak,
                        spillMetrics), metrics),
                ColumnarBatch.class);
    }

    /** Sorts the batches of one partition. */
    private static final class SortSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final OperatorMetrics metrics;
        private final SQLMetric peak;
        private final BufferAllocator allocator = EmberMemory.taskAllocator();
        private final MemoryContext memory = new MemoryContext("EmberSortExec", allocator);
        // made in the task's thread: the memory manager may ask the sort to spill from another task's thread
        private final SpillFiles files = SpillFiles.forTask();
        private final ExternalSort sort;
        private boolean sorted;

        SortSource(Iterator<ColumnarBatch> input, SortKeys keys, ExternalSort.Settings settings,
                int maxRows, OperatorMetrics metrics, SQLMetric peak, SpillMetrics spillMetrics) {
            this.input = input;
            this.metrics = metrics;
            this.peak = peak;
            Device device = Devices.current();
            this.sort = new ExternalSort("EmberSortExec", (columns, rows, target) -> keys.columns().evaluate(columns,
                    rows, device, target), keys.directions(), settings, maxRows, BuildBudget.ofExecutor(),
                    device, memory, files, spillMetrics);
        }

        @Override
        public ColumnarBatch next() {
            if (!sorted) {
                while (input.hasNext()) {
                    ColumnarBatch batch = input.next();
                    long start = System.nanoTime();
                    sort.add(batch);
                    metrics.operatorTime().add(System.nanoTime() - start);
                }
                long start = System.nanoTime();
                sort.finish();
                sorted = true;
                metrics.operatorTime().add(System.nanoTime() - start);
            }
            long start = System.nanoTime();
            ColumnarBatch batch = sort.next(allocator);
            metrics.operatorTime().add(System.nanoTime() - start);
            if (batch != null) {
                metrics.produced(batch.numRows());
            }
            return batch;
        }

        @Override
        public void close() {
            peak.add(memory.peakBytes());
            try (SpillFiles spillFiles = files; MemoryContext context = memory) {
                sort.close();
            }
        }
    }
}
