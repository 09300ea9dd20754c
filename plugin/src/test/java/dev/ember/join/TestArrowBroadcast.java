package dev.ember.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.exec.broadcast.ArrowBroadcast;
import dev.ember.exec.broadcast.ArrowBroadcastMode;
import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build side of Ember's broadcast joins travels as Arrow: every join type, with adaptive execution on
 * and off, with reuse, null keys, empty and multi-chunk build sides, strings and decimals; answers compared
 * with Spark's, and the broadcast exchange's mode and value inspected after the action.
 */
class TestArrowBroadcast {
    private static final String AQE = "spark.sql.adaptive.enabled";
    private static final String EMPTY = "(SELECT CAST(id AS TINYINT) AS k, CAST(id AS STRING) AS s FROM range(0, 1000)"
            + " WHERE id % 7 = 100)";

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("k", DataTypes.ByteType)
                .add("kl", DataTypes.LongType)
                .add("s", DataTypes.StringType)
                .add("d", DataTypes.createDecimalType(12, 2));
        RandomData random = RandomData.create("TestArrowBroadcast");
        // nullEvery 7: every key column holds nulls on both sides
        session.createDataFrame(random.rows(schema, 500, 7), schema).repartition(3)
                .createOrReplaceTempView("arrow_facts");
        session.createDataFrame(random.rows(schema, 300, 7), schema).createOrReplaceTempView("arrow_dim");
        StructType keys = new StructType().add("k", DataTypes.ByteType, false);
        List<Row> noNulls = new ArrayList<>();
        for (int i = -30; i < 30; i += 3) {
            noNulls.add(RowFactory.create((byte) i));
        }
        session.createDataFrame(noNulls, keys).createOrReplaceTempView("arrow_keys");
    }

    @Test
    void runsEveryJoinTypeOverAnArrowBroadcastWithAndWithoutAdaptiveExecution() {
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive), () -> {
                String columns = "l.id AS lid, l.s AS ls, l.d AS ld, r.id AS rid, r.s AS rs, r.d AS rd";
                for (String joinType : new String[] {"INNER", "LEFT OUTER"}) {
                    // byte key, string key, long key, decimal key with a condition over both sides
                    assertArrowJoin("SELECT /*+ BROADCAST(r) */ " + columns + " FROM arrow_facts l " + joinType
                            + " JOIN arrow_dim r ON l.k = r.k AND l.s = r.s");
                    assertArrowJoin("SELECT /*+ BROADCAST(r) */ " + columns + " FROM arrow_facts l " + joinType
                            + " JOIN arrow_dim r ON l.kl = r.kl");
                    assertArrowJoin("SELECT /*+ BROADCAST(r) */ " + columns + " FROM arrow_facts l " + joinType
                            + " JOIN arrow_dim r ON l.k = r.k AND l.d > r.d");
                }
                assertArrowJoin("SELECT /*+ BROADCAST(l) */ " + columns + " FROM arrow_dim l RIGHT OUTER JOIN"
                        + " arrow_facts r ON l.k = r.k");
                for (String joinType : new String[] {"LEFT SEMI", "LEFT ANTI"}) {
                    assertArrowJoin("SELECT /*+ BROADCAST(r) */ l.* FROM arrow_facts l " + joinType
                            + " JOIN arrow_dim r ON l.k = r.k AND l.id > r.id");
                }
                // NOT IN without a null in the list runs over an Arrow broadcast
                assertArrowJoin("SELECT id, k FROM arrow_facts WHERE k NOT IN (SELECT k FROM arrow_keys)");
                // with a null in the list, and with an empty list, the broadcast is Spark's own marker
                // relation (as Spark's mode gives): answers only
                EmberQueryCheck.sql("SELECT id, k FROM arrow_facts WHERE k NOT IN (SELECT k FROM arrow_dim)")
                        .assertSameAnswer();
                EmberQueryCheck.sql("SELECT id, k FROM arrow_facts WHERE k NOT IN"
                        + " (SELECT k FROM arrow_keys WHERE k > 100)").assertSameAnswer();
                return null;
            });
        }
    }

    @Test
    void reusesOneArrowBroadcastForTwoJoins() {
        String join = "SELECT /*+ BROADCAST(r) */ l.id AS lid, r.s AS rs FROM arrow_facts l JOIN arrow_dim r"
                + " ON l.k = r.k";
        EmberQueryCheck.sql(join + " UNION ALL " + join)
                .assertSameAnswer()
                .assertEmberRan("EmberBroadcastHashJoinExec");
        BroadcastPlans plans = BroadcastPlans.of(executedPlan(join + " UNION ALL " + join, true));
        assertEquals(1, plans.exchanges().size(), "one broadcast exchange: " + plans.exchanges());
        assertEquals(1, plans.reused(), "the second join reuses the first one's broadcast");
        assertArrowValue(plans.exchanges().get(0));
    }

    @Test
    void joinsAnEmptyBuildSide() {
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive), () -> {
                // the build side is empty only when it runs (the optimizer empties filtered local relations);
                // adaptive execution removes joins whose broadcast turned out empty: compare answers there
                List<String> queries = List.of(
                        "SELECT /*+ BROADCAST(r) */ l.id, r.s FROM arrow_dim l JOIN " + EMPTY + " r ON l.k = r.k",
                        "SELECT /*+ BROADCAST(r) */ l.id, r.s FROM arrow_dim l LEFT OUTER JOIN " + EMPTY
                                + " r ON l.k = r.k");
                for (String sql : queries) {
                    EmberQueryCheck check = EmberQueryCheck.sql(sql).assertSameAnswer();
                    if (adaptive.equals("false")) {
                        check.assertEmberRan("EmberBroadcastHashJoinExec");
                        assertEquals(0, assertArrowValue(onlyExchange(sql)).rowCount());
                    }
                }
                return null;
            });
        }
    }

    @Test
    void readsABuildSideWhoseEmberNodesSitBelowAShuffle() {
        // without adaptive execution Spark places no transitions in the broadcast's plan (it is not a child
        // of Ember's join): the Ember projection below the shuffle still needs its ColumnarToRow
        String build = "(SELECT /*+ REPARTITION(2) */ CAST(id % 40 AS TINYINT) AS k, CAST(id * 3 AS STRING) AS s"
                + " FROM range(0, 300))";
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive), () -> assertArrowJoin("SELECT /*+ BROADCAST(r) */ l.id, r.s FROM"
                    + " arrow_facts l JOIN " + build + " r ON l.k = r.k"));
        }
    }

    @Test
    void splitsALargeBuildSideIntoSeveralArrowChunks() {
        withConf(Map.of("spark.ember.batchSizeRows", "64"), () -> {
            String sql = "SELECT /*+ BROADCAST(r) */ l.id, l.s, r.id AS rid, r.d AS rd FROM arrow_facts l JOIN arrow_dim r"
                    + " ON l.k = r.k";
            assertArrowJoin(sql);
            ArrowBroadcast value = assertArrowValue(onlyExchange(sql));
            assertTrue(value.chunkCount() > 1, "chunks: " + value.chunkCount());
            assertTrue(value.rowCount() > 64, "rows: " + value.rowCount());
            return null;
        });
    }

    @Test
    void leavesNullKeyRowsOutOfTheBroadcast() {
        withConf(Map.of(AQE, "false"), () -> {
            String sql = "SELECT /*+ BROADCAST(r) */ l.id, r.id AS rid FROM arrow_facts l JOIN arrow_dim r ON l.k = r.k";
            assertArrowJoin(sql);
            long nonNullKeys = SharedSpark.session().sql("SELECT count(*) FROM arrow_dim WHERE k IS NOT NULL")
                    .first().getLong(0);
            assertTrue(nonNullKeys < 300, "the data has null keys");
            assertEquals(nonNullKeys, assertArrowValue(onlyExchange(sql)).rowCount());
            return null;
        });
    }

    @Test
    void explainShowsTheArrowModeAndCountsItAsATransition() {
        String sql = "SELECT /*+ BROADCAST(r) */ l.id, r.s FROM arrow_facts l JOIN arrow_dim r ON l.k = r.k";
        EmberQueryCheck check = assertArrowJoin(sql);
        String explain = executedPlan(sql, true).toString();
        assertTrue(explain.contains("BroadcastExchange ArrowBroadcastMode("), explain);
        assertTrue(explain.contains("[build: BroadcastQueryStage of Arrow]"), explain);
        assertTrue(check.report().rowToColumnar() >= 1, "transitions: " + check.report());
    }

    private static EmberQueryCheck assertArrowJoin(String sql) {
        EmberQueryCheck check = EmberQueryCheck.sql(sql)
                .assertSameAnswer()
                .assertEmberRan("EmberBroadcastHashJoinExec");
        List<BroadcastExchangeExec> exchanges = BroadcastPlans.of(executedPlan(sql, true)).exchanges();
        assertFalse(exchanges.isEmpty(), "no broadcast in " + sql);
        for (BroadcastExchangeExec exchange : exchanges) {
            assertArrowValue(exchange);
        }
        // with Ember off the exchange is Spark's own
        for (BroadcastExchangeExec exchange : BroadcastPlans.of(executedPlan(sql, false)).exchanges()) {
            assertFalse(exchange.mode() instanceof ArrowBroadcastMode, "Spark's run broadcast Arrow: " + sql);
        }
        return check;
    }

    /** Runs the query once more, Ember on or off, and gives its executed plan. */
    static SparkPlan executedPlan(String sql, boolean ember) {
        return withConf(Map.of("spark.ember.enabled", Boolean.toString(ember)), () -> {
            Dataset<Row> dataset = SharedSpark.session().sql(sql);
            dataset.collect();
            return dataset.queryExecution().executedPlan();
        });
    }

    private static BroadcastExchangeExec onlyExchange(String sql) {
        List<BroadcastExchangeExec> exchanges = BroadcastPlans.of(executedPlan(sql, true)).exchanges();
        assertEquals(1, exchanges.size(), "broadcasts: " + exchanges);
        return exchanges.get(0);
    }

    /** The exchange has the Arrow mode and, after the query ran, its broadcast value is the Arrow payload. */
    private static ArrowBroadcast assertArrowValue(BroadcastExchangeExec exchange) {
        assertTrue(exchange.mode() instanceof ArrowBroadcastMode, "not an Arrow broadcast: " + exchange.mode());
        Object value = exchange.executeBroadcast().value();
        assertTrue(value instanceof ArrowBroadcast, "broadcast value: " + value.getClass().getName());
        return (ArrowBroadcast) value;
    }

    private static <T> T withConf(Map<String, String> settings, Supplier<T> body) {
        return SharedSpark.withConf(settings, body);
    }
}
