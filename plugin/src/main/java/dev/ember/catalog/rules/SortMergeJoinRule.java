package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.config.EmberConf;
import dev.ember.device.Primitive;
import dev.ember.exec.Seqs;
import dev.ember.exec.join.EmberShuffledHashJoinExec;
import dev.ember.exec.join.JoinSpec;
import dev.ember.exec.sort.EmberSortExec;
import java.util.List;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildRight$;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.RightOuter$;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.SortMergeJoinExec;

/**
 * {@code SortMergeJoinExec} → {@link EmberShuffledHashJoinExec} when {@code spark.ember.replaceSortMergeJoin}
 * is true. The per-partition sorts Spark placed below the join are dropped; the planner puts a sort back
 * above the join where a Spark node needs the order a sort-merge join would have produced.
 */
public final class SortMergeJoinRule extends ExecRule<SortMergeJoinExec> {

    public SortMergeJoinRule() {
        super(SortMergeJoinExec.class, "EmberShuffledHashJoinExec", "replaced by a shuffled hash join (build side:"
                + " right, or left for a right outer join) when spark.ember.replaceSortMergeJoin=true; same join"
                + " types and limits as ShuffledHashJoinExec");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.CONCATENATE, Primitive.BUILD_JOIN_TABLE, Primitive.PROBE_JOIN_TABLE,
                Primitive.GATHER, Primitive.GATHER_OR_NULL, Primitive.EVALUATE, Primitive.HASH_PARTITION);
    }

    @Override
    protected SupportLevel supportOf(SortMergeJoinExec plan, PlanContext context) {
        if (!context.conf().get(EmberConf.REPLACE_SORT_MERGE_JOIN)) {
            return SupportLevel.unsupported("sort-merge joins stay in Spark because "
                    + EmberConf.REPLACE_SORT_MERGE_JOIN.key() + "=false");
        }
        return JoinSpec.support(Seqs.toList(plan.leftKeys()), Seqs.toList(plan.rightKeys()), plan.joinType(),
                buildSide(plan), plan.condition(), plan.left(), plan.right(), false, context.compiler());
    }

    @Override
    protected SparkPlan convertNode(SortMergeJoinExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberShuffledHashJoinExec(plan.leftKeys(), plan.rightKeys(), plan.joinType(), buildSide(plan),
                plan.condition(), withoutLocalSort(children.get(0)), withoutLocalSort(children.get(1)));
    }

    private static BuildSide buildSide(SortMergeJoinExec plan) {
        return plan.joinType() == RightOuter$.MODULE$ ? BuildLeft$.MODULE$ : BuildRight$.MODULE$;
    }

    /** The input of the per-partition sort a sort-merge join needed and a hash join does not. */
    private static SparkPlan withoutLocalSort(SparkPlan child) {
        if (child instanceof EmberSortExec sort && !sort.global()) {
            return sort.child();
        }
        if (child instanceof SortExec sort && !sort.global()) {
            return sort.child();
        }
        return child;
    }
}
