package dev.ember.plan;

import dev.ember.exec.Seqs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * The bottom-up walk the planning rules of this package share: children rewritten, and the node rebuilt,
 * with its tags, only when one of them changed.
 */
final class PlanTrees {
    private PlanTrees() {}

    /** {@code plan} over its children rewritten by {@code rewrite}; {@code plan} itself when none changed. */
    static SparkPlan mapChildren(SparkPlan plan, UnaryOperator<SparkPlan> rewrite) {
        List<SparkPlan> children = new ArrayList<>();
        boolean changed = false;
        for (SparkPlan child : Seqs.toList(plan.children())) {
            SparkPlan rewritten = rewrite.apply(child);
            changed |= rewritten != child;
            children.add(rewritten);
        }
        return changed ? withChildren(plan, children) : plan;
    }

    /** {@code plan} over new children, with its tags. */
    static SparkPlan withChildren(SparkPlan plan, List<SparkPlan> children) {
        SparkPlan rebuilt = (SparkPlan) plan.withNewChildrenInternal(Seqs.from(children).toIndexedSeq());
        rebuilt.copyTagsFrom(plan);
        return rebuilt;
    }
}
