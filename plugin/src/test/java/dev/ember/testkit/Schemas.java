package dev.ember.testkit;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas the SQL suites share. */
public final class Schemas {
    private Schemas() {}

    /**
     * One column of every type Ember carries: b, i8, i16, i32, i64, f32, f64, d12 (decimal(12,2): one long),
     * d38 (decimal(38,10): two longs), day, ts and s.
     */
    public static StructType everyCarriedType() {
        return new StructType()
                .add("b", DataTypes.BooleanType)
                .add("i8", DataTypes.ByteType)
                .add("i16", DataTypes.ShortType)
                .add("i32", DataTypes.IntegerType)
                .add("i64", DataTypes.LongType)
                .add("f32", DataTypes.FloatType)
                .add("f64", DataTypes.DoubleType)
                .add("d12", DataTypes.createDecimalType(12, 2))
                .add("d38", DataTypes.createDecimalType(38, 10))
                .add("day", DataTypes.DateType)
                .add("ts", DataTypes.TimestampType)
                .add("s", DataTypes.StringType);
    }
}
