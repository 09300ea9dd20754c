package dev.ember.join;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@code x NOT IN (subquery)} over floating values, one row on each side, for every pair of special values
 * (fuzzer regression not-in-on-floating-key-bitwise): Spark's null-aware anti join compares the keys bit for bit
 * (0.0 and -0.0 differ, so do NaNs of different bits), unlike its other joins; such joins stay in Spark, and
 * {@code IN} (a semi join with normalized keys) still runs on Ember.
 */
class TestNullAwareAntiJoinFloating {
    private static final double[] VALUES = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8000000000001L),
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 1.5};

    @Test
    void everyPairOfSpecialValuesGivesSparksAnswer() {
        SparkSession session = SharedSpark.session();
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("f", DataTypes.FloatType);
        List<String> differences = new ArrayList<>();
        for (double left : VALUES) {
            for (double right : VALUES) {
                session.createDataFrame(List.of(RowFactory.create(left, (float) left)), schema).repartition(2)
                        .createOrReplaceTempView("naaj_left");
                session.createDataFrame(List.of(RowFactory.create(right, (float) right)), schema).repartition(3)
                        .createOrReplaceTempView("naaj_right");
                for (String sql : List.of("SELECT x FROM naaj_left WHERE x NOT IN (SELECT x FROM naaj_right)",
                        "SELECT x FROM naaj_left WHERE (- x) NOT IN (SELECT x FROM naaj_right)",
                        "SELECT f FROM naaj_left WHERE f NOT IN (SELECT f FROM naaj_right)",
                        "SELECT x FROM naaj_left WHERE x IN (SELECT x FROM naaj_right)")) {
                    EmberQueryCheck check = EmberQueryCheck.sql(sql);
                    if (check.acceptedMemoryError()) {
                        continue;
                    }
                    if (!check.spark().rows().equals(check.ember().rows())) {
                        differences.add(left + " / " + right + ": " + sql + ": Spark " + check.spark().rows()
                                + ", Ember " + check.ember().rows());
                    }
                    if (sql.contains("NOT IN")) {
                        check.assertFallback("BroadcastHashJoinExec", "bit for bit");
                    } else {
                        check.assertEmberRan("EmberBroadcastHashJoinExec");
                    }
                }
            }
        }
        assertEquals(List.of(), differences);
    }

    @Test
    void integralKeysStillRunOnEmber() {
        EmberQueryCheck.sql("SELECT id FROM range(0, 50) WHERE id NOT IN (SELECT id * 2 FROM range(0, 10))")
                .assertEmberRan("EmberBroadcastHashJoinExec").assertSameAnswer();
    }
}
