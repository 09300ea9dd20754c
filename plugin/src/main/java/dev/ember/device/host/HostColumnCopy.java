package dev.ember.device.host;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * Gathers and concatenations of one Arrow column as bulk buffer operations: values move as whole words
 * or one block copy per string or per part, validity as bits, with no per-value allocation and no
 * per-value bounds-checked {@code copyFromSafe}. Vector kinds without a fast path (none that Ember carries
 * today) take the generic one.
 *
 * <p>The loops read and write through raw buffer addresses ({@link MemoryUtil}): every index is checked
 * against the column's value count before the first write, and every output buffer is allocated at its
 * full size first, so the per-access bounds checks of {@code ArrowBuf} would only repeat those checks.
 *
 * <p>Outputs are new vectors from {@code allocator}, owned by the caller; inputs are only read.
 */
final class HostColumnCopy {
    private static final int OFFSET_WIDTH = BaseVariableWidthVector.OFFSET_WIDTH;

    private HostColumnCopy() {}

    /**
     * The rows of {@code column} at {@code indices}, in order; an index below zero gives a null row.
     *
     * @param indices non-null positions, already checked by {@link #checkIndices} against a value count no
     *     larger than the column's; read straight from the buffer
     */
    static FieldVector gather(FieldVector column, IntVector indices, BufferAllocator allocator) {
        int count = indices.getValueCount();
        FieldVector out = column.getField().createVector(allocator);
        try {
            if (column instanceof BaseVariableWidthVector variable) {
                // sized by the gathered bytes, which only the gather itself counts
                gatherVariable(variable, indices, count, (BaseVariableWidthVector) out);
            } else {
                out.setInitialCapacity(Math.max(count, 1));
                out.allocateNew();
            }
            if (column instanceof BitVector bits) {
                gatherBits(bits, indices, count, (BitVector) out);
            } else if (column instanceof BaseFixedWidthVector fixed) {
                gatherFixed(fixed, indices, count, (BaseFixedWidthVector) out);
            } else if (!(column instanceof BaseVariableWidthVector)) {
                for (int i = 0; i < count; i++) {
                    int from = indices.get(i);
                    if (from < 0) {
                        out.setNull(i);
                    } else {
                        out.copyFromSafe(from, i, column);
                    }
                }
            }
            out.setValueCount(count);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * The parts' rows one after another, in a new vector shaped like {@code template}.
     *
     * @param parts vectors of the template's kind
     * @param total the sum of the parts' value counts
     */
    static FieldVector concatenate(List<FieldVector> parts, FieldVector template, int total,
            BufferAllocator allocator) {
        FieldVector out = template.getField().createVector(allocator);
        try {
            boolean sameKind = true;
            for (FieldVector part : parts) {
                sameKind &= part.getClass() == out.getClass();
            }
            if (sameKind && out instanceof BitVector bits) {
                out.setInitialCapacity(Math.max(total, 1));
                out.allocateNew();
                int next = 0;
                for (FieldVector part : parts) {
                    BitVector source = (BitVector) part;
                    copyBits(source.getValidityBuffer(), source.getValueCount(), bits.getValidityBuffer(), next);
                    copyBits(source.getDataBuffer(), source.getValueCount(), bits.getDataBuffer(), next);
                    next += source.getValueCount();
                }
            } else if (sameKind && out instanceof BaseFixedWidthVector fixed) {
                out.setInitialCapacity(Math.max(total, 1));
                out.allocateNew();
                concatenateFixed(parts, fixed);
            } else if (sameKind && out instanceof BaseVariableWidthVector variable) {
                concatenateVariable(parts, total, variable);
            } else {
                out.setInitialCapacity(Math.max(total, 1));
                out.allocateNew();
                int next = 0;
                for (FieldVector part : parts) {
                    for (int row = 0; row < part.getValueCount(); row++) {
                        out.copyFromSafe(row, next++, part);
                    }
                }
            }
            out.setValueCount(total);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static void concatenateFixed(List<FieldVector> parts, BaseFixedWidthVector out) {
        int width = out.getTypeWidth();
        int next = 0;
        for (FieldVector part : parts) {
            BaseFixedWidthVector source = (BaseFixedWidthVector) part;
            int rows = source.getValueCount();
            out.getDataBuffer().setBytes((long) next * width, source.getDataBuffer(), 0, (long) rows * width);
            copyBits(source.getValidityBuffer(), rows, out.getValidityBuffer(), next);
            next += rows;
        }
    }

    private static void concatenateVariable(List<FieldVector> parts, int total, BaseVariableWidthVector out) {
        long bytes = 0;
        for (FieldVector part : parts) {
            BaseVariableWidthVector source = (BaseVariableWidthVector) part;
            ArrowBuf offsets = source.getOffsetBuffer();
            int rows = source.getValueCount();
            if (rows > 0) {
                bytes += offsets.getInt((long) rows * OFFSET_WIDTH) - offsets.getInt(0);
            }
        }
        out.allocateNew(Math.max(bytes, 1), Math.max(total, 1));
        ArrowBuf outOffsets = out.getOffsetBuffer();
        outOffsets.setInt(0, 0);
        int next = 0;
        int end = 0;
        for (FieldVector part : parts) {
            BaseVariableWidthVector source = (BaseVariableWidthVector) part;
            int rows = source.getValueCount();
            if (rows == 0) {
                continue;
            }
            ArrowBuf offsets = source.getOffsetBuffer();
            int first = offsets.getInt(0);
            int length = offsets.getInt((long) rows * OFFSET_WIDTH) - first;
            out.getDataBuffer().setBytes(end, source.getDataBuffer(), first, length);
            for (int row = 1; row <= rows; row++) {
                outOffsets.setInt((long) (next + row) * OFFSET_WIDTH,
                        end + offsets.getInt((long) row * OFFSET_WIDTH) - first);
            }
            copyBits(source.getValidityBuffer(), rows, out.getValidityBuffer(), next);
            next += rows;
            end += length;
        }
        out.setLastSet(total - 1);
    }

    /** Bits {@code [0, rows)} of {@code source} to bits {@code [at, at + rows)} of a zeroed {@code target}. */
    private static void copyBits(ArrowBuf source, int rows, ArrowBuf target, int at) {
        int row = 0;
        if ((at & 7) == 0) {
            int wholeBytes = rows >>> 3;
            target.setBytes(at >>> 3, source, 0, wholeBytes);
            row = wholeBytes << 3;
        }
        long from = source.memoryAddress();
        long to = target.memoryAddress();
        for (; row < rows; row++) {
            if (bit(from, row)) {
                setBit(to, at + row);
            }
        }
    }

    /**
     * Fails unless every index is below {@code limit} and, unless {@code negativeIsNull}, not negative: the
     * one bounds check a gather of several columns needs before its unchecked reads.
     */
    static void checkIndices(IntVector indices, int limit, boolean negativeIsNull) {
        long positions = indices.getDataBuffer().memoryAddress();
        for (int i = 0; i < indices.getValueCount(); i++) {
            int from = MemoryUtil.getInt(positions + (long) i * Integer.BYTES);
            if (from >= limit || (from < 0 && !negativeIsNull)) {
                throw new IndexOutOfBoundsException("gather index " + from + " at position " + i
                        + " is outside the column's " + limit + " values");
            }
        }
    }

    private static boolean bit(long address, int row) {
        return ((MemoryUtil.getByte(address + (row >>> 3)) >> (row & 7)) & 1) != 0;
    }

    /** Sets a bit of a buffer that was zeroed at allocation. */
    private static void setBit(long address, int row) {
        long at = address + (row >>> 3);
        MemoryUtil.putByte(at, (byte) (MemoryUtil.getByte(at) | (1 << (row & 7))));
    }

    private static void gatherBits(BitVector column, IntVector indices, int count, BitVector out) {
        long positions = indices.getDataBuffer().memoryAddress();
        long validity = column.getValidityBuffer().memoryAddress();
        long values = column.getDataBuffer().memoryAddress();
        long outValidity = out.getValidityBuffer().memoryAddress();
        long outValues = out.getDataBuffer().memoryAddress();
        for (int i = 0; i < count; i++) {
            int from = MemoryUtil.getInt(positions + (long) i * Integer.BYTES);
            if (from >= 0 && bit(validity, from)) {
                setBit(outValidity, i);
                if (bit(values, from)) {
                    setBit(outValues, i);
                }
            }
        }
    }

    private static void gatherFixed(BaseFixedWidthVector column, IntVector indices, int count,
            BaseFixedWidthVector out) {
        long positions = indices.getDataBuffer().memoryAddress();
        long validity = column.getValidityBuffer().memoryAddress();
        long values = column.getDataBuffer().memoryAddress();
        long outValidity = out.getValidityBuffer().memoryAddress();
        long outValues = out.getDataBuffer().memoryAddress();
        int width = column.getTypeWidth();
        if (width != 4 && width != 8 && width != 16) {
            for (int i = 0; i < count; i++) {
                int from = MemoryUtil.getInt(positions + (long) i * Integer.BYTES);
                if (from >= 0 && bit(validity, from)) {
                    setBit(outValidity, i);
                    MemoryUtil.copyMemory(values + (long) from * width, outValues + (long) i * width, width);
                }
            }
            return;
        }
        // one loop per common width, no per-row switch; validity written a byte at a time when no row is null,
        // else in a second pass
        boolean allValid = true;
        for (int i = 0; i < count; i++) {
            int from = MemoryUtil.getInt(positions + (long) i * Integer.BYTES);
            if (from < 0 || !bit(validity, from)) {
                allValid = false;
                continue;
            }
            long source = values + (long) from * width;
            long target = outValues + (long) i * width;
            if (width == 4) {
                MemoryUtil.putInt(target, MemoryUtil.getInt(source));
            } else {
                MemoryUtil.putLong(target, MemoryUtil.getLong(source));
                if (width == 16) {
                    MemoryUtil.putLong(target + 8, MemoryUtil.getLong(source + 8));
                }
            }
        }
        if (allValid) {
            out.getValidityBuffer().setOne(0L, count >>> 3);
            if ((count & 7) != 0) {
                out.getValidityBuffer().setByte(count >>> 3, (1 << (count & 7)) - 1);
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            int from = MemoryUtil.getInt(positions + (long) i * Integer.BYTES);
            if (from >= 0 && bit(validity, from)) {
                setBit(outValidity, i);
            }
        }
    }

    private static void gatherVariable(BaseVariableWidthVector column, IntVector indices, int count,
            BaseVariableWidthVector out) {
        long positions = indices.getDataBuffer().memoryAddress();
        long validity = column.getValidityBuffer().memoryAddress();
        long offsets = column.getOffsetBuffer().memoryAddress();
        long values = column.getDataBuffer().memoryAddress();
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            int from = MemoryUtil.getInt(positions + (long) i * Integer.BYTES);
            if (from >= 0 && bit(validity, from)) {
                long at = offsets + (long) from * OFFSET_WIDTH;
                bytes += MemoryUtil.getInt(at + OFFSET_WIDTH) - MemoryUtil.getInt(at);
            }
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("a gathered string column would hold " + bytes
                    + " bytes, more than one Arrow string vector holds; lower spark.ember.batchSizeRows");
        }
        out.allocateNew(Math.max(bytes, 1), Math.max(count, 1));
        long outValidity = out.getValidityBuffer().memoryAddress();
        long outOffsets = out.getOffsetBuffer().memoryAddress();
        long outValues = out.getDataBuffer().memoryAddress();
        int end = 0;
        MemoryUtil.putInt(outOffsets, 0);
        for (int i = 0; i < count; i++) {
            int from = MemoryUtil.getInt(positions + (long) i * Integer.BYTES);
            if (from >= 0 && bit(validity, from)) {
                setBit(outValidity, i);
                long at = offsets + (long) from * OFFSET_WIDTH;
                int start = MemoryUtil.getInt(at);
                int length = MemoryUtil.getInt(at + OFFSET_WIDTH) - start;
                MemoryUtil.copyMemory(values + start, outValues + end, length);
                end += length;
            }
            MemoryUtil.putInt(outOffsets + (long) (i + 1) * OFFSET_WIDTH, end);
        }
        out.setLastSet(count - 1);
    }
}
