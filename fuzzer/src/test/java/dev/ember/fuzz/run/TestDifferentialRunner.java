package dev.ember.fuzz.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.fuzz.data.TableParameters;
import dev.ember.fuzz.data.TableSet;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner's verdicts on real queries, including ones whose two runs really differ. */
class TestDifferentialRunner {
    private static SparkSession session;
    private static DifferentialRunner runner;

    @BeforeAll
    static void start() {
        session = FuzzSession.start("host");
        TableSet tables = TableSet.generate(new TableParameters(3, 2, 20));
        // the queries below need rows: seed 3's t0 has 12, over 3 partitions
        assertEquals(12, tables.table("t0").rows().size(), tables.table("t0")::describe);
        FuzzSession.register(session, tables);
        runner = new DifferentialRunner(session);
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
}
