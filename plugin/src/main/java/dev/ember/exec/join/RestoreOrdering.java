package dev.ember.exec.join;

import dev.ember.exec.EmberExec;
import dev.ember.exec.Seqs;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.SortOrder$;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.immutable.Seq;

/**
 * Puts a Spark sort back where Ember removed an order a Spark node relies on. Replacing a sort-merge
 * join by a hash join drops the join's output order; a Spark node above that required it (another
 * sort-merge join on the same keys, a sort aggregate) gets a per-partition {@code SortExec} on exactly
 * what it requires. Runs on the converted plan, driver side.
 */
public final class RestoreOrdering {
    private RestoreOrdering() {}

    public static SparkPlan apply(SparkPlan plan) {
        List<SparkPlan> children = Seqs.toList(plan.children());
        if (children.isEmpty()) {
            return plan;
        }
        List<SparkPlan> fixed = new ArrayList<>(children.size());
        boolean changed = false;
        List<Seq<SortOrder>> required = plan instanceof EmberExec ? List.of()
                : Seqs.toList(plan.requiredChildOrdering());
        for (int i = 0; i < children.size(); i++) {
            SparkPlan child = apply(children.get(i));
            if (i < required.size() && !required.get(i).isEmpty()
                    && !SortOrder$.MODULE$.orderingSatisfies(child.outputOrdering(), required.get(i))) {
                child = new SortExec(required.get(i), false, child, 0);
            }
            changed |= child != children.get(i);
            fixed.add(child);
        }
        return changed ? plan.withNewChildren(Seqs.from(fixed)) : plan;
    }
}
