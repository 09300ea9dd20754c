package dev.ember.union;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code UNION ALL} and the set operations Spark rewrites into unions, with Ember off and on, over seeded
 * random data with null, NaN, -0.0 and duplicate keys.
 *
 * <p>The regression these guard: with {@code spark.sql.unionOutputPartitioning} (Spark 4.1, on by default)
 * a union of branches that are already hash-partitioned on the grouping key needs no shuffle before the
 * aggregation above it; Spark's columnar union appended the branches' partitions instead of pairing
 * them, so Ember's aggregation saw one key in several partitions and returned it several times (TPC-DS
 * q33, q56, q60, q66; {@code INTERSECT ALL}, {@code EXCEPT ALL}; {@code IN} over set operations).
 */
class TestUnionAndSetOperations {
    private static final String CHANNEL_SUMS = """
            SELECT k, sum(total) AS total, count(*) AS branches
            FROM (SELECT k, sum(v) AS total FROM union_store GROUP BY k
                  UNION ALL SELECT k, sum(v) AS total FROM union_catalog GROUP BY k
                  UNION ALL SELECT k, sum(v) AS total FROM union_web GROUP BY k) channels
            GROUP BY k""";

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        RandomData random = RandomData.create("TestUnionAndSetOperations").extremes(false);
        StructType schema = new StructType()
                .add("k", DataTypes.IntegerType)
                .add("s", DataTypes.StringType)
                .add("d", DataTypes.DoubleType)
                .add("v", DataTypes.createDecimalType(12, 2))
                .add("n", DataTypes.LongType);
        String[] names = {"union_store", "union_catalog", "union_web"};
        int[] sizes = {700, 300, 1};
        for (int t = 0; t < names.length; t++) {
            List<Row> rows = new ArrayList<>();
            for (Row row : random.rows(schema, sizes[t], 9)) {
                // few distinct keys, so every key meets itself across branches and partitions
                Object k = row.isNullAt(0) ? null : Math.floorMod(row.getInt(0), 23);
                rows.add(RowFactory.create(k, row.get(1), row.get(2), row.get(3), row.get(4)));
            }
            session.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView(names[t]);
        }
        session.createDataFrame(List.of(), schema).createOrReplaceTempView("union_empty");
    }

    @Test
    void aggregationOverUnionOfGroupedBranches() {
        EmberQueryCheck.sql(CHANNEL_SUMS)
                .assertSameAnswer()
                .assertEmberRan("EmberUnionExec", "EmberHashAggregateExec");
    }

    @Test
    void aggregationOverUnionOfGroupedBranchesWithoutAdaptiveExecution() {
        SharedSpark.withConf(Map.of("spark.sql.adaptive.enabled", "false"), () -> EmberQueryCheck.sql(CHANNEL_SUMS)
                .assertSameAnswer()
                .assertEmberRan("EmberUnionExec", "EmberHashAggregateExec"));
    }

    @Test
    void sparkUnionOverEmberBranchesReadsRowsWhenPartitioned() {
        // the union stays in Spark; its Ember children must not go through Spark's columnar union
        SharedSpark.withConf(Map.of("spark.ember.exec.UnionExec.enabled", "false"), () -> EmberQueryCheck
                .sql(CHANNEL_SUMS)
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec")
                .assertFallback("UnionExec", "spark.ember.exec.UnionExec.enabled=false"));
    }

    @Test
    void groupingAgainOverManyKeysAndTypes() {
        EmberQueryCheck.sql("""
                SELECT s, d, sum(c) AS c, max(m) AS m
                FROM (SELECT s, d, count(*) AS c, max(n) AS m FROM union_store GROUP BY s, d
                      UNION ALL SELECT s, d, count(*) AS c, max(n) AS m FROM union_catalog GROUP BY s, d
                      UNION ALL SELECT s, d, count(*), max(n) FROM union_empty GROUP BY s, d) parts
                GROUP BY s, d""")
                .assertSameAnswer()
                .assertEmberRan("EmberUnionExec", "EmberHashAggregateExec");
    }

    @Test
    void plainUnionAllAndUnionDistinct() {
        EmberQueryCheck.sql("SELECT k, s, d FROM union_store UNION ALL SELECT k, s, d FROM union_web"
                + " UNION ALL SELECT k, s, d FROM union_empty")
                .assertSameAnswer()
                .assertEmberRan("EmberUnionExec");
        EmberQueryCheck.sql("SELECT k, s FROM union_store UNION SELECT k, s FROM union_catalog")
                .assertSameAnswer()
                .assertEmberRan("EmberUnionExec", "EmberHashAggregateExec");
    }

    @Test
    void intersectAllAndExceptAll() {
        EmberQueryCheck.sql("SELECT k, s FROM union_store INTERSECT ALL SELECT k, s FROM union_catalog")
                .assertSameAnswer()
                .assertEmberRan("EmberUnionExec", "EmberHashAggregateExec");
        EmberQueryCheck.sql("SELECT k FROM union_store EXCEPT ALL SELECT k FROM union_catalog")
                .assertSameAnswer()
                .assertEmberRan("EmberUnionExec", "EmberHashAggregateExec");
        EmberQueryCheck.sql("SELECT k, d FROM union_catalog INTERSECT ALL SELECT k, d FROM union_store")
                .assertSameAnswer();
    }

    @Test
    void inOverSetOperationsOfGroupedBranches() {
        EmberQueryCheck.sql("""
                SELECT k, s FROM union_web WHERE k IN (
                    SELECT k FROM (SELECT k, count(*) FROM union_store GROUP BY k) a
                    UNION ALL SELECT k FROM (SELECT k, count(*) FROM union_catalog GROUP BY k) b)""")
                .assertSameAnswer();
        EmberQueryCheck.sql("""
                SELECT k, count(*) AS c FROM union_store WHERE k IN (
                    SELECT k FROM union_catalog GROUP BY k HAVING count(*) > 5
                    INTERSECT SELECT k FROM union_store GROUP BY k HAVING sum(v) > 0)
                GROUP BY k""")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec");
    }
}
