package dev.ember.join;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Broadcast hash joins, the null-aware anti join of NOT IN included, with Ember off and on. */
class TestEmberBroadcastJoins {

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("i8", DataTypes.ByteType)
                .add("i32", DataTypes.IntegerType)
                .add("s", DataTypes.StringType);
        RandomData random = RandomData.create("TestEmberBroadcastJoins");
        session.createDataFrame(random.rows(schema, 400, 8), schema).repartition(3)
                .createOrReplaceTempView("bcast_big");
        List<Row> small = random.rows(schema, 60, 8);
        session.createDataFrame(small, schema).createOrReplaceTempView("bcast_small");
        StructType keys = new StructType().add("k", DataTypes.ByteType, false);
        List<Row> noNulls = new java.util.ArrayList<>();
        for (int i = -20; i < 0; i++) {
            noNulls.add(org.apache.spark.sql.RowFactory.create((byte) i));
        }
        session.createDataFrame(noNulls, keys).createOrReplaceTempView("bcast_keys");
    }

    @Test
    void runsEachBroadcastJoinType() {
        String columns = "l.id AS lid, l.s AS ls, r.id AS rid, r.i32 AS ri32";
        for (String joinType : new String[] {"INNER", "LEFT OUTER"}) {
            EmberQueryCheck.sql("SELECT /*+ BROADCAST(r) */ " + columns + " FROM bcast_big l " + joinType
                    + " JOIN bcast_small r ON l.i8 = r.i8 AND l.s = r.s")
                    .assertSameAnswer()
                    .assertEmberRan("EmberBroadcastHashJoinExec");
            EmberQueryCheck.sql("SELECT /*+ BROADCAST(r) */ " + columns + " FROM bcast_big l " + joinType
                    + " JOIN bcast_small r ON l.i8 = r.i8 AND l.i32 <> r.i32")
                    .assertSameAnswer()
                    .assertEmberRan("EmberBroadcastHashJoinExec");
        }
        EmberQueryCheck.sql("SELECT /*+ BROADCAST(l) */ " + columns + " FROM bcast_small l RIGHT OUTER JOIN bcast_big r"
                + " ON l.i8 = r.i8")
                .assertSameAnswer()
                .assertEmberRan("EmberBroadcastHashJoinExec");
        for (String joinType : new String[] {"LEFT SEMI", "LEFT ANTI"}) {
            EmberQueryCheck.sql("SELECT /*+ BROADCAST(r) */ l.* FROM bcast_big l " + joinType
                    + " JOIN bcast_small r ON l.i8 = r.i8 AND l.i32 > r.i32")
                    .assertSameAnswer()
                    .assertEmberRan("EmberBroadcastHashJoinExec");
        }
    }

    @Test
    void runsNullAwareAntiJoins() {
        // the list holds a null: NOT IN is never true
        EmberQueryCheck.sql("SELECT id, s FROM bcast_big WHERE i8 NOT IN (SELECT i8 FROM bcast_small)")
                .assertSameAnswer();
        // no null in the list: rows whose key is null are dropped, the others kept when not found
        EmberQueryCheck.sql("SELECT id, i8 FROM bcast_big WHERE i8 NOT IN (SELECT k FROM bcast_keys)")
                .assertSameAnswer()
                .assertEmberRan("EmberBroadcastHashJoinExec");
        // an empty list: every row, null keys included
        EmberQueryCheck.sql("SELECT id, i8 FROM bcast_big WHERE i8 NOT IN (SELECT k FROM bcast_keys WHERE k > 100)")
                .assertSameAnswer();
    }
}
