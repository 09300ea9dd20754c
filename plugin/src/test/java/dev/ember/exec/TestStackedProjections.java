package dev.ember.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two projections that Spark keeps apart (the lower one's expression is expensive and the upper one uses it
 * twice) but runs as one piece of generated code, which evaluates a lower expression only where the upper
 * one needs it. Ember inlines the lower projection into the upper one, so a cast that fails on rows whose
 * {@code IF} takes the other branch, or whose column the upper projection drops, fails in neither engine
 * (the fuzzer's query 225 of seed 17 failed with Ember only). The tables are Parquet files, so that no
 * optimizer rule folds the failing cast into a constant.
 */
class TestStackedProjections {
    private static Path directory;

    @BeforeAll
    static void tables() throws Exception {
        SparkSession spark = SharedSpark.session();
        directory = Files.createTempDirectory("ember-stacked-projections");
        spark.sql("SELECT id AS k, CAST(id AS TINYINT) AS c1, CAST(id / 4 AS DECIMAL(5, 2)) AS c4 FROM range(40)")
                .write().parquet(directory.resolve("t1").toString());
        // 'Apple' does not cast to INT; the other rows do, and one is null
        spark.sql("SELECT id AS k, CASE WHEN id = 3 THEN 'Apple' WHEN id = 5 THEN NULL ELSE CAST(id * 7 AS STRING) END"
                + " AS c1 FROM range(40)").write().parquet(directory.resolve("t2").toString());
        spark.read().parquet(directory.resolve("t1").toString()).createOrReplaceTempView("stacked_t1");
        spark.read().parquet(directory.resolve("t2").toString()).createOrReplaceTempView("stacked_t2");
    }

    @AfterAll
    static void dropTables() throws Exception {
        SparkSession spark = SharedSpark.session();
        spark.catalog().dropTempView("stacked_t1");
        spark.catalog().dropTempView("stacked_t2");
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void aFailingLowerExpressionRunsOnlyWhereTheUpperOneTakesIt() {
        // o1 is used twice, so Spark keeps two projections; the cast of 'Apple' sits in IF's then-branch,
        // which row 3 never takes (o1 <= 99999.99 never reaches 99999.99)
        EmberQueryCheck.sql("SELECT IF(a0.o1 BETWEEN CAST(99999.99 AS DECIMAL(18,4)) AND CAST(99999.99 AS"
                + " DECIMAL(18,4)), CAST(a0.o0 AS BIGINT), CAST(FALSE AS INT)) AS o0 FROM (SELECT CAST(a2.c1 AS INT)"
                + " AS o0, try_cast(try_add(a1.c4, a1.c1) AS DECIMAL(12,3)) AS o1 FROM stacked_t1 AS a1 INNER JOIN"
                + " stacked_t2 AS a2 ON a1.k = a2.k) AS a0")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
        // the then-branch taken on every row but 'Apple''s: the same answer, the cast evaluated where taken
        EmberQueryCheck.sql("SELECT IF(a0.o1 > 0.5 AND a0.k <> 3, CAST(a0.o0 AS BIGINT) + a0.o1, a0.o1) AS v FROM"
                + " (SELECT a1.k, CAST(a2.c1 AS INT) AS o0, try_cast(try_add(a1.c4, a1.c1) AS DECIMAL(12,3)) AS o1"
                + " FROM stacked_t1 AS a1 INNER JOIN stacked_t2 AS a2 ON a1.k = a2.k) AS a0")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
    }

    @Test
    void aFailingLowerExpressionTakenByARowFailsInBoth() {
        // row 3 takes the branch: Spark raises the cast error, and so must Ember
        EmberQueryCheck check = EmberQueryCheck.sql("SELECT IF(a0.o1 >= 0, CAST(a0.o0 AS BIGINT), 0) AS v, a0.o1 + 1"
                + " AS w FROM (SELECT CAST(a2.c1 AS INT) AS o0, try_cast(try_add(a1.c4, a1.c1) AS DECIMAL(12,3)) AS"
                + " o1 FROM stacked_t1 AS a1 INNER JOIN stacked_t2 AS a2 ON a1.k = a2.k) AS a0")
                .assertSameError();
        assertEquals(true, check.spark().error().isPresent(), "Spark should fail on 'Apple'");
    }
}
