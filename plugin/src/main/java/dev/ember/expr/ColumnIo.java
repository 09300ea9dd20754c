package dev.ember.expr;

import java.math.BigDecimal;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
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
 *
 * <p>Reads and writes are one loop per value kind over the buffers' raw addresses ({@link MemoryUtil}):
 * the kind is resolved once per chunk, not per row, and the buffers' capacities are checked once per
 * chunk instead of on every access (Arrow's checked accessors and its per-row {@code isNull} dominated
 * the interpreter's profile). Only strings still take one {@code byte[]} per value, the lane the
 * string loops work on.
 */
final class ColumnIo {
    private ColumnIo() {}

    /** Reads rows {@code [start, start + column.size)} of {@code vector} into {@code column}. */
    static void read(FieldVector vector, int start, Column column) {
        int size = column.size;
        if (size == 0) {
            return;
        }
        ValueKind kind = column.type.kind();
        ArrowBuf validityBuffer = vector.getValidityBuffer();
        requireCapacity(validityBuffer, ((long) start + size + 7) >>> 3, vector);
        long validity = validityBuffer.memoryAddress();
        boolean[] nulls = column.nulls;
        for (int i = 0; i < size; i++) {
            nulls[i] = !bit(validity, start + i);
        }
        if (kind == ValueKind.STRING) {
            readStrings((VarCharVector) vector, start, column);
            return;
        }
        ArrowBuf dataBuffer = vector.getDataBuffer();
        long data = dataBuffer.memoryAddress();
        int width = kind == ValueKind.BOOLEAN ? 0 : ((BaseFixedWidthVector) vector).getTypeWidth();
        requireCapacity(dataBuffer, width == 0 ? ((long) start + size + 7) >>> 3 : ((long) start + size) * width,
                vector);
        long[] longs = column.longs;
        // a null row's value lane stays zero, as Column promises
        switch (kind) {
            case BOOLEAN -> {
                for (int i = 0; i < size; i++) {
                    longs[i] = !nulls[i] && bit(data, start + i) ? 1 : 0;
                }
            }
            case BYTE -> {
                for (int i = 0; i < size; i++) {
                    longs[i] = nulls[i] ? 0 : MemoryUtil.getByte(data + start + i);
                }
            }
            case SHORT -> {
                for (int i = 0; i < size; i++) {
                    longs[i] = nulls[i] ? 0 : MemoryUtil.getShort(data + ((long) start + i) * 2);
                }
            }
            case INT, DATE -> {
                for (int i = 0; i < size; i++) {
                    longs[i] = nulls[i] ? 0 : MemoryUtil.getInt(data + ((long) start + i) * 4);
                }
            }
            case LONG, TIMESTAMP -> {
                for (int i = 0; i < size; i++) {
                    longs[i] = nulls[i] ? 0 : MemoryUtil.getLong(data + ((long) start + i) * 8);
                }
            }
            case FLOAT -> {
                double[] doubles = column.doubles;
                for (int i = 0; i < size; i++) {
                    doubles[i] = nulls[i] ? 0 : Float.intBitsToFloat(MemoryUtil.getInt(data + ((long) start + i) * 4));
                }
            }
            case DOUBLE -> {
                double[] doubles = column.doubles;
                for (int i = 0; i < size; i++) {
                    doubles[i] = nulls[i] ? 0
                            : Double.longBitsToDouble(MemoryUtil.getLong(data + ((long) start + i) * 8));
                }
            }
            case DECIMAL -> {
                // 16 bytes a value, little-endian two's complement; up to precision 18 the value is the low
                // 8 bytes (the high 8 are their sign extension)
                long[] highs = column.highs;
                for (int i = 0; i < size; i++) {
                    long at = data + ((long) start + i) * DecimalVector.TYPE_WIDTH;
                    longs[i] = nulls[i] ? 0 : MemoryUtil.getLong(at);
                }
                if (highs != null) {
                    for (int i = 0; i < size; i++) {
                        long at = data + ((long) start + i) * DecimalVector.TYPE_WIDTH;
                        highs[i] = nulls[i] ? 0 : MemoryUtil.getLong(at + Long.BYTES);
                    }
                }
            }
            case STRING -> throw new IllegalStateException("strings are read by readStrings");
        }
    }

    /**
     * Reads the rows {@code rows[0 .. column.size)} of {@code vector} (each below its value count) into
     * {@code column}: the gathering twin of {@link #read}, for a lazy AND or OR's selected rows.
     */
    static void readRows(FieldVector vector, int[] rows, Column column) {
        int size = column.size;
        if (size == 0) {
            return;
        }
        int valueCount = vector.getValueCount();
        for (int i = 0; i < size; i++) {
            if (rows[i] < 0 || rows[i] >= valueCount) {
                throw new IllegalArgumentException("row " + rows[i] + " is outside the " + valueCount
                        + " rows of " + vector.getName());
            }
        }
        ValueKind kind = column.type.kind();
        ArrowBuf validityBuffer = vector.getValidityBuffer();
        requireCapacity(validityBuffer, ((long) valueCount + 7) >>> 3, vector);
        long validity = validityBuffer.memoryAddress();
        boolean[] nulls = column.nulls;
        for (int i = 0; i < size; i++) {
            nulls[i] = !bit(validity, rows[i]);
        }
        if (kind == ValueKind.STRING) {
            readStringRows((VarCharVector) vector, rows, column);
            return;
        }
        ArrowBuf dataBuffer = vector.getDataBuffer();
        long data = dataBuffer.memoryAddress();
        int width = kind == ValueKind.BOOLEAN ? 0 : ((BaseFixedWidthVector) vector).getTypeWidth();
        requireCapacity(dataBuffer, width == 0 ? ((long) valueCount + 7) >>> 3 : (long) valueCount * width, vector);
        long[] longs = column.longs;
        double[] doubles = column.doubles;
        for (int i = 0; i < size; i++) {
            if (nulls[i]) {
                // a null row's value lane stays zero, as Column promises
                continue;
            }
            long at = data + (long) rows[i] * width;
            switch (kind) {
                case BOOLEAN -> longs[i] = bit(data, rows[i]) ? 1 : 0;
                case BYTE -> longs[i] = MemoryUtil.getByte(at);
                case SHORT -> longs[i] = MemoryUtil.getShort(at);
                case INT, DATE -> longs[i] = MemoryUtil.getInt(at);
                case LONG, TIMESTAMP -> longs[i] = MemoryUtil.getLong(at);
                case FLOAT -> doubles[i] = Float.intBitsToFloat(MemoryUtil.getInt(at));
                case DOUBLE -> doubles[i] = Double.longBitsToDouble(MemoryUtil.getLong(at));
                case DECIMAL -> {
                    longs[i] = MemoryUtil.getLong(at);
                    if (column.highs != null) {
                        column.highs[i] = MemoryUtil.getLong(at + Long.BYTES);
                    }
                }
                case STRING -> throw new IllegalStateException("strings are read by readStringRows");
            }
        }
    }

    private static void readStringRows(VarCharVector vector, int[] rows, Column column) {
        ArrowBuf offsetBuffer = vector.getOffsetBuffer();
        requireCapacity(offsetBuffer, ((long) vector.getValueCount() + 1) * BaseVariableWidthVector.OFFSET_WIDTH,
                vector);
        long offsets = offsetBuffer.memoryAddress();
        ArrowBuf dataBuffer = vector.getDataBuffer();
        long data = dataBuffer.memoryAddress();
        long dataCapacity = dataBuffer.capacity();
        for (int i = 0; i < column.size; i++) {
            if (column.nulls[i]) {
                continue;
            }
            long at = offsets + (long) rows[i] * BaseVariableWidthVector.OFFSET_WIDTH;
            int from = MemoryUtil.getInt(at);
            int to = MemoryUtil.getInt(at + BaseVariableWidthVector.OFFSET_WIDTH);
            if (from < 0 || to < from || to > dataCapacity) {
                throw new IllegalStateException("string " + rows[i] + " of " + vector.getName()
                        + " has offsets " + from + ".." + to + " outside its " + dataCapacity + "-byte buffer");
            }
            byte[] value = new byte[to - from];
            MemoryUtil.copyFromMemory(data + from, value, 0, value.length);
            column.strings[i] = value;
        }
    }

    /**
     * The null flags of {@code nulls.length} rows of {@code vector}: rows {@code rows[i]}, or
     * {@code start + i} where {@code rows} is null. Reads the validity bits only.
     */
    static void readNulls(FieldVector vector, int start, int[] rows, boolean[] nulls) {
        int size = nulls.length;
        if (size == 0) {
            return;
        }
        long last = rows == null ? (long) start + size - 1 : maxRow(rows, size, vector);
        ArrowBuf validityBuffer = vector.getValidityBuffer();
        requireCapacity(validityBuffer, (last >>> 3) + 1, vector);
        long validity = validityBuffer.memoryAddress();
        for (int i = 0; i < size; i++) {
            nulls[i] = !bit(validity, rows == null ? start + i : rows[i]);
        }
    }

    /**
     * For each row of {@code out} (rows {@code rows[i]} of the string {@code vector}, or {@code start + i}
     * where {@code rows} is null): null where the string is null, else 1 when its bytes equal one of
     * {@code candidates}, else 0. Compares in place, without copying the strings.
     */
    static void matchStrings(FieldVector vector, int start, int[] rows, byte[][] candidates, Column out) {
        int size = out.size;
        if (size == 0) {
            return;
        }
        VarCharVector strings = (VarCharVector) vector;
        readNulls(vector, start, rows, out.nulls);
        long last = rows == null ? (long) start + size - 1 : maxRow(rows, size, vector);
        ArrowBuf offsetBuffer = strings.getOffsetBuffer();
        requireCapacity(offsetBuffer, (last + 2) * BaseVariableWidthVector.OFFSET_WIDTH, vector);
        long offsets = offsetBuffer.memoryAddress();
        ArrowBuf dataBuffer = strings.getDataBuffer();
        long data = dataBuffer.memoryAddress();
        long dataCapacity = dataBuffer.capacity();
        for (int i = 0; i < size; i++) {
            if (out.nulls[i]) {
                continue;
            }
            int row = rows == null ? start + i : rows[i];
            long at = offsets + (long) row * BaseVariableWidthVector.OFFSET_WIDTH;
            int from = MemoryUtil.getInt(at);
            int to = MemoryUtil.getInt(at + BaseVariableWidthVector.OFFSET_WIDTH);
            if (from < 0 || to < from || to > dataCapacity) {
                throw new IllegalStateException("string " + row + " of " + vector.getName() + " has offsets " + from
                        + ".." + to + " outside its " + dataCapacity + "-byte buffer");
            }
            for (byte[] candidate : candidates) {
                if (equalBytes(data + from, to - from, candidate)) {
                    out.longs[i] = 1;
                    break;
                }
            }
        }
    }

    private static boolean equalBytes(long address, int length, byte[] candidate) {
        if (length != candidate.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (MemoryUtil.getByte(address + i) != candidate[i]) {
                return false;
            }
        }
        return true;
    }

    /** The largest of {@code rows[0 .. size)}, checked against the vector's value count. */
    private static long maxRow(int[] rows, int size, FieldVector vector) {
        int max = 0;
        for (int i = 0; i < size; i++) {
            if (rows[i] < 0 || rows[i] >= vector.getValueCount()) {
                throw new IllegalArgumentException("row " + rows[i] + " is outside the " + vector.getValueCount()
                        + " rows of " + vector.getName());
            }
            max = Math.max(max, rows[i]);
        }
        return max;
    }

    private static void readStrings(VarCharVector vector, int start, Column column) {
        ArrowBuf offsetBuffer = vector.getOffsetBuffer();
        requireCapacity(offsetBuffer, ((long) start + column.size + 1) * BaseVariableWidthVector.OFFSET_WIDTH, vector);
        long offsets = offsetBuffer.memoryAddress() + (long) start * BaseVariableWidthVector.OFFSET_WIDTH;
        ArrowBuf dataBuffer = vector.getDataBuffer();
        long data = dataBuffer.memoryAddress();
        long dataCapacity = dataBuffer.capacity();
        boolean[] nulls = column.nulls;
        byte[][] strings = column.strings;
        for (int i = 0; i < column.size; i++) {
            if (nulls[i]) {
                continue;
            }
            int from = MemoryUtil.getInt(offsets + (long) i * BaseVariableWidthVector.OFFSET_WIDTH);
            int to = MemoryUtil.getInt(offsets + (long) (i + 1) * BaseVariableWidthVector.OFFSET_WIDTH);
            if (from < 0 || to < from || to > dataCapacity) {
                throw new IllegalStateException("string " + (start + i) + " of " + vector.getName()
                        + " has offsets " + from + ".." + to + " outside its " + dataCapacity + "-byte buffer");
            }
            byte[] value = new byte[to - from];
            MemoryUtil.copyFromMemory(data + from, value, 0, value.length);
            strings[i] = value;
        }
    }

    /** Writes {@code column} (no poisoned rows) into rows {@code [start, start + column.size)} of {@code vector}. */
    static void write(Column column, FieldVector vector, int start) {
        int size = column.size;
        if (size == 0) {
            return;
        }
        ValueKind kind = column.type.kind();
        if (kind == ValueKind.STRING) {
            writeStrings(column, (VarCharVector) vector, start);
            return;
        }
        while (vector.getValueCapacity() < start + size) {
            vector.reAlloc();
        }
        long validity = vector.getValidityBuffer().memoryAddress();
        long data = vector.getDataBuffer().memoryAddress();
        boolean[] nulls = column.nulls;
        long[] longs = column.longs;
        writeValidity(validity, start, size, nulls);
        switch (kind) {
            case BOOLEAN -> writeBooleans(data, start, size, longs);
            case BYTE -> {
                for (int i = 0; i < size; i++) {
                    MemoryUtil.putByte(data + start + i, (byte) longs[i]);
                }
            }
            case SHORT -> {
                for (int i = 0; i < size; i++) {
                    MemoryUtil.putShort(data + ((long) start + i) * 2, (short) longs[i]);
                }
            }
            case INT, DATE -> {
                for (int i = 0; i < size; i++) {
                    MemoryUtil.putInt(data + ((long) start + i) * 4, (int) longs[i]);
                }
            }
            case LONG, TIMESTAMP -> {
                for (int i = 0; i < size; i++) {
                    MemoryUtil.putLong(data + ((long) start + i) * 8, longs[i]);
                }
            }
            case FLOAT -> {
                double[] doubles = column.doubles;
                for (int i = 0; i < size; i++) {
                    MemoryUtil.putInt(data + ((long) start + i) * 4, Float.floatToRawIntBits((float) doubles[i]));
                }
            }
            case DOUBLE -> {
                double[] doubles = column.doubles;
                for (int i = 0; i < size; i++) {
                    MemoryUtil.putLong(data + ((long) start + i) * 8, Double.doubleToRawLongBits(doubles[i]));
                }
            }
            case DECIMAL -> {
                long[] highs = column.highs;
                for (int i = 0; i < size; i++) {
                    long at = data + ((long) start + i) * DecimalVector.TYPE_WIDTH;
                    MemoryUtil.putLong(at, longs[i]);
                    MemoryUtil.putLong(at + Long.BYTES, highs != null ? highs[i] : longs[i] >> 63);
                }
            }
            case STRING -> throw new IllegalStateException("strings are written by writeStrings");
        }
    }

    private static void writeStrings(Column column, VarCharVector vector, int start) {
        for (int i = 0; i < column.size; i++) {
            if (column.nulls[i]) {
                vector.setNull(start + i);
            } else {
                vector.setSafe(start + i, column.strings[i]);
            }
        }
    }

    /**
     * Sets bits {@code [start, start + size)} of the validity buffer at {@code address}: a byte at a time
     * where the chunk starts on a byte boundary (every chunk of the interpreter does), else bit by bit.
     */
    private static void writeValidity(long address, int start, int size, boolean[] nulls) {
        int i = 0;
        if ((start & 7) == 0) {
            long at = address + (start >>> 3);
            for (; i + 8 <= size; i += 8) {
                int bits = 0;
                for (int b = 0; b < 8; b++) {
                    bits |= (nulls[i + b] ? 0 : 1) << b;
                }
                MemoryUtil.putByte(at + (i >>> 3), (byte) bits);
            }
        }
        for (; i < size; i++) {
            putBit(address, start + i, !nulls[i]);
        }
    }

    /** The boolean lane (0 or 1) into bits {@code [start, start + size)} of a bit vector's data buffer. */
    private static void writeBooleans(long address, int start, int size, long[] values) {
        int i = 0;
        if ((start & 7) == 0) {
            long at = address + (start >>> 3);
            for (; i + 8 <= size; i += 8) {
                int bits = 0;
                for (int b = 0; b < 8; b++) {
                    bits |= (values[i + b] != 0 ? 1 : 0) << b;
                }
                MemoryUtil.putByte(at + (i >>> 3), (byte) bits);
            }
        }
        for (; i < size; i++) {
            putBit(address, start + i, values[i] != 0);
        }
    }

    private static void putBit(long address, int row, boolean set) {
        long at = address + (row >>> 3);
        int mask = 1 << (row & 7);
        int current = MemoryUtil.getByte(at);
        MemoryUtil.putByte(at, (byte) (set ? current | mask : current & ~mask));
    }

    static boolean bit(long address, int row) {
        return ((MemoryUtil.getByte(address + (row >>> 3)) >> (row & 7)) & 1) != 0;
    }

    static void requireCapacity(ArrowBuf buffer, long bytes, FieldVector vector) {
        if (buffer.capacity() < bytes) {
            throw new IllegalStateException("a buffer of " + vector.getName() + " holds " + buffer.capacity()
                    + " bytes, fewer than the " + bytes + " its rows need");
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
