package dev.ember.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.exec.broadcast.EmberBroadcastExchangeExec;
import dev.ember.exec.broadcast.EmberBroadcastRelation;
import dev.ember.exec.exchange.EmberShuffleExchangeExec;
import dev.ember.plan.EmberOverrides;
import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.physical.RoundRobinPartitioning;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.BroadcastQueryStageExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.exchange.ENSURE_REQUIREMENTS$;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import org.apache.spark.sql.execution.joins.HashedRelationWithAllNullKeys$;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * Ember's broadcast exchange under Ember's broadcast joins: every join type, with adaptive execution on
 * and off, with reuse, null keys, NaN, -0.0 and empty strings, an empty build side and one over Spark's
 * size limit. Answers are compared with Spark's, and after the action the plan must hold
 * {@code EmberBroadcastExchangeExec}, no Spark broadcast exchange and no row-to-columnar transition (the
 * tables are Parquet, which Ember scans itself).
 */
class TestEmberBroadcastExchange {
    private static final String AQE = "spark.sql.adaptive.enabled";
    private static final String EMPTY = "(SELECT k, s FROM bx_dim WHERE id > 1000000 AND id < -1000000)";

    @BeforeAll
    static void createTables() throws IOException {
        SparkSession session = SharedSpark.session();
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("k", DataTypes.ByteType)
                .add("kl", DataTypes.LongType)
                .add("s", DataTypes.StringType)
                .add("d", DataTypes.createDecimalType(12, 2))
                .add("x", DataTypes.DoubleType);
        RandomData random = RandomData.create("TestEmberBroadcastExchange");
        Path dir = Files.createTempDirectory("ember-broadcast-exchange");
        dir.toFile().deleteOnExit();
        // nullEvery 7: every key column holds nulls on both sides; doubles hold NaN, -0.0 and 0.0, strings ""
        List<Row> facts = new ArrayList<>(random.rows(schema, 500, 7));
        List<Row> dim = new ArrayList<>(random.rows(schema, 300, 7));
        for (Object x : new Object[] {Double.NaN, -0.0, 0.0}) {
            facts.add(RowFactory.create(9001, (byte) 1, 1L, "", null, x));
            dim.add(RowFactory.create(9002, (byte) 1, 1L, "", null, x));
        }
        parquetView(session.createDataFrame(facts, schema).repartition(3), dir.resolve("facts"), "bx_facts");
        parquetView(session.createDataFrame(dim, schema).repartition(2), dir.resolve("dim"), "bx_dim");
        StructType keys = new StructType().add("k", DataTypes.ByteType, false);
        List<Row> noNulls = new ArrayList<>();
        for (int i = -30; i < 30; i += 3) {
            noNulls.add(RowFactory.create((byte) i));
        }
        parquetView(session.createDataFrame(noNulls, keys), dir.resolve("keys"), "bx_keys");
        session.sql("SELECT id, CAST(id AS STRING) AS s, CAST(pmod(id, 8) AS INT) AS p FROM range(0, 4000)").write().partitionBy("p")
                .parquet(dir.resolve("parted").toString());
        session.read().parquet(dir.resolve("parted").toString()).createOrReplaceTempView("bx_parted");
    }

    private static void parquetView(Dataset<Row> data, Path path, String view) {
        data.write().parquet(path.toString());
        SharedSpark.session().read().parquet(path.toString()).createOrReplaceTempView(view);
    }

    @Test
    void runsEveryJoinTypeOverAnEmberBroadcastWithAndWithoutAdaptiveExecution() {
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive), () -> {
                String columns = "l.id AS lid, l.s AS ls, l.d AS ld, r.id AS rid, r.s AS rs, r.d AS rd";
                for (String joinType : new String[] {"INNER", "LEFT OUTER"}) {
                    // byte and string keys, long key, decimal condition over both sides, double and string keys
                    assertEmberBroadcast("SELECT /*+ BROADCAST(r) */ " + columns + " FROM bx_facts l " + joinType
                            + " JOIN bx_dim r ON l.k = r.k AND l.s = r.s");
                    assertEmberBroadcast("SELECT /*+ BROADCAST(r) */ " + columns + " FROM bx_facts l " + joinType
                            + " JOIN bx_dim r ON l.kl = r.kl");
                    assertEmberBroadcast("SELECT /*+ BROADCAST(r) */ " + columns + " FROM bx_facts l " + joinType
                            + " JOIN bx_dim r ON l.k = r.k AND l.d > r.d");
                    assertEmberBroadcast("SELECT /*+ BROADCAST(r) */ l.id, l.x, r.id AS rid, r.x AS rx FROM"
                            + " bx_facts l " + joinType + " JOIN bx_dim r ON l.x = r.x AND l.s = r.s");
                }
                assertEmberBroadcast("SELECT /*+ BROADCAST(l) */ " + columns + " FROM bx_dim l RIGHT OUTER JOIN"
                        + " bx_facts r ON l.k = r.k");
                for (String joinType : new String[] {"LEFT SEMI", "LEFT ANTI"}) {
                    assertEmberBroadcast("SELECT /*+ BROADCAST(r) */ l.* FROM bx_facts l " + joinType
                            + " JOIN bx_dim r ON l.k = r.k AND l.id > r.id");
                }
                // an existence join: EXISTS outside a plain WHERE conjunct
                assertEmberBroadcast("SELECT id, s FROM bx_facts l WHERE l.id > 500 OR EXISTS"
                        + " (SELECT 1 FROM bx_dim r WHERE r.s = l.s AND r.k = l.k)");
                // NOT IN without a null in the list
                assertEmberBroadcast("SELECT id, k FROM bx_facts WHERE k NOT IN (SELECT k FROM bx_keys)");
                // with a null in the list the broadcast is Spark's marker, as Spark's exchange gives it
                // (adaptive execution then drops the join: answers only)
                String withNull = "SELECT id, k FROM bx_facts WHERE k NOT IN (SELECT k FROM bx_dim)";
                EmberQueryCheck.sql(withNull).assertSameAnswer();
                if (adaptive.equals("false")) {
                    assertEmberBroadcast(withNull);
                    assertSame(HashedRelationWithAllNullKeys$.MODULE$, onlyEmberExchange(withNull).executeBroadcast()
                            .value());
                }
                // an empty list: every row, null keys included (adaptive execution may drop the join)
                EmberQueryCheck.sql("SELECT id, k FROM bx_facts WHERE k NOT IN (SELECT k FROM bx_keys WHERE k > 100)")
                        .assertSameAnswer();
                return null;
            });
        }
    }

    @Test
    void reusesOneEmberBroadcastForTwoJoins() {
        String join = "SELECT /*+ BROADCAST(r) */ l.id AS lid, r.s AS rs FROM bx_facts l JOIN bx_dim r"
                + " ON l.k = r.k";
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive), () -> {
                assertEmberBroadcast(join + " UNION ALL " + join);
                BroadcastPlans plans = BroadcastPlans.of(executedPlan(join + " UNION ALL " + join, true));
                assertEquals(1, plans.emberExchanges().size(), "one broadcast exchange: " + plans.emberExchanges());
                assertEquals(1, plans.reused(), "the second join reuses the first one's broadcast");
                return null;
            });
        }
    }

    /**
     * Adaptive execution reuses a broadcast as a query stage over a {@code ReusedExchangeExec}, which Spark
     * declares columnar but not row-based: where a join that stayed in Spark read a reused Ember broadcast,
     * Spark put a ColumnarToRow between them, and the join failed with "ColumnarToRow does not implement
     * doExecuteBroadcast" (fuzz seed 20261207, query 56120, whose regression entry replays the query as
     * found). Ember's post-transition rule drops such transitions, in a shuffle stage too: there the root
     * transition above Ember's exchange, which the rule drops as well, once made it return before looking
     * at the rest of the stage. (Written over plan nodes: two SQL shapes tried here, broadcast hints and
     * joins adaptive execution turns into broadcast joins, did not make adaptive execution reuse an Ember
     * broadcast for a Spark join; the fuzzer's query needs one subquery's plan copied into several joins.)
     */
    @Test
    void transitionsAboveAReusedEmberBroadcastGoInEveryStage() {
        String sql = "SELECT /*+ BROADCAST(r) */ l.id AS lid, r.s AS rs FROM bx_facts l JOIN bx_dim r ON l.k = r.k";
        EmberBroadcastExchangeExec exchange = withConf(Map.of(AQE, "false"), () -> onlyEmberExchange(sql));
        ReusedExchangeExec reused = new ReusedExchangeExec(exchange.output(), exchange);
        assertTrue(reused.supportsColumnar() && !reused.supportsRowBased(), "Spark's ReusedExchangeExec changed");
        BroadcastQueryStageExec stage = new BroadcastQueryStageExec(3, reused, exchange.canonicalized());
        Rule<SparkPlan> post = new EmberOverrides().postColumnarTransitions();
        assertSame(stage, post.apply(new ColumnarToRowExec(stage)));
        assertSame(reused, post.apply(new ColumnarToRowExec(reused)));
        // a shuffle stage: Spark's transition above Ember's exchange at the root, the other one below it
        EmberShuffleExchangeExec shuffle = new EmberShuffleExchangeExec(new RoundRobinPartitioning(2),
                new ColumnarToRowExec(stage), ENSURE_REQUIREMENTS$.MODULE$, Option.empty());
        SparkPlan planned = post.apply(new ColumnarToRowExec(shuffle));
        assertTrue(planned instanceof EmberShuffleExchangeExec, planned::toString);
        assertSame(stage, planned.children().head(), planned::toString);
        // a transition above anything but a reused Ember broadcast stays
        ColumnarToRowExec kept = new ColumnarToRowExec(exchange);
        assertSame(kept, post.apply(kept));
    }

    @Test
    void joinsAnEmptyBuildSide() {
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive), () -> {
                // adaptive execution removes joins whose broadcast turned out empty: compare answers there
                List<String> queries = List.of(
                        "SELECT /*+ BROADCAST(r) */ l.id, r.s FROM bx_dim l JOIN " + EMPTY + " r ON l.k = r.k",
                        "SELECT /*+ BROADCAST(r) */ l.id, r.s FROM bx_dim l LEFT OUTER JOIN " + EMPTY
                                + " r ON l.k = r.k");
                for (String sql : queries) {
                    EmberQueryCheck check = EmberQueryCheck.sql(sql).assertSameAnswer();
                    if (adaptive.equals("false")) {
                        check.assertEmberRan("EmberBroadcastHashJoinExec", "EmberBroadcastExchangeExec");
                        EmberBroadcastRelation value = emberValue(onlyEmberExchange(sql));
                        assertEquals(0, value.rowCount());
                        assertEquals(0, value.pieceCount());
                    }
                }
                return null;
            });
        }
    }

    @Test
    void keepsSparksErrorForABuildSideOverTheBroadcastLimit() {
        String sql = "SELECT /*+ BROADCAST(r) */ l.id, r.s FROM bx_facts l JOIN bx_dim r ON l.k = r.k";
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive, "spark.sql.maxBroadcastTableSize", "64"), () -> {
                Throwable spark = failure(sql, false);
                Throwable ember = failure(sql, true);
                assertEquals(spark.getClass(), ember.getClass(), "Ember's error: " + ember);
                assertEquals(((SparkThrowable) spark).getCondition(), ((SparkThrowable) ember).getCondition());
                assertTrue(ember.getMessage().contains("Cannot broadcast the table that is larger than 64.0 B"),
                        ember.getMessage());
                assertTrue(Arrays.stream(ember.getStackTrace())
                        .anyMatch(frame -> frame.getClassName().equals(EmberBroadcastExchangeExec.class.getName())),
                        "Ember's exchange refused the build side");
                return null;
            });
        }
    }

    @Test
    void leavesTheBroadcastOfASparkJoinInSparkWithAReason() {
        // with Ember's broadcast hash join switched off the join stays in Spark, which reads a HashedRelation:
        // its broadcast stays in Spark too
        String sql = "SELECT /*+ BROADCAST(r) */ l.id, r.s FROM bx_facts l JOIN bx_dim r ON l.k = r.k";
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive, "spark.ember.exec.BroadcastHashJoinExec.enabled", "false"), () -> {
                EmberQueryCheck.sql(sql).assertSameAnswer()
                        .assertFallback("BroadcastExchangeExec", "its broadcast is read by a Spark node");
                assertTrue(BroadcastPlans.of(executedPlan(sql, true)).emberExchanges().isEmpty());
                return null;
            });
        }
    }

    @Test
    void leavesTheRowBroadcastOfANestedLoopJoinInSparkWithAReason() {
        // a nested loop join's build side is broadcast as rows, read by Spark's join or Ember's alike
        String sql = "SELECT /*+ BROADCAST(r) */ l.id, r.id AS rid FROM bx_facts l JOIN bx_dim r ON l.k < r.k";
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive), () -> {
                EmberQueryCheck.sql(sql).assertSameAnswer()
                        .assertEmberRan("EmberBroadcastNestedLoopJoinExec")
                        .assertFallback("BroadcastExchangeExec", "a broadcast of rows (a nested loop join's build side)");
                assertTrue(BroadcastPlans.of(executedPlan(sql, true)).emberExchanges().isEmpty());
                return null;
            });
        }
    }

    @Test
    void prunesPartitionsDynamicallyWithTheJoinsBroadcast() {
        // Spark's default: pruning only where it can reuse the join's broadcast
        String sql = "SELECT /*+ BROADCAST(d) */ f.id, f.p, d.s FROM bx_parted f JOIN"
                + " (SELECT CAST(k AS INT) AS p, s FROM bx_dim WHERE id = 9002 AND x = 0.0) d ON f.p = d.p";
        for (String adaptive : new String[] {"true", "false"}) {
            withConf(Map.of(AQE, adaptive), () -> {
                EmberQueryCheck check = EmberQueryCheck.sql(sql).assertSameAnswer()
                        .assertEmberRan("EmberBroadcastHashJoinExec", "EmberBroadcastExchangeExec");
                String plan = executedPlan(sql, true).toString();
                if (adaptive.equals("true")) {
                    // the pruning subquery reuses Ember's broadcast, read as Spark's HashedRelation
                    assertTrue(plan.contains("dynamicpruning"), plan);
                    assertEquals(0, check.report().rowToColumnar(), check.report().toString());
                }
                return null;
            });
        }
    }

    @Test
    void reportsSparksMetricsAndStatistics() {
        withConf(Map.of(AQE, "false"), () -> {
            String sql = "SELECT /*+ BROADCAST(r) */ l.id, r.s FROM bx_facts l JOIN bx_dim r ON l.k = r.k";
            EmberBroadcastExchangeExec exchange = onlyEmberExchange(sql);
            EmberBroadcastRelation value = emberValue(exchange);
            // Spark's optimizer filters the null keys of an inner join's build side out
            long rows = SharedSpark.session().sql("SELECT count(*) FROM bx_dim WHERE k IS NOT NULL").first().getLong(0);
            assertEquals(rows, value.rowCount(), "every row of the build side travels");
            assertEquals(rows, exchange.metrics().apply("numOutputRows").value());
            assertEquals(value.dataSize(), exchange.metrics().apply("dataSize").value());
            assertEquals(value.dataSize(), exchange.runtimeStatistics().sizeInBytes().longValue());
            assertEquals(rows, ((scala.math.BigInt) exchange.runtimeStatistics().rowCount().get()).longValue());
            for (String metric : new String[] {"collectTime", "buildTime", "broadcastTime"}) {
                assertTrue(exchange.metrics().apply(metric).value() >= 0, metric);
            }
            assertTrue(value.compressedBytes() > 0 && value.compressedBytes() < value.dataSize() + 1024,
                    value.toString());
            return null;
        });
    }

    @Test
    void explainShowsTheEmberExchange() {
        String sql = "SELECT /*+ BROADCAST(r) */ l.id, r.s FROM bx_facts l JOIN bx_dim r ON l.k = r.k";
        assertEmberBroadcast(sql);
        String explain = executedPlan(sql, true).toString();
        assertTrue(explain.contains("EmberBroadcastExchange HashedRelationBroadcastMode("), explain);
        assertTrue(explain.contains("[build: BroadcastQueryStage of Ember batches]"), explain);
    }

    /**
     * Same answer with Ember off and on; Ember's run broadcasts through Ember's exchange only, with no
     * row-to-columnar transition anywhere (and Spark's run through Spark's).
     */
    private static EmberQueryCheck assertEmberBroadcast(String sql) {
        EmberQueryCheck check = EmberQueryCheck.sql(sql)
                .assertSameAnswer()
                .assertEmberRan("EmberBroadcastHashJoinExec", "EmberBroadcastExchangeExec");
        assertEquals(0, check.report().rowToColumnar(), "row-to-columnar transitions in " + sql + ": "
                + check.report());
        BroadcastPlans ember = BroadcastPlans.of(executedPlan(sql, true));
        assertFalse(ember.emberExchanges().isEmpty(), "no Ember broadcast in " + sql);
        assertTrue(ember.exchanges().isEmpty(), "Spark broadcasts left in " + sql + ": " + ember.exchanges());
        BroadcastPlans spark = BroadcastPlans.of(executedPlan(sql, false));
        assertTrue(spark.emberExchanges().isEmpty(), "Spark's run broadcast through Ember: " + sql);
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

    /** The root cause of the query's failure, Ember on or off. */
    private static Throwable failure(String sql, boolean ember) {
        return withConf(Map.of("spark.ember.enabled", Boolean.toString(ember)), () -> {
            try {
                SharedSpark.session().sql(sql).collect();
            } catch (Exception e) {
                Throwable cause = e;
                while (!(cause instanceof SparkThrowable) && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                return cause;
            }
            throw new AssertionError("the query did not fail with Ember " + (ember ? "on" : "off"));
        });
    }

    private static EmberBroadcastExchangeExec onlyEmberExchange(String sql) {
        List<EmberBroadcastExchangeExec> exchanges = BroadcastPlans.of(executedPlan(sql, true)).emberExchanges();
        assertEquals(1, exchanges.size(), "broadcasts: " + exchanges);
        return exchanges.get(0);
    }

    /** The exchange's broadcast value, after the query ran. */
    private static EmberBroadcastRelation emberValue(EmberBroadcastExchangeExec exchange) {
        Object value = exchange.executeBroadcast().value();
        assertNotNull(value);
        assertTrue(value instanceof EmberBroadcastRelation, "broadcast value: " + value.getClass().getName());
        return (EmberBroadcastRelation) value;
    }

    private static <T> T withConf(Map<String, String> settings, Supplier<T> body) {
        return SharedSpark.withConf(settings, body);
    }
}
