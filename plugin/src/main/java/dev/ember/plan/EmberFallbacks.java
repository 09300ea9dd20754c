package dev.ember.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.scheduler.SparkListenerEvent;

/**
 * Written to the Spark event log each time Ember's planner rule leaves plan nodes of a SQL execution in Spark
 * (with adaptive execution, once per query stage it plans), so that tools reading the log (Ember's tuner) can
 * say why with the plugin's own words. The event's JSON carries {@code "Event": "dev.ember.plan.EmberFallbacks"}
 * and the fields below.
 *
 * @param executionId the SQL execution the plan belongs to, -1 when it was planned outside one
 * @param fallbacks the nodes left in Spark, in plan order (parents first)
 */
public record EmberFallbacks(long executionId, List<Fallback> fallbacks) implements SparkListenerEvent {

    /**
     * One node left in Spark.
     *
     * @param node the node's name as the event log's plan shows it ({@code Exchange}, {@code Scan orc ...})
     * @param reason the planner's reason, as {@code spark.ember.explain} prints it
     */
    public record Fallback(String node, String reason) {
        public Fallback {
            requireNonNull(node, "node is null");
            requireNonNull(reason, "reason is null");
        }
    }

    public EmberFallbacks {
        fallbacks = List.copyOf(fallbacks);
    }
}
