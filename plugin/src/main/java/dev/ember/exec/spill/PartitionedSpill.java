package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.memory.MemoryContext;
import dev.ember.memory.MemoryManager;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * Splits a stream of batches into {@code partitionCount} parts by the hash of their key columns (the
 * device's {@link Device#hashPartition} with a given seed) and writes each part to its own spill file.
 * Rows with equal keys land in the same part; a row with a null key lands where the hash of its other
 * keys sends it. Both the ids and each part's row positions come from the device ({@link
 * Device#positionsByPartition}), so a part is gathered where its batch lives.
 *
 * <p>Memory: each part's gather comes from the memory context's allocator and is released once the
 * part is written, before the next part is gathered; the open writers' heap buffers are reserved in the
 * context until {@link #finish} or {@link #close}. Used by one thread.
 */
public final class PartitionedSpill implements AutoCloseable {
    private final SpillFiles files;
    private final int partitionCount;
    private final int seed;
    private final Device device;
    private final MemoryContext memory;
    private final SpillWriter[] writers;
    private boolean closed;

    /**
     * Opens one writer per part.
     *
     * @throws MemoryContext.LimitExceededException when the writers' buffers do not fit in the limit
     */
    public PartitionedSpill(SpillFiles files, int partitionCount, int seed, Device device, MemoryContext memory) {
        this.files = requireNonNull(files, "files is null");
        if (partitionCount < 2) {
            throw new IllegalArgumentException("partitionCount must be at least 2: " + partitionCount);
        }
        this.partitionCount = partitionCount;
        this.seed = seed;
        this.device = requireNonNull(device, "device is null");
        this.memory = requireNonNull(memory, "memory is null");
        try (MemoryManager.SpillScope scope = memory.spilling()) {
            memory.setHeapBytes((long) partitionCount * SpillWriter.BUFFER_BYTES);
        }
        this.writers = new SpillWriter[partitionCount];
        try {
            for (int i = 0; i < partitionCount; i++) {
                writers[i] = new SpillWriter(files.newFile());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Writes {@code rows} rows of {@code columns} to the parts their {@code keys} hash to. Both lists are
     * borrowed.
     *
     * @throws MemoryContext.LimitExceededException when a part's gather does not fit in the limit
     */
    public void add(List<FieldVector> columns, List<FieldVector> keys, int rows) {
        requireNonNull(columns, "columns is null");
        requireNonNull(keys, "keys is null");
        if (rows == 0) {
            return;
        }
        // One part at a time: the batch's row positions per part are small, and gathering a single part
        // before writing it keeps the peak near one batch plus one part instead of two batches, which
        // matters because spilling starts when memory is already short.
        // a spill may use the memory kept for spills (MemoryManager.reserveForSpills)
        try (MemoryManager.SpillScope scope = memory.spilling()) {
            addInScope(columns, keys, rows);
        }
    }

    private void addInScope(List<FieldVector> columns, List<FieldVector> keys, int rows) {
        List<IntVector> positions = List.of();
        try (IntVector ids = device.hashPartition(keys, rows, partitionCount, seed, memory.allocator())) {
            positions = device.positionsByPartition(ids, partitionCount, memory.allocator());
        } catch (OutOfMemoryException e) {
            throw memory.limitExceeded(0, e);
        }
        try {
            for (int i = 0; i < partitionCount; i++) {
                IntVector partPositions = positions.get(i);
                int count = partPositions.getValueCount();
                if (count == 0) {
                    continue;
                }
                List<FieldVector> part = device.gather(columns, partPositions, memory.allocator());
                try {
                    writers[i].write(part, count);
                } finally {
                    ArrowBatches.closeAll(part);
                }
            }
        } catch (OutOfMemoryException e) {
            throw memory.limitExceeded(0, e);
        } finally {
            positions.forEach(IntVector::close);
        }
    }

    /** Finishes every file; the parts, in partition order. The writers' heap reservation is released. */
    public List<SpilledPart> finish() {
        List<SpilledPart> parts = new ArrayList<>(partitionCount);
        for (SpillWriter writer : writers) {
            writer.finish();
            parts.add(writer.part());
            files.addBytesWritten(writer.bytes());
        }
        close();
        return parts;
    }

    /** Abandons unfinished writers (their files stay with the registry) and releases the reservation. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SpillWriter writer : writers) {
            if (writer != null) {
                writer.close();
            }
        }
        memory.setHeapBytes(0);
    }
}
