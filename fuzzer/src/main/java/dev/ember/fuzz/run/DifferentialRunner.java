package dev.ember.fuzz.run;

import static java.util.Objects.requireNonNull;

import dev.ember.memory.EmberMemory;
import dev.ember.plan.PlanReport;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkException;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a query with Ember off, then on, in one session, and compares: the answers (see
 * {@link AnswerComparison}) and result schemas, or, when Spark fails, the errors by class and Spark error
 * condition (messages may differ: which row fails first is not fixed). After the Ember run all Ember
 * memory must be released and no task may have leaked.
 *
 * <p>Not thread-safe: it switches {@code spark.ember.enabled} on the shared session.
 */
public final class DifferentialRunner {
    private static final String ENABLED = "spark.ember.enabled";
    private static final long RELEASE_WAIT_NANOS = 10_000_000_000L;

    private final SparkSession session;

    public DifferentialRunner(SparkSession session) {
        this.session = requireNonNull(session, "session is null");
    }

    /**
     * Runs {@code sql} twice and compares; {@code ordered} compares rows in order, else as bags. A
     * {@link Outcome#emberRan()} says whether any Ember node ran.
     */
    public Outcome run(String sql, boolean ordered) {
        Run spark = runOnce(sql, false);
        if (spark.error() != null && isAnalysisError(spark.error())) {
            return new Outcome(Outcome.Kind.INVALID, identity(spark.error()) + ": " + firstLine(spark.error()));
        }
        long leaksBefore = EmberMemory.isInitialized() ? EmberMemory.leakCount() : 0;
        Run ember = runOnce(sql, true);
        String memory = memoryProblem(leaksBefore);
        Outcome compared = compare(spark, ember, ordered);
        if (compared.difference() || memory == null) {
            return compared;
        }
        return new Outcome(Outcome.Kind.MEMORY_NOT_RELEASED, memory);
    }

    private static Outcome compare(Run spark, Run ember, boolean ordered) {
        if (spark.error() == null && ember.error() == null) {
            if (!spark.schema().equals(ember.schema())) {
                return new Outcome(Outcome.Kind.DIFFERENT_ANSWER, "schemas differ: Spark " + spark.schema()
                        + ", Ember " + ember.schema());
            }
            String difference = AnswerComparison.difference(spark.rows(), ember.rows(), ordered);
            return difference == null
                    ? new Outcome(Outcome.Kind.SAME_ANSWER, spark.rows().size() + " rows", ember.emberRan())
                    : new Outcome(Outcome.Kind.DIFFERENT_ANSWER, difference, ember.emberRan());
        }
        if (spark.error() == null) {
            return new Outcome(Outcome.Kind.EMBER_FAILED, "Spark answered " + spark.rows().size() + " rows; Ember failed: "
                    + identity(ember.error()) + ": " + firstLine(ember.error()));
        }
        if (ember.error() == null) {
            return new Outcome(Outcome.Kind.EMBER_ANSWERED, "Spark failed (" + identity(spark.error()) + ": "
                    + firstLine(spark.error()) + "); Ember answered " + ember.rows().size() + " rows");
        }
        String expected = identity(spark.error());
        String actual = identity(ember.error());
        if (!expected.equals(actual)) {
            return new Outcome(Outcome.Kind.DIFFERENT_ERROR, "Spark failed with " + expected + ": "
                    + firstLine(spark.error()) + "; Ember with " + actual + ": " + firstLine(ember.error()));
        }
        return new Outcome(Outcome.Kind.SAME_ERROR, expected);
    }

    private Run runOnce(String sql, boolean emberOn) {
        String previous = session.conf().get(ENABLED, "true");
        session.conf().set(ENABLED, Boolean.toString(emberOn));
        try {
            Dataset<Row> dataset = session.sql(sql);
            List<Row> rows = dataset.collectAsList();
            // read after the action: adaptive execution plans each stage when it runs
            boolean emberRan = !PlanReport.of(dataset.queryExecution().executedPlan()).emberNodes().isEmpty();
            return new Run(rows, dataset.schema().json(), null, emberRan);
        } catch (Exception e) {
            // Spark's AnalysisException is a checked exception that Scala code throws undeclared
            return new Run(List.of(), "", e, false);
        } finally {
            session.conf().set(ENABLED, previous);
        }
    }

    /** Null when Ember released all its memory and no task leaked, else what it kept. */
    private static String memoryProblem(long leaksBefore) {
        if (!EmberMemory.isInitialized()) {
            return null;
        }
        long held = EmberMemory.awaitReleased(RELEASE_WAIT_NANOS);
        if (held != 0) {
            return "Ember still holds " + held + " bytes after the query";
        }
        long leaks = EmberMemory.leakCount() - leaksBefore;
        return leaks == 0 ? null : "Ember leaked memory in " + leaks + " task(s)";
    }

    /**
     * The error's class and Spark error condition, below the wrappers that only say a job or stage
     * failed: {@code SparkArithmeticException[DIVIDE_BY_ZERO]}.
     */
    static String identity(Throwable error) {
        Throwable current = error;
        while (current.getCause() != null && isWrapper(current)) {
            current = current.getCause();
        }
        String condition = current instanceof SparkThrowable spark ? spark.getCondition() : null;
        return current.getClass().getName() + (condition == null ? "" : "[" + condition + "]");
    }

    private static boolean isWrapper(Throwable error) {
        return error.getClass() == SparkException.class || error instanceof ExecutionException
                || error instanceof InvocationTargetException;
    }

    private static boolean isAnalysisError(Throwable error) {
        // the parser's exception is an AnalysisException too
        return error instanceof AnalysisException;
    }

    private static String firstLine(Throwable error) {
        Throwable current = error;
        while (current.getCause() != null && isWrapper(current)) {
            current = current.getCause();
        }
        String message = String.valueOf(current.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private record Run(List<Row> rows, String schema, Throwable error, boolean emberRan) {}
}
