package dev.ember.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.EmberExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import dev.ember.exec.spill.ExternalSort;
import dev.ember.exec.spill.SpillMetrics;
import dev.ember.exec.spill.SpillSettings;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Tuple2;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code HashAggregateExec} and {@code SortAggregateExec} in every mode: Partial,
 * PartialMerge, Final and Complete, mixed as Spark mixes them in its COUNT(DISTINCT) plans.
 *
 * <p>Per partition: the device's group-by primitive folds every input batch into per-group state (null
 * is a key value like any other); at the end the state becomes Spark's buffer columns (Partial,
 * PartialMerge, so Spark or Ember can finish the aggregation) or the functions' results, over which the
 * result expressions are evaluated. Without grouping keys there is exactly one output row, also for an
 * empty partition, as in Spark. Groups that outgrow their share of Ember's memory limit are spilled to
 * disk by key hash and merged part by part ({@link HashAggregation}; metrics {@code spillBytes} and
 * {@code spillPartitions}); with {@code spark.ember.aggregate.spill.enabled=false} the task fails with an
 * error naming the setting to raise.
 *
 * <p>Rows are aggregated in the order the child produces them, batch after batch, so {@code first} and
 * {@code last} pick the rows Spark picks from the same input; see {@code dev.ember.catalog.FirstLastOrder} for the
 * sort-based plans that stay in Spark. Output groups come in the order Spark's operator emits them, as an
 * order-sensitive aggregation above (the merge steps of a COUNT(DISTINCT) plan) may depend on it: in order
 * of first appearance in place of a {@code HashAggregateExec} (Spark's hash map iterates in insertion
 * order; a spilled aggregation emits them part by part instead, see {@link HashAggregation}), in key order
 * in place of a {@code SortAggregateExec}.
 *
 * <p>Floating sums add in input order within a partition; the order partitions are merged in can change
 * the last bits of a double sum or average compared with Spark (as it can between two Spark runs).
 */
public final class EmberHashAggregateExec extends EmberExec {
    private static final long serialVersionUID = 1L;
    static final String PEAK_MEMORY = "peakMemoryBytes";
    static final String GROUPS = "numGroups";

    private final Seq<NamedExpression> groupingExpressions;
    private final Seq<AggregateExpression> aggregateExpressions;
    private final Seq<Attribute> aggregateAttributes;
    private final Seq<NamedExpression> resultExpressions;
    private final SparkPlan child;
    private final boolean keyOrder;

    /**
     * @param keyOrder whether output groups come in ascending key order, nulls first, as from Spark's
     *     {@code SortAggregateExec} that this node replaces (a {@code first}/{@code last} above may depend on
     *     that order); otherwise groups come in the order their keys first appeared, as from Spark's
     *     {@code HashAggregateExec}
     */
    public EmberHashAggregateExec(Seq<NamedExpression> groupingExpressions, Seq<AggregateExpression> aggregateExpressions,
            Seq<Attribute> aggregateAttributes, Seq<NamedExpression> resultExpressions, SparkPlan child,
            boolean keyOrder) {
        super(List.of(new Tuple2<>(PEAK_MEMORY, "peak memory held (bytes)"), new Tuple2<>(GROUPS, "number of groups"),
                new Tuple2<>(SpillMetrics.BYTES, "bytes spilled to disk"),
                new Tuple2<>(SpillMetrics.PARTITIONS, "spill parts written")));
        this.groupingExpressions = requireNonNull(groupingExpressions, "groupingExpressions is null");
        this.aggregateExpressions = requireNonNull(aggregateExpressions, "aggregateExpressions is null");
        this.aggregateAttributes = requireNonNull(aggregateAttributes, "aggregateAttributes is null");
        this.resultExpressions = requireNonNull(resultExpressions, "resultExpressions is null");
        this.child = requireNonNull(child, "child is null");
        this.keyOrder = keyOrder;
    }

    /** Whether Ember can run an aggregation with these parts over {@code childOutput}; see the rules. */
    public static dev.ember.expr.SupportLevel support(Seq<NamedExpression> grouping,
            Seq<AggregateExpression> aggregates, Seq<Attribute> aggregateAttributes, Seq<NamedExpression> results,
            Seq<Attribute> childOutput, dev.ember.expr.ExpressionCompiler compiler) {
        return AggregatePlan.support(Seqs.toList(grouping), Seqs.toList(aggregates), Seqs.toList(aggregateAttributes),
                Seqs.toList(results), Seqs.toList(childOutput), compiler);
    }

    public SparkPlan child() {
        return child;
    }

    @Override
    public Seq<Attribute> output() {
        return Seqs.attributesOf(resultExpressions);
    }

    @Override
    public Seq<SparkPlan> children() {
        return Seqs.of(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberHashAggregateExec(groupingExpressions, aggregateExpressions, aggregateAttributes,
                resultExpressions, newChildren.apply(0), keyOrder);
    }

    @Override
    public Partitioning outputPartitioning() {
        Partitioning partitioning = child.outputPartitioning();
        // grouping keeps the clustering on the grouping keys when they pass through; anything else is unknown
        return groupingExpressions.isEmpty() ? new UnknownPartitioning(partitioning.numPartitions()) : partitioning;
    }

    @Override
    public int productArity() {
        return 6;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> groupingExpressions;
            case 1 -> aggregateExpressions;
            case 2 -> aggregateAttributes;
            case 3 -> resultExpressions;
            case 4 -> child;
            case 5 -> keyOrder;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        // Spark's generated code for a hash aggregation without keys sums wide decimals exactly (the sort-based
        // one keeps them exact too, but its rule leaves such sums in Spark)
        boolean exactWideSums = groupingExpressions.isEmpty() && !keyOrder
                && ExactDecimalSums.sparkGeneratesCode(Seqs.toList(aggregateExpressions),
                        Seqs.toList(resultExpressions), schema(), child.schema());
        AggregatePlan plan = AggregatePlan.plan(Seqs.toList(groupingExpressions), Seqs.toList(aggregateExpressions),
                Seqs.toList(aggregateAttributes), Seqs.toList(resultExpressions), Seqs.toList(child.output()),
                exactWideSums);
        EmberConf conf = EmberConf.of(SQLConf.get());
        int maxRows = conf.get(EmberConf.BATCH_SIZE_ROWS);
        SpillSettings settings = SpillSettings.ofAggregate(conf);
        ExternalSort.Settings sortSettings = ExternalSort.Settings.of(conf);
        OperatorMetrics metrics = operatorMetrics();
        SQLMetric peak = metric(PEAK_MEMORY);
        SQLMetric groups = metric(GROUPS);
        SpillMetrics spillMetrics = new SpillMetrics(metric(SpillMetrics.BYTES), metric(SpillMetrics.PARTITIONS));
        boolean inKeyOrder = keyOrder;
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new HashAggregation(batches, plan, inKeyOrder, maxRows, settings,
                        sortSettings, metrics, peak, groups, spillMetrics), metrics),
                ColumnarBatch.class);
    }
}
