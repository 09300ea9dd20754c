package dev.ember.sort;

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

/** Sorts, top-N and limits with Ember off and on, over seeded random data with nulls, NaN, -0.0 and duplicates. */
class TestEmberSort {
    private static final String[] COLUMNS = {"b", "i8", "i16", "i32", "i64", "f32", "f64", "dec", "day", "ts", "s"};

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType, false)
                .add("b", DataTypes.BooleanType)
                .add("i8", DataTypes.ByteType)
                .add("i16", DataTypes.ShortType)
                .add("i32", DataTypes.IntegerType)
                .add("i64", DataTypes.LongType)
                .add("f32", DataTypes.FloatType)
                .add("f64", DataTypes.DoubleType)
                .add("dec", DataTypes.createDecimalType(20, 3))
                .add("day", DataTypes.DateType)
                .add("ts", DataTypes.TimestampType)
                .add("s", DataTypes.StringType);
        RandomData random = RandomData.create("TestEmberSort");
        List<Row> rows = random.rows(schema, 600, 7);
        for (int i = 0; i < rows.size(); i++) {
            Object[] values = new Object[schema.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = c == 0 ? i : rows.get(i).get(c);
            }
            rows.set(i, org.apache.spark.sql.RowFactory.create(values));
        }
        session.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("sort_data");
        session.createDataFrame(List.of(), schema).createOrReplaceTempView("sort_empty");
    }

    @Test
    void sortsEveryTypeInEveryDirection() {
        // the boolean key has three values (null included), so the second key orders many ties: each query
        // covers two types, each type is sorted in one direction, each direction over several types; id
        // breaks the remaining ties, so the expected order is fully defined (-0.0 and 0.0 are equal keys)
        String[] directions = {"ASC NULLS FIRST", "DESC NULLS LAST", "ASC NULLS LAST", "DESC NULLS FIRST"};
        for (int i = 1; i < COLUMNS.length; i++) {
            String first = "b " + directions[(i + 1) % directions.length];
            String second = COLUMNS[i] + " " + directions[i % directions.length];
            if (i % 2 == 0) {
                continue;
            }
            String third = i + 1 < COLUMNS.length ? ", " + COLUMNS[i + 1] + " " + directions[(i + 2) % directions.length]
                    : "";
            EmberQueryCheck.orderedSql("SELECT * FROM sort_data ORDER BY " + first + ", " + second + third + ", id")
                    .assertSameAnswer()
                    .assertEmberRan("EmberSortExec");
        }
    }

    @Test
    void sortsOnSeveralKeys() {
        EmberQueryCheck.orderedSql("SELECT * FROM sort_data ORDER BY s DESC, f64 ASC NULLS LAST, dec DESC, id")
                .assertSameAnswer()
                .assertEmberRan("EmberSortExec");
    }

    @Test
    void sortsEmptyInput() {
        EmberQueryCheck.orderedSql("SELECT * FROM sort_empty ORDER BY i32, id")
                .assertSameAnswer();
    }

    @Test
    void takesTopRows() {
        EmberQueryCheck.orderedSql("SELECT id, s, f64 FROM sort_data ORDER BY f64 DESC NULLS FIRST, id LIMIT 17")
                .assertSameAnswer()
                .assertEmberRan("EmberTopNExec");
        EmberQueryCheck.orderedSql("SELECT id, dec FROM sort_data ORDER BY dec, id LIMIT 0")
                .assertSameAnswer();
        EmberQueryCheck.orderedSql("SELECT id, s FROM sort_empty ORDER BY s, id LIMIT 5")
                .assertSameAnswer();
    }

    @Test
    void takesTopRowsOfInputWithoutColumns() {
        // the one sort key is a scalar subquery and count(*) reads no column: the top-N's input has rows and no
        // columns, so its row count is carried apart from them (it was read from the first column, and failed)
        for (String limit : List.of("7", "599")) {
            EmberQueryCheck.sql("SELECT count(*) FROM (SELECT 1 AS x FROM sort_data"
                            + " ORDER BY (SELECT max(i32) FROM sort_data) LIMIT " + limit + ")")
                    .assertSameAnswer()
                    .assertEmberRan("EmberTopNExec");
        }
        EmberQueryCheck.sql("SELECT count(*) FROM (SELECT 1 AS x FROM sort_empty"
                        + " ORDER BY (SELECT max(i32) FROM sort_data) LIMIT 7)")
                .assertSameAnswer();
    }

    @Test
    void limitsAndOffsets() {
        EmberQueryCheck.orderedSql("SELECT * FROM (SELECT id, s FROM sort_data ORDER BY id) LIMIT 25 OFFSET 10")
                .assertSameAnswer();
        EmberQueryCheck.sql("SELECT count(*) FROM (SELECT id FROM sort_data LIMIT 40)")
                .assertSameAnswer();
    }
}
