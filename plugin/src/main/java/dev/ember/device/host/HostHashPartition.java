package dev.ember.device.host;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
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
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;

/**
 * The hash partition primitive on the host: Spark's {@code Murmur3Hash} over key columns, then
 * {@code pmod} by the partition count (see {@code Device#hashPartition}), and the per-partition row
 * positions the split helper gathers.
 *
 * <p>The Murmur3 rounds are Spark's own {@link Murmur3_x86_32} (the reference), fed with the values as
 * Spark's {@code InterpretedHashFunction} feeds them; strings are hashed in place in the Arrow buffer.
 */
public final class HostHashPartition {
    /** {@code Decimal.MAX_LONG_DIGITS}: wider decimals hash by the bytes of their unscaled value. */
    private static final int MAX_LONG_DIGITS = 18;

    private HostHashPartition() {}

    /** See {@code Device#hashPartition(List, int, int, int, BufferAllocator)}. */
    public static IntVector partitionIds(List<FieldVector> keys, int rowCount, int partitionCount, int seed,
            BufferAllocator allocator) {
        requireNonNull(keys, "keys is null");
        requireNonNull(allocator, "allocator is null");
        if (partitionCount < 1) {
            throw new IllegalArgumentException("partitionCount must be at least 1: " + partitionCount);
        }
        for (FieldVector key : keys) {
            if (rowCount < 0 || rowCount > key.getValueCount()) {
                throw new IllegalArgumentException("rowCount " + rowCount + " is outside key column "
                        + key.getField().getName() + "'s " + key.getValueCount() + " values");
            }
        }
        int[] hashes = new int[rowCount];
        java.util.Arrays.fill(hashes, seed);
        for (FieldVector key : keys) {
            hashColumn(key, rowCount, hashes);
        }
        IntVector ids = new IntVector("partition", allocator);
        try {
            ids.allocateNew(Math.max(rowCount, 1));
            long data = ids.getDataBuffer().memoryAddress();
            for (int row = 0; row < rowCount; row++) {
                MemoryUtil.putInt(data + (long) row * Integer.BYTES, Math.floorMod(hashes[row], partitionCount));
            }
            setAllValid(ids, rowCount);
            return ids;
        } catch (RuntimeException e) {
            ids.close();
            throw e;
        }
    }

    /**
     * The row positions of each partition, ascending (a counting sort of the ids): one new vector per
     * partition in {@code [0, partitionCount)}, owned by the caller.
     *
     * @throws IllegalArgumentException when an id is null or outside {@code [0, partitionCount)}
     */
    public static List<IntVector> positionsByPartition(IntVector partitionIds, int partitionCount,
            BufferAllocator allocator) {
        requireNonNull(partitionIds, "partitionIds is null");
        int rows = partitionIds.getValueCount();
        int[] counts = new int[partitionCount];
        int[] ids = new int[rows];
        long validity = partitionIds.getValidityBuffer().memoryAddress();
        long data = partitionIds.getDataBuffer().memoryAddress();
        if (partitionIds.getDataBuffer().capacity() < (long) rows * Integer.BYTES) {
            throw new IllegalArgumentException("partition ids of " + rows + " rows hold "
                    + partitionIds.getDataBuffer().capacity() + " bytes");
        }
        for (int row = 0; row < rows; row++) {
            if (!HostColumn.bit(validity, row)) {
                throw new IllegalArgumentException("partition id at row " + row + " is null");
            }
            int id = MemoryUtil.getInt(data + (long) row * Integer.BYTES);
            if (id < 0 || id >= partitionCount) {
                throw new IllegalArgumentException("partition id " + id + " at row " + row + " is outside [0, "
                        + partitionCount + ")");
            }
            ids[row] = id;
            counts[id]++;
        }
        List<IntVector> positions = new ArrayList<>(partitionCount);
        try {
            long[] addresses = new long[partitionCount];
            for (int partition = 0; partition < partitionCount; partition++) {
                IntVector vector = new IntVector("positions", allocator);
                positions.add(vector);
                vector.allocateNew(Math.max(counts[partition], 1));
                addresses[partition] = vector.getDataBuffer().memoryAddress();
            }
            int[] next = new int[partitionCount];
            for (int row = 0; row < rows; row++) {
                int id = ids[row];
                MemoryUtil.putInt(addresses[id] + (long) next[id]++ * Integer.BYTES, row);
            }
            for (int partition = 0; partition < partitionCount; partition++) {
                setAllValid(positions.get(partition), counts[partition]);
            }
            return positions;
        } catch (RuntimeException e) {
            positions.forEach(IntVector::close);
            throw e;
        }
    }

    /** Marks the first {@code count} values of {@code vector} valid and sets its value count. */
    private static void setAllValid(IntVector vector, int count) {
        ArrowBuf validity = vector.getValidityBuffer();
        validity.setOne(0L, count >>> 3);
        if ((count & 7) != 0) {
            validity.setByte(count >>> 3, (1 << (count & 7)) - 1);
        }
        vector.setValueCount(count);
    }

    /**
     * Folds {@code key}'s values into {@code hashes}, null rows left as they are (Spark's Murmur3Hash skips
     * nulls). Fixed-width keys are read straight from their buffers, one loop per kind; booleans, strings and
     * wide decimals go value by value.
     */
    private static void hashColumn(FieldVector key, int rowCount, int[] hashes) {
        boolean longValues = key instanceof BigIntVector || key instanceof TimeStampVector
                || (key instanceof DecimalVector decimals && decimals.getPrecision() <= MAX_LONG_DIGITS);
        boolean intValues = key instanceof TinyIntVector || key instanceof SmallIntVector || key instanceof IntVector
                || key instanceof DateDayVector;
        if (!(longValues || intValues || key instanceof Float4Vector || key instanceof Float8Vector)) {
            for (int row = 0; row < rowCount; row++) {
                if (!key.isNull(row)) {
                    hashes[row] = hashValue(key, row, hashes[row]);
                }
            }
            return;
        }
        BaseFixedWidthVector fixed = (BaseFixedWidthVector) key;
        int width = fixed.getTypeWidth();
        if (fixed.getDataBuffer().capacity() < (long) rowCount * width
                || fixed.getValidityBuffer().capacity() < (rowCount + 7L) >>> 3) {
            throw new IllegalArgumentException("key column " + key.getField().getName() + " holds fewer bytes than "
                    + rowCount + " rows need");
        }
        long validity = fixed.getValidityBuffer().memoryAddress();
        long data = fixed.getDataBuffer().memoryAddress();
        for (int row = 0; row < rowCount; row++) {
            if (!HostColumn.bit(validity, row)) {
                continue;
            }
            long at = data + (long) row * width;
            if (longValues) {
                // decimals of up to 18 digits: the low eight bytes are the whole unscaled value
                hashes[row] = Murmur3_x86_32.hashLong(MemoryUtil.getLong(at), hashes[row]);
            } else if (intValues) {
                int value = switch (width) {
                    case 1 -> MemoryUtil.getByte(at);
                    case 2 -> MemoryUtil.getShort(at);
                    default -> MemoryUtil.getInt(at);
                };
                hashes[row] = Murmur3_x86_32.hashInt(value, hashes[row]);
            } else if (width == 4) {
                float value = Float.intBitsToFloat(MemoryUtil.getInt(at));
                // -0.0 == 0.0 numerically: both hash as int 0; floatToIntBits maps every NaN to one pattern
                hashes[row] = Murmur3_x86_32.hashInt(value == 0.0f ? 0 : Float.floatToIntBits(value), hashes[row]);
            } else {
                double value = Double.longBitsToDouble(MemoryUtil.getLong(at));
                hashes[row] = Murmur3_x86_32.hashLong(value == 0.0 ? 0L : Double.doubleToLongBits(value),
                        hashes[row]);
            }
        }
    }

    private static int hashValue(FieldVector key, int row, int seed) {
        if (key instanceof BitVector bits) {
            return Murmur3_x86_32.hashInt(bits.get(row), seed);
        } else if (key instanceof TinyIntVector bytes) {
            return Murmur3_x86_32.hashInt(bytes.get(row), seed);
        } else if (key instanceof SmallIntVector shorts) {
            return Murmur3_x86_32.hashInt(shorts.get(row), seed);
        } else if (key instanceof IntVector ints) {
            return Murmur3_x86_32.hashInt(ints.get(row), seed);
        } else if (key instanceof DateDayVector days) {
            return Murmur3_x86_32.hashInt(days.get(row), seed);
        } else if (key instanceof BigIntVector longs) {
            return Murmur3_x86_32.hashLong(longs.get(row), seed);
        } else if (key instanceof TimeStampVector micros) {
            return Murmur3_x86_32.hashLong(micros.get(row), seed);
        } else if (key instanceof Float4Vector floats) {
            float value = floats.get(row);
            // -0.0 == 0.0 numerically: both hash as int 0; floatToIntBits maps every NaN to one pattern
            return Murmur3_x86_32.hashInt(value == 0.0f ? 0 : Float.floatToIntBits(value), seed);
        } else if (key instanceof Float8Vector doubles) {
            double value = doubles.get(row);
            return Murmur3_x86_32.hashLong(value == 0.0 ? 0L : Double.doubleToLongBits(value), seed);
        } else if (key instanceof DecimalVector decimals) {
            return hashDecimal(decimals, row, seed);
        } else if (key instanceof VarCharVector strings) {
            ArrowBuf offsets = strings.getOffsetBuffer();
            int start = offsets.getInt((long) row * VarCharVector.OFFSET_WIDTH);
            int end = offsets.getInt((long) (row + 1) * VarCharVector.OFFSET_WIDTH);
            if (end == start) {
                return Murmur3_x86_32.hashUnsafeBytes(null, 0L, 0, seed);
            }
            return Murmur3_x86_32.hashUnsafeBytes(null, strings.getDataBuffer().memoryAddress() + start, end - start,
                    seed);
        }
        throw new IllegalArgumentException("hash partitioning does not support key column "
                + key.getField().getName() + " of Arrow type " + key.getField().getType());
    }

    private static int hashDecimal(DecimalVector decimals, int row, int seed) {
        ArrowBuf data = decimals.getDataBuffer();
        long offset = (long) row * DecimalVector.TYPE_WIDTH;
        long low = data.getLong(offset);
        if (decimals.getPrecision() <= MAX_LONG_DIGITS) {
            // the unscaled value fits in 18 digits: the low eight bytes are the whole two's complement value
            return Murmur3_x86_32.hashLong(low, seed);
        }
        long high = data.getLong(offset + Long.BYTES);
        byte[] bigEndian = new byte[16];
        for (int i = 0; i < Long.BYTES; i++) {
            bigEndian[i] = (byte) (high >>> (56 - 8 * i));
            bigEndian[i + Long.BYTES] = (byte) (low >>> (56 - 8 * i));
        }
        // Spark hashes BigInteger.toByteArray: the shortest two's complement form
        byte[] minimal = new BigInteger(bigEndian).toByteArray();
        return Murmur3_x86_32.hashUnsafeBytes(minimal, Platform.BYTE_ARRAY_OFFSET, minimal.length, seed);
    }
}
