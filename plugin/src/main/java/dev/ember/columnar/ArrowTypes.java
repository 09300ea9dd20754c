package dev.ember.columnar;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
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
 * The Spark types Ember's columnar path carries, and the Arrow vectors that hold them.
 *
 * <p>The mapping is the one Spark's own {@code ArrowColumnVector} reads: boolean → Bit, byte →
 * TinyInt, short → SmallInt, int → Int, long → BigInt, float → Float4, double → Float8, decimal →
 * Decimal128, date → DateDay, timestamp → TimeStampMicroTZ (UTC), string → VarChar (UTF-8). Ember
 * writes its own mapping instead of calling Spark's {@code ArrowUtils}, whose signature changed
 * between Spark 4.0 and 4.2.
 */
public final class ArrowTypes {

    private ArrowTypes() {}

    /** Whether a column of this type can live in an Ember batch. */
    public static boolean isSupported(DataType type) {
        return arrowType(type).isPresent();
    }

    /** The reason a type is not supported, for explain output; empty when it is supported. */
    public static Optional<String> whyNotSupported(DataType type) {
        if (isSupported(type)) {
            return Optional.empty();
        }
        if (type instanceof StringType stringType && !isUtf8Binary(stringType)) {
            return Optional.of("strings with collation " + type.simpleString()
                    + " are not supported; only the default UTF8_BINARY collation is");
        }
        return Optional.of("type " + type.simpleString() + " is not supported by Ember's columnar path");
    }

    /** The Arrow type for a Spark type, if Ember supports it. */
    public static Optional<ArrowType> arrowType(DataType type) {
        requireNonNull(type, "type is null");
        if (type == BooleanType$.MODULE$) {
            return Optional.of(ArrowType.Bool.INSTANCE);
        } else if (type == ByteType$.MODULE$) {
            return Optional.of(new ArrowType.Int(8, true));
        } else if (type == ShortType$.MODULE$) {
            return Optional.of(new ArrowType.Int(16, true));
        } else if (type == IntegerType$.MODULE$) {
            return Optional.of(new ArrowType.Int(32, true));
        } else if (type == LongType$.MODULE$) {
            return Optional.of(new ArrowType.Int(64, true));
        } else if (type == FloatType$.MODULE$) {
            return Optional.of(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
        } else if (type == DoubleType$.MODULE$) {
            return Optional.of(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
        } else if (type instanceof DecimalType decimal) {
            return Optional.of(new ArrowType.Decimal(decimal.precision(), decimal.scale(), 128));
        } else if (type == DateType$.MODULE$) {
            return Optional.of(new ArrowType.Date(DateUnit.DAY));
        } else if (type == TimestampType$.MODULE$) {
            return Optional.of(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
        } else if (type instanceof StringType stringType && isUtf8Binary(stringType)) {
            return Optional.of(ArrowType.Utf8.INSTANCE);
        }
        return Optional.empty();
    }

    /** The Arrow field for a column of a supported Spark type. */
    public static Field field(String name, DataType type, boolean nullable) {
        ArrowType arrowType = arrowType(type).orElseThrow(() -> new IllegalArgumentException(
                whyNotSupported(type).orElse("unsupported type " + type)));
        return new Field(name, new FieldType(nullable, arrowType, null), null);
    }

    /** A new empty vector for a column of a supported Spark type; the caller owns it. */
    public static FieldVector newVector(String name, DataType type, BufferAllocator allocator) {
        requireNonNull(allocator, "allocator is null");
        return field(name, type, true).createVector(allocator);
    }

    private static boolean isUtf8Binary(StringType type) {
        // StringType$.MODULE$ is the default collation; collated strings are distinct instances.
        return type.collationId() == 0;
    }
}
