package dev.ember.fuzz.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.fuzz.generate.Shape;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The fuzzer in CI: replays every checked-in regression, then runs a fixed set of seeded random queries
 * with Ember off and on, and fails listing the reproducer of every difference.
 *
 * <p>It shrinks the first difference only (within 20 runs): the others are listed as found, so that a
 * failing run still ends in minutes.
 *
 * <p>The set is {@code -Dember.fuzz.seed} and {@code -Dember.fuzz.queries} (defaults in the fuzzer's
 * pom); {@code -Dember.fuzz.exclude=SHAPE,...} leaves shapes out of the queries and skips the
 * regressions that hold them, and says so in the output. {@code -Dember.fuzz.device} is Ember's device
 * ({@code host} by default; the {@code emulator-fuzz} execution runs the same set on the CUDA emulator).
 */
class TestFuzzer {
    @Test
    void seededQueriesAndRegressionsGiveSparksAnswers() {
        long seed = Long.parseLong(property("ember.fuzz.seed", "42"));
        int queries = Integer.parseInt(property("ember.fuzz.queries", "40"));
        Set<Shape> excluded = FuzzSettings.shapes(property("ember.fuzz.exclude", ""));
        String device = property("ember.fuzz.device", "host");
        System.out.println("TestFuzzer: seed " + seed + ", " + queries + " queries on " + device
                + (excluded.isEmpty() ? "" : ", excluding " + excluded)
                + " (replay with -Dember.fuzz.seed=" + seed + " or bin/ember fuzz --seed " + seed + " --queries "
                + queries + ")");
        SparkSession session = FuzzSession.start(device);
        FuzzSettings settings = new FuzzSettings(seed, 0, queries, new TreeSet<>(), 4, 40, 25, excluded, 1, 20,
                Regressions.bundled(), false, false);
        FuzzReport report = new Fuzzer(session, settings, System.out).run();
        System.out.printf("TestFuzzer: %d queries in %.0f s, %d answered alike (Ember ran in %d), %d failed alike%n",
                report.queries(), report.seconds(), report.answered(), report.emberRan(), report.failedAlike());

        assertEquals(0, report.invalid().size(), () -> "the generator wrote queries Spark cannot analyze:\n"
                + String.join("\n\n", report.invalid()));
        assertTrue(report.differences().isEmpty(), () -> report.differences().size()
                + " differences between Spark and Ember (seed " + seed + "):\n\n"
                + String.join("\n\n", report.differences()));
        // a run whose queries all fail, or never reach Ember, would pass without testing anything
        assertTrue(report.answered() >= queries / 2, "only " + report.answered() + " of " + queries + " queries answered");
        assertTrue(report.emberRan() >= report.answered() / 2, "Ember ran in only " + report.emberRan() + " of "
                + report.answered() + " answered queries");
    }

    private static String property(String key, String fallback) {
        String value = System.getProperty(key);
        return value == null || value.isBlank() ? fallback : value;
    }
}
