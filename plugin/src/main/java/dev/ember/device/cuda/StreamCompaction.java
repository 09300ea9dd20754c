package dev.ember.device.cuda;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;

/**
 * {@code selectTrue} on the GPU: per-tile counts of the true, valid flags → one exclusive scan of
 * the tile counts (which also yields the total, sizing the output exactly) → each tile scatters its
 * positions in ascending order. Stateless; one instance serves all threads.
 */
final class StreamCompaction {

    private final KernelLauncher launcher;

    StreamCompaction(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    IntVector selectTrue(BitVector flags, int rowCount, BufferAllocator allocator) {
        if (rowCount < 0 || rowCount > flags.getValueCount()) {
            throw new IllegalArgumentException("rowCount " + rowCount + " is outside the flags' "
                    + flags.getValueCount() + " values");
        }
        IntVector positions = new IntVector("positions", allocator);
        try {
            if (rowCount == 0) {
                positions.allocateNew(0);
                positions.setValueCount(0);
                return positions;
            }
            long bitmapBytes = (rowCount + 7L) / 8;
            long values = flags.getDataBuffer().memoryAddress();
            long validity = flags.getValidityBuffer().memoryAddress();
            launcher.enter();
            launcher.requireManaged("the flags' values", values, bitmapBytes);
            launcher.requireManaged("the flags' validity", validity, bitmapBytes);
            launcher.prefetchToDevice(values, bitmapBytes);
            launcher.prefetchToDevice(validity, bitmapBytes);
            int tiles = (int) ((rowCount + (long) Kernel.TILE_ROWS - 1) / Kernel.TILE_ROWS);
            try (ArrowBuf tileTotals = allocator.buffer((tiles + 1L) * Long.BYTES)) {
                long totals = tileTotals.memoryAddress();
                launcher.requireManaged("the tile totals (from the caller's allocator)", totals, tileTotals.capacity());
                launcher.launch(Kernel.COUNT_TRUE_FLAGS, launcher.blocksForTiles(tiles), new KernelArguments()
                        .address("values", values).address("validity", validity).integer("rowCount", rowCount)
                        .integer("tiles", tiles).address("tileTotals", totals));
                launcher.launch(Kernel.EXCLUSIVE_SCAN_TILE_TOTALS, 1, new KernelArguments()
                        .address("values", totals).integer("count", tiles));
                launcher.synchronize("counting true flags");
                int selected = Math.toIntExact(tileTotals.getLong((long) tiles * Long.BYTES));
                positions.allocateNew(selected);
                if (selected > 0) {
                    long data = positions.getDataBuffer().memoryAddress();
                    long positionValidity = positions.getValidityBuffer().memoryAddress();
                    launcher.requireManaged("the positions (from the caller's allocator)", data, selected * 4L);
                    launcher.launch(Kernel.SCATTER_TRUE_POSITIONS, launcher.blocksForTiles(tiles), new KernelArguments()
                            .address("values", values).address("validity", validity).integer("rowCount", rowCount)
                            .integer("tiles", tiles).address("tileOffsets", totals).address("positions", data));
                    launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((selected + 7L) / 8),
                            new KernelArguments().address("bitmap", positionValidity).integer("count", selected));
                    launcher.synchronize("scattering selected positions");
                }
                positions.setValueCount(selected);
            }
            return positions;
        } catch (RuntimeException e) {
            positions.close();
            throw e;
        }
    }
}
