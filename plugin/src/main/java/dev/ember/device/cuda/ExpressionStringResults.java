package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;

/**
 * Turns the string views that {@code evaluate_program} wrote for a program with a string result
 * (two words per row: the address of the row's bytes and their length; see
 * {@code expression_strings.cuh}) into the offsets and bytes of an Arrow VarChar vector: per-tile
 * byte counts, an exclusive scan of them, offsets, then one copy per row.
 *
 * <p>The views point into the program's inputs and its encoded constants: the caller keeps both
 * alive until {@link #write} returns. Stateless apart from the launcher; thread-safe.
 */
final class ExpressionStringResults {

    private final KernelLauncher launcher;

    ExpressionStringResults(KernelLauncher launcher) {
        this.launcher = requireNonNull(launcher, "launcher is null");
    }

    /**
     * Fills the offsets and bytes of {@code target}, whose validity the evaluation already wrote,
     * from the views of rows {@code [0, rowCount)}; grows its data buffer as needed and sets its
     * last set row. The caller sets the value count.
     *
     * @throws IllegalArgumentException when the strings take more than 2^31 - 1 bytes
     */
    void write(ArrowBuf views, int rowCount, BaseVariableWidthVector target, BufferAllocator allocator) {
        requireNonNull(views, "views is null");
        requireNonNull(target, "target is null");
        if (rowCount <= 0) {
            throw new IllegalArgumentException("rowCount must be > 0, got " + rowCount);
        }
        int tiles = (int) ((rowCount + (long) Kernel.TILE_ROWS - 1) / Kernel.TILE_ROWS);
        try (ArrowBuf tileTotals = allocator.buffer((tiles + 1L) * Long.BYTES)) {
            long totals = tileTotals.memoryAddress();
            launcher.requireManaged("the tile totals (from the caller's allocator)", totals, tileTotals.capacity());
            launcher.launch(Kernel.STRING_VIEW_TILE_BYTES, launcher.blocksForTiles(tiles), new KernelArguments()
                    .address("views", views.memoryAddress()).integer("rowCount", rowCount).integer("tiles", tiles)
                    .address("tileTotals", totals));
            launcher.launch(Kernel.EXCLUSIVE_SCAN_TILE_TOTALS, 1, new KernelArguments()
                    .address("values", totals).integer("count", tiles));
            launcher.synchronize("sizing the string results of an expression program");
            long totalBytes = tileTotals.getLong((long) tiles * Long.BYTES);
            if (totalBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the string results of an expression take " + totalBytes
                        + " bytes, more than one Arrow string vector holds (2^31 - 1); use smaller batches"
                        + " (spark.sql.execution.arrow.maxRecordsPerBatch or the Parquet reader's batch size)");
            }
            if (target.getDataBuffer().capacity() < totalBytes) {
                target.reallocDataBuffer(totalBytes);
            }
            long offsets = target.getOffsetBuffer().memoryAddress();
            long data = target.getDataBuffer().memoryAddress();
            launcher.requireManaged("the result offsets (from the caller's allocator)", offsets,
                    (rowCount + 1L) * Integer.BYTES);
            launcher.requireManaged("the result bytes (from the caller's allocator)", data, totalBytes);
            launcher.launch(Kernel.STRING_VIEW_OFFSETS, launcher.blocksForTiles(tiles), new KernelArguments()
                    .address("views", views.memoryAddress()).integer("rowCount", rowCount).integer("tiles", tiles)
                    .address("tileOffsets", totals).address("offsets", offsets));
            if (totalBytes > 0) {
                launcher.launch(Kernel.COPY_STRING_VIEWS, launcher.blocksFor(rowCount), new KernelArguments()
                        .address("views", views.memoryAddress()).integer("rowCount", rowCount)
                        .address("offsets", offsets).address("data", data));
            }
            launcher.prefetchToHost(offsets, (rowCount + 1L) * Integer.BYTES);
            launcher.prefetchToHost(data, totalBytes);
            // The tile totals are read by the offsets kernel: wait before the buffer is released.
            launcher.synchronize("writing the string results of an expression program");
        }
        target.setLastSet(rowCount - 1);
    }
}
