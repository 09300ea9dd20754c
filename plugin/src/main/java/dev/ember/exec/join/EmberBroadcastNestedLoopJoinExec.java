package dev.ember.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.EmberExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import dev.ember.memory.EmberMemory;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code BroadcastNestedLoopJoinExec} where the preserved side (if any) is the stream side:
 * inner and cross joins with either build side, and with the right side broadcast the left outer, left
 * semi, left anti and existence joins; with the left side broadcast the right outer join. Each stream batch
 * is compared with every broadcast row in steps of bounded size ({@link NestedLoopJoin}).
 *
 * <p>The build side is Spark's own broadcast of rows ({@code IdentityBroadcastMode}); on each executor the
 * first task copies its rows into Arrow columns that the tasks share ({@link BroadcastRows}). Like
 * {@link EmberBroadcastHashJoinExec}, the stream side is this node's only child, so that Spark puts no
 * row-to-columnar transition on the broadcast.
 */
public final class EmberBroadcastNestedLoopJoinExec extends EmberExec {
    private static final long serialVersionUID = 1L;
    static final String BUILD_BYTES = "buildBytes";

    private final JoinType joinType;
    private final BuildSide buildSide;
    private final Option<Expression> condition;
    private final SparkPlan stream;
    private final SparkPlan broadcast;

    /**
     * @param stream the stream side, an Ember node
     * @param broadcast the build side: Spark's broadcast exchange of rows, its query stage or a reuse of either
     */
    public EmberBroadcastNestedLoopJoinExec(JoinType joinType, BuildSide buildSide, Option<Expression> condition,
            SparkPlan stream, SparkPlan broadcast) {
        super(List.of(new Tuple2<>(BUILD_BYTES, "build side bytes (per executor)")));
        this.joinType = requireNonNull(joinType, "joinType is null");
        this.buildSide = requireNonNull(buildSide, "buildSide is null");
        this.condition = requireNonNull(condition, "condition is null");
        this.stream = requireNonNull(stream, "stream is null");
        this.broadcast = requireNonNull(broadcast, "broadcast is null");
    }

    private boolean buildLeft() {
        return buildSide == BuildLeft$.MODULE$;
    }

    private SparkPlan left() {
        return buildLeft() ? broadcast : stream;
    }

    private SparkPlan right() {
        return buildLeft() ? stream : broadcast;
    }

    @Override
    public Seq<Attribute> output() {
        return Seqs.from(JoinOutput.attributes(joinType, left(), right()));
    }

    @Override
    public Seq<SparkPlan> children() {
        return Seqs.of(stream);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberBroadcastNestedLoopJoinExec(joinType, buildSide, condition, newChildren.apply(0), broadcast);
    }

    /** The build side: Spark's broadcast exchange, its query stage or a reuse of either. */
    public SparkPlan broadcast() {
        return broadcast;
    }

    /** Every supported join type preserves the stream side only, so its partitioning carries over. */
    @Override
    public Partitioning outputPartitioning() {
        return stream.outputPartitioning();
    }

    @Override
    public String simpleString(int maxFields) {
        return super.simpleString(maxFields) + " [build: " + broadcast.nodeName() + " of rows]";
    }

    @Override
    public int productArity() {
        return 5;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> joinType;
            case 1 -> buildSide;
            case 2 -> condition;
            case 3 -> stream;
            case 4 -> broadcast;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        JoinSpec spec = JoinSpec.plan(List.of(), List.of(), joinType, buildSide, condition, left(), right(), false);
        List<DataType> buildTypes = Seqs.typesOf(broadcast.output());
        int maxRows = EmberConf.of(SQLConf.get()).get(EmberConf.BATCH_SIZE_ROWS);
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric buildBytes = metric(BUILD_BYTES);
        Broadcast<Object> relation = broadcast.executeBroadcast();
        return Rdds.mapPartitions(stream.executeColumnar(), batches -> {
            Device device = Devices.current();
            BroadcastRows.Lease lease = BroadcastRows.acquire(relation, buildTypes);
            buildBytes.set(Math.max(buildBytes.value(), lease.bytes()));
            NestedLoopJoin join;
            try {
                join = new NestedLoopJoin(spec, lease, batches, maxRows, metrics, device, EmberMemory.taskAllocator());
            } catch (RuntimeException e) {
                lease.close();
                throw e;
            }
            return new BatchIterator(join, metrics);
        }, ColumnarBatch.class);
    }
}
