package dev.ember.plan;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.expr.SupportLevel;
import dev.ember.shims.SparkApiMismatchException;
import dev.ember.testkit.SharedSpark;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.Test;

/**
 * Exceptions from a rule while planning: a Spark version difference falls back in any mode, with the
 * version as the reason; any other exception is an Ember bug, which fails the query in strict mode
 * ({@code spark.ember.test.strict}, on in every test session) and otherwise falls back with a reason that
 * says to report it.
 */
class TestRuleFailures {
    private final SparkPlan plan = SharedSpark.session().range(3).queryExecution().executedPlan();

    @Test
    void aSparkVersionDifferenceFallsBackEvenInStrictMode() {
        for (boolean strict : new boolean[] {false, true}) {
            SupportLevel mismatch = RuleFailures.fallback(plan,
                    new SparkApiMismatchException("no evalContext", null), strict);
            assertFalse(mismatch.isCompatible());
            assertTrue(mismatch.reason().contains("does not work with this Spark version"), mismatch.reason());
            SupportLevel linkage = RuleFailures.fallback(plan, new NoSuchMethodError("evalMode"), strict);
            assertTrue(linkage.reason().contains("does not work with this Spark version"), linkage.reason());
        }
    }

    @Test
    void aBugFallsBackSayingToReportItWithoutStrictMode() {
        SupportLevel bug = RuleFailures.fallback(plan, new IllegalStateException("index out of step"), false);
        assertFalse(bug.isCompatible());
        assertTrue(bug.reason().contains("Ember bug") && bug.reason().contains("report"), bug.reason());
        assertFalse(bug.reason().contains("Spark version"), bug.reason());
        assertTrue(bug.reason().contains("index out of step"), bug.reason());
    }

    @Test
    void aBugFailsInStrictMode() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> RuleFailures.fallback(plan, new IllegalArgumentException("index out of step"), true));
        assertTrue(failure.getMessage().contains("spark.ember.test.strict"), failure.getMessage());
        assertTrue(failure.getCause() instanceof IllegalArgumentException);
    }
}
