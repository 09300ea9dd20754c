package dev.ember.exec.exchange;

import dev.ember.exec.BatchIterator;
import dev.ember.exec.OperatorMetrics;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.MapOutputTrackerMaster;
import org.apache.spark.Partition;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.shuffle.ShuffleReader;
import org.apache.spark.shuffle.sort.SortShuffleManager;
import org.apache.spark.sql.execution.CoalescedMapperPartitionSpec;
import org.apache.spark.sql.execution.CoalescedPartitionSpec;
import org.apache.spark.sql.execution.PartialMapperPartitionSpec;
import org.apache.spark.sql.execution.PartialReducerPartitionSpec;
import org.apache.spark.sql.execution.ShufflePartitionSpec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLShuffleReadMetricsReporter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Product2;
import scala.collection.Iterator;
import scala.collection.immutable.Map;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag$;

/**
 * The reduce side of Ember's exchange: one partition per {@link ShufflePartitionSpec}, as Spark's
 * {@code ShuffledRowRDD} has them (whole reducers, coalesced reducer ranges, and the map ranges of
 * adaptive execution's skew splits and local reads), read through Spark's shuffle manager and decoded
 * into Arrow batches by {@link ShuffleRead}.
 */
final class ShuffledBatchRDD extends RDD<ColumnarBatch> {
    private static final long serialVersionUID = 1L;

    private ShuffleDependency<Object, Object, Object> dependency;
    private final ShufflePartitionSpec[] specs;
    private final Map<String, SQLMetric> readMetrics;
    private final List<DataType> types;
    private final ShuffleRead.Settings settings;
    private final OperatorMetrics metrics;

    ShuffledBatchRDD(ShuffleDependency<Object, Object, Object> dependency, ShufflePartitionSpec[] specs,
            Map<String, SQLMetric> readMetrics, List<DataType> types, ShuffleRead.Settings settings,
            OperatorMetrics metrics) {
        super(dependency.rdd().context(), dependencies(dependency), ClassTag$.MODULE$.apply(ColumnarBatch.class));
        this.dependency = dependency;
        this.specs = specs.clone();
        this.readMetrics = readMetrics;
        this.types = List.copyOf(types);
        this.settings = settings;
        this.metrics = metrics;
        dependency.rdd().context().setLocalProperty(SortShuffleManager.FETCH_SHUFFLE_BLOCKS_IN_BATCH_ENABLED_KEY(),
                Boolean.toString(SQLConf.get().fetchShuffleBlocksInBatch()));
    }

    /** Every reducer as one partition. */
    static ShufflePartitionSpec[] wholeReducers(int reducers) {
        ShufflePartitionSpec[] specs = new ShufflePartitionSpec[reducers];
        for (int i = 0; i < reducers; i++) {
            specs[i] = new CoalescedPartitionSpec(i, i + 1, scala.Option.empty());
        }
        return specs;
    }

    private static Seq<Dependency<?>> dependencies(ShuffleDependency<Object, Object, Object> dependency) {
        return scala.jdk.javaapi.CollectionConverters.asScala(List.<Dependency<?>>of(dependency)).toList();
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] partitions = new Partition[specs.length];
        for (int i = 0; i < specs.length; i++) {
            partitions[i] = new SpecPartition(i, specs[i]);
        }
        return partitions;
    }

    @Override
    public Seq<String> getPreferredLocations(Partition partition) {
        if (!(SparkEnv.get().mapOutputTracker() instanceof MapOutputTrackerMaster tracker)) {
            return scala.collection.immutable.List$.MODULE$.empty();
        }
        ShufflePartitionSpec spec = ((SpecPartition) partition).spec;
        if (spec instanceof CoalescedPartitionSpec coalesced) {
            List<String> hosts = new java.util.ArrayList<>();
            for (int reducer = coalesced.startReducerIndex(); reducer < coalesced.endReducerIndex(); reducer++) {
                hosts.addAll(scala.jdk.javaapi.CollectionConverters.asJava(
                        tracker.getPreferredLocationsForShuffle(dependency, reducer)));
            }
            return scala.jdk.javaapi.CollectionConverters.asScala(hosts).toList();
        }
        int[] maps = mapRange(spec);
        return tracker.getMapLocation(dependency, maps[0], maps[1]);
    }

    @Override
    public Iterator<ColumnarBatch> compute(Partition split, TaskContext context) {
        ShufflePartitionSpec spec = ((SpecPartition) split).spec;
        SQLShuffleReadMetricsReporter reporter = new SQLShuffleReadMetricsReporter(
                context.taskMetrics().createTempShuffleReadMetrics(), readMetrics);
        int[] maps = mapRange(spec);
        int[] reducers = reducerRange(spec);
        ShuffleReader<Object, Object> reader = SparkEnv.get().shuffleManager().getReader(dependency.shuffleHandle(),
                maps[0], maps[1], reducers[0], reducers[1], context, reporter);
        Iterator<Product2<Object, Object>> records = reader.read();
        return new BatchIterator(new ShuffleRead(records, types, settings, metrics), metrics);
    }

    @Override
    public void clearDependencies() {
        super.clearDependencies();
        dependency = null;
    }

    /** The map outputs a spec reads, [start, end). */
    private static int[] mapRange(ShufflePartitionSpec spec) {
        if (spec instanceof CoalescedPartitionSpec) {
            return new int[] {0, Integer.MAX_VALUE};
        } else if (spec instanceof PartialReducerPartitionSpec partial) {
            return new int[] {partial.startMapIndex(), partial.endMapIndex()};
        } else if (spec instanceof PartialMapperPartitionSpec partial) {
            return new int[] {partial.mapIndex(), partial.mapIndex() + 1};
        } else if (spec instanceof CoalescedMapperPartitionSpec coalesced) {
            return new int[] {coalesced.startMapIndex(), coalesced.endMapIndex()};
        }
        throw new IllegalArgumentException("Ember's exchange cannot read a " + spec.getClass().getSimpleName());
    }

    /** The reducers a spec reads, [start, end). */
    private static int[] reducerRange(ShufflePartitionSpec spec) {
        if (spec instanceof CoalescedPartitionSpec coalesced) {
            return new int[] {coalesced.startReducerIndex(), coalesced.endReducerIndex()};
        } else if (spec instanceof PartialReducerPartitionSpec partial) {
            return new int[] {partial.reducerIndex(), partial.reducerIndex() + 1};
        } else if (spec instanceof PartialMapperPartitionSpec partial) {
            return new int[] {partial.startReducerIndex(), partial.endReducerIndex()};
        } else if (spec instanceof CoalescedMapperPartitionSpec coalesced) {
            return new int[] {0, coalesced.numReducers()};
        }
        throw new IllegalArgumentException("Ember's exchange cannot read a " + spec.getClass().getSimpleName());
    }

    private static final class SpecPartition implements Partition {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final ShufflePartitionSpec spec;

        SpecPartition(int index, ShufflePartitionSpec spec) {
            this.index = index;
            this.spec = spec;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public int hashCode() {
            return index;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SpecPartition that && that.index == index;
        }
    }
}
