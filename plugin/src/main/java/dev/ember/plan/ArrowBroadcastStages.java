package dev.ember.plan;

import dev.ember.catalog.ExecRule;
import dev.ember.catalog.PlanContext;
import dev.ember.catalog.SupportCatalog;
import dev.ember.config.EmberConf;
import dev.ember.config.InvalidConfigException;
import dev.ember.exec.Planning;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.FirstLastOrder;
import dev.ember.exec.broadcast.ArrowBroadcastMode;
import dev.ember.exec.broadcast.ArrowBroadcasts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Adaptive execution's query-stage preparation rule that makes the broadcasts of the joins Ember will
 * run travel as Arrow: the build side's {@code BroadcastExchangeExec} of every
 * {@code BroadcastHashJoinExec} that Ember's join rule accepts gets an {@link ArrowBroadcastMode}.
 *
 * <p>Adaptive execution creates and runs the broadcast's query stage before it plans the stage that
 * holds the join, so the exchange's mode must change here, on the whole plan, before stages exist.
 * The decision is the join rule's own support check, so both agree; where they still differ, both
 * sides cope: Ember's join also reads Spark's relations, and an Arrow broadcast answers Spark's join
 * as a Spark relation would. Without adaptive execution the join rule switches the exchange itself.
 * Stateless: Spark runs it again when it re-plans, and an Arrow exchange or a finished stage is kept.
 */
public final class ArrowBroadcastStages extends Rule<SparkPlan> {

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
            Optional<SparkPlan> twin = ArrowBroadcasts.arrowTwin(children.get(build), context.conf());
            if (twin.isPresent()) {
                children.set(build, twin.get());
                changed = true;
            }
        }
        return changed ? rebuild(plan, children) : plan;
    }

    /**
     * {@code plan} over new children. Not {@code withNewChildren}: an Arrow exchange equals the Spark
     * exchange it replaces (see {@link ArrowBroadcastMode}), which that method would keep.
     */
    private static SparkPlan rebuild(SparkPlan plan, List<SparkPlan> children) {
        SparkPlan rebuilt = (SparkPlan) plan.withNewChildrenInternal(Seqs.from(children).toIndexedSeq());
        rebuilt.copyTagsFrom(plan);
        return rebuilt;
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
