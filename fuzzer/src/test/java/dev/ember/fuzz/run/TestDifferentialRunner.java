package dev.ember.fuzz.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.fuzz.data.TableParameters;
import dev.ember.fuzz.data.TableSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner's verdicts on real queries, including ones whose two runs really differ. */
class TestDifferentialRunner {
    private static SparkSession session;
    private static DifferentialRunner runner;
    /** Calls of {@code every_other_call}; static, so the tasks' deserialized copies of the function share it. */
    private static final AtomicInteger CALLS = new AtomicInteger();

    @BeforeAll
    static void start() {
        session = FuzzSession.start("host");
        TableSet tables = TableSet.generate(new TableParameters(3, 2, 20));
        // the queries below need rows: seed 3's t0 has 12, over 3 partitions
        assertEquals(12, tables.table("t0").rows().size(), tables.table("t0")::describe);
        FuzzSession.register(session, tables);
        runner = new DifferentialRunner(session);
        // true on even calls, false on odd ones: a query over one row that asserts it answers in every other run
        UDF1<Integer, Boolean> everyOtherCall = k -> CALLS.getAndIncrement() % 2 == 0;
        session.udf().register("every_other_call",
                functions.udf(everyOtherCall, DataTypes.BooleanType).asNondeterministic());
    }

    @Test
    void theSameAnswerWithEmberRunning() {
        Outcome outcome = runner.run("SELECT a.k AS o0, a.k + 1 AS o1 FROM t0 AS a WHERE a.k > 0", false);
        assertEquals(Outcome.Kind.SAME_ANSWER, outcome.kind(), outcome::toString);
        assertTrue(outcome.emberRan(), outcome::toString);
    }

    @Test
    void twoRunsOfANonDeterministicQueryDiffer() {
        // rand() without a seed draws a new seed per run: the two answers differ as a wrong answer would
        Outcome outcome = runner.run("SELECT rand() AS o0 FROM t0", false);
        assertEquals(Outcome.Kind.DIFFERENT_ANSWER, outcome.kind(), outcome::toString);
    }

    @Test
    void aSparkErrorIsComparedByCondition() {
        Outcome outcome = runner.run("SELECT a.k / (a.k - a.k) AS o0 FROM t0 AS a WHERE a.k IS NOT NULL", false);
        assertEquals(Outcome.Kind.SAME_ERROR, outcome.kind(), outcome::toString);
        assertTrue(outcome.detail().contains("[DIVIDE_BY_ZERO]"), outcome::toString);
    }

    @Test
    void aQuerySparkCannotAnalyzeIsInvalid() {
        Outcome outcome = runner.run("SELECT no_such_column FROM t0", false);
        assertEquals(Outcome.Kind.INVALID, outcome.kind(), outcome::toString);
        assertTrue(!outcome.difference());
    }

    @Test
    void anOutcomeSparkAloneAlsoGivesIsNotADifference() {
        // one row, one call per run: Spark's run answers (call 0), Ember's fails (1), Spark's first rerun
        // answers again (2) and its second fails as Ember's did (3)
        CALLS.set(0);
        Outcome outcome = runner.run("SELECT assert_true(every_other_call(a.k)) AS o0 FROM (SELECT k FROM t0 ORDER BY k"
                + " LIMIT 1) AS a", false);
        assertEquals(Outcome.Kind.SPARK_VARIES, outcome.kind(), outcome::toString);
        assertTrue(outcome.detail().startsWith("Spark alone ended as Ember did in rerun 2 ("), outcome::toString);
        assertTrue(outcome.detail().contains("EMBER_FAILED"), outcome::toString);
        assertEquals(4, CALLS.get(), "calls of the function: one per run");
        assertTrue(!outcome.difference());
    }
}
