package dev.ember.exec.scan;

import static java.util.Objects.requireNonNull;

import dev.ember.exec.BatchIterator;
import dev.ember.exec.EmberExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import dev.ember.memory.EmberMemory;
import java.util.ArrayList;
import org.apache.arrow.memory.BufferAllocator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Map;
import scala.collection.immutable.Seq;

/**
 * Reads Parquet files into Ember batches, in place of Spark's {@code FileSourceScanExec}.
 *
 * <p>Everything but the last step is Spark's: the wrapped scan lists and prunes the partitions (static
 * filters, and dynamic ones once their subqueries ran), splits the files into Spark's
 * {@code FilePartition}s ({@code spark.sql.files.maxPartitionBytes}), pushes the data filters into the
 * Parquet reader (row groups skipped by their statistics) and decodes the pages with Spark's vectorized
 * reader, partition values included. The wrapped scan's relation is bound to a session that makes that
 * reader keep its vectors off-heap ({@link ParquetReaderSession}), so that this node copies each
 * reader batch into Arrow in bulk ({@link ColumnVectorImport}) before asking for the next one.
 *
 * <p>The node's expressions are the scan's partition and data filters, so Spark prepares and runs
 * their subqueries (dynamic partition pruning) on this node and rewrites them here (subquery reuse); the
 * constructor keeps the wrapped scan's filters the same as the node's. Its metrics are Ember's and the
 * wrapped scan's (files and bytes read, partitions, pruning and metadata time, scan time), so Spark's
 * driver-side updates of the scan show on this node.
 */
public final class EmberParquetScanExec extends EmberExec {
    private static final long serialVersionUID = 1L;

    private final FileSourceScanExec scan;
    private final transient Map<String, SQLMetric> allMetrics;

    /**
     * @param scan the Spark scan, its relation bound to a reader session ({@link ParquetReaderSession})
     * @param partitionFilters the partition filters to apply, normally the scan's own
     * @param dataFilters the data filters to push down, normally the scan's own
     */
    public EmberParquetScanExec(FileSourceScanExec scan, Seq<Expression> partitionFilters, Seq<Expression> dataFilters) {
        super(List.of());
        this.scan = withFilters(requireNonNull(scan, "scan is null"), requireNonNull(partitionFilters,
                "partitionFilters is null"), requireNonNull(dataFilters, "dataFilters is null"));
        List<Tuple2<String, SQLMetric>> merged = new ArrayList<>();
        // the scan's numOutputRows stays unused: Ember's counts this node's rows
        scala.jdk.javaapi.CollectionConverters.asJava(this.scan.metrics()).forEach((name, metric) -> {
            if (!name.equals(OUTPUT_ROWS)) {
                merged.add(new Tuple2<>(name, metric));
            }
        });
        scala.jdk.javaapi.CollectionConverters.asJava(super.metrics()).forEach(
                (name, metric) -> merged.add(new Tuple2<>(name, metric)));
        this.allMetrics = scala.collection.immutable.Map$.MODULE$.from(
                scala.jdk.javaapi.CollectionConverters.asScala(merged));
    }

    public FileSourceScanExec scan() {
        return scan;
    }

    @Override
    public Map<String, SQLMetric> metrics() {
        return allMetrics;
    }

    @Override
    public Seq<Attribute> output() {
        return scan.output();
    }

    @Override
    public AttributeSet producedAttributes() {
        return scan.producedAttributes();
    }

    @Override
    public Partitioning outputPartitioning() {
        return scan.outputPartitioning();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return scan.outputOrdering();
    }

    @Override
    public Seq<SparkPlan> children() {
        return Seqs.of();
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return this;
    }

    @Override
    public int productArity() {
        return 3;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> scan;
            case 1 -> scan.partitionFilters();
            case 2 -> scan.dataFilters();
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    /** Spark's canonical scan inside, so that equal scans with other expression ids are reused. */
    @Override
    public SparkPlan doCanonicalize() {
        FileSourceScanExec canonical = (FileSourceScanExec) scan.canonicalized();
        return new EmberParquetScanExec(canonical, canonical.partitionFilters(), canonical.dataFilters());
    }

    @Override
    public String simpleString(int maxFields) {
        return nodeName() + " " + scan.simpleString(maxFields);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public RDD<ColumnarBatch> doExecuteColumnar() {
        // Spark's planning: the selected partitions, the file splits, the reader; posts the driver metrics
        RDD<InternalRow> files = scan.inputRDD();
        List<DataType> types = Seqs.typesOf(output());
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric scanTime = allMetrics.get("scanTime").getOrElse(() -> new SQLMetric("timing", 0));
        String table = scan.tableIdentifier().isDefined() ? scan.tableIdentifier().get().unquotedString()
                : scan.relation().location().rootPaths().mkString(", ");
        return Rdds.mapPartitions((RDD<Object>) (RDD) files,
                batches -> new BatchIterator(new ImportSource(batches, types, metrics, scanTime, table), metrics),
                ColumnarBatch.class);
    }

    /** The scan with these filters: itself when they are its own, else a copy of it. */
    private static FileSourceScanExec withFilters(FileSourceScanExec scan, Seq<Expression> partitionFilters,
            Seq<Expression> dataFilters) {
        if (scan.partitionFilters() == partitionFilters && scan.dataFilters() == dataFilters) {
            return scan;
        }
        return (FileSourceScanExec) ScanArguments.replace(scan, java.util.Map.of("partitionFilters", partitionFilters,
                "dataFilters", dataFilters));
    }

    /** Imports the reader's batches of one partition; the reader closes its files when the task ends. */
    private static final class ImportSource implements BatchIterator.Source {
        private final Iterator<Object> input;
        private final List<DataType> types;
        private final OperatorMetrics metrics;
        private final SQLMetric scanTime;
        private final String table;
        private final BufferAllocator allocator;
        private long scanNanos;
        private long reportedMillis;

        ImportSource(Iterator<Object> input, List<DataType> types, OperatorMetrics metrics, SQLMetric scanTime,
                String table) {
            this.input = input;
            this.types = types;
            this.metrics = metrics;
            this.scanTime = scanTime;
            this.table = table;
            // taken now, not at the first batch: the task closes its allocator after this iterator
            this.allocator = EmberMemory.taskAllocator();
        }

        @Override
        public ColumnarBatch next() {
            while (true) {
                long start = System.nanoTime();
                Object next;
                try {
                    // the reader decodes in hasNext; Spark reports this as the scan's time
                    next = input.hasNext() ? input.next() : null;
                } finally {
                    scanNanos += System.nanoTime() - start;
                    long millis = TimeUnit.NANOSECONDS.toMillis(scanNanos);
                    scanTime.add(millis - reportedMillis);
                    reportedMillis = millis;
                }
                if (next == null) {
                    return null;
                }
                if (!(next instanceof ColumnarBatch sparkBatch)) {
                    throw new IllegalStateException("Spark's Parquet reader returned rows, not column batches, for "
                            + table + "; please report this plan (set spark.ember.exec.FileSourceScanExec.enabled"
                            + "=false to go on)");
                }
                if (sparkBatch.numRows() == 0) {
                    continue;
                }
                long importStart = System.nanoTime();
                ColumnarBatch batch = ColumnVectorImport.toArrow(sparkBatch, types, allocator);
                metrics.operatorTime().add(System.nanoTime() - importStart);
                metrics.produced(batch.numRows());
                return batch;
            }
        }

        @Override
        public void close() {
            // nothing held between batches; Spark's file reader closes with the task
        }
    }
}
