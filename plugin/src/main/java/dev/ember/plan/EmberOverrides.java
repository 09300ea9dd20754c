package dev.ember.plan;

import dev.ember.catalog.rules.ExecRule;
import dev.ember.catalog.rules.PlanContext;
import dev.ember.catalog.SupportCatalog;
import dev.ember.catalog.rules.LocalLimitRule;
import dev.ember.expr.SupportLevel;
import dev.ember.config.EmberConf;
import dev.ember.config.InvalidConfigException;
import dev.ember.device.Device;
import dev.ember.device.Primitive;
import dev.ember.device.selection.Devices;
import dev.ember.exec.EmberCopyToArrowExec;
import dev.ember.exec.EmberExec;
import dev.ember.exec.EmberRowToColumnarExec;
import dev.ember.exec.Planning;
import dev.ember.exec.Seqs;
import dev.ember.catalog.FirstLastOrder;
import dev.ember.exec.broadcast.EmberBroadcastExchangeExec;
import dev.ember.exec.exchange.EmberBatchSources;
import dev.ember.exec.exchange.EmberShuffleExchangeExec;
import dev.ember.exec.union.EmberUnionExec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.ColumnarRule;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnionExec;
import org.apache.spark.sql.internal.SQLConf;
import org.slf4j.Logger;
import scala.Option;
import org.slf4j.LoggerFactory;

/**
 * Ember's hook into Spark's planner: before Spark inserts its row/columnar transitions, every node is
 * checked against the {@link SupportCatalog}; supported nodes are replaced by Ember nodes, Ember nodes
 * read Spark nodes through {@link EmberRowToColumnarExec} or {@link EmberCopyToArrowExec}, and Spark
 * adds its own {@code ColumnarToRow} where Spark nodes read Ember nodes.
 *
 * <p>With adaptive query execution Spark applies this rule once per query stage.
 */
public final class EmberOverrides extends ColumnarRule {
    private static final Logger LOG = LoggerFactory.getLogger(EmberOverrides.class);

    @Override
    public Rule<SparkPlan> preColumnarTransitions() {
        return new ReplaceWithEmber();
    }

    /**
     * Adaptive execution plans each shuffle stage with its exchange at the root and asks for rows there,
     * so Spark puts a {@code ColumnarToRow} above Ember's (columnar) exchange, and then refuses a stage
     * whose root is no longer a shuffle exchange. The stage's readers get the exchange's batches through
     * the query stage (and a transition of their own where they are Spark nodes), so the root
     * transition is dropped. Declaring the exchange row-based too would avoid it on Spark 4.1, but Spark
     * 4.0 then gives it row-based children. Below the root, the transitions Spark put above reused Ember
     * broadcasts go ({@link ReusedBroadcastTransitions}), and the broadcasts of Ember's joins are reused
     * where equal ({@link ReuseEmberBroadcasts}): in the whole stage, the exchange's subtree included (the
     * two rules once ran only where the root was no such transition, so a shuffle stage's Spark join over a
     * reused Ember broadcast kept its transition: fuzz seed 20261207, query 56120).
     */
    @Override
    public Rule<SparkPlan> postColumnarTransitions() {
        return new Rule<>() {
            @Override
            public SparkPlan apply(SparkPlan plan) {
                SparkPlan planned = new ReuseEmberBroadcasts().apply(new ReusedBroadcastTransitions().apply(plan));
                if (planned instanceof ColumnarToRowExec transition
                        && transition.child() instanceof EmberShuffleExchangeExec exchange) {
                    return exchange;
                }
                return planned;
            }
        };
    }

    /** The rule itself; stateless, so one instance may plan many queries. */
    static final class ReplaceWithEmber extends Rule<SparkPlan> {
        @Override
        public SparkPlan apply(SparkPlan plan) {
            SQLConf sqlConf = SQLConf.get();
            EmberConf conf = EmberConf.of(sqlConf);
            try {
                conf.validate();
            } catch (InvalidConfigException e) {
                LOG.warn("Ember is off for this query: {}", e.getMessage());
                return plan;
            }
            if (!conf.get(EmberConf.ENABLED) || AutoDevicePolicy.leaveToSpark(conf, sqlConf).isPresent()) {
                return plan;
            }
            PlanContext context = new PlanContext(conf, Planning.compiler(sqlConf));
            boolean execute = conf.get(EmberConf.MODE).equals("execute");
            List<ExplainLine> lines = new ArrayList<>();
            List<EmberFallbacks.Fallback> fallbacks = new ArrayList<>();
            Map<SparkPlan, String> orderSensitive = FirstLastOrder.orderSensitiveInputs(plan);
            SparkPlan result = convert(plan, context, orderSensitive, execute, 0, lines, fallbacks);
            if (execute) {
                // hash joins that replaced sort-merge joins drop an order the nodes above may rely on
                result = RestoreOrdering.apply(result, context);
            }
            ExplainLog.log(conf.get(EmberConf.EXPLAIN), lines, execute);
            if (execute && !fallbacks.isEmpty()) {
                postToEventLog(fallbacks);
            }
            return execute ? result : plan;
        }

        /** The reasons into the event log (through the driver's listener bus), for the tuner. */
        private static void postToEventLog(List<EmberFallbacks.Fallback> fallbacks) {
            Option<SparkContext> active = SparkContext$.MODULE$.getActive();
            if (active.isEmpty()) {
                return; // planned where no SparkContext runs: no event log to write to
            }
            String executionId = active.get().getLocalProperty(SQLExecution.EXECUTION_ID_KEY());
            active.get().listenerBus().post(new EmberFallbacks(executionId == null ? -1 : Long.parseLong(executionId),
                    fallbacks));
        }

        private SparkPlan convert(SparkPlan plan, PlanContext context, Map<SparkPlan, String> orderSensitive,
                boolean execute, int depth, List<ExplainLine> lines, List<EmberFallbacks.Fallback> fallbacks) {
            int lineIndex = lines.size();
            lines.add(null);
            List<SparkPlan> children = new ArrayList<>();
            boolean childrenChanged = false;
            for (SparkPlan child : Seqs.toList(plan.children())) {
                SparkPlan converted = convert(child, context, orderSensitive, execute, depth + 1, lines, fallbacks);
                childrenChanged |= converted != child;
                children.add(converted);
            }
            if (plan instanceof EmberBroadcastExchangeExec broadcast) {
                // placed by EmberBroadcastStages over a Spark child, which its stage's planning converted
                // above: the exchange reads Ember batches, so a child left in Spark gets a transition
                lines.set(lineIndex, ExplainLine.ember(depth, plan.nodeName(), "already an Ember node"));
                SparkPlan input = EmberBroadcastExchangeExec.emberInput(children.get(0));
                return input == broadcast.child() ? plan : plan.withNewChildren(Seqs.of(input));
            }
            if (EmberBatchSources.producesEmberBatches(plan) && !FallbackReasons.isStructural(plan)) {
                lines.set(lineIndex, ExplainLine.ember(depth, plan.nodeName(), "already an Ember node"));
                return childrenChanged ? plan.withNewChildren(Seqs.from(children)) : plan;
            }
            Optional<ExecRule<?>> rule = SupportCatalog.ruleFor(plan);
            SupportLevel level;
            String heldBack = orderSensitive.get(plan);
            boolean strict = context.conf().get(EmberConf.TEST_STRICT);
            try {
                level = heldBack != null ? SupportLevel.unsupported(heldBack) : rule.isPresent()
                        ? rule.get().support(plan, context)
                        : SupportLevel.unsupported(FallbackReasons.noRule(plan));
            } catch (RuntimeException | LinkageError e) {
                level = RuleFailures.fallback(plan, e, strict);
            }
            if (level.isCompatible() && execute) {
                level = rule.get().supportOver(children);
            }
            if (level.isCompatible()) {
                ExecRule<?> found = rule.get();
                if (execute) {
                    List<SparkPlan> inputs = new ArrayList<>(children.size());
                    for (SparkPlan child : children) {
                        inputs.add(toEmberInput(child));
                    }
                    try {
                        SparkPlan converted = found.convert(plan, inputs, context);
                        lines.set(lineIndex, ExplainLine.ember(depth, plan.getClass().getSimpleName(),
                                "will run on Ember as " + found.emberNode() + primitivesText(found)));
                        return converted;
                    } catch (RuntimeException | LinkageError e) {
                        level = RuleFailures.fallback(plan, e, strict);
                    }
                } else {
                    lines.set(lineIndex, ExplainLine.ember(depth, plan.getClass().getSimpleName(),
                            "will run on Ember as " + found.emberNode() + primitivesText(found)));
                }
            }
            SparkPlan kept = childrenChanged ? plan.withNewChildren(Seqs.from(children)) : plan;
            if (execute) {
                // a limit left in Spark reads only its first rows: Ember projections under it must not see more
                kept = LocalLimitRule.underSparkLimit(kept);
            }
            // explainOnly keeps a compatible node as it is, its explain line set above
            if (plan instanceof UnionExec union) {
                List<SparkPlan> rowInputs = EmberUnionExec.rowInputsWhenPartitioned(union, children);
                if (!rowInputs.equals(children)) {
                    kept = kept.withNewChildren(Seqs.from(rowInputs));
                }
            }
            if (!level.isCompatible() && !FallbackReasons.isStructural(plan)) {
                lines.set(lineIndex, ExplainLine.spark(depth, plan.getClass().getSimpleName(), level.reason()));
                kept.setTagValue(EmberTags.FALLBACK_REASON, level.reason());
                fallbacks.add(new EmberFallbacks.Fallback(plan.nodeName(), level.reason()));
            }
            return kept;
        }

        /** " using evaluate (...), gather (...)": how the chosen device runs the node's primitives. */
        private static String primitivesText(ExecRule<?> rule) {
            if (rule.primitives().isEmpty()) {
                return "";
            }
            // a cluster's driver has no device: only executors choose one
            Optional<Device> device = Devices.chosen();
            StringBuilder text = new StringBuilder(" using ");
            for (int i = 0; i < rule.primitives().size(); i++) {
                Primitive primitive = rule.primitives().get(i);
                text.append(i == 0 ? "" : ", ").append(primitive.methodName());
                device.ifPresent(d -> text.append(" (").append(d.implementationOf(primitive).explain()).append(')'));
            }
            return text.toString();
        }

        private static SparkPlan toEmberInput(SparkPlan child) {
            if (EmberBatchSources.producesEmberBatches(child)) {
                return child;
            }
            return child.supportsColumnar() ? new EmberCopyToArrowExec(child) : new EmberRowToColumnarExec(child);
        }
    }
}
