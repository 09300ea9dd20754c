package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.Seqs;
import dev.ember.exec.join.EmberShuffledHashJoinExec;
import dev.ember.exec.join.JoinSpec;
import java.util.List;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.ShuffledHashJoinExec;

/** {@code ShuffledHashJoinExec} → {@link EmberShuffledHashJoinExec}. */
public final class ShuffledHashJoinRule extends ExecRule<ShuffledHashJoinExec> {

    public ShuffledHashJoinRule() {
        super(ShuffledHashJoinExec.class, "EmberShuffledHashJoinExec", "inner, left/right/full outer, left semi,"
                + " left anti and existence (EXISTS/IN outside a plain WHERE conjunct) joins on one or more keys of"
                + " any supported type, with an optional extra condition; null keys never match; a build side over"
                + " its share of Ember's memory limit is split by key hash and spilled to disk, part by part"
                + " (spark.ember.join.spill.enabled)");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.CONCATENATE, Primitive.BUILD_JOIN_TABLE, Primitive.PROBE_JOIN_TABLE,
                Primitive.GATHER, Primitive.GATHER_OR_NULL, Primitive.EVALUATE, Primitive.HASH_PARTITION);
    }

    @Override
    protected SupportLevel supportOf(ShuffledHashJoinExec plan, PlanContext context) {
        return JoinSpec.support(Seqs.toList(plan.leftKeys()), Seqs.toList(plan.rightKeys()), plan.joinType(),
                plan.buildSide(), plan.condition(), plan.left(), plan.right(), false, context.compiler());
    }

    @Override
    protected SparkPlan convertNode(ShuffledHashJoinExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberShuffledHashJoinExec(plan.leftKeys(), plan.rightKeys(), plan.joinType(), plan.buildSide(),
                plan.condition(), children.get(0), children.get(1));
    }
}
