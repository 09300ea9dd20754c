package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.exec.exchange.EmberBatchSources;
import dev.ember.exec.exchange.EmberShuffleExchangeExec;
import java.util.List;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.RoundRobinPartitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.internal.SQLConf;

/**
 * {@code ShuffleExchangeExec} → {@link EmberShuffleExchangeExec} for hash, single, round-robin and range
 * partitioning, when its input comes from Ember (or a columnar Spark reader): over a row-based Spark
 * input Spark's own exchange moves the rows without a conversion on either side.
 */
public final class ShuffleExchangeRule extends ExecRule<ShuffleExchangeExec> {

    public ShuffleExchangeRule() {
        super(ShuffleExchangeExec.class, "EmberShuffleExchangeExec", "hash (bit-identical to Spark's Murmur3"
                + " partitioning), single, round-robin and range partitioning (bounds sampled by Spark's own range"
                + " partitioner), columnar through Spark's own sort shuffle and codec, with adaptive execution's"
                + " coalescing, skew splits, local reads and exchange reuse; round robin with"
                + " spark.sql.execution.sortBeforeRepartition=true and exchanges over row-based Spark input stay in"
                + " Spark");
    }

    /** Spark's {@code ShuffleExchangeExec} calls itself {@code Exchange}. */
    @Override
    public String planNodeName() {
        return "Exchange";
    }

    /** Adaptive execution's shuffle read above the exchange reads Ember's blocks columnar. */
    @Override
    public List<String> carriedNodes() {
        return List.of("AQEShuffleRead");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.HASH_PARTITION, Primitive.SPLIT_BY_PARTITION, Primitive.CONCATENATE);
    }

    @Override
    protected SupportLevel supportOf(ShuffleExchangeExec plan, PlanContext context) {
        Partitioning partitioning = plan.outputPartitioning();
        if (!EmberShuffleExchangeExec.writes(partitioning)) {
            return SupportLevel.unsupported(partitioning.getClass().getSimpleName().replace("$", "")
                    + " stays in Spark: Ember's exchange writes hash, single, round-robin and range partitioning");
        }
        if (partitioning instanceof RoundRobinPartitioning && partitioning.numPartitions() > 1
                && SQLConf.get().sortBeforeRepartition()) {
            return SupportLevel.unsupported("round-robin repartitioning stays in Spark while"
                    + " spark.sql.execution.sortBeforeRepartition=true: Spark sorts the rows first so that a retried"
                    + " task sends each row where the first attempt did, and Ember's exchange does not sort them");
        }
        return ExpressionColumns.support(EmberShuffleExchangeExec.hashKeys(partitioning),
                Seqs.toList(plan.child().output()), context.compiler(), "partition key");
    }

    @Override
    public SupportLevel supportOver(List<SparkPlan> children) {
        SparkPlan child = children.get(0);
        if (EmberBatchSources.producesEmberBatches(child) || child.supportsColumnar()) {
            return SupportLevel.compatible();
        }
        return SupportLevel.unsupported("its input stays in Spark as rows (" + child.nodeName() + "); Spark's"
                + " exchange moves rows without converting them");
    }

    @Override
    protected SparkPlan convertNode(ShuffleExchangeExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberShuffleExchangeExec(plan.outputPartitioning(), children.get(0), plan.shuffleOrigin(),
                plan.advisoryPartitionSize());
    }
}
