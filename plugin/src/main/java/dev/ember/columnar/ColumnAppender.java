package dev.ember.columnar;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.BooleanType$;
import org.apache.spark.sql.types.ByteType$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType$;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType$;
import org.apache.spark.sql.types.FloatType$;
import org.apache.spark.sql.types.IntegerType$;
import org.apache.spark.sql.types.LongType$;
import org.apache.spark.sql.types.ShortType$;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType$;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Appends values of one Spark type to a growing Arrow vector, from Spark rows or Spark column vectors.
 *
 * <p>The appender owns its vector until {@link #finish} hands it over; {@link #close} releases a
 * vector that was never handed over.
 */
public abstract class ColumnAppender implements AutoCloseable {
    protected final FieldVector vector;
    protected int count;
    private boolean finished;

    protected ColumnAppender(FieldVector vector) {
        this.vector = requireNonNull(vector, "vector is null");
    }

    /** An appender for a supported Spark type; the caller owns it. */
    public static ColumnAppender create(String name, DataType type, BufferAllocator allocator) {
        FieldVector vector = ArrowTypes.newVector(name, type, allocator);
        if (type == BooleanType$.MODULE$) {
            return new BooleanAppender((BitVector) vector);
        } else if (type == ByteType$.MODULE$) {
            return new ByteAppender((TinyIntVector) vector);
        } else if (type == ShortType$.MODULE$) {
            return new ShortAppender((SmallIntVector) vector);
        } else if (type == IntegerType$.MODULE$) {
            return new IntAppender((IntVector) vector);
        } else if (type == LongType$.MODULE$) {
            return new LongAppender((BigIntVector) vector);
        } else if (type == FloatType$.MODULE$) {
            return new FloatAppender((Float4Vector) vector);
        } else if (type == DoubleType$.MODULE$) {
            return new DoubleAppender((Float8Vector) vector);
        } else if (type instanceof DecimalType decimal) {
            return new DecimalAppender((DecimalVector) vector, decimal.precision(), decimal.scale());
        } else if (type == DateType$.MODULE$) {
            return new DateAppender((DateDayVector) vector);
        } else if (type == TimestampType$.MODULE$) {
            return new TimestampAppender((TimeStampMicroTZVector) vector);
        } else if (type instanceof StringType) {
            return new StringAppender((VarCharVector) vector);
        }
        vector.close();
        throw new IllegalArgumentException("no appender for type " + type.simpleString());
    }

    /** Appends field {@code ordinal} of {@code row}. */
    public final void append(InternalRow row, int ordinal) {
        if (row.isNullAt(ordinal)) {
            vector.setNull(count);
        } else {
            appendValue(row, ordinal);
        }
        count++;
    }

    /** Appends rows {@code [start, start + length)} of a Spark column. */
    public final void append(ColumnVector column, int start, int length) {
        boolean mayHaveNulls = column.hasNull();
        for (int i = start; i < start + length; i++) {
            if (mayHaveNulls && column.isNullAt(i)) {
                vector.setNull(count);
            } else {
                appendValue(column, i);
            }
            count++;
        }
    }

    /** Bytes held so far, for batch sizing. */
    public long bytes() {
        return vector.getBufferSizeFor(count);
    }

    public int count() {
        return count;
    }

    /** Hands the vector, with its value count set, to the caller. */
    public final FieldVector finish() {
        vector.setValueCount(count);
        finished = true;
        return vector;
    }

    @Override
    public final void close() {
        if (!finished) {
            vector.close();
        }
    }

    protected abstract void appendValue(InternalRow row, int ordinal);

    protected abstract void appendValue(ColumnVector column, int rowId);

    private static final class BooleanAppender extends ColumnAppender {
        private final BitVector out;

        BooleanAppender(BitVector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            out.setSafe(count, row.getBoolean(ordinal) ? 1 : 0);
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            out.setSafe(count, column.getBoolean(rowId) ? 1 : 0);
        }
    }

    private static final class ByteAppender extends ColumnAppender {
        private final TinyIntVector out;

        ByteAppender(TinyIntVector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            out.setSafe(count, row.getByte(ordinal));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            out.setSafe(count, column.getByte(rowId));
        }
    }

    private static final class ShortAppender extends ColumnAppender {
        private final SmallIntVector out;

        ShortAppender(SmallIntVector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            out.setSafe(count, row.getShort(ordinal));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            out.setSafe(count, column.getShort(rowId));
        }
    }

    private static final class IntAppender extends ColumnAppender {
        private final IntVector out;

        IntAppender(IntVector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            out.setSafe(count, row.getInt(ordinal));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            out.setSafe(count, column.getInt(rowId));
        }
    }

    private static final class LongAppender extends ColumnAppender {
        private final BigIntVector out;

        LongAppender(BigIntVector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            out.setSafe(count, row.getLong(ordinal));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            out.setSafe(count, column.getLong(rowId));
        }
    }

    private static final class FloatAppender extends ColumnAppender {
        private final Float4Vector out;

        FloatAppender(Float4Vector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            out.setSafe(count, row.getFloat(ordinal));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            out.setSafe(count, column.getFloat(rowId));
        }
    }

    private static final class DoubleAppender extends ColumnAppender {
        private final Float8Vector out;

        DoubleAppender(Float8Vector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            out.setSafe(count, row.getDouble(ordinal));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            out.setSafe(count, column.getDouble(rowId));
        }
    }

    private static final class DecimalAppender extends ColumnAppender {
        private final DecimalVector out;
        private final int precision;
        private final int scale;

        DecimalAppender(DecimalVector out, int precision, int scale) {
            super(out);
            this.out = out;
            this.precision = precision;
            this.scale = scale;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            put(row.getDecimal(ordinal, precision, scale));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            put(column.getDecimal(rowId, precision, scale));
        }

        private void put(Decimal value) {
            if (precision <= Decimal.MAX_LONG_DIGITS()) {
                // writes the unscaled value, sign-extended to 128 bits
                out.setSafe(count, value.toUnscaledLong());
            } else {
                BigDecimal exact = value.toJavaBigDecimal();
                out.setSafe(count, exact.setScale(scale));
            }
        }
    }

    private static final class DateAppender extends ColumnAppender {
        private final DateDayVector out;

        DateAppender(DateDayVector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            out.setSafe(count, row.getInt(ordinal));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            out.setSafe(count, column.getInt(rowId));
        }
    }

    private static final class TimestampAppender extends ColumnAppender {
        private final TimeStampMicroTZVector out;

        TimestampAppender(TimeStampMicroTZVector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            out.setSafe(count, row.getLong(ordinal));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            out.setSafe(count, column.getLong(rowId));
        }
    }

    private static final class StringAppender extends ColumnAppender {
        private final VarCharVector out;

        StringAppender(VarCharVector out) {
            super(out);
            this.out = out;
        }

        @Override
        protected void appendValue(InternalRow row, int ordinal) {
            put(row.getUTF8String(ordinal));
        }

        @Override
        protected void appendValue(ColumnVector column, int rowId) {
            put(column.getUTF8String(rowId));
        }

        private void put(UTF8String value) {
            byte[] bytes = value.getBytes();
            out.setSafe(count, bytes, 0, bytes.length);
        }
    }
}
