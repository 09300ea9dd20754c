package dev.ember.plan;

import dev.ember.catalog.SupportCatalog;
import dev.ember.catalog.rules.ExecRule;
import dev.ember.catalog.rules.PlanContext;
import dev.ember.exec.EmberExec;
import dev.ember.exec.Seqs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.SortOrder$;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.immutable.Seq;

/**
 * Puts a sort back where Ember removed an order a node relies on. Replacing a sort-merge join by a hash join
 * drops the join's output order, and Spark places no sort where a child's order already satisfies a node: a
 * node above that required it (another sort-merge join on the same keys, a sort aggregate, a window
 * partitioned by the join keys) gets a per-partition sort on exactly what it requires. Below a Spark node
 * that is Spark's {@code SortExec}; below an Ember node (a window) Ember's sort where the catalog's sort rule
 * takes it, else Spark's (fuzz seed 20261207, query 100,448: an Ember window read a hash join's unsorted
 * rows and split its partitions). Runs on the converted plan, driver side.
 */
final class RestoreOrdering {
    private RestoreOrdering() {}

    static SparkPlan apply(SparkPlan plan, PlanContext context) {
        List<SparkPlan> children = Seqs.toList(plan.children());
        if (children.isEmpty()) {
            return plan;
        }
        List<SparkPlan> fixed = new ArrayList<>(children.size());
        boolean changed = false;
        List<Seq<SortOrder>> required = Seqs.toList(plan.requiredChildOrdering());
        for (int i = 0; i < children.size(); i++) {
            SparkPlan child = apply(children.get(i), context);
            if (i < required.size() && !required.get(i).isEmpty()
                    && !SortOrder$.MODULE$.orderingSatisfies(child.outputOrdering(), required.get(i))) {
                child = sort(required.get(i), child, plan instanceof EmberExec, context);
            }
            changed |= child != children.get(i);
            fixed.add(child);
        }
        return changed ? plan.withNewChildren(Seqs.from(fixed)) : plan;
    }

    private static SparkPlan sort(Seq<SortOrder> order, SparkPlan child, boolean forEmber, PlanContext context) {
        SortExec sort = new SortExec(order, false, child, 0);
        if (!forEmber) {
            return sort;
        }
        Optional<ExecRule<?>> rule = SupportCatalog.ruleFor(sort);
        if (rule.isPresent() && rule.get().support(sort, context).isCompatible()) {
            return rule.get().convert(sort, List.of(child), context);
        }
        return sort;
    }
}
