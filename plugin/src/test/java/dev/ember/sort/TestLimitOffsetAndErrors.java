package dev.ember.sort;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Limits with offsets where Spark plans {@code GlobalLimitExec(limit, offset)} (inside subqueries; a
 * top-level one is Spark's {@code CollectLimitExec}), and an overflow error that must reach the user as
 * Spark raises it.
 */
class TestLimitOffsetAndErrors {

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        // one partition each: the rows a limit without ORDER BY takes are then the same in every run
        session.range(0, 40, 1, 1).selectExpr("CAST(id AS INT) AS a", "CAST(id % 7 AS INT) AS b",
                "CAST(id * 3 AS INT) AS c").createOrReplaceTempView("limit_t1");
        session.range(0, 30, 1, 1).selectExpr("CAST(29 - id AS INT) AS a", "CAST(id % 11 AS INT) AS b",
                "CAST((29 - id) * 3 AS INT) AS c").createOrReplaceTempView("limit_t2");
        // four partitions: each keeps its own first rows below the global limit, so the offset matters
        session.range(0, 40, 1, 4).selectExpr("CAST(id AS INT) AS a", "CAST(id % 3 AS INT) AS b")
                .createOrReplaceTempView("limit_t3");
        // Spark's decimals_test, as Parquet so the optimizer cannot fold the arithmetic into a local relation
        Path directory;
        try {
            directory = Files.createTempDirectory("ember-limit-decimals");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        session.sql("SELECT * FROM VALUES"
                + " (1, CAST(100.0 AS DECIMAL(38,18)), CAST(999.0 AS DECIMAL(38,18))),"
                + " (2, CAST(12345.123 AS DECIMAL(38,18)), CAST(12345.123 AS DECIMAL(38,18))),"
                + " (3, CAST(0.1234567891011 AS DECIMAL(38,18)), CAST(1234.1 AS DECIMAL(38,18))),"
                + " (4, CAST(123456789123456789.0 AS DECIMAL(38,18)), CAST(1.123456789123456789 AS DECIMAL(38,18)))"
                + " AS t(id, a, b)").write().mode("overwrite").parquet(directory.resolve("t").toString());
        session.read().parquet(directory.resolve("t").toString()).createOrReplaceTempView("limit_decimals");
        // one partition: the first 5 rows hold numbers, the rest text that no cast to INT takes
        session.range(0, 40, 1, 1).selectExpr("CAST(id AS INT) AS id",
                "IF(id < 5, CAST(id AS STRING), CONCAT('row ', id)) AS s").createOrReplaceTempView("limit_casts");
    }

    @Test
    void aCastUnderALimitIsEvaluatedOnlyOnTheRowsSparkReads() {
        // Spark evaluates a projection under a limit row by row and stops at the limit: the cast never sees
        // the text rows. Here the limit is Spark's TakeOrderedAndProject (Ember's top-N projects after it
        // keeps its rows) and CollectLimit; the LocalLimit-over-Project form that the fuzzer found (seed
        // 20261207, query 2691) replays from the bundled fuzz regressions in TestFuzzer.
        EmberQueryCheck.sql("SELECT v, dense_rank() OVER (PARTITION BY v ORDER BY v DESC) AS r FROM"
                + " (SELECT CAST(s AS INT) AS v FROM (SELECT s, min(id) AS m FROM limit_casts GROUP BY s"
                + " ORDER BY m LIMIT 3))").assertSameAnswer().assertEmberRan("EmberTopNExec");
        EmberQueryCheck.sql("SELECT v + 1 FROM (SELECT CAST(s AS INT) AS v, id FROM"
                + " (SELECT * FROM limit_casts ORDER BY id) LIMIT 3)").assertSameAnswer();
        EmberQueryCheck.sql("SELECT CAST(s AS INT) AS v FROM limit_casts LIMIT 3").assertSameAnswer();
    }

    @Test
    void aConditionUnderALimitIsEvaluatedOnlyOnTheRowsSparkReads() {
        // Spark evaluates a filter under a limit row by row and stops once the limit has its rows: the
        // cast in the condition never sees the text rows. Ember's filter evaluates a batch at a time; it
        // hands on the rows that passed before the first row whose condition fails, and raises the error
        // only if the limit asks for more.
        EmberQueryCheck.sql("SELECT id FROM limit_casts WHERE CAST(s AS INT) >= 0 LIMIT 3").assertSameAnswer()
                .assertEmberRan("EmberFilterExec");
        EmberQueryCheck.sql("SELECT id, s FROM limit_casts WHERE CAST(s AS INT) % 2 = 0 LIMIT 2").assertSameAnswer()
                .assertEmberRan("EmberFilterExec");
        // the limit needs a row past the failing one: both fail, at the same row
        EmberQueryCheck.sql("SELECT id FROM limit_casts WHERE CAST(s AS INT) >= 0 LIMIT 6").assertSameAnswer();
    }

    @Test
    void offsetInsideInSubqueryKeepsTheRowsAfterTheOffset() {
        EmberQueryCheck.sql("SELECT * FROM limit_t1 WHERE c IN (SELECT c FROM limit_t2 WHERE b >= 8 LIMIT 2 OFFSET 2)")
                .assertSameAnswer()
                .assertEmberRan("EmberLimitExec");
        EmberQueryCheck.sql("SELECT * FROM limit_t1 WHERE c NOT IN (SELECT c FROM limit_t2 LIMIT 5 OFFSET 20)")
                .assertSameAnswer()
                .assertEmberRan("EmberLimitExec");
    }

    @Test
    void offsetBelowAnAggregation() {
        for (String clause : new String[] {"LIMIT 4 OFFSET 3", "LIMIT 0 OFFSET 3", "LIMIT 100 OFFSET 35",
            "LIMIT 3 OFFSET 50"}) {
            EmberQueryCheck.sql("SELECT count(*), sum(c), min(a) FROM (SELECT * FROM limit_t1 " + clause + ")")
                    .assertSameAnswer();
        }
        EmberQueryCheck.sql("SELECT b, sum(c) FROM (SELECT * FROM limit_t1 OFFSET 33) GROUP BY b")
                .assertSameAnswer();
    }

    @Test
    void offsetOverSeveralPartitionsTakesOnlyTheLimit() {
        // which rows arrive first after the single-partition exchange varies, how many does not: before the
        // fix Ember skipped the offset and then took the whole limit (limit 4 offset 2 gave 4 rows, not 2)
        for (String clause : new String[] {"LIMIT 2 OFFSET 2", "LIMIT 7 OFFSET 1", "LIMIT 30 OFFSET 25"}) {
            EmberQueryCheck.sql("SELECT count(*), count(DISTINCT b) >= 0 FROM (SELECT * FROM limit_t3 " + clause + ")")
                    .assertSameAnswer()
                    .assertEmberRan("EmberLimitExec");
        }
        EmberQueryCheck.sql("SELECT count(*) FROM limit_t1 WHERE a IN (SELECT a FROM limit_t3 LIMIT 3 OFFSET 4)")
                .assertSameAnswer()
                .assertEmberRan("EmberLimitExec");
    }

    @Test
    void decimalOverflowRaisesSparksError() {
        // without precision loss a * b is a DECIMAL(38,36) that 99900 does not fit: Spark raises
        // NUMERIC_VALUE_OUT_OF_RANGE; before the fix Ember reported "one partition holds more than 2147483647
        // rows", because the sort's input buffering took any ArithmeticException for its own row count's
        SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", "true",
                "spark.sql.decimalOperations.allowPrecisionLoss", "false"), () -> EmberQueryCheck.orderedSql(
                "SELECT /*+ COALESCE(1) */ id, a + b, a - b, a * b, a / b FROM limit_decimals ORDER BY id")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec"));
    }
}
