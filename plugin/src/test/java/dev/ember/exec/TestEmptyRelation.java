package dev.ember.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adaptive execution's empty relation ({@code EmptyRelationExec}, put where a join side turned out empty at run
 * time) as {@link EmberEmptyRelationExec}: the same answers with Ember off and on, and an Ember aggregation above
 * it reads no row-to-columnar transition (TPC-DS q32's shape at small scales).
 */
class TestEmptyRelation {
    private static final StructType FACT = new StructType()
            .add("k", DataTypes.IntegerType)
            .add("a", DataTypes.LongType)
            .add("x", DataTypes.DoubleType)
            .add("s", DataTypes.StringType)
            .add("m", DataTypes.createDecimalType(12, 2));
    private static final StructType DIM = new StructType()
            .add("k", DataTypes.IntegerType)
            .add("s", DataTypes.StringType);
    /** No dimension row has this name (the random strings are shorter), which only running the scan shows. */
    private static final String NO_ROWS = "d.s = 'no dimension row is named like this'";

    @BeforeAll
    static void tables() throws Exception {
        SparkSession spark = SharedSpark.session();
        RandomData random = RandomData.create("TestEmptyRelation");
        Path dir = Files.createTempDirectory("ember-empty-relation");
        spark.createDataFrame(random.rows(FACT, 2000, 7), FACT).repartition(3)
                .write().parquet(dir.resolve("fact").toString());
        spark.createDataFrame(random.rows(DIM, 50, 5), DIM).repartition(2)
                .write().parquet(dir.resolve("dim").toString());
        spark.read().parquet(dir.resolve("fact").toString()).createOrReplaceTempView("er_fact");
        spark.read().parquet(dir.resolve("dim").toString()).createOrReplaceTempView("er_dim");
    }

    @Test
    void globalAggregateOverAnEmptiedJoinReadsNoTransition() {
        EmberQueryCheck check = EmberQueryCheck.sql("SELECT count(*), sum(f.a), max(f.s), avg(f.m), min(f.x)"
                        + " FROM er_fact f JOIN er_dim d ON f.k = d.k WHERE " + NO_ROWS)
                .assertSameAnswer()
                .assertEmberRan("EmberEmptyRelationExec", "EmberHashAggregateExec");
        assertEquals(1, check.ember().rows().size());
        assertEquals(0, check.report().rowToColumnar(), () -> "row-to-columnar transitions: " + check.report());
    }

    @Test
    void groupedAggregateAndPlainJoinOverAnEmptiedJoin() {
        EmberQueryCheck.sql("SELECT f.k, count(*), sum(f.m) FROM er_fact f JOIN er_dim d ON f.k = d.k WHERE "
                        + NO_ROWS + " GROUP BY f.k")
                .assertSameAnswer()
                .assertEmberRan("EmberEmptyRelationExec");
        EmberQueryCheck check = EmberQueryCheck.sql("SELECT f.k, f.s AS fact_s, d.s AS dim_s FROM er_fact f JOIN er_dim d ON f.k = d.k"
                        + " WHERE " + NO_ROWS)
                .assertSameAnswer()
                .assertEmberRan("EmberEmptyRelationExec");
        assertEquals(0, check.ember().rows().size());
    }

    @Test
    void switchedOffStaysInSparkWithTheReason() {
        SharedSpark.withConf(Map.of("spark.ember.exec.EmptyRelationExec.enabled", "false"), () -> EmberQueryCheck
                .sql("SELECT count(*), sum(f.a) FROM er_fact f JOIN er_dim d ON f.k = d.k WHERE " + NO_ROWS)
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec")
                .assertFallback("EmptyRelationExec", "spark.ember.exec.EmptyRelationExec.enabled=false"));
    }
}
