package dev.ember.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import dev.ember.device.Devices;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.EmberExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Seqs;
import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.SpillSettings;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.arrow.vector.FieldVector;
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
            return new BatchIterator(open(spec, setup, settings, build, stream), setup.metrics());
        });
    }

    /**
     * Reads the build side; joins in memory when it fits, else (with spilling enabled) hands everything to a
     * {@link GraceHashJoin}. Without spilling, a build side that cannot fit fails with the clear error.
     */
    private static BatchIterator.Source open(JoinSpec spec, JoinSetup setup, SpillSettings settings,
            Iterator<ColumnarBatch> build, Iterator<ColumnarBatch> stream) {
        Device device = Devices.current();
        BufferAllocator allocator = EmberMemory.taskAllocator();
        MemoryContext memory = new MemoryContext("EmberShuffledHashJoinExec", allocator);
        HeldRows held = new HeldRows(memory);
        BuildBudget budget = BuildBudget.ofExecutor();
        boolean handedOver = false;
        try {
            boolean mustSpill = collect(held, build, settings, budget, memory);
            if (!mustSpill) {
                try {
                    JoinStream joined = joinInMemory(spec, setup, held, stream, device, allocator, memory);
                    handedOver = true;
                    return joined;
                } catch (MemoryContext.LimitExceededException e) {
                    if (!settings.enabled()) {
                        throw e;
                    }
                    // the held rows are intact: spill them instead
                }
            }
            handedOver = true;
            GraceHashJoin.Context context = new GraceHashJoin.Context(spec, setup, settings, budget, device,
                    allocator, memory);
            return GraceHashJoin.start(context, held, build, stream);
        } finally {
            if (!handedOver) {
                try (MemoryContext context = memory) {
                    held.close();
                }
            }
        }
    }

    /**
     * Shares build batches into {@code held} until the input ends (returns false) or, with spilling
     * enabled, the held rows outgrow their share of the memory limit (returns true; the rest of the input
     * is left unread).
     */
    private static boolean collect(HeldRows held, Iterator<ColumnarBatch> build, SpillSettings settings,
            BuildBudget budget, MemoryContext memory) {
        while (build.hasNext()) {
            ColumnarBatch batch = build.next();
            if (batch.numRows() == 0) {
                continue;
            }
            held.add(batch);
            long bytes = held.bytes();
            if (settings.enabled() && budget.shouldSpill(bytes, memory)) {
                return true;
            }
            if (!settings.enabled() && budget.cannotBuild(bytes, memory)) {
                throw new MemoryContext.LimitExceededException(memory.limitExceeded(bytes, null).getMessage()
                        + " The build side alone holds " + bytes + " bytes in " + held.rowCount() + " rows so far;"
                        + " set " + EmberConf.JOIN_SPILL_ENABLED.key() + "=true to let the join spill to disk"
                        + " instead.", null);
            }
        }
        return false;
    }

    private static JoinStream joinInMemory(JoinSpec spec, JoinSetup setup, HeldRows held,
            Iterator<ColumnarBatch> stream, Device device, BufferAllocator allocator, MemoryContext memory) {
        long start = System.nanoTime();
        List<FieldVector> columns = held.concatenate(setup.buildTypes(), device);
        int rowCount = (int) held.rowCount();
        // the held rows stay with the caller until the join owns them: a failure below may still spill them
        BuildTable side = memory.run(() -> BuildTable.build(columns, rowCount, () -> { }, spec.buildKeys(), device,
                memory.allocator()));
        try {
            memory.setHeapBytes(side.tableBytes());
        } catch (RuntimeException e) {
            side.close();
            throw e;
        }
        setup.buildRows().add(side.rowCount());
        setup.metrics().operatorTime().add(System.nanoTime() - start);
        return new JoinStream(spec, side, stream, setup.streamTypes(), setup.maxRows(), setup.metrics(), device,
                allocator, () -> {
                    setup.peak().add(memory.peakBytes());
                    try (MemoryContext context = memory; HeldRows rows = held) {
                        side.close();
                    }
                });
    }
}
