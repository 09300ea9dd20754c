package dev.ember.exec.window;

import static java.util.Objects.requireNonNull;

import dev.ember.exec.BatchIterator;
import dev.ember.exec.EmberUnaryExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.AllTuples$;
import org.apache.spark.sql.catalyst.plans.physical.ClusteredDistribution;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.window.WindowGroupLimitMode;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Tuple2;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code WindowGroupLimitExec}, which Spark puts below a window whose rows a filter on
 * {@code row_number}, {@code rank} or {@code dense_rank} (at most a limit) then selects: it keeps only the
 * rows within the limit, before the shuffle ({@code Partial}) and after it ({@code Final}).
 *
 * <p>Same requirements on the child as Spark's node (sorted by partition keys, then order keys; clustered
 * by the partition keys in {@code Final} mode). Per task ({@link GroupLimitSource}) the rows of each
 * finished window partition are ranked by the device ({@code Device.keyChanges}, {@code Device.window}, on
 * the host for a CUDA device with the named reason, as for {@link EmberWindowExec}), {@code rank <= limit}
 * is evaluated and the rows within it gathered ({@code Device.evaluate}, {@code selectTrue},
 * {@code gather}).
 *
 * <p>Memory: like {@link EmberWindowExec}, it holds one window partition's rows at a time (Spark's
 * iterator holds none); a partition that does not fit in Ember's memory limit fails the task with the error
 * naming {@code spark.ember.memory.host.limitBytes}; nothing spills.
 */
public final class EmberWindowGroupLimitExec extends EmberUnaryExec {
    private static final long serialVersionUID = 1L;

    private final Seq<Expression> partitionSpec;
    private final Seq<SortOrder> orderSpec;
    private final Expression rankLikeFunction;
    private final int limit;
    private final WindowGroupLimitMode mode;

    public EmberWindowGroupLimitExec(Seq<Expression> partitionSpec, Seq<SortOrder> orderSpec, Expression rankLikeFunction,
            int limit, WindowGroupLimitMode mode, SparkPlan child) {
        super(child, List.of(new Tuple2<>(EmberWindowExec.PEAK_MEMORY, "peak memory held (bytes)")));
        this.partitionSpec = requireNonNull(partitionSpec, "partitionSpec is null");
        this.orderSpec = requireNonNull(orderSpec, "orderSpec is null");
        this.rankLikeFunction = requireNonNull(rankLikeFunction, "rankLikeFunction is null");
        this.limit = limit;
        this.mode = requireNonNull(mode, "mode is null");
    }

    @Override
    public Seq<Distribution> requiredChildDistribution() {
        if (mode != org.apache.spark.sql.execution.window.Final$.MODULE$) {
            return super.requiredChildDistribution();
        }
        if (partitionSpec.isEmpty()) {
            return Seqs.<Distribution>of(AllTuples$.MODULE$);
        }
        return Seqs.<Distribution>of(new ClusteredDistribution(partitionSpec, false, scala.Option.empty()));
    }

    @Override
    public Seq<Seq<SortOrder>> requiredChildOrdering() {
        return EmberWindowExec.sortedByPartitionThenOrder(partitionSpec, orderSpec);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberWindowGroupLimitExec(partitionSpec, orderSpec, rankLikeFunction, limit, mode,
                newChildren.apply(0));
    }

    @Override
    public int productArity() {
        return 6;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> partitionSpec;
            case 1 -> orderSpec;
            case 2 -> rankLikeFunction;
            case 3 -> limit;
            case 4 -> mode;
            case 5 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        GroupLimit plan = GroupLimit.plan(Seqs.toList(partitionSpec), Seqs.toList(orderSpec), rankLikeFunction, limit,
                Seqs.toList(child.output()));
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric peak = metric(EmberWindowExec.PEAK_MEMORY);
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new GroupLimitSource(batches, plan, metrics, peak), metrics),
                ColumnarBatch.class);
    }
}
