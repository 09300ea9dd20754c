package dev.ember.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import dev.ember.plan.PlanReport;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a query with Ember off and then on, in the same session, and checks what Ember did.
 *
 * <pre>{@code
 * EmberQueryCheck.sql("SELECT a + 1 FROM t WHERE b > 2")
 *     .assertSameAnswer()
 *     .assertEmberRan("EmberFilterExec", "EmberProjectExec");
 * }</pre>
 *
 * <p>Answers compare exactly (see {@link RowComparison}) and, for row sets, also through
 * spark-testing-base's {@code assertDataFrameNoOrderEquals}; a query that fails must fail the same way
 * with Ember. Plans are read after the action, because adaptive execution plans each stage when it
 * runs. Every run also checks that Ember released all its memory.
 *
 * <p>When the session refuses memory requests on purpose ({@link SharedSpark#injectsOom()}), an Ember run
 * that failed with Ember's memory error ({@link MemoryContext.LimitExceededException} naming the limit
 * setting) is accepted, and only then: the assertions pass without comparing answers or plans (see
 * {@link #acceptedMemoryError()}). Any other failure, and any answer, is checked as usual; the memory is
 * checked either way.
 */
public final class EmberQueryCheck {
    private static final JavaDataFrameSuiteBase DATA_FRAME_ASSERTIONS = new JavaDataFrameSuiteBase();

    private final QueryResult spark;
    private final QueryResult ember;
    private final boolean ordered;
    private final boolean acceptedMemoryError;

    private EmberQueryCheck(QueryResult spark, QueryResult ember, boolean ordered) {
        this.spark = spark;
        this.ember = ember;
        this.ordered = ordered;
        this.acceptedMemoryError = SharedSpark.injectsOom() && ember.error().filter(EmberQueryCheck::isMemoryError)
                .isPresent();
        if (SharedSpark.injectsOom()) {
            // what the run's log shows: how many queries failed for memory, how many answered, and the pressure
            var manager = EmberMemory.manager();
            String outcome = acceptedMemoryError ? "accepted Ember's memory error: " + memoryError(ember.error().get())
                    : "Ember's run ended without a memory error";
            System.out.println("[injectOom] " + outcome + " (so far " + manager.injectedRefusals()
                    + " requests refused, " + manager.spilledBytes() + " bytes spilled)");
        }
    }

    /** Runs SQL text, rows compared without order. */
    public static EmberQueryCheck sql(String sql) {
        return run(session -> session.sql(sql), false);
    }

    /** Runs SQL text whose rows come in a defined order. */
    public static EmberQueryCheck orderedSql(String sql) {
        return run(session -> session.sql(sql), true);
    }

    /** Runs a query built by {@code query} twice: Ember off, then on. */
    public static EmberQueryCheck run(Function<SparkSession, Dataset<Row>> query, boolean ordered) {
        SparkSession session = SharedSpark.session();
        QueryResult off = runOnce(session, query, false);
        QueryResult on = runOnce(session, query, true);
        return new EmberQueryCheck(off, on, ordered);
    }

    /**
     * Whether the Ember run failed with Ember's memory error while the session refuses memory requests on
     * purpose; the assertions then pass, and a test that reads the Ember run's rows itself must stop there.
     */
    public boolean acceptedMemoryError() {
        return acceptedMemoryError;
    }

    /**
     * Whether {@code error} is Ember's error for a step that exceeds the memory limit, naming the limit
     * setting: that exception itself or as a cause, or the failed task's exception of a Spark job that
     * aborted (Spark's {@code SparkException} carries it in its message only).
     */
    public static boolean isMemoryError(Throwable error) {
        return memoryError(error) != null;
    }

    private static String memoryError(Throwable error) {
        String setting = Pattern.quote(EmberMemory.limitSetting());
        Pattern failedTask = Pattern.compile("most recent failure: Lost task [^\\n]*?\\): "
                + Pattern.quote(MemoryContext.LimitExceededException.class.getName()) + ": ([^\\n]*"
                + setting + "[^\\n]*)");
        for (Throwable current = error; current != null; current = current.getCause()) {
            String message = String.valueOf(current.getMessage());
            if (current instanceof MemoryContext.LimitExceededException
                    && message.contains(EmberMemory.limitSetting())) {
                return message;
            }
            Matcher matcher = failedTask.matcher(message);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return null;
    }

    public QueryResult spark() {
        return spark;
    }

    public QueryResult ember() {
        return ember;
    }

    /** The Ember run's plan report. */
    public PlanReport report() {
        return ember.report().orElseThrow(() -> new AssertionError("the Ember run has no plan: "
                + ember.error().map(Throwable::toString).orElse("")));
    }

    /** Both runs gave the same rows, or failed with the same error. */
    public EmberQueryCheck assertSameAnswer() {
        if (acceptedMemoryError) {
            return this;
        }
        if (spark.error().isPresent() || ember.error().isPresent()) {
            assertSameError();
            return this;
        }
        String difference = RowComparison.difference(spark.rows(), ember.rows(), ordered);
        if (difference != null) {
            fail("Ember's answer differs from Spark's: " + difference);
        }
        SparkSession session = SharedSpark.session();
        String previous = session.conf().get("spark.ember.enabled", "true");
        session.conf().set("spark.ember.enabled", "false");
        try {
            DATA_FRAME_ASSERTIONS.assertDataFrameNoOrderEquals(
                    session.createDataFrame(spark.rows(), spark.schema()),
                    session.createDataFrame(ember.rows(), ember.schema()));
        } finally {
            session.conf().set("spark.ember.enabled", previous);
        }
        return this;
    }

    /** Both runs failed, with the same error class and message. */
    public EmberQueryCheck assertSameError() {
        if (acceptedMemoryError) {
            return this;
        }
        Throwable expected = spark.error().orElseThrow(() -> new AssertionError(
                "Spark answered but Ember failed", ember.error().orElse(null)));
        Throwable actual = ember.error().orElseThrow(() -> new AssertionError(
                "Spark failed with " + expected + " but Ember answered " + ember.rows().size() + " rows"));
        Throwable expectedRoot = root(expected);
        Throwable actualRoot = root(actual);
        assertEquals(expectedRoot.getClass(), actualRoot.getClass(), () -> "error classes differ; Ember's: "
                + actualRoot);
        if (expectedRoot instanceof SparkThrowable expectedSpark && actualRoot instanceof SparkThrowable actualSpark) {
            assertEquals(expectedSpark.getCondition(), actualSpark.getCondition(), "error conditions differ");
        }
        assertEquals(expectedRoot.getMessage(), actualRoot.getMessage(), "error messages differ");
        return this;
    }

    /** The Ember run's executed plan holds each of these Ember nodes. */
    public EmberQueryCheck assertEmberRan(String... nodes) {
        if (acceptedMemoryError) {
            return this;
        }
        PlanReport report = report();
        for (String node : nodes) {
            assertTrue(report.emberNodes().contains(node), () -> node + " did not run; Ember nodes: "
                    + report.emberNodes() + "; fallbacks: " + report.fallbacks());
        }
        return this;
    }

    /** The Ember run's executed plan holds no Ember node. */
    public EmberQueryCheck assertNoEmber() {
        if (acceptedMemoryError) {
            return this;
        }
        PlanReport report = report();
        assertTrue(report.emberNodes().isEmpty(), () -> "Ember nodes ran: " + report.emberNodes());
        return this;
    }

    /** A node of that class stayed in Spark with a reason that contains {@code reasonPart}. */
    public EmberQueryCheck assertFallback(String node, String reasonPart) {
        if (acceptedMemoryError) {
            return this;
        }
        PlanReport report = report();
        boolean found = report.fallbacks().stream()
                .anyMatch(f -> f.node().equals(node) && f.reason().contains(reasonPart));
        assertTrue(found, () -> "no fallback of " + node + " with reason containing '" + reasonPart + "'; fallbacks: "
                + report.fallbacks());
        return this;
    }

    private static QueryResult runOnce(SparkSession session, Function<SparkSession, Dataset<Row>> query,
            boolean emberOn) {
        String previous = session.conf().get("spark.ember.enabled", "true");
        session.conf().set("spark.ember.enabled", Boolean.toString(emberOn));
        long leaksBefore = EmberMemory.leakCount();
        try {
            Dataset<Row> dataset = query.apply(session);
            List<Row> rows;
            try {
                rows = Arrays.asList((Row[]) dataset.collect());
            } catch (Exception e) {
                // Spark's own SparkException (a failed job) is a checked exception that Scala throws undeclared
                Optional<PlanReport> report;
                try {
                    report = Optional.of(PlanReport.of(dataset.queryExecution().executedPlan()));
                } catch (RuntimeException planningFailed) {
                    report = Optional.empty();
                }
                return new QueryResult(List.of(), dataset.schema(), Optional.of(e), report);
            }
            PlanReport report = PlanReport.of(dataset.queryExecution().executedPlan());
            return new QueryResult(rows, dataset.schema(), Optional.empty(), Optional.of(report));
        } finally {
            session.conf().set("spark.ember.enabled", previous);
            assertMemoryReleased(leaksBefore);
        }
    }

    private static void assertMemoryReleased(long leaksBefore) {
        assertEquals(0, EmberMemory.awaitReleased(10_000_000_000L), "Ember still holds memory after the query");
        assertEquals(leaksBefore, EmberMemory.leakCount(), "Ember leaked memory in a task");
    }

    private static Throwable root(Throwable error) {
        Throwable current = error;
        while (current.getCause() != null && !(current instanceof SparkThrowable)) {
            current = current.getCause();
        }
        return current;
    }
}
