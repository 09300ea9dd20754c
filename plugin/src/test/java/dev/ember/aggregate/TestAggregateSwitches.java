package dev.ember.aggregate;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.SharedSpark;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Aggregate functions have enable keys like scalar expressions, listed in the support catalog. */
class TestAggregateSwitches {

    @Test
    void aDisabledAggregateFunctionKeepsTheAggregationInSpark() {
        SharedSpark.withConf(Map.of("spark.ember.expression.Sum.enabled", "false"), () -> {
            EmberQueryCheck.sql("SELECT id % 3 AS k, sum(id) FROM range(0, 100) GROUP BY id % 3")
                    .assertSameAnswer()
                    .assertFallback("HashAggregateExec", "Sum is disabled by spark.ember.expression.Sum.enabled=false");
            return null;
        });
        EmberQueryCheck.sql("SELECT id % 3 AS k, sum(id) FROM range(0, 100) GROUP BY id % 3")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec");
    }
}
