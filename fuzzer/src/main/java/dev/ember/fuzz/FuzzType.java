package dev.ember.fuzz;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The column types of generated tables: every type Ember carries, decimals at several precisions
 * (one of them wider than 18 digits, one at the maximum of 38).
 */
public enum FuzzType {
    BOOLEAN("BOOLEAN", Family.BOOLEAN, DataTypes.BooleanType),
    BYTE("TINYINT", Family.INTEGRAL, DataTypes.ByteType),
    SHORT("SMALLINT", Family.INTEGRAL, DataTypes.ShortType),
    INT("INT", Family.INTEGRAL, DataTypes.IntegerType),
    LONG("BIGINT", Family.INTEGRAL, DataTypes.LongType),
    FLOAT("FLOAT", Family.FLOATING, DataTypes.FloatType),
    DOUBLE("DOUBLE", Family.FLOATING, DataTypes.DoubleType),
    DECIMAL_5_2("DECIMAL(5,2)", Family.DECIMAL, DataTypes.createDecimalType(5, 2)),
    DECIMAL_18_4("DECIMAL(18,4)", Family.DECIMAL, DataTypes.createDecimalType(18, 4)),
    DECIMAL_25_5("DECIMAL(25,5)", Family.DECIMAL, DataTypes.createDecimalType(25, 5)),
    DECIMAL_38_10("DECIMAL(38,10)", Family.DECIMAL, DataTypes.createDecimalType(38, 10)),
    STRING("STRING", Family.STRING, DataTypes.StringType),
    DATE("DATE", Family.DATE, DataTypes.DateType),
    TIMESTAMP("TIMESTAMP", Family.TIMESTAMP, DataTypes.TimestampType);

    private final String sql;
    private final Family family;
    private final DataType sparkType;

    FuzzType(String sql, Family family, DataType sparkType) {
        this.sql = sql;
        this.family = family;
        this.sparkType = sparkType;
    }

    /** The type as SQL spells it, for casts. */
    public String sql() {
        return sql;
    }

    public Family family() {
        return family;
    }

    public DataType sparkType() {
        return sparkType;
    }

    /** Decimal precision, or 0 for other types. */
    public int precision() {
        return sparkType instanceof org.apache.spark.sql.types.DecimalType decimal ? decimal.precision() : 0;
    }
}
