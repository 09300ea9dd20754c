package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * A k-way merge of sorted runs on disk into one sorted stream, in Spark's order and stable: rows with
 * equal keys come in run order, and within a run in their order there, so runs that hold consecutive
 * stretches of the input (in input order) merge into the order an in-memory stable sort gives.
 *
 * <p>The merge compares rows with the device's own sort ({@link Device#sortIndices}), so it orders exactly
 * as the in-memory sort does. Each run contributes the rows of its current batch not yet emitted (its
 * "rest"). A round concatenates the rests in run order, sorts them (stable: ties stay in run order) and
 * emits the sorted rows up to the first one that is the last row of a run with more batches to come:
 * every later row of that run sorts after it, and every later row of any other run sorts after that run's
 * current last row, which sorts after the emitted ones. Each run's emitted rows are a prefix of its rest.
 *
 * <p>Memory: one batch per run (and one read ahead), plus one round's sorted copy; output batches come
 * from the caller's allocator and belong to the caller. Used by one thread; close releases everything.
 */
final class RunMerge implements AutoCloseable {
    private final SpillReader[] readers;
    private final List<FieldVector>[] rests;
    private final int[] restRows;
    private final ExternalSort.Keys keys;
    private final List<Device.SortKey> directions;
    private final int maxRows;
    private final Device device;
    private final MemoryContext memory;

    @SuppressWarnings("unchecked")
    RunMerge(List<SpilledPart> runs, ExternalSort.Keys keys, List<Device.SortKey> directions, int maxRows,
            Device device, MemoryContext memory) {
        this.keys = requireNonNull(keys, "keys is null");
        this.directions = List.copyOf(directions);
        this.maxRows = maxRows;
        this.device = requireNonNull(device, "device is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.readers = new SpillReader[runs.size()];
        this.rests = new List[runs.size()];
        this.restRows = new int[runs.size()];
        try {
            for (int i = 0; i < readers.length; i++) {
                readers[i] = new SpillReader(runs.get(i), memory);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The next merged batch of at most {@code maxRows} rows from {@code allocator}, or null at the end. */
    ColumnarBatch next(BufferAllocator allocator) {
        int active = refill();
        if (active < 0) {
            return null;
        }
        int only = singleRun();
        if (only >= 0) {
            // one run left with rows: its rows are in order already
            int count = Math.min(maxRows, restRows[only]);
            List<FieldVector> out = slices(rests[only], 0, count, allocator);
            dropPrefix(only, count);
            return ArrowBatches.toSpark(out, count);
        }
        return mergeRound(allocator);
    }

    /** Loads a batch into every run whose rest is empty; returns -1 when no run has rows left. */
    private int refill() {
        int withRows = -1;
        for (int i = 0; i < readers.length; i++) {
            while (restRows[i] == 0 && readers[i] != null) {
                if (!readers[i].hasNext()) {
                    readers[i].close();
                    readers[i] = null;
                    break;
                }
                ColumnarBatch batch = readers[i].next();
                if (batch.numRows() > 0) {
                    List<FieldVector> vectors = ArrowBatches.vectors(batch);
                    rests[i] = memory.run(() -> slices(vectors, 0, batch.numRows(), memory.allocator()));
                    restRows[i] = batch.numRows();
                }
            }
            if (restRows[i] > 0) {
                withRows = i;
            }
        }
        return withRows;
    }

    /** The one run that still has rows when all others are done, else -1. */
    private int singleRun() {
        int found = -1;
        for (int i = 0; i < readers.length; i++) {
            if (restRows[i] > 0 || readers[i] != null) {
                if (found >= 0) {
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }

    private ColumnarBatch mergeRound(BufferAllocator allocator) {
        List<Integer> runs = new ArrayList<>();
        List<List<FieldVector>> parts = new ArrayList<>();
        int[] starts = new int[readers.length];
        int total = 0;
        for (int i = 0; i < readers.length; i++) {
            if (restRows[i] > 0) {
                runs.add(i);
                parts.add(rests[i]);
                starts[i] = total;
                total += restRows[i];
            }
        }
        int rowCount = total;
        List<FieldVector> all = memory.run(() -> device.concatenate(parts, parts.get(0), memory.allocator()));
        try {
            IntVector order;
            List<FieldVector> keyColumns = memory.run(() -> keys.evaluate(all, rowCount, memory.allocator()));
            try {
                order = memory.run(() -> device.sortIndices(keyColumns, directions, rowCount, -1, memory.allocator()));
            } finally {
                ArrowBatches.closeAll(keyColumns);
            }
            try (IntVector sorted = order) {
                int[] emitted = new int[readers.length];
                int count = 0;
                while (count < rowCount && count < maxRows) {
                    int row = sorted.get(count);
                    int run = runOf(row, runs, starts);
                    emitted[run]++;
                    count++;
                    boolean lastOfBatch = row == starts[run] + restRows[run] - 1;
                    if (lastOfBatch && readers[run] != null) {
                        break;
                    }
                }
                int emit = count;
                List<FieldVector> out;
                try (IntVector positions = new IntVector("positions", memory.allocator())) {
                    memory.run(() -> {
                        positions.allocateNew(Math.max(emit, 1));
                        return positions;
                    });
                    for (int i = 0; i < emit; i++) {
                        positions.set(i, sorted.get(i));
                    }
                    positions.setValueCount(emit);
                    out = memory.run(() -> device.gather(all, positions, allocator));
                }
                for (int run : runs) {
                    dropPrefix(run, emitted[run]);
                }
                return ArrowBatches.toSpark(out, emit);
            }
        } finally {
            ArrowBatches.closeAll(all);
        }
    }

    private static int runOf(int row, List<Integer> runs, int[] starts) {
        int found = runs.get(0);
        for (int run : runs) {
            if (starts[run] <= row) {
                found = run;
            } else {
                break;
            }
        }
        return found;
    }

    /** Drops the first {@code count} rows of a run's rest. */
    private void dropPrefix(int run, int count) {
        if (count == 0) {
            return;
        }
        List<FieldVector> old = rests[run];
        int left = restRows[run] - count;
        if (left == 0) {
            rests[run] = null;
        } else {
            rests[run] = memory.run(() -> slices(old, count, left, memory.allocator()));
        }
        restRows[run] = left;
        ArrowBatches.closeAll(old);
    }

    private static List<FieldVector> slices(List<FieldVector> vectors, int start, int count,
            BufferAllocator allocator) {
        List<FieldVector> out = new ArrayList<>(vectors.size());
        try {
            for (FieldVector vector : vectors) {
                out.add(ArrowBatches.slice(vector, start, count, allocator));
            }
            return out;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(out);
            throw e;
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < readers.length; i++) {
            if (readers[i] != null) {
                readers[i].close();
                readers[i] = null;
            }
            if (rests[i] != null) {
                ArrowBatches.closeAll(rests[i]);
                rests[i] = null;
                restRows[i] = 0;
            }
        }
    }
}
