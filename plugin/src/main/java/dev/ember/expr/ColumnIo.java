package dev.ember.expr;

import java.math.BigDecimal;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Copies chunks of rows between Arrow vectors (typed as {@link dev.ember.columnar.ArrowTypes} maps
 * them) and interpreter {@link Column}s.
 */
final class ColumnIo {
    private ColumnIo() {}

    /** Reads rows {@code [start, start + column.size)} of {@code vector} into {@code column}. */
    static void read(FieldVector vector, int start, Column column) {
        if (column.type.kind() == ValueKind.DECIMAL) {
            readDecimals((DecimalVector) vector, start, column);
            return;
        }
        for (int i = 0; i < column.size; i++) {
            int row = start + i;
            if (vector.isNull(row)) {
                column.nulls[i] = true;
                continue;
            }
            switch (column.type.kind()) {
                case BOOLEAN -> column.longs[i] = ((BitVector) vector).get(row);
                case BYTE -> column.longs[i] = ((TinyIntVector) vector).get(row);
                case SHORT -> column.longs[i] = ((SmallIntVector) vector).get(row);
                case INT -> column.longs[i] = ((IntVector) vector).get(row);
                case LONG -> column.longs[i] = ((BigIntVector) vector).get(row);
                case FLOAT -> column.doubles[i] = ((Float4Vector) vector).get(row);
                case DOUBLE -> column.doubles[i] = ((Float8Vector) vector).get(row);
                case DECIMAL -> throw new IllegalStateException("decimals are read by readDecimals");
                case DATE -> column.longs[i] = ((DateDayVector) vector).get(row);
                case TIMESTAMP -> column.longs[i] = ((TimeStampVector) vector).get(row);
                case STRING -> column.strings[i] = ((VarCharVector) vector).get(row);
            }
        }
    }

    /**
     * Decimals straight from the data buffer: 16 bytes a value, little-endian two's complement; up to
     * precision 18 the value is the low 8 bytes (the high 8 are their sign extension).
     */
    private static void readDecimals(DecimalVector vector, int start, Column column) {
        ArrowBuf data = vector.getDataBuffer();
        long[] highs = column.highs;
        for (int i = 0; i < column.size; i++) {
            int row = start + i;
            if (vector.isNull(row)) {
                column.nulls[i] = true;
                continue;
            }
            long offset = (long) row * DecimalVector.TYPE_WIDTH;
            column.longs[i] = data.getLong(offset);
            if (highs != null) {
                highs[i] = data.getLong(offset + Long.BYTES);
            }
        }
    }

    /** Writes {@code column} (no poisoned rows) into rows {@code [start, start + column.size)} of {@code vector}. */
    static void write(Column column, FieldVector vector, int start) {
        if (column.type.kind() == ValueKind.DECIMAL) {
            writeDecimals(column, (DecimalVector) vector, start);
            return;
        }
        for (int i = 0; i < column.size; i++) {
            int row = start + i;
            if (column.nulls[i]) {
                vector.setNull(row);
                continue;
            }
            switch (column.type.kind()) {
                case BOOLEAN -> ((BitVector) vector).setSafe(row, (int) column.longs[i]);
                case BYTE -> ((TinyIntVector) vector).setSafe(row, (byte) column.longs[i]);
                case SHORT -> ((SmallIntVector) vector).setSafe(row, (short) column.longs[i]);
                case INT -> ((IntVector) vector).setSafe(row, (int) column.longs[i]);
                case LONG -> ((BigIntVector) vector).setSafe(row, column.longs[i]);
                case FLOAT -> ((Float4Vector) vector).setSafe(row, (float) column.doubles[i]);
                case DOUBLE -> ((Float8Vector) vector).setSafe(row, column.doubles[i]);
                case DECIMAL -> throw new IllegalStateException("decimals are written by writeDecimals");
                case DATE -> ((DateDayVector) vector).setSafe(row, (int) column.longs[i]);
                case TIMESTAMP -> ((TimeStampVector) vector).setSafe(row, column.longs[i]);
                case STRING -> ((VarCharVector) vector).setSafe(row, column.strings[i]);
            }
        }
    }

    private static void writeDecimals(Column column, DecimalVector vector, int start) {
        while (vector.getValueCapacity() < start + column.size) {
            vector.reAlloc();
        }
        ArrowBuf data = vector.getDataBuffer();
        ArrowBuf validity = vector.getValidityBuffer();
        for (int i = 0; i < column.size; i++) {
            int row = start + i;
            if (column.nulls[i]) {
                BitVectorHelper.unsetBit(validity, row);
                continue;
            }
            long offset = (long) row * DecimalVector.TYPE_WIDTH;
            data.setLong(offset, column.longs[i]);
            data.setLong(offset + Long.BYTES, column.high(i));
            BitVectorHelper.setBit(validity, row);
        }
    }

    /** The value of one row as Catalyst's internal representation, for error replay; null for null. */
    static Object internalValue(FieldVector vector, ValueType type, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        return switch (type.kind()) {
            case BOOLEAN -> ((BitVector) vector).get(row) != 0;
            case BYTE -> ((TinyIntVector) vector).get(row);
            case SHORT -> ((SmallIntVector) vector).get(row);
            case INT -> ((IntVector) vector).get(row);
            case LONG -> ((BigIntVector) vector).get(row);
            case FLOAT -> ((Float4Vector) vector).get(row);
            case DOUBLE -> ((Float8Vector) vector).get(row);
            case DECIMAL -> {
                BigDecimal value = ((DecimalVector) vector).getObject(row);
                // Spark's rows hold decimals of up to 18 digits as compact longs, wider ones as BigDecimal.
                yield type.precision() <= 18
                        ? org.apache.spark.sql.types.Decimal.apply(
                                value.unscaledValue().longValueExact(), type.precision(), type.scale())
                        : org.apache.spark.sql.types.Decimal.apply(value, type.precision(), type.scale());
            }
            case DATE -> ((DateDayVector) vector).get(row);
            case TIMESTAMP -> ((TimeStampVector) vector).get(row);
            case STRING -> org.apache.spark.unsafe.types.UTF8String.fromBytes(((VarCharVector) vector).get(row));
        };
    }
}
