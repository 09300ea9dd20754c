package dev.ember.exec.exchange;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.exec.EmberExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import dev.ember.exec.TraitValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.FutureAction;
import org.apache.spark.MapOutputStatistics;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.ShufflePartitionSpec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec$;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeLike;
import org.apache.spark.sql.execution.exchange.ShuffleOrigin;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.execution.metric.SQLShuffleReadMetricsReporter$;
import org.apache.spark.sql.execution.metric.SQLShuffleWriteMetricsReporter$;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Map;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Replaces Spark's {@code ShuffleExchangeExec} for hash, single, round-robin and range partitioning: the map
 * side routes and splits Ember batches on the device and writes them as {@link BatchBlobs} pieces
 * through Spark's own sort shuffle manager (Spark's codec compresses them); the reduce side decodes
 * them into Arrow batches. No rows are made on either side.
 *
 * <p>It is a {@link ShuffleExchangeLike}, so adaptive execution treats it as Spark's exchange: query
 * stages with map-output statistics, coalesced and skew-split reads ({@code AQEShuffleReadExec} reads
 * it columnar through {@link #getShuffleRDD}), exchange reuse, and runtime statistics for join
 * selection (the row count is rows, not records).
 *
 * <p>The trait's state (its job promise, its cancellation flag) is implemented here as Scala would
 * generate it: Java sees a trait's lazy values as default methods that would recompute on every call.
 */
public final class EmberShuffleExchangeExec extends Exchange implements ShuffleExchangeLike {
    private static final long serialVersionUID = 1L;

    public static final String DATA_SIZE = "dataSize";
    public static final String PARTITIONS = "numPartitions";
    public static final String ROWS_WRITTEN = "rowsWritten";
    public static final String SERIALIZATION_TIME = "serializationTime";
    public static final String DESERIALIZATION_TIME = "deserializationTime";

    private final Partitioning outputPartitioning;
    private final SparkPlan child;
    private final ShuffleOrigin shuffleOrigin;
    private final Option<Object> advisoryPartitionSize;

    private final transient Map<String, SQLMetric> readMetrics;
    private final transient Map<String, SQLMetric> writeMetrics;
    private final transient Map<String, SQLMetric> metrics;

    private transient ShuffleDependency<Object, Object, Object> shuffleDependency;
    private transient RDD<ColumnarBatch> inputRdd;
    private transient Future<MapOutputStatistics> mapOutputStatistics;
    // ShuffleExchangeLike's fields
    private transient AtomicReference<Option<FutureAction<MapOutputStatistics>>> futureAction;
    private transient boolean cancelled;
    private transient Promise<MapOutputStatistics> promise;
    private transient Future<MapOutputStatistics> completionFuture;
    private transient java.util.concurrent.Future<Object> triggerFuture;

    public EmberShuffleExchangeExec(Partitioning outputPartitioning, SparkPlan child, ShuffleOrigin shuffleOrigin,
            Option<Object> advisoryPartitionSize) {
        this.outputPartitioning = requireNonNull(outputPartitioning, "outputPartitioning is null");
        this.child = requireNonNull(child, "child is null");
        this.shuffleOrigin = requireNonNull(shuffleOrigin, "shuffleOrigin is null");
        this.advisoryPartitionSize = requireNonNull(advisoryPartitionSize, "advisoryPartitionSize is null");
        ShuffleExchangeLike.$init$(this);
        SparkContext context = sparkContextOrNull();
        List<Tuple2<String, SQLMetric>> created = new ArrayList<>();
        if (context != null) {
            readMetrics = SQLShuffleReadMetricsReporter$.MODULE$.createShuffleReadMetrics(context);
            writeMetrics = SQLShuffleWriteMetricsReporter$.MODULE$.createShuffleWriteMetrics(context);
            created.add(new Tuple2<>(DATA_SIZE, SQLMetrics.createSizeMetric(context, "data size", -1)));
            created.add(new Tuple2<>(PARTITIONS, SQLMetrics.createMetric(context, "number of partitions")));
            created.add(new Tuple2<>(ROWS_WRITTEN, SQLMetrics.createMetric(context, "shuffle rows written")));
            created.add(new Tuple2<>(SERIALIZATION_TIME,
                    SQLMetrics.createNanoTimingMetric(context, "serialization time", -1)));
            created.add(new Tuple2<>(DESERIALIZATION_TIME,
                    SQLMetrics.createNanoTimingMetric(context, "deserialization time", -1)));
            created.add(new Tuple2<>(EmberExec.OUTPUT_ROWS, SQLMetrics.createMetric(context, "number of output rows")));
            created.add(new Tuple2<>(EmberExec.OUTPUT_BATCHES,
                    SQLMetrics.createMetric(context, "number of output batches")));
            created.add(new Tuple2<>(EmberExec.OPERATOR_TIME,
                    SQLMetrics.createNanoTimingMetric(context, "operator time", -1)));
            created.add(new Tuple2<>(EmberExec.KERNEL_LAUNCHES,
                    SQLMetrics.createMetric(context, "number of kernel launches")));
            created.add(new Tuple2<>(EmberExec.KERNEL_TIME,
                    SQLMetrics.createNanoTimingMetric(context, "kernel time", 0)));
            created.add(new Tuple2<>(EmberExec.HOST_PRIMITIVE_CALLS,
                    SQLMetrics.createMetric(context, EmberExec.HOST_PRIMITIVE_CALLS_NAME)));
        } else {
            readMetrics = scala.collection.immutable.Map$.MODULE$.empty();
            writeMetrics = scala.collection.immutable.Map$.MODULE$.empty();
        }
        Map<String, SQLMetric> own = scala.collection.immutable.Map$.MODULE$.from(
                scala.jdk.javaapi.CollectionConverters.asScala(created));
        Map<String, SQLMetric> all = own;
        for (Map<String, SQLMetric> more : List.of(readMetrics, writeMetrics)) {
            all = (Map<String, SQLMetric>) all.$plus$plus(more);
        }
        this.metrics = all;
    }

    /** Whether Ember's exchange writes this kind of partitioning: hash, single, round robin or range. */
    public static boolean writes(Partitioning partitioning) {
        return ShuffleRouting.kindOf(partitioning) != null;
    }

    /** The expressions a hash partitioning hashes; empty for the other kinds. */
    public static List<org.apache.spark.sql.catalyst.expressions.Expression> hashKeys(Partitioning partitioning) {
        return ShuffleRouting.keysOf(partitioning);
    }

    private SparkContext sparkContextOrNull() {
        if (session() != null) {
            return session().sparkContext();
        }
        Option<SparkContext> active = org.apache.spark.SparkContext$.MODULE$.getActive();
        return active.isDefined() ? active.get() : null;
    }

    @Override
    public String nodeName() {
        return "EmberShuffleExchange";
    }

    @Override
    public SparkPlan child() {
        return child;
    }

    @Override
    public Partitioning outputPartitioning() {
        return outputPartitioning;
    }

    @Override
    public ShuffleOrigin shuffleOrigin() {
        return shuffleOrigin;
    }

    @Override
    public Option<Object> advisoryPartitionSize() {
        return advisoryPartitionSize;
    }

    @Override
    public Map<String, SQLMetric> metrics() {
        return metrics;
    }

    private SQLMetric metric(String name) {
        Option<SQLMetric> found = metrics.get(name);
        return found.isDefined() ? found.get() : new SQLMetric("sum", 0);
    }

    @Override
    public boolean supportsColumnar() {
        return true;
    }

    @Override
    public SparkPlan withNewChildInternal(SparkPlan newChild) {
        return new EmberShuffleExchangeExec(outputPartitioning, newChild, shuffleOrigin, advisoryPartitionSize);
    }

    // ---- the shuffle

    /** The map side's input; computed once. */
    private synchronized RDD<ColumnarBatch> inputRdd() {
        if (inputRdd == null) {
            inputRdd = child.executeColumnar();
        }
        return inputRdd;
    }

    /** The dependency every read of this exchange shares, so that the map stage runs once. */
    public synchronized ShuffleDependency<Object, Object, Object> shuffleDependency() {
        if (shuffleDependency == null) {
            List<Attribute> input = Seqs.toList(child.output());
            ShuffleRouting routing = ShuffleRouting.bind(outputPartitioning, input, inputRdd());
            OperatorMetrics operator = operatorMetrics();
            ShuffleWrite.Metrics writeSide = new ShuffleWrite.Metrics(metric(DATA_SIZE), metric(ROWS_WRITTEN),
                    metric(SERIALIZATION_TIME), operator);
            RDD<scala.Product2<Object, Object>> records = Rdds.mapPartitions(inputRdd(),
                    new ShuffleWrite(routing, writeSide), productClass());
            ClassTag<Object> objects = ClassTag$.MODULE$.Object();
            shuffleDependency = new ShuffleDependency<>(records, new PartitionIds(routing.partitions()),
                    new BatchBlobSerializer(), Option.empty(), Option.empty(), false,
                    ShuffleExchangeExec$.MODULE$.createShuffleWriteProcessor(writeMetrics), objects, objects,
                    objects);
            metric(PARTITIONS).set(routing.partitions());
            String executionId = sparkContext().getLocalProperty(SQLExecution.EXECUTION_ID_KEY());
            SQLMetrics.postDriverMetricUpdates(sparkContext(), executionId,
                    scala.jdk.javaapi.CollectionConverters.asScala(List.of(metric(PARTITIONS))).toSeq());
        }
        return shuffleDependency;
    }

    @SuppressWarnings("unchecked")
    private static Class<scala.Product2<Object, Object>> productClass() {
        return (Class<scala.Product2<Object, Object>>) (Class<?>) scala.Product2.class;
    }

    private OperatorMetrics operatorMetrics() {
        return new OperatorMetrics(getClass().getSimpleName(), metric(EmberExec.OUTPUT_ROWS), metric(EmberExec.OUTPUT_BATCHES),
                metric(EmberExec.OPERATOR_TIME), metric(EmberExec.KERNEL_LAUNCHES), metric(EmberExec.KERNEL_TIME),
                metric(EmberExec.HOST_PRIMITIVE_CALLS));
    }

    private ShuffledBatchRDD read(ShufflePartitionSpec[] specs) {
        EmberConf conf = EmberConf.of(SQLConf.get());
        ShuffleRead.Settings settings = new ShuffleRead.Settings(conf.get(EmberConf.BATCH_SIZE_ROWS),
                conf.get(EmberConf.BATCH_SIZE_BYTES), metric(DESERIALIZATION_TIME));
        return new ShuffledBatchRDD(shuffleDependency(), specs, readMetrics, Seqs.typesOf(child.output()), settings,
                operatorMetrics());
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        return read(ShuffledBatchRDD.wholeReducers(numPartitions()));
    }

    @Override
    public RDD<InternalRow> doExecute() {
        return Rdds.mapPartitions(executeColumnar(), new ToRows(Seqs.typesOf(child.output())), InternalRow.class);
    }

    @Override
    public RDD<?> getShuffleRDD(ShufflePartitionSpec[] partitionSpecs) {
        return read(partitionSpecs);
    }

    @Override
    public synchronized Future<MapOutputStatistics> mapOutputStatisticsFuture() {
        if (mapOutputStatistics == null) {
            mapOutputStatistics = inputRdd().getNumPartitions() == 0
                    ? scala.concurrent.Future$.MODULE$.successful(null)
                    : sparkContext().submitMapStage(shuffleDependency());
        }
        return mapOutputStatistics;
    }

    @Override
    public int numMappers() {
        return shuffleDependency().rdd().getNumPartitions();
    }

    /** The reducers: range partitioning may have fewer than asked for (as many as its sample allows). */
    @Override
    public int numPartitions() {
        return shuffleDependency().partitioner().numPartitions();
    }

    @Override
    public int shuffleId() {
        return shuffleDependency().shuffleId();
    }

    /** Spark's data size (the uncompressed bytes of the pieces) and the rows, not the records, written. */
    @Override
    public Statistics runtimeStatistics() {
        long dataSize = metric(DATA_SIZE).value();
        long rows = metric(ROWS_WRITTEN).value();
        return new Statistics(scala.math.BigInt$.MODULE$.apply(dataSize),
                Option.apply(scala.math.BigInt$.MODULE$.apply(rows)),
                org.apache.spark.sql.catalyst.expressions.AttributeMap$.MODULE$.empty(), false);
    }

    // ---- ShuffleExchangeLike's state, as scalac would generate it for a Scala subclass

    @Override
    public void org$apache$spark$sql$execution$exchange$ShuffleExchangeLike$_setter_$futureAction_$eq(
            AtomicReference<Option<FutureAction<MapOutputStatistics>>> value) {
        futureAction = value;
    }

    @Override
    public AtomicReference<Option<FutureAction<MapOutputStatistics>>> futureAction() {
        return futureAction;
    }

    @Override
    public boolean org$apache$spark$sql$execution$exchange$ShuffleExchangeLike$$isCancelled() {
        return cancelled;
    }

    @Override
    public void org$apache$spark$sql$execution$exchange$ShuffleExchangeLike$$isCancelled_$eq(boolean value) {
        cancelled = value;
    }

    @Override
    public synchronized Promise<MapOutputStatistics> org$apache$spark$sql$execution$exchange$ShuffleExchangeLike$$promise() {
        if (promise == null) {
            promise = traitValue("promise");
        }
        return promise;
    }

    @Override
    public synchronized Future<MapOutputStatistics>
            org$apache$spark$sql$execution$exchange$ShuffleExchangeLike$$completionFuture() {
        if (completionFuture == null) {
            completionFuture = traitValue("completionFuture");
        }
        return completionFuture;
    }

    @Override
    public synchronized java.util.concurrent.Future<Object>
            org$apache$spark$sql$execution$exchange$ShuffleExchangeLike$$triggerFuture() {
        if (triggerFuture == null) {
            triggerFuture = traitValue("triggerFuture");
        }
        return triggerFuture;
    }

    /** The initial value of one of the trait's private lazy values (see {@link TraitValues}). */
    private <T> T traitValue(String name) {
        return TraitValues.initial(ShuffleExchangeLike.class, this, name, "Ember's exchange");
    }

    // ---- a product of its constructor arguments, as Spark copies plan nodes

    @Override
    public int productArity() {
        return 4;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> outputPartitioning;
            case 1 -> child;
            case 2 -> shuffleOrigin;
            case 3 -> advisoryPartitionSize;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof EmberShuffleExchangeExec;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof EmberShuffleExchangeExec that)) {
            return false;
        }
        return outputPartitioning.equals(that.outputPartitioning) && child.equals(that.child)
                && shuffleOrigin.equals(that.shuffleOrigin)
                && advisoryPartitionSize.equals(that.advisoryPartitionSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), outputPartitioning, child, shuffleOrigin, advisoryPartitionSize);
    }

    /** Rows for a Spark caller of {@code execute()}: each row copied, as the batches are closed after use. */
    private static final class ToRows implements Rdds.PartitionFunction<ColumnarBatch, InternalRow> {
        private static final long serialVersionUID = 1L;
        private final DataType[] types;

        ToRows(List<DataType> types) {
            this.types = types.toArray(new DataType[0]);
        }

        @Override
        public scala.collection.Iterator<InternalRow> apply(scala.collection.Iterator<ColumnarBatch> batches) {
            UnsafeProjection projection = UnsafeProjection.create(types);
            java.util.Iterator<InternalRow> rows = new java.util.Iterator<>() {
                private java.util.Iterator<InternalRow> current = java.util.Collections.emptyIterator();

                @Override
                public boolean hasNext() {
                    while (!current.hasNext() && batches.hasNext()) {
                        current = batches.next().rowIterator();
                    }
                    return current.hasNext();
                }

                @Override
                public InternalRow next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException("no more rows");
                    }
                    return projection.apply(current.next()).copy();
                }
            };
            return scala.jdk.javaapi.CollectionConverters.asScala(rows);
        }
    }
}
