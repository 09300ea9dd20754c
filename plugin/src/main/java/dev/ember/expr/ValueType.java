package dev.ember.expr;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowTypes;
import java.io.Serializable;
import java.util.Optional;
import org.apache.spark.sql.types.BooleanType$;
import org.apache.spark.sql.types.ByteType$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType$;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType$;
import org.apache.spark.sql.types.FloatType$;
import org.apache.spark.sql.types.IntegerType$;
import org.apache.spark.sql.types.LongType$;
import org.apache.spark.sql.types.ShortType$;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType$;

/**
 * The type of a value in a program: a kind plus, for decimals, precision and scale.
 *
 * @param kind how the value is stored
 * @param precision decimal precision (1..38); 0 for other kinds
 * @param scale decimal scale (0..precision); 0 for other kinds
 */
public record ValueType(ValueKind kind, int precision, int scale) implements Serializable {
    public ValueType {
        requireNonNull(kind, "kind is null");
        if (kind == ValueKind.DECIMAL) {
            if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
                throw new IllegalArgumentException(
                        "decimal precision must be 1..38 and scale 0..precision, got " + precision + "," + scale);
            }
        } else if (precision != 0 || scale != 0) {
            throw new IllegalArgumentException("only decimals have a precision and scale, got " + kind);
        }
    }

    public static final ValueType BOOLEAN = new ValueType(ValueKind.BOOLEAN, 0, 0);
    public static final ValueType LONG = new ValueType(ValueKind.LONG, 0, 0);
    public static final ValueType INT = new ValueType(ValueKind.INT, 0, 0);

    /** A value type of a kind that has no precision. */
    public static ValueType of(ValueKind kind) {
        return new ValueType(kind, 0, 0);
    }

    /** The decimal type {@code decimal(precision, scale)}. */
    public static ValueType decimal(int precision, int scale) {
        return new ValueType(ValueKind.DECIMAL, precision, scale);
    }

    /** The value type of a Spark type, or empty when Ember's columnar path does not carry it. */
    public static Optional<ValueType> of(DataType type) {
        requireNonNull(type, "type is null");
        if (!ArrowTypes.isSupported(type)) {
            return Optional.empty();
        }
        if (type == BooleanType$.MODULE$) {
            return Optional.of(BOOLEAN);
        } else if (type == ByteType$.MODULE$) {
            return Optional.of(of(ValueKind.BYTE));
        } else if (type == ShortType$.MODULE$) {
            return Optional.of(of(ValueKind.SHORT));
        } else if (type == IntegerType$.MODULE$) {
            return Optional.of(INT);
        } else if (type == LongType$.MODULE$) {
            return Optional.of(LONG);
        } else if (type == FloatType$.MODULE$) {
            return Optional.of(of(ValueKind.FLOAT));
        } else if (type == DoubleType$.MODULE$) {
            return Optional.of(of(ValueKind.DOUBLE));
        } else if (type instanceof DecimalType decimal) {
            return Optional.of(decimal(decimal.precision(), decimal.scale()));
        } else if (type == DateType$.MODULE$) {
            return Optional.of(of(ValueKind.DATE));
        } else if (type == TimestampType$.MODULE$) {
            return Optional.of(of(ValueKind.TIMESTAMP));
        } else if (type instanceof StringType) {
            return Optional.of(of(ValueKind.STRING));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return kind == ValueKind.DECIMAL
                ? "decimal(" + precision + "," + scale + ")"
                : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
