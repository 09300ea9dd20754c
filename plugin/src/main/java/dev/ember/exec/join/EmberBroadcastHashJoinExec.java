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
import dev.ember.exec.broadcast.EmberBroadcastExchangeExec;
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
import org.apache.spark.sql.execution.joins.HashedRelationWithAllNullKeys$;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code BroadcastHashJoinExec}, the null-aware anti join of {@code NOT IN} included.
 *
 * <p>The build side is an {@link EmberBroadcastExchangeExec}: its batches travel as compressed pieces, and
 * on each executor the first task decodes them into Arrow vectors and builds the device's hash table,
 * which the tasks probing the same broadcast share ({@link BroadcastBuilds}). A broadcast that is still
 * Spark's hashed relation (an exchange reused from a Spark join) is copied into Arrow instead. The
 * stream side is this node's only child: the broadcast is kept out of {@code children} so that Spark
 * does not put a row-to-columnar transition on it.
 */
public final class EmberBroadcastHashJoinExec extends EmberExec {
    private static final long serialVersionUID = 1L;
    static final String BUILD_BYTES = "buildBytes";

    private final Seq<Expression> leftKeys;
    private final Seq<Expression> rightKeys;
    private final JoinType joinType;
    private final BuildSide buildSide;
    private final Option<Expression> condition;
    private final boolean nullAwareAnti;
    private final SparkPlan stream;
    private final SparkPlan broadcast;

    /**
     * @param stream the stream side, an Ember node
     * @param broadcast the build side, Ember's broadcast exchange (or its query stage; Spark's where reused)
     */
    public EmberBroadcastHashJoinExec(Seq<Expression> leftKeys, Seq<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, boolean nullAwareAnti, SparkPlan stream,
            SparkPlan broadcast) {
        super(List.of(new Tuple2<>(BUILD_BYTES, "build side bytes (per executor)")));
        this.leftKeys = requireNonNull(leftKeys, "leftKeys is null");
        this.rightKeys = requireNonNull(rightKeys, "rightKeys is null");
        this.joinType = requireNonNull(joinType, "joinType is null");
        this.buildSide = requireNonNull(buildSide, "buildSide is null");
        this.condition = requireNonNull(condition, "condition is null");
        this.nullAwareAnti = nullAwareAnti;
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
        return new EmberBroadcastHashJoinExec(leftKeys, rightKeys, joinType, buildSide, condition, nullAwareAnti,
                newChildren.apply(0), broadcast);
    }

    /** The build side: the broadcast exchange, its query stage or a reuse of either. */
    public SparkPlan broadcast() {
        return broadcast;
    }

    /** This join over another plan of the same broadcast (a reuse of an equal exchange). */
    public EmberBroadcastHashJoinExec withBroadcast(SparkPlan newBroadcast) {
        EmberBroadcastHashJoinExec join = new EmberBroadcastHashJoinExec(leftKeys, rightKeys, joinType, buildSide,
                condition, nullAwareAnti, stream, newBroadcast);
        join.copyTagsFrom(this);
        return join;
    }

    @Override
    public Partitioning outputPartitioning() {
        return stream.outputPartitioning();
    }

    @Override
    public String simpleString(int maxFields) {
        return super.simpleString(maxFields) + " [build: " + broadcast.nodeName()
                + (EmberBroadcastExchangeExec.isEmber(broadcast) ? " of Ember batches" : " of rows") + "]";
    }

    @Override
    public int productArity() {
        return 8;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> leftKeys;
            case 1 -> rightKeys;
            case 2 -> joinType;
            case 3 -> buildSide;
            case 4 -> condition;
            case 5 -> nullAwareAnti;
            case 6 -> stream;
            case 7 -> broadcast;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        JoinSpec spec = JoinSpec.plan(Seqs.toList(leftKeys), Seqs.toList(rightKeys), joinType, buildSide, condition,
                left(), right(), nullAwareAnti);
        List<DataType> buildTypes = Seqs.typesOf(broadcast.output());
        List<DataType> streamTypes = Seqs.typesOf(stream.output());
        int maxRows = EmberConf.of(SQLConf.get()).get(EmberConf.BATCH_SIZE_ROWS);
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric buildBytes = metric(BUILD_BYTES);
        Broadcast<Object> relation = broadcast.executeBroadcast();
        return Rdds.mapPartitions(stream.executeColumnar(), batches -> {
            if (spec.nullAwareAnti() && relation.value() == HashedRelationWithAllNullKeys$.MODULE$) {
                // NOT IN over a list holding null is never true
                return scala.collection.Iterator$.MODULE$.empty();
            }
            Device device = Devices.current();
            BroadcastBuilds.Lease lease = BroadcastBuilds.acquire(relation, buildTypes, spec, device);
            buildBytes.set(Math.max(buildBytes.value(), lease.bytes()));
            return new BatchIterator(new JoinStream(spec, lease.table(), batches, streamTypes, maxRows, metrics, device,
                    EmberMemory.taskAllocator(), lease), metrics);
        }, ColumnarBatch.class);
    }
}
