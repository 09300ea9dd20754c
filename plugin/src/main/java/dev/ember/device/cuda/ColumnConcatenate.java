package dev.ember.device.cuda;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;

/**
 * {@code concatenate} on the GPU (kernels of {@code concatenate.cu}): per column, one launch per
 * non-empty part for its values (by element size, or rebased string offsets and one byte copy) and one
 * for its validity bits, shifted to the part's first row; every launch of a call goes to the calling
 * thread's stream, in part order, which the bit kernel relies on for the byte two parts share.
 * Stateless.
 */
final class ColumnConcatenate {

    private final KernelLauncher launcher;

    ColumnConcatenate(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /**
     * Whether the kernels cover these parts: every part's vector of each column is of the template's
     * kind (the host concatenates mixed kinds value by value).
     */
    static boolean covers(List<List<FieldVector>> parts, List<FieldVector> template) {
        for (List<FieldVector> part : parts) {
            if (part.size() != template.size()) {
                return true;  // refused with the host's message by concatenate
            }
            for (int column = 0; column < template.size(); column++) {
                FieldVector kind = template.get(column);
                boolean supported = kind instanceof BitVector || kind instanceof BaseFixedWidthVector
                        || kind instanceof BaseVariableWidthVector;
                if (!supported || part.get(column).getClass() != kind.getClass()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** See {@code Device#concatenate}; the parts must be {@link #covers covered}. */
    List<FieldVector> concatenate(List<List<FieldVector>> parts, List<FieldVector> template,
            BufferAllocator allocator) {
        int total = 0;
        for (List<FieldVector> part : parts) {
            if (part.size() != template.size()) {
                throw new IllegalArgumentException("a part has " + part.size() + " columns, expected "
                        + template.size());
            }
            total = Math.addExact(total, part.isEmpty() ? 0 : part.get(0).getValueCount());
        }
        launcher.enter();
        List<FieldVector> out = new ArrayList<>(template.size());
        try {
            for (int column = 0; column < template.size(); column++) {
                List<FieldVector> pieces = new ArrayList<>(parts.size());
                for (List<FieldVector> part : parts) {
                    pieces.add(part.get(column));
                }
                out.add(concatenateColumn("column " + column + " (" + template.get(column).getField() + ")", pieces,
                        template.get(column), total, allocator));
            }
            if (total > 0) {
                launcher.synchronize("concatenating " + parts.size() + " parts of " + template.size() + " columns");
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }

    private FieldVector concatenateColumn(String name, List<FieldVector> pieces, FieldVector template, int total,
            BufferAllocator allocator) {
        FieldVector out = template.getField().createVector(allocator);
        try {
            if (out instanceof BaseVariableWidthVector strings) {
                concatenateStrings(name, pieces, strings, total);
            } else {
                out.setInitialCapacity(Math.max(total, 1));
                out.allocateNew();
                int first = 0;
                for (FieldVector piece : pieces) {
                    int rows = piece.getValueCount();
                    if (rows > 0) {
                        if (out instanceof BitVector bits) {
                            copyBits(name + " values", piece.getDataBuffer().memoryAddress(), rows,
                                    bits.getDataBuffer().memoryAddress(), first);
                        } else {
                            copyValues(name, (BaseFixedWidthVector) piece, rows, (BaseFixedWidthVector) out, first);
                        }
                        copyBits(name + " validity", piece.getValidityBuffer().memoryAddress(), rows,
                                out.getValidityBuffer().memoryAddress(), first);
                    }
                    first += rows;
                }
            }
            out.setValueCount(total);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private void copyValues(String name, BaseFixedWidthVector piece, int rows, BaseFixedWidthVector out, int first) {
        int width = out.getTypeWidth();
        Kernel kernel = switch (width) {
            case 1 -> Kernel.CONCATENATE_FIXED_1;
            case 2 -> Kernel.CONCATENATE_FIXED_2;
            case 4 -> Kernel.CONCATENATE_FIXED_4;
            case 8 -> Kernel.CONCATENATE_FIXED_8;
            case 16 -> Kernel.CONCATENATE_FIXED_16;
            default -> throw new UnsupportedOperationException("the CUDA device cannot concatenate " + name
                    + ": values of " + width + " bytes are not supported");
        };
        long source = piece.getDataBuffer().memoryAddress();
        long target = out.getDataBuffer().memoryAddress() + (long) first * width;
        launcher.requireManaged(name + " values", source, (long) rows * width);
        launcher.requireManaged(name + " output values", target, (long) rows * width);
        launcher.prefetchToDevice(source, (long) rows * width);
        launcher.launch(kernel, launcher.blocksFor(rows), new KernelArguments().address("source", source)
                .integer("count", rows).address("target", target));
    }

    private void copyBits(String name, long source, int rows, long target, int first) {
        launcher.requireManaged(name, source, (rows + 7L) / 8);
        launcher.requireManaged(name + " output", target + first / 8, (first % 8 + rows + 7L) / 8);
        launcher.prefetchToDevice(source, (rows + 7L) / 8);
        launcher.launch(Kernel.CONCATENATE_BITS, launcher.blocksFor((first % 8 + rows + 7L) / 8),
                new KernelArguments().address("source", source).integer("count", rows).address("target", target)
                        .integer("first", first));
    }

    private void concatenateStrings(String name, List<FieldVector> pieces, BaseVariableWidthVector out, int total) {
        long bytes = 0;
        for (FieldVector piece : pieces) {
            int rows = piece.getValueCount();
            if (rows > 0) {
                BaseVariableWidthVector strings = (BaseVariableWidthVector) piece;
                bytes += strings.getOffsetBuffer().getInt((long) rows * Integer.BYTES)
                        - strings.getOffsetBuffer().getInt(0);
            }
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the concatenated strings of " + name + " take " + bytes
                    + " bytes, more than one Arrow string vector holds (2^31 - 1); lower spark.ember.batchSizeBytes");
        }
        out.allocateNew(Math.max(bytes, 1), Math.max(total, 1));
        long targetOffsets = out.getOffsetBuffer().memoryAddress();
        long targetData = out.getDataBuffer().memoryAddress();
        int first = 0;
        int end = 0;
        for (FieldVector piece : pieces) {
            int rows = piece.getValueCount();
            if (rows == 0) {
                continue;
            }
            BaseVariableWidthVector strings = (BaseVariableWidthVector) piece;
            long offsets = strings.getOffsetBuffer().memoryAddress();
            int start = strings.getOffsetBuffer().getInt(0);
            int length = strings.getOffsetBuffer().getInt((long) rows * Integer.BYTES) - start;
            launcher.requireManaged(name + " offsets", offsets, (rows + 1L) * Integer.BYTES);
            launcher.requireManaged(name + " output offsets", targetOffsets, (first + rows + 1L) * Integer.BYTES);
            launcher.prefetchToDevice(offsets, (rows + 1L) * Integer.BYTES);
            launcher.launch(Kernel.CONCATENATE_OFFSETS, launcher.blocksFor(rows), new KernelArguments()
                    .address("sourceOffsets", offsets).integer("count", rows).integer("base", end)
                    .address("targetOffsets", targetOffsets + (long) first * Integer.BYTES));
            if (length > 0) {
                long source = strings.getDataBuffer().memoryAddress() + start;
                launcher.requireManaged(name + " bytes", source, length);
                launcher.requireManaged(name + " output bytes", targetData + end, length);
                launcher.prefetchToDevice(source, length);
                launcher.launch(Kernel.CONCATENATE_BYTES, launcher.blocksFor((length + 15L) / 16), new KernelArguments()
                        .address("source", source).integer("count", length).address("target", targetData + end));
            }
            copyBits(name + " validity", strings.getValidityBuffer().memoryAddress(), rows,
                    out.getValidityBuffer().memoryAddress(), first);
            first += rows;
            end += length;
        }
        out.setLastSet(total - 1);
    }
}
