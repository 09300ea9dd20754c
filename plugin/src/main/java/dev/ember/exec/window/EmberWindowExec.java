package dev.ember.exec.window;

import static java.util.Objects.requireNonNull;

import dev.ember.exec.BatchIterator;
import dev.ember.exec.EmberUnaryExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Ascending$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.SortOrder$;
import org.apache.spark.sql.catalyst.plans.physical.AllTuples$;
import org.apache.spark.sql.catalyst.plans.physical.ClusteredDistribution;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Tuple2;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code WindowExec}: ranking functions ({@code row_number}, {@code rank},
 * {@code dense_rank}) and aggregates ({@code sum}, {@code avg}, {@code count}, {@code min}, {@code max})
 * over window frames; which frames is {@link WindowPlan}'s to say.
 *
 * <p>It keeps Spark's requirements on its child: rows clustered by the partition keys (all rows in one
 * partition without keys) and sorted by partition keys, then order keys; Spark's planner puts the
 * exchange and the sort below it (Ember's, where they run on Ember). Over those sorted rows
 * ({@link WindowSource}) the device finds where window partitions and peer groups start by comparing each
 * row's keys with the previous row's ({@code Device.keyChanges}) and computes every function per
 * partition ({@code Device.window}); aggregate results are finished by the hash aggregation's own code,
 * so types, nulls, NaN and decimal overflow are Spark's.
 *
 * <p>Where the work runs: both window primitives are host code. {@code HostDevice} runs them as Java;
 * {@code CudaDevice} has no kernels for them yet and runs the {@code HostDevice}'s over the same
 * unified-memory buffers, with the named reason explain output shows ({@code CudaDevice.HOST_REASONS}),
 * counted in the node's "primitive calls on the host" metric. The concatenation, gathers and expression
 * evaluation around them are the device's own primitives.
 *
 * <p>Memory: the operator holds at most one window partition's rows plus the rest of the batch that
 * finished it (a partition may span any number of batches). A partition that does not fit in Ember's
 * memory limit fails the task with the error naming {@code spark.ember.memory.host.limitBytes} and
 * {@code spark.sql.shuffle.partitions} ({@code MemoryContext.LimitExceededException}); nothing spills.
 * Output rows keep the input order; the output is one batch per run of finished partitions.
 */
public final class EmberWindowExec extends EmberUnaryExec {
    private static final long serialVersionUID = 1L;
    static final String PEAK_MEMORY = "peakMemoryBytes";

    private final Seq<NamedExpression> windowExpression;
    private final Seq<Expression> partitionSpec;
    private final Seq<SortOrder> orderSpec;

    public EmberWindowExec(Seq<NamedExpression> windowExpression, Seq<Expression> partitionSpec,
            Seq<SortOrder> orderSpec, SparkPlan child) {
        super(child, List.of(new Tuple2<>(PEAK_MEMORY, "peak memory held (bytes)")));
        this.windowExpression = requireNonNull(windowExpression, "windowExpression is null");
        this.partitionSpec = requireNonNull(partitionSpec, "partitionSpec is null");
        this.orderSpec = requireNonNull(orderSpec, "orderSpec is null");
    }

    public Seq<NamedExpression> windowExpression() {
        return windowExpression;
    }

    public Seq<Expression> partitionSpec() {
        return partitionSpec;
    }

    public Seq<SortOrder> orderSpec() {
        return orderSpec;
    }

    @Override
    public Seq<Attribute> output() {
        List<Attribute> output = new ArrayList<>(Seqs.toList(child.output()));
        for (NamedExpression expression : Seqs.toList(windowExpression)) {
            output.add(expression.toAttribute());
        }
        return Seqs.from(output);
    }

    /** As Spark's window: all rows of a window partition in one task. */
    @Override
    public Seq<Distribution> requiredChildDistribution() {
        if (partitionSpec.isEmpty()) {
            return Seqs.<Distribution>of(AllTuples$.MODULE$);
        }
        return Seqs.<Distribution>of(new ClusteredDistribution(partitionSpec, false, scala.Option.empty()));
    }

    /** As Spark's window: sorted by the partition keys, then the order keys. */
    @Override
    public Seq<Seq<SortOrder>> requiredChildOrdering() {
        return sortedByPartitionThenOrder(partitionSpec, orderSpec);
    }

    /** The child ordering Spark's window nodes require: partition keys ascending, then the order keys. */
    static Seq<Seq<SortOrder>> sortedByPartitionThenOrder(Seq<Expression> partitionSpec, Seq<SortOrder> orderSpec) {
        List<SortOrder> ordering = new ArrayList<>();
        for (Expression key : Seqs.toList(partitionSpec)) {
            ordering.add(SortOrder$.MODULE$.apply(key, Ascending$.MODULE$, Seqs.<Expression>of()));
        }
        ordering.addAll(Seqs.toList(orderSpec));
        return Seqs.<Seq<SortOrder>>of(Seqs.from(ordering));
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberWindowExec(windowExpression, partitionSpec, orderSpec, newChildren.apply(0));
    }

    @Override
    public int productArity() {
        return 4;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> windowExpression;
            case 1 -> partitionSpec;
            case 2 -> orderSpec;
            case 3 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        WindowPlan plan = WindowPlan.plan(Seqs.toList(windowExpression), Seqs.toList(partitionSpec),
                Seqs.toList(orderSpec), Seqs.toList(child.output()));
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric peak = metric(PEAK_MEMORY);
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new WindowSource(batches, plan, metrics, peak), metrics),
                ColumnarBatch.class);
    }
}
