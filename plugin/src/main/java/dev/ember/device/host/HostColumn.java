package dev.ember.device.host;

import static java.util.Objects.requireNonNull;

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
 * Typed row access to one Arrow vector for the host primitives: null test, key hash, key equality and
 * Spark's ordering.
 *
 * <p>Key semantics (grouping and join keys): floating values compare as Spark compares them after its
 * optimizer normalized them, so every NaN equals every NaN and -0.0 equals 0.0. Ordering is Spark's:
 * NaN is greater than every other value, -0.0 equals 0.0, strings compare by unsigned UTF-8 bytes,
 * false sorts before true. Buffers are read through the vector on every call, so a vector may grow
 * (through its {@code *Safe} setters) while a column reads it.
 *
 * <p>Row access reads the buffers' raw addresses, without Arrow's per-access bounds and reference-count
 * checks (they cost more than the comparisons themselves): callers pass rows within the vector's buffers,
 * checked once where rows enter a primitive ({@link #checkRows}, {@link HostKeys#hashRows}).
 *
 * <p>Hash, equality and comparison are defined for non-null rows only; callers test {@link #isNull}
 * first. Two columns compared with each other must hold the same Arrow type.
 */
public abstract class HostColumn {
    protected final FieldVector vector;

    protected HostColumn(FieldVector vector) {
        this.vector = requireNonNull(vector, "vector is null");
    }

    /** A column over a vector of one of the types Ember carries. */
    public static HostColumn of(FieldVector vector) {
        requireNonNull(vector, "vector is null");
        if (vector instanceof BitVector bits) {
            return new BooleanColumn(bits);
        } else if (integralWidth(vector) != 0) {
            return new IntegralColumn((BaseFixedWidthVector) vector);
        } else if (vector instanceof Float4Vector floats) {
            return new FloatColumn(floats);
        } else if (vector instanceof Float8Vector doubles) {
            return new DoubleColumn(doubles);
        } else if (vector instanceof DecimalVector decimals) {
            return new DecimalColumn(decimals);
        } else if (vector instanceof VarCharVector strings) {
            return new StringColumn(strings);
        }
        throw new IllegalArgumentException("the host primitives do not support vectors of type "
                + vector.getField().getType());
    }

    /**
     * The width in bytes of a vector of signed integers, dates or timestamps (the values an
     * {@code IntegralColumn} reads as longs), or 0 for any other vector.
     */
    public static int integralWidth(FieldVector vector) {
        return vector instanceof TinyIntVector || vector instanceof SmallIntVector || vector instanceof IntVector
                || vector instanceof DateDayVector || vector instanceof BigIntVector
                || vector instanceof TimeStampVector ? ((BaseFixedWidthVector) vector).getTypeWidth() : 0;
    }

    /**
     * Row {@code row} of a signed integer, date or timestamp data buffer at {@code data} whose values are
     * {@code width} bytes (1, 2, 4 or 8), as a long.
     */
    static long integralAt(long data, int width, int row) {
        long at = data + (long) row * width;
        return switch (width) {
            case 1 -> MemoryUtil.getByte(at);
            case 2 -> MemoryUtil.getShort(at);
            case 4 -> MemoryUtil.getInt(at);
            case 8 -> MemoryUtil.getLong(at);
            default -> throw new IllegalStateException("unexpected integer width " + width);
        };
    }

    public final FieldVector vector() {
        return vector;
    }

    public final boolean isNull(int row) {
        return !bit(vector.getValidityBuffer().memoryAddress(), row);
    }

    /** A hash of a non-null value; equal keys hash equally. */
    public abstract long hash(int row);

    /** Whether non-null values are the same key (NaN equals NaN, -0.0 equals 0.0). */
    public abstract boolean keyEquals(int row, HostColumn other, int otherRow);

    /** Spark's ordering of non-null values: negative, zero or positive. */
    public abstract int compare(int row, HostColumn other, int otherRow);

    /**
     * Folds the key hashes of rows {@code [start, start + count)} into {@code hashes}:
     * {@code hashes[i] = hashes[i] * HASH_MULTIPLIER + (row null ? nullHash : hash(row))}, as
     * {@link HostKeys#hash} combines columns, and marks null rows in {@code anyNull}. One pass over the
     * column with its type resolved once; the common key types override it with loops over the raw
     * buffers.
     */
    public void combineHashes(int start, int count, long[] hashes, boolean[] anyNull, long nullHash) {
        for (int i = 0; i < count; i++) {
            int row = start + i;
            if (isNull(row)) {
                anyNull[i] = true;
                hashes[i] = hashes[i] * HASH_MULTIPLIER + nullHash;
            } else {
                hashes[i] = hashes[i] * HASH_MULTIPLIER + hash(row);
            }
        }
    }

    /** The multiplier that combines the hashes of several key columns. */
    static final long HASH_MULTIPLIER = 0x9E3779B97F4A7C15L;

    /** Whether bit {@code row} of the buffer at {@code address} is set. */
    static boolean bit(long address, int row) {
        return ((MemoryUtil.getByte(address + (row >>> 3)) >> (row & 7)) & 1) != 0;
    }

    /** Checks that rows {@code [start, start + count)} lie within the vector's values, before raw reads. */
    public final void checkRows(int start, int count) {
        if (start < 0 || count < 0 || start + count > vector.getValueCount()) {
            throw new IndexOutOfBoundsException("rows " + start + ".." + (start + count) + " of "
                    + vector.getField().getName() + ", which holds " + vector.getValueCount());
        }
    }

    /** Mixes a 64-bit value into a well-spread hash (the finalizer of SplitMix64). */
    static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static final class BooleanColumn extends HostColumn {
        private final BitVector bits;

        BooleanColumn(BitVector bits) {
            super(bits);
            this.bits = bits;
        }

        @Override
        public long hash(int row) {
            return mix(bits.get(row));
        }

        @Override
        public boolean keyEquals(int row, HostColumn other, int otherRow) {
            return bits.get(row) == ((BooleanColumn) other).bits.get(otherRow);
        }

        @Override
        public int compare(int row, HostColumn other, int otherRow) {
            return Integer.compare(bits.get(row), ((BooleanColumn) other).bits.get(otherRow));
        }
    }

    /** Signed integers of 1, 2, 4 or 8 bytes, dates and timestamps. */
    private static final class IntegralColumn extends HostColumn {
        private final int width;

        IntegralColumn(BaseFixedWidthVector vector) {
            super(vector);
            this.width = vector.getTypeWidth();
        }

        long value(int row) {
            return integralAt(vector.getDataBuffer().memoryAddress(), width, row);
        }

        @Override
        public long hash(int row) {
            return mix(value(row));
        }

        @Override
        public void combineHashes(int start, int count, long[] hashes, boolean[] anyNull, long nullHash) {
            checkRows(start, count);
            long validity = vector.getValidityBuffer().memoryAddress();
            long data = vector.getDataBuffer().memoryAddress();
            for (int i = 0; i < count; i++) {
                int row = start + i;
                long hash;
                if (!bit(validity, row)) {
                    anyNull[i] = true;
                    hash = nullHash;
                } else {
                    long at = data + (long) row * width;
                    hash = mix(switch (width) {
                        case 1 -> MemoryUtil.getByte(at);
                        case 2 -> MemoryUtil.getShort(at);
                        case 4 -> MemoryUtil.getInt(at);
                        default -> MemoryUtil.getLong(at);
                    });
                }
                hashes[i] = hashes[i] * HASH_MULTIPLIER + hash;
            }
        }

        @Override
        public boolean keyEquals(int row, HostColumn other, int otherRow) {
            return value(row) == ((IntegralColumn) other).value(otherRow);
        }

        @Override
        public int compare(int row, HostColumn other, int otherRow) {
            return Long.compare(value(row), ((IntegralColumn) other).value(otherRow));
        }
    }

    private static final class FloatColumn extends HostColumn {
        FloatColumn(Float4Vector vector) {
            super(vector);
        }

        float value(int row) {
            return vector.getDataBuffer().getFloat((long) row * 4);
        }

        @Override
        public long hash(int row) {
            return mix(normalizedBits(value(row)));
        }

        @Override
        public boolean keyEquals(int row, HostColumn other, int otherRow) {
            return normalizedBits(value(row)) == normalizedBits(((FloatColumn) other).value(otherRow));
        }

        @Override
        public int compare(int row, HostColumn other, int otherRow) {
            float left = value(row);
            float right = ((FloatColumn) other).value(otherRow);
            return left == right ? 0 : Float.compare(left, right);
        }

        private static int normalizedBits(float value) {
            // floatToIntBits maps every NaN to one pattern; adding 0.0f turns -0.0 into 0.0
            return Float.floatToIntBits(value + 0.0f);
        }
    }

    private static final class DoubleColumn extends HostColumn {
        DoubleColumn(Float8Vector vector) {
            super(vector);
        }

        double value(int row) {
            return vector.getDataBuffer().getDouble((long) row * 8);
        }

        @Override
        public long hash(int row) {
            return mix(normalizedBits(value(row)));
        }

        @Override
        public boolean keyEquals(int row, HostColumn other, int otherRow) {
            return normalizedBits(value(row)) == normalizedBits(((DoubleColumn) other).value(otherRow));
        }

        @Override
        public int compare(int row, HostColumn other, int otherRow) {
            double left = value(row);
            double right = ((DoubleColumn) other).value(otherRow);
            return left == right ? 0 : Double.compare(left, right);
        }

        private static long normalizedBits(double value) {
            return Double.doubleToLongBits(value + 0.0);
        }
    }

    /** 128-bit two's complement unscaled values, little-endian; both sides have the same scale. */
    private static final class DecimalColumn extends HostColumn {
        DecimalColumn(DecimalVector vector) {
            super(vector);
        }

        long low(int row) {
            return MemoryUtil.getLong(vector.getDataBuffer().memoryAddress() + (long) row * 16);
        }

        long high(int row) {
            return MemoryUtil.getLong(vector.getDataBuffer().memoryAddress() + (long) row * 16 + 8);
        }

        @Override
        public long hash(int row) {
            return mix(low(row) ^ mix(high(row)));
        }

        @Override
        public void combineHashes(int start, int count, long[] hashes, boolean[] anyNull, long nullHash) {
            checkRows(start, count);
            long validity = vector.getValidityBuffer().memoryAddress();
            long data = vector.getDataBuffer().memoryAddress();
            for (int i = 0; i < count; i++) {
                int row = start + i;
                long hash;
                if (!bit(validity, row)) {
                    anyNull[i] = true;
                    hash = nullHash;
                } else {
                    long at = data + (long) row * 16;
                    hash = mix(MemoryUtil.getLong(at) ^ mix(MemoryUtil.getLong(at + 8)));
                }
                hashes[i] = hashes[i] * HASH_MULTIPLIER + hash;
            }
        }

        @Override
        public boolean keyEquals(int row, HostColumn other, int otherRow) {
            DecimalColumn that = (DecimalColumn) other;
            return low(row) == that.low(otherRow) && high(row) == that.high(otherRow);
        }

        @Override
        public int compare(int row, HostColumn other, int otherRow) {
            DecimalColumn that = (DecimalColumn) other;
            int byHigh = Long.compare(high(row), that.high(otherRow));
            return byHigh != 0 ? byHigh : Long.compareUnsigned(low(row), that.low(otherRow));
        }
    }

    private static final class StringColumn extends HostColumn {
        private static final int OFFSET_WIDTH = BaseVariableWidthVector.OFFSET_WIDTH;

        private final VarCharVector strings;

        StringColumn(VarCharVector strings) {
            super(strings);
            this.strings = strings;
        }

        @Override
        public long hash(int row) {
            ArrowBuf data = strings.getDataBuffer();
            long start = strings.getStartOffset(row);
            long end = strings.getEndOffset(row);
            long hash = end - start;
            long position = start;
            for (; position + 8 <= end; position += 8) {
                hash = hash * 0x100000001B3L + data.getLong(position);
            }
            for (; position < end; position++) {
                hash = hash * 31 + data.getByte(position);
            }
            return mix(hash);
        }

        /** The same hash as {@link #hash}, read from the raw buffers after one bounds check per call. */
        @Override
        public void combineHashes(int start, int count, long[] hashes, boolean[] anyNull, long nullHash) {
            checkRows(start, count);
            long validity = strings.getValidityBuffer().memoryAddress();
            long offsets = strings.getOffsetBuffer().memoryAddress();
            ArrowBuf dataBuffer = strings.getDataBuffer();
            long data = dataBuffer.memoryAddress();
            if (count == 0) {
                return;
            }
            long lastEnd = MemoryUtil.getInt(offsets + (long) (start + count) * BaseVariableWidthVector.OFFSET_WIDTH);
            if (lastEnd > dataBuffer.capacity()) {
                throw new IllegalStateException("string offsets of " + vector.getField().getName()
                        + " pass the end of its data buffer");
            }
            for (int i = 0; i < count; i++) {
                int row = start + i;
                long hash;
                if (!bit(validity, row)) {
                    anyNull[i] = true;
                    hash = nullHash;
                } else {
                    long at = offsets + (long) row * BaseVariableWidthVector.OFFSET_WIDTH;
                    long begin = MemoryUtil.getInt(at);
                    long end = MemoryUtil.getInt(at + BaseVariableWidthVector.OFFSET_WIDTH);
                    long value = end - begin;
                    long position = begin;
                    for (; position + 8 <= end; position += 8) {
                        value = value * 0x100000001B3L + MemoryUtil.getLong(data + position);
                    }
                    for (; position < end; position++) {
                        value = value * 31 + MemoryUtil.getByte(data + position);
                    }
                    hash = mix(value);
                }
                hashes[i] = hashes[i] * HASH_MULTIPLIER + hash;
            }
        }

        @Override
        public boolean keyEquals(int row, HostColumn other, int otherRow) {
            StringColumn that = (StringColumn) other;
            long offsets = strings.getOffsetBuffer().memoryAddress() + (long) row * OFFSET_WIDTH;
            long otherOffsets = that.strings.getOffsetBuffer().memoryAddress() + (long) otherRow * OFFSET_WIDTH;
            int start = MemoryUtil.getInt(offsets);
            int length = MemoryUtil.getInt(offsets + OFFSET_WIDTH) - start;
            int otherStart = MemoryUtil.getInt(otherOffsets);
            if (MemoryUtil.getInt(otherOffsets + OFFSET_WIDTH) - otherStart != length) {
                return false;
            }
            long data = strings.getDataBuffer().memoryAddress() + start;
            long otherData = that.strings.getDataBuffer().memoryAddress() + otherStart;
            int i = 0;
            for (; i + 8 <= length; i += 8) {
                if (MemoryUtil.getLong(data + i) != MemoryUtil.getLong(otherData + i)) {
                    return false;
                }
            }
            for (; i < length; i++) {
                if (MemoryUtil.getByte(data + i) != MemoryUtil.getByte(otherData + i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int compare(int row, HostColumn other, int otherRow) {
            StringColumn that = (StringColumn) other;
            long start = strings.getStartOffset(row);
            long length = strings.getEndOffset(row) - start;
            long otherStart = that.strings.getStartOffset(otherRow);
            long otherLength = that.strings.getEndOffset(otherRow) - otherStart;
            ArrowBuf data = strings.getDataBuffer();
            ArrowBuf otherData = that.strings.getDataBuffer();
            long common = Math.min(length, otherLength);
            for (long i = 0; i < common; i++) {
                int left = data.getByte(start + i) & 0xFF;
                int right = otherData.getByte(otherStart + i) & 0xFF;
                if (left != right) {
                    return left - right;
                }
            }
            return Long.compare(length, otherLength);
        }
    }
}
