package dev.ember.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.device.selection.Devices;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.EmberExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Seqs;
import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.SpillSettings;
import dev.ember.memory.EmberMemory;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code ShuffledHashJoinExec}, and its {@code SortMergeJoinExec} when
 * {@code spark.ember.replaceSortMergeJoin} is true: both sides arrive partitioned on the keys; per
 * partition the build side is read whole (any number of batches), indexed by the device's hash table
 * build and probed with the stream side's batches (see {@link JoinStream} for the join types).
 *
 * <p>Memory: while the build side arrives it is held in the task's memory context. When it outgrows its
 * share of Ember's memory limit (see {@link BuildBudget}), the join splits both sides by key hash into
 * parts spilled to Spark's local directories and joins them part by part ({@link GraceHashJoin}); the
 * metrics {@code spillBytes} and {@code spillPartitions} then show it. With
 * {@code spark.ember.join.spill.enabled=false} such a task fails instead, with an error naming
 * {@code spark.ember.memory.host.limitBytes}.
 */
public final class EmberShuffledHashJoinExec extends EmberExec {
    private static final long serialVersionUID = 1L;
    static final String PEAK_MEMORY = "peakMemoryBytes";
    static final String BUILD_ROWS = "numBuildRows";
    static final String SPILL_BYTES = "spillBytes";
    static final String SPILL_PARTITIONS = "spillPartitions";

    private final Seq<Expression> leftKeys;
    private final Seq<Expression> rightKeys;
    private final JoinType joinType;
    private final BuildSide buildSide;
    private final Option<Expression> condition;
    private final SparkPlan left;
    private final SparkPlan right;

    public EmberShuffledHashJoinExec(Seq<Expression> leftKeys, Seq<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, SparkPlan left, SparkPlan right) {
        super(List.of(new Tuple2<>(PEAK_MEMORY, "peak memory held (bytes)"),
                new Tuple2<>(BUILD_ROWS, "number of build rows"),
                new Tuple2<>(SPILL_BYTES, "bytes spilled to disk"),
                new Tuple2<>(SPILL_PARTITIONS, "spill parts written")));
        this.leftKeys = requireNonNull(leftKeys, "leftKeys is null");
        this.rightKeys = requireNonNull(rightKeys, "rightKeys is null");
        this.joinType = requireNonNull(joinType, "joinType is null");
        this.buildSide = requireNonNull(buildSide, "buildSide is null");
        this.condition = requireNonNull(condition, "condition is null");
        this.left = requireNonNull(left, "left is null");
        this.right = requireNonNull(right, "right is null");
    }

    public SparkPlan left() {
        return left;
    }

    public SparkPlan right() {
        return right;
    }

    @Override
    public Seq<Attribute> output() {
        return Seqs.from(JoinOutput.attributes(joinType, left, right));
    }

    @Override
    public Seq<SparkPlan> children() {
        return Seqs.of(left, right);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberShuffledHashJoinExec(leftKeys, rightKeys, joinType, buildSide, condition, newChildren.apply(0),
                newChildren.apply(1));
    }

    @Override
    public Partitioning outputPartitioning() {
        return JoinOutput.shuffledPartitioning(JoinSpec.kindOf(joinType), left, right);
    }

    @Override
    public int productArity() {
        return 7;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> leftKeys;
            case 1 -> rightKeys;
            case 2 -> joinType;
            case 3 -> buildSide;
            case 4 -> condition;
            case 5 -> left;
            case 6 -> right;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        JoinSpec spec = JoinSpec.plan(Seqs.toList(leftKeys), Seqs.toList(rightKeys), joinType, buildSide, condition,
                left, right, false);
        SparkPlan buildPlan = spec.buildLeft() ? left : right;
        SparkPlan streamPlan = spec.buildLeft() ? right : left;
        EmberConf conf = EmberConf.of(SQLConf.get());
        JoinSetup setup = new JoinSetup(Seqs.typesOf(buildPlan.output()), Seqs.typesOf(streamPlan.output()),
                conf.get(EmberConf.BATCH_SIZE_ROWS), operatorMetrics(), metric(PEAK_MEMORY), metric(BUILD_ROWS),
                metric(SPILL_BYTES), metric(SPILL_PARTITIONS));
        SpillSettings settings = SpillSettings.ofJoin(conf);
        boolean buildLeft = spec.buildLeft();
        return ZipPartitions.zip(left.executeColumnar(), right.executeColumnar(), (leftBatches, rightBatches) -> {
            Iterator<ColumnarBatch> build = buildLeft ? leftBatches : rightBatches;
            Iterator<ColumnarBatch> stream = buildLeft ? rightBatches : leftBatches;
            return new BatchIterator(ShuffledHashJoin.open(spec, setup, settings, build, stream, Devices.current(),
                    EmberMemory.taskAllocator(), BuildBudget.ofExecutor()), setup.metrics());
        });
    }
}
