package dev.ember.device.cuda;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * {@code gather} and {@code gatherOrNull} on the GPU. Validity and boolean values: one output byte per
 * thread. Fixed-width values (1, 2, 4, 8 and 16 bytes: every numeric, date, timestamp and Decimal128
 * column): one row per thread. Strings: per-tile byte counts → exclusive scan → offsets → byte copy.
 * Gather-or-null launches the {@code gather_or_null_*} twins, which make a null row (zero value, empty
 * string) for a negative index. Stateless.
 */
final class ColumnGather {

    private final KernelLauncher launcher;

    ColumnGather(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /** Gather: every index is below every column's value count and not negative. */
    List<FieldVector> gather(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        return gather(columns, indices, false, allocator);
    }

    /** Gather-or-null: as {@link #gather}, but a negative index makes a null row. */
    List<FieldVector> gatherOrNull(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        return gather(columns, indices, true, allocator);
    }

    private List<FieldVector> gather(List<FieldVector> columns, IntVector indices, boolean orNull,
            BufferAllocator allocator) {
        int count = indices.getValueCount();
        launcher.enter();
        long indexAddress = indices.getDataBuffer().memoryAddress();
        Kernels kernels = orNull ? Kernels.OR_NULL : Kernels.PLAIN;
        if (count > 0) {
            checkIndices(columns, indices, count, orNull);
            launcher.requireManaged("the gather indices", indexAddress, count * 4L);
            launcher.prefetchToDevice(indexAddress, count * 4L);
        }
        List<FieldVector> gathered = new ArrayList<>(columns.size());
        try {
            for (int column = 0; column < columns.size(); column++) {
                FieldVector source = columns.get(column);
                FieldVector target = source.getField().createVector(allocator);
                gathered.add(target);
                if (count == 0) {
                    target.allocateNew();
                    target.setValueCount(0);
                } else if (source.getValueCount() == 0) {
                    // only negative indices can pass the check: every row is null, as the new vector's
                    // zeroed buffers already say (an empty source may have no buffers to hand a kernel)
                    target.setInitialCapacity(count);
                    target.allocateNew();
                    target.setValueCount(count);
                } else {
                    gatherColumn(kernels, "column " + column + " (" + source.getField() + ")", source, target,
                            indexAddress, count, allocator);
                }
            }
            if (count > 0) {
                launcher.synchronize("gathering " + columns.size() + " columns of " + count + " rows");
            }
            return gathered;
        } catch (RuntimeException e) {
            gathered.forEach(FieldVector::close);
            throw e;
        }
    }

    /** The kernels of one kind of gather. */
    private record Kernels(Kernel fixed1, Kernel fixed2, Kernel fixed4, Kernel fixed8, Kernel fixed16, Kernel bits,
            Kernel stringTileBytes, Kernel stringOffsets, Kernel stringBytes) {
        static final Kernels PLAIN = new Kernels(Kernel.GATHER_FIXED_1, Kernel.GATHER_FIXED_2, Kernel.GATHER_FIXED_4,
                Kernel.GATHER_FIXED_8, Kernel.GATHER_FIXED_16, Kernel.GATHER_BITS, Kernel.GATHER_STRING_TILE_BYTES,
                Kernel.GATHER_STRING_OFFSETS, Kernel.GATHER_STRING_BYTES);
        static final Kernels OR_NULL = new Kernels(Kernel.GATHER_OR_NULL_FIXED_1, Kernel.GATHER_OR_NULL_FIXED_2,
                Kernel.GATHER_OR_NULL_FIXED_4, Kernel.GATHER_OR_NULL_FIXED_8, Kernel.GATHER_OR_NULL_FIXED_16,
                Kernel.GATHER_OR_NULL_BITS, Kernel.GATHER_OR_NULL_STRING_TILE_BYTES,
                Kernel.GATHER_OR_NULL_STRING_OFFSETS, Kernel.GATHER_OR_NULL_STRING_BYTES);
    }

    // An index the kernels would follow out of bounds reads or faults on the GPU: refuse it here.
    private static void checkIndices(List<FieldVector> columns, IntVector indices, int count, boolean orNull) {
        if (indices.getNullCount() != 0) {
            throw new IllegalArgumentException("gather indices must not be null; " + indices.getNullCount()
                    + " of " + count + " are");
        }
        int limit = Integer.MAX_VALUE;
        for (FieldVector column : columns) {
            limit = Math.min(limit, column.getValueCount());
        }
        ArrowBuf data = indices.getDataBuffer();
        for (int i = 0; i < count; i++) {
            int index = data.getInt((long) i * Integer.BYTES);
            if (index >= limit || (index < 0 && !orNull)) {
                throw new IndexOutOfBoundsException("gather index " + index + " at position " + i
                        + " is outside the columns' " + limit + " values");
            }
        }
    }

    private void gatherColumn(Kernels kernels, String name, FieldVector source, FieldVector target, long indices, int count,
            BufferAllocator allocator) {
        int sourceRows = source.getValueCount();
        long sourceValidity = source.getValidityBuffer().memoryAddress();
        launcher.requireManaged(name + " validity", sourceValidity, (sourceRows + 7L) / 8);
        launcher.prefetchToDevice(sourceValidity, (sourceRows + 7L) / 8);
        if (source instanceof BitVector && target instanceof BitVector bits) {
            bits.allocateNew(count);
            long sourceValues = source.getDataBuffer().memoryAddress();
            launcher.requireManaged(name + " values", sourceValues, (sourceRows + 7L) / 8);
            gatherBits(kernels, sourceValidity, indices, count, bits.getValidityBuffer().memoryAddress());
            gatherBits(kernels, sourceValues, indices, count, bits.getDataBuffer().memoryAddress());
            bits.setValueCount(count);
        } else if (source instanceof BaseFixedWidthVector fixed && target instanceof BaseFixedWidthVector out) {
            int width = fixed.getTypeWidth();
            Kernel kernel = switch (width) {
                case 1 -> kernels.fixed1();
                case 2 -> kernels.fixed2();
                case 4 -> kernels.fixed4();
                case 8 -> kernels.fixed8();
                case 16 -> kernels.fixed16();
                default -> throw new UnsupportedOperationException("the CUDA device cannot gather " + name
                        + ": values of " + width + " bytes are not supported");
            };
            out.allocateNew(count);
            long sourceValues = fixed.getDataBuffer().memoryAddress();
            launcher.requireManaged(name + " values", sourceValues, (long) sourceRows * width);
            launcher.prefetchToDevice(sourceValues, (long) sourceRows * width);
            long targetValues = out.getDataBuffer().memoryAddress();
            launcher.requireManaged(name + " output values", targetValues, (long) count * width);
            gatherBits(kernels, sourceValidity, indices, count, out.getValidityBuffer().memoryAddress());
            launcher.launch(kernel, launcher.blocksFor(count), new KernelArguments().address("source", sourceValues)
                    .address("indices", indices).integer("count", count).address("target", targetValues));
            out.setValueCount(count);
        } else if (source instanceof BaseVariableWidthVector strings && target instanceof BaseVariableWidthVector out) {
            gatherStrings(kernels, name, strings, out, sourceValidity, indices, count, allocator);
        } else {
            throw new UnsupportedOperationException("the CUDA device cannot gather " + name + ": vectors of type "
                    + source.getClass().getSimpleName() + " are not supported");
        }
    }

    private void gatherBits(Kernels kernels, long source, long indices, int count, long target) {
        launcher.requireManaged("the output bitmap", target, (count + 7L) / 8);
        launcher.launch(kernels.bits(), launcher.blocksFor((count + 7L) / 8), new KernelArguments()
                .address("source", source).address("indices", indices).integer("count", count)
                .address("target", target));
    }

    private void gatherStrings(Kernels kernels, String name, BaseVariableWidthVector source, BaseVariableWidthVector target,
            long sourceValidity, long indices, int count, BufferAllocator allocator) {
        int sourceRows = source.getValueCount();
        long sourceOffsets = source.getOffsetBuffer().memoryAddress();
        long sourceData = source.getDataBuffer().memoryAddress();
        long sourceBytes = source.getOffsetBuffer().getInt((long) sourceRows * Integer.BYTES);
        launcher.requireManaged(name + " offsets", sourceOffsets, (sourceRows + 1L) * Integer.BYTES);
        launcher.requireManaged(name + " bytes", sourceData, sourceBytes);
        launcher.prefetchToDevice(sourceOffsets, (sourceRows + 1L) * Integer.BYTES);
        launcher.prefetchToDevice(sourceData, sourceBytes);
        int tiles = (int) ((count + (long) Kernel.TILE_ROWS - 1) / Kernel.TILE_ROWS);
        try (ArrowBuf tileTotals = allocator.buffer((tiles + 1L) * Long.BYTES)) {
            long totals = tileTotals.memoryAddress();
            launcher.requireManaged("the tile totals (from the caller's allocator)", totals, tileTotals.capacity());
            launcher.launch(kernels.stringTileBytes(), launcher.blocksForTiles(tiles), new KernelArguments()
                    .address("sourceOffsets", sourceOffsets).address("indices", indices).integer("count", count)
                    .integer("tiles", tiles).address("tileTotals", totals));
            launcher.launch(Kernel.EXCLUSIVE_SCAN_TILE_TOTALS, 1, new KernelArguments()
                    .address("values", totals).integer("count", tiles));
            launcher.synchronize("sizing the gathered strings of " + name);
            long totalBytes = tileTotals.getLong((long) tiles * Long.BYTES);
            if (totalBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the gathered strings of " + name + " take " + totalBytes
                        + " bytes, more than one Arrow string vector holds (2^31 - 1); gather fewer rows at a time");
            }
            target.allocateNew(Math.max(totalBytes, 1), count);
            long targetOffsets = target.getOffsetBuffer().memoryAddress();
            long targetData = target.getDataBuffer().memoryAddress();
            launcher.requireManaged(name + " output offsets", targetOffsets, (count + 1L) * Integer.BYTES);
            launcher.requireManaged(name + " output bytes", targetData, totalBytes);
            launcher.launch(kernels.stringOffsets(), launcher.blocksForTiles(tiles), new KernelArguments()
                    .address("sourceOffsets", sourceOffsets).address("indices", indices).integer("count", count)
                    .integer("tiles", tiles).address("tileOffsets", totals).address("targetOffsets", targetOffsets));
            gatherBits(kernels, sourceValidity, indices, count, target.getValidityBuffer().memoryAddress());
            if (totalBytes > 0) {
                launcher.launch(kernels.stringBytes(), launcher.blocksFor(count), new KernelArguments()
                        .address("sourceOffsets", sourceOffsets).address("sourceData", sourceData)
                        .address("indices", indices).integer("count", count).address("targetOffsets", targetOffsets)
                        .address("targetData", targetData));
            }
            // The tile totals are read by the offsets kernel: wait before the buffer is released.
            launcher.synchronize("gathering the strings of " + name);
        }
        target.setLastSet(count - 1);
        target.setValueCount(count);
    }
}
