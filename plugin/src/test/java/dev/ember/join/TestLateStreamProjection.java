package dev.ember.join;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broadcast join's stream side projects a column that raises an error (an ANSI cast of a non-numeric
 * string) on the rows the join drops only. Spark's generated code computes such a column on output rows only,
 * and answers; Ember computes it above its join ({@code LateStreamProjection}) and answers alike. Where Spark
 * computes it on every row (a key, a condition's column, an outer join's preserved rows, whole-stage code
 * generation off), both fail.
 *
 * <p>Fixed data, not random: which rows fail is the point. {@code lp_stream} has 300 rows over 3 partitions;
 * ids 0 to 9 (and a null id) hold numeric strings or a null, every other row {@code 'x'}. {@code lp_build} holds
 * ids 0 to 9, a null and 1000.
 */
class TestLateStreamProjection {
    private static final String HASH_JOIN = "EmberBroadcastHashJoinExec";
    private static final String LOOP_JOIN = "EmberBroadcastNestedLoopJoinExec";
    private static final String STREAM = "(SELECT id, s, CAST(s AS INT) AS n, length(s) AS len FROM lp_stream)";

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        StructType schema = StructType.fromDDL("id INT, s STRING");
        List<Row> stream = new ArrayList<>();
        for (int id = 0; id < 299; id++) {
            String s = id >= 10 ? "x" : id == 3 ? null : id == 4 ? "-0" : Integer.toString(id * 1000 - 2);
            stream.add(RowFactory.create(id, s));
        }
        stream.add(RowFactory.create(null, "5"));
        session.createDataFrame(stream, schema).repartition(3).createOrReplaceTempView("lp_stream");
        List<Row> build = new ArrayList<>();
        for (int id = 0; id < 10; id++) {
            build.add(RowFactory.create(id, "b" + id));
        }
        build.add(RowFactory.create(null, ""));
        build.add(RowFactory.create(1000, "b"));
        session.createDataFrame(build, schema).repartition(2).createOrReplaceTempView("lp_build");
    }

    @Test
    void hashJoinsComputeTheStreamsOtherColumnsOnOutputRowsOnly() {
        assertAnswers("SELECT /*+ BROADCAST(b) */ f.id, f.n, f.len, b.s FROM " + STREAM
                + " f JOIN lp_build b ON f.id = b.id", HASH_JOIN);
        assertAnswers("SELECT /*+ BROADCAST(b) */ f.id, f.n + 1 AS n1 FROM " + STREAM
                + " f JOIN lp_build b ON f.id = b.id AND b.s <> 'b7'", HASH_JOIN);
        assertAnswers("SELECT /*+ BROADCAST(b) */ f.* FROM " + STREAM + " f LEFT SEMI JOIN lp_build b ON f.id = b.id",
                HASH_JOIN);
        // an anti join drops the rows whose cast fails (ids from 10 up) and keeps the rest (the null id too)
        assertAnswers("SELECT /*+ BROADCAST(b) */ f.id, f.n FROM " + STREAM
                + " f LEFT ANTI JOIN (SELECT id FROM lp_stream WHERE id >= 10) b ON f.id = b.id", HASH_JOIN);
        assertAnswers("SELECT /*+ BROADCAST(b) */ f.n, count(*) AS c FROM " + STREAM
                + " f JOIN lp_build b ON f.id = b.id GROUP BY f.n", HASH_JOIN);
        // with the join below an aggregate, and the cast's column the aggregate's key
        assertAnswers("SELECT /*+ BROADCAST(b) */ sum(f.n) AS total FROM " + STREAM
                + " f JOIN lp_build b ON f.id = b.id", HASH_JOIN);
    }

    @Test
    void columnsSparkComputesOnEveryRowFailAlike() {
        // a key is computed for every stream row
        assertFailsAlike("SELECT /*+ BROADCAST(b) */ f.id FROM " + STREAM + " f JOIN lp_build b ON f.n = b.id",
                HASH_JOIN);
        // so is a column the condition reads: Spark evaluates the condition's columns before its join
        assertFailsAlike("SELECT /*+ BROADCAST(b) */ f.id FROM " + STREAM
                + " f JOIN lp_build b ON f.id = b.id AND f.n > b.id - 100", HASH_JOIN);
        // a left outer join outputs every stream row
        assertFailsAlike("SELECT /*+ BROADCAST(b) */ f.id, f.n FROM " + STREAM
                + " f LEFT JOIN lp_build b ON f.id = b.id", HASH_JOIN);
        // without whole-stage code generation Spark projects every row before its join
        SharedSpark.withConf(Map.of("spark.sql.codegen.wholeStage", "false"), () -> {
            assertFailsAlike("SELECT /*+ BROADCAST(b) */ f.id, f.n FROM " + STREAM
                    + " f JOIN lp_build b ON f.id = b.id", HASH_JOIN);
            return null;
        });
    }

    @Test
    void nestedLoopJoinsComputeTheStreamsOtherColumnsOnOutputRowsOnly() {
        assertAnswers("SELECT /*+ BROADCAST(b) */ f.id, f.n, b.s FROM " + STREAM
                + " f JOIN lp_build b ON f.id < b.id AND b.id < 100", LOOP_JOIN);
        assertAnswers("SELECT /*+ BROADCAST(b) */ f.id, f.n FROM " + STREAM
                + " f LEFT SEMI JOIN lp_build b ON f.id + 5 < b.id AND b.id < 100", LOOP_JOIN);
        // an existence join has no generated code in Spark: every stream row is projected first, in both
        assertFailsAlike("SELECT f.id, f.n, EXISTS (SELECT 1 FROM lp_build b WHERE b.id > f.id) AS e FROM "
                + STREAM + " f", LOOP_JOIN);
    }

    /** Spark answers (rows, no error), Ember the same, with {@code node} run. */
    private static void assertAnswers(String sql, String node) {
        EmberQueryCheck check = EmberQueryCheck.sql(sql);
        check.spark().error().ifPresent(e -> {
            throw new AssertionError(sql + ": Spark failed, so the check is moot: " + e, e);
        });
        assertFalse(check.spark().rows().isEmpty(), sql + ": Spark answered no row");
        try {
            check.assertSameAnswer().assertEmberRan(node, "EmberProjectExec");
        } catch (AssertionError e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Spark fails, Ember fails with the same error, with {@code node} planned where the Ember run got as far as
     * its final plan (with adaptive execution a stage below the join can fail first, leaving none).
     */
    private static void assertFailsAlike(String sql, String node) {
        EmberQueryCheck check = EmberQueryCheck.sql(sql);
        assertTrue(check.spark().error().isPresent(), sql + ": Spark answered, so the check is moot");
        check.assertSameError();
        if (check.ember().report().isPresent()) {
            check.assertEmberRan(node);
        }
    }
}
