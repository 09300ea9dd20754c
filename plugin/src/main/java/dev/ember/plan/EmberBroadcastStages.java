package dev.ember.plan;

import dev.ember.catalog.rules.ExecRule;
import dev.ember.catalog.rules.PlanContext;
import dev.ember.catalog.SupportCatalog;
import dev.ember.config.EmberConf;
import dev.ember.config.InvalidConfigException;
import dev.ember.exec.Planning;
import dev.ember.exec.Seqs;
import dev.ember.catalog.FirstLastOrder;
import dev.ember.exec.broadcast.EmberBroadcastExchangeExec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.joins.HashedRelationBroadcastMode;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Adaptive execution's query-stage preparation rule that gives the joins Ember will run Ember's broadcast:
 * the build side's {@code BroadcastExchangeExec} of every {@code BroadcastHashJoinExec} that Ember's join
 * rule accepts becomes an {@link EmberBroadcastExchangeExec} over the same (still Spark) child; the
 * stage's own columnar rules then turn that child into Ember nodes.
 *
 * <p>Adaptive execution creates and runs the broadcast's query stage before it plans the stage that
 * holds the join, so the exchange must change here, on the whole plan, before stages exist.
 * The decision is the join rule's own support check, so both agree; where they still differ, both
 * sides cope: Ember's join also reads Spark's relations, and an Ember broadcast answers Spark's join
 * as a Spark relation would. Without adaptive execution the join rule switches the exchange itself.
 * Stateless: Spark runs it again when it re-plans, and an Ember exchange or a finished stage is kept.
 */
public final class EmberBroadcastStages extends Rule<SparkPlan> {

    @Override
    public SparkPlan apply(SparkPlan plan) {
        SQLConf sqlConf = SQLConf.get();
        EmberConf conf = EmberConf.of(sqlConf);
        try {
            conf.validate();
        } catch (InvalidConfigException e) {
            // the columnar rule logs the bad setting and leaves the query to Spark
            return plan;
        }
        if (!conf.get(EmberConf.ENABLED) || !conf.get(EmberConf.MODE).equals("execute")
                || AutoDevicePolicy.leaveToSpark(conf, sqlConf).isPresent()) {
            return plan;
        }
        return rewrite(plan, new PlanContext(conf, Planning.compiler(sqlConf)),
                FirstLastOrder.orderSensitiveInputs(plan));
    }

    private static SparkPlan rewrite(SparkPlan plan, PlanContext context, Map<SparkPlan, String> heldBack) {
        List<SparkPlan> children = new ArrayList<>();
        boolean changed = false;
        for (SparkPlan child : Seqs.toList(plan.children())) {
            SparkPlan rewritten = rewrite(child, context, heldBack);
            changed |= rewritten != child;
            children.add(rewritten);
        }
        // a join held back for a first/last above it stays in Spark, so its broadcast stays Spark's too
        if (plan instanceof BroadcastHashJoinExec join && !heldBack.containsKey(join) && emberRuns(join, context)) {
            int build = join.buildSide() == BuildLeft$.MODULE$ ? 0 : 1;
            if (children.get(build) instanceof BroadcastExchangeExec spark
                    && spark.mode() instanceof HashedRelationBroadcastMode) {
                EmberBroadcastExchangeExec ember = new EmberBroadcastExchangeExec(
                        (HashedRelationBroadcastMode) spark.mode(), spark.child());
                ember.copyTagsFrom(spark);
                children.set(build, ember);
                changed = true;
            }
        }
        return changed ? PlanTrees.withChildren(plan, children) : plan;
    }

    /** Whether the columnar rule will replace the join: the same check it makes. */
    private static boolean emberRuns(BroadcastHashJoinExec join, PlanContext context) {
        Optional<ExecRule<?>> rule = SupportCatalog.ruleFor(join);
        try {
            return rule.isPresent() && rule.get().support(join, context).isCompatible();
        } catch (RuntimeException | LinkageError e) {
            // the columnar rule leaves the join in Spark too (or, in strict mode, fails the query)
            return RuleFailures.fallback(join, e, context.conf().get(EmberConf.TEST_STRICT)).isCompatible();
        }
    }
}
