package dev.ember.examples;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import scala.collection.Iterator;

/**
 * The data exchanges of an executed plan and the Ember operators on each side of them: the producer side is
 * the part of the plan below the exchange up to the next exchanges (what the writing tasks run), the consumer
 * side is the part above it up to the previous exchange (what the reading tasks run).
 *
 * <p>Ember operators are recognised by class name (package {@code dev.ember}, simple name {@code Ember...}), so
 * this class works without Ember on the classpath and reports no Ember operator there. Ember's row-to-columnar
 * transitions are not operators and are not counted. Call it on the plan after the action: with adaptive
 * execution the final plan exists only then.
 */
public final class PlanSides {
    /** Ember's transitions into its columnar format: present only next to Ember operators, not counted. */
    private static final Set<String> EMBER_TRANSITIONS = Set.of("EmberRowToColumnarExec", "EmberCopyToArrowExec");

    /**
     * One exchange.
     *
     * @param kind the exchange's node name ({@code ShuffleExchangeExec}, {@code BroadcastExchangeExec})
     * @param producerEmberOperators Ember operators below it, sorted
     * @param consumerEmberOperators Ember operators above it, sorted
     */
    public record ExchangeSides(String kind, Set<String> producerEmberOperators, Set<String> consumerEmberOperators) {
        public ExchangeSides {
            requireNonNull(kind, "kind is null");
            producerEmberOperators = Set.copyOf(producerEmberOperators);
            consumerEmberOperators = Set.copyOf(consumerEmberOperators);
        }

        /** Whether Ember operators ran on both sides of this exchange. */
        public boolean emberOnBothSides() {
            return !producerEmberOperators.isEmpty() && !consumerEmberOperators.isEmpty();
        }
    }

    private PlanSides() {}

    /** Every exchange of {@code executedPlan}, top-down, and the Ember operators on its sides. */
    public static List<ExchangeSides> of(SparkPlan executedPlan) {
        requireNonNull(executedPlan, "executedPlan is null");
        List<Pending> exchanges = new ArrayList<>();
        walk(executedPlan, new TreeSet<>(), exchanges);
        List<ExchangeSides> sides = new ArrayList<>(exchanges.size());
        for (Pending pending : exchanges) {
            sides.add(new ExchangeSides(pending.kind, pending.producer, pending.consumer));
        }
        return sides;
    }

    /** The Ember operators anywhere in {@code executedPlan}, sorted. */
    public static Set<String> emberOperators(SparkPlan executedPlan) {
        requireNonNull(executedPlan, "executedPlan is null");
        Set<String> all = new TreeSet<>();
        List<Pending> exchanges = new ArrayList<>();
        walk(executedPlan, all, exchanges);
        for (Pending pending : exchanges) {
            all.addAll(pending.producer);
        }
        return all;
    }

    /** The sides are filled while the walk goes on, so they are mutable until the walk ends. */
    private record Pending(String kind, Set<String> producer, Set<String> consumer) {}

    private static void walk(SparkPlan plan, Set<String> side, List<Pending> exchanges) {
        if (plan instanceof AdaptiveSparkPlanExec adaptive) {
            walk(adaptive.executedPlan(), side, exchanges);
            return;
        }
        if (plan instanceof QueryStageExec stage) {
            walk(stage.plan(), side, exchanges);
            return;
        }
        if (plan instanceof ReusedExchangeExec reused) {
            walk(reused.child(), side, exchanges);
            return;
        }
        if (plan instanceof Exchange exchange) {
            Pending pending = new Pending(exchange.getClass().getSimpleName(), new TreeSet<>(), side);
            exchanges.add(pending);
            walk(exchange.child(), pending.producer, exchanges);
            return;
        }
        if (isEmberOperator(plan)) {
            side.add(plan.getClass().getSimpleName());
        }
        Iterator<SparkPlan> children = plan.children().iterator();
        while (children.hasNext()) {
            walk(children.next(), side, exchanges);
        }
        // plans a node keeps outside its children, such as the broadcast side of an Ember broadcast join
        for (int i = 0; i < plan.productArity(); i++) {
            if (plan.productElement(i) instanceof SparkPlan held && !plan.children().contains(held)) {
                walk(held, side, exchanges);
            }
        }
    }

    private static boolean isEmberOperator(SparkPlan plan) {
        String name = plan.getClass().getSimpleName();
        return plan.getClass().getName().startsWith("dev.ember.") && name.startsWith("Ember")
                && !EMBER_TRANSITIONS.contains(name);
    }
}
