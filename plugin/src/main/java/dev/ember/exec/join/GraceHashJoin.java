package dev.ember.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.exec.sort.BufferedInput;
import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.PartitionedSpill;
import dev.ember.exec.spill.SpillFiles;
import dev.ember.exec.spill.SpillReader;
import dev.ember.exec.spill.SpillSettings;
import dev.ember.exec.spill.SpilledPart;
import dev.ember.memory.MemoryContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;

/**
 * A shuffled hash join whose build side does not fit in memory, joined part by part (a grace hash
 * join): both sides are split by the hash of their join keys into {@link SpillSettings#partitions()}
 * parts written to spill files, then each part's build side is read back, indexed and probed with that
 * part's stream side by a {@link JoinStream}.
 *
 * <p>Correctness for every join kind: rows with equal keys land in the same part, so each part's join
 * sees all the matches of its rows, and every row is in exactly one part, so unmatched rows (outer and
 * anti joins, null keys included) are emitted exactly once. The null-aware anti join's two global facts
 * are taken before the split: a build side holding a null key yields no rows at all, and when the build
 * side is not empty the stream rows with a null key are dropped before they are spilled.
 *
 * <p>A part whose build side is still too large (by its size on disk, or because reading it ran out of
 * memory) is split again with another hash seed, up to {@link SpillSettings#maxDepth()} times; a part
 * still too large after that (one hot key) is joined in memory if it fits and otherwise fails with
 * Ember's clear memory error.
 *
 * <p>Owns its memory context, spill files and the current part's join; {@link #close} releases all.
 */
final class GraceHashJoin implements BatchIterator.Source {
    private static final Logger LOG = LoggerFactory.getLogger(GraceHashJoin.class);

    /** What a part of the join needs besides its files: the join's settings, devices and metrics. */
    record Context(JoinSpec spec, JoinSetup setup, SpillSettings settings, BuildBudget budget, Device device,
            org.apache.arrow.memory.BufferAllocator allocator, MemoryContext memory) {}

    /** A part of both sides and how many splits made it. */
    private record Part(SpilledPart build, SpilledPart stream, int depth) {}

    private final Context context;
    private final SpillFiles files;
    private final Deque<Part> pending = new ArrayDeque<>();
    private JoinStream current;
    private boolean closed;

    private GraceHashJoin(Context context, SpillFiles files) {
        this.context = context;
        this.files = files;
    }

    /**
     * Spills the held build rows (those the memory manager spilled already are split from their file), the
     * rest of the build side and the whole stream side, split by key hash; the join then runs as the
     * returned source is read. Takes ownership of {@code held}, of {@code files} and of the context's
     * memory (closed with the source, or here on failure).
     *
     * @param files the task's spill registry, which {@code held} spilled to
     */
    static GraceHashJoin start(Context context, SpillFiles files, HeldRows held, Iterator<ColumnarBatch> build,
            Iterator<ColumnarBatch> stream) {
        requireNonNull(context, "context is null");
        GraceHashJoin join = new GraceHashJoin(context, requireNonNull(files, "files is null"));
        try (HeldRows rows = held) {
            long start = System.nanoTime();
            join.spillSides(rows, build, stream);
            context.setup().metrics().operatorTime().add(System.nanoTime() - start);
            return join;
        } catch (RuntimeException e) {
            join.close();
            throw e;
        }
    }

    private void spillSides(HeldRows held, Iterator<ColumnarBatch> build, Iterator<ColumnarBatch> stream) {
        JoinSpec spec = context.spec();
        int partitions = context.settings().partitions();
        LOG.info("Ember's shuffled hash join spills: its build side holds {} bytes in {} rows so far{}, the memory"
                + " limit leaves it {} bytes; splitting both sides into {} parts", held.bytes(), held.rowCount(),
                held.hasSpilled() ? " (some already written to disk at the memory manager's request)" : "",
                context.budget().freeBytes(context.memory()), partitions);
        List<SpilledPart> buildParts;
        long buildRows = 0;
        boolean anyNullKey = false;
        try (PartitionedSpill spill = newSpill(0)) {
            // the manager may spill the parts still held while earlier ones are split: those come last
            for (HeldRows.Part part = held.poll(); part != null; part = held.poll()) {
                try {
                    anyNullKey |= add(spill, part.columns(), part.rows(), spec.buildKeys(), false);
                    buildRows += part.rows();
                } finally {
                    ArrowBatches.closeAll(part.columns());
                }
            }
            List<SpilledPart> spilledOnRequest = held.takeSpilled();
            countSpill(spilledOnRequest);
            for (SpilledPart part : spilledOnRequest) {
                try (SpillReader reader = new SpillReader(part, context.memory())) {
                    while (reader.hasNext()) {
                        ColumnarBatch batch = reader.next();
                        anyNullKey |= add(spill, ArrowBatches.vectors(batch), batch.numRows(), spec.buildKeys(),
                                false);
                        buildRows += batch.numRows();
                    }
                }
                files.delete(part.file());
            }
            while (build.hasNext()) {
                ColumnarBatch batch = build.next();
                anyNullKey |= add(spill, ArrowBatches.vectors(batch), batch.numRows(), spec.buildKeys(), false);
                buildRows += batch.numRows();
            }
            buildParts = spill.finish();
        }
        countSpill(buildParts);
        if (spec.nullAwareAnti() && buildRows > 0 && anyNullKey) {
            // NOT IN over a list holding null is never true: no part can yield a row
            buildParts.forEach(part -> files.delete(part.file()));
            return;
        }
        boolean dropNullStreamKeys = spec.nullAwareAnti() && buildRows > 0;
        List<SpilledPart> streamParts;
        try (PartitionedSpill spill = newSpill(0)) {
            while (stream.hasNext()) {
                ColumnarBatch batch = stream.next();
                add(spill, ArrowBatches.vectors(batch), batch.numRows(), spec.streamKeys(), dropNullStreamKeys);
            }
            streamParts = spill.finish();
        }
        countSpill(streamParts);
        queue(buildParts, streamParts, 0);
    }

    /** Pushes the parts that can yield rows to the front of the queue, in partition order. */
    private void queue(List<SpilledPart> buildParts, List<SpilledPart> streamParts, int depth) {
        JoinSpec spec = context.spec();
        for (int i = buildParts.size() - 1; i >= 0; i--) {
            SpilledPart build = buildParts.get(i);
            SpilledPart stream = streamParts.get(i);
            boolean yieldsRows = !(build.isEmpty() && !spec.keepsUnmatchedStream())
                    && !(stream.isEmpty() && !spec.tracksBuild());
            if (yieldsRows) {
                pending.addFirst(new Part(build, stream, depth));
            } else {
                files.delete(build.file());
                files.delete(stream.file());
            }
        }
    }

    private PartitionedSpill newSpill(int depth) {
        return new PartitionedSpill(files, context.settings().partitions(), SpillSettings.seedAt(depth),
                context.device(), context.memory());
    }

    private void countSpill(List<SpilledPart> parts) {
        long bytes = 0;
        for (SpilledPart part : parts) {
            bytes += part.bytes();
        }
        context.setup().spillBytes().add(bytes);
        context.setup().spillPartitions().add(parts.size());
    }

    /**
     * Writes rows to a spill, split by their keys; with {@code dropNullKeys} rows with a null key are left
     * out. Returns whether some row has a null key.
     */
    private boolean add(PartitionedSpill spill, List<FieldVector> columns, int rows, ExpressionColumns keyColumns,
            boolean dropNullKeys) {
        if (rows == 0) {
            return false;
        }
        MemoryContext memory = context.memory();
        Device device = context.device();
        List<FieldVector> keys = memory.run(() -> keyColumns.evaluate(columns, rows, device, memory.allocator()));
        try {
            boolean anyNull = false;
            for (FieldVector key : keys) {
                anyNull |= key.getNullCount() > 0;
            }
            if (!(dropNullKeys && anyNull)) {
                spill.add(columns, keys, rows);
                return anyNull;
            }
            try (IntVector kept = nonNullRows(keys, rows)) {
                List<FieldVector> keptColumns = memory.run(() -> device.gather(columns, kept, memory.allocator()));
                try {
                    List<FieldVector> keptKeys = memory.run(() -> device.gather(keys, kept, memory.allocator()));
                    try {
                        spill.add(keptColumns, keptKeys, kept.getValueCount());
                    } finally {
                        ArrowBatches.closeAll(keptKeys);
                    }
                } finally {
                    ArrowBatches.closeAll(keptColumns);
                }
            }
            return true;
        } finally {
            ArrowBatches.closeAll(keys);
        }
    }

    private IntVector nonNullRows(List<FieldVector> keys, int rows) {
        IntVector positions = new IntVector("kept", context.memory().allocator());
        try {
            positions.allocateNew(Math.max(rows, 1));
            int count = 0;
            for (int row = 0; row < rows; row++) {
                boolean anyNull = false;
                for (FieldVector key : keys) {
                    anyNull |= key.isNull(row);
                }
                if (!anyNull) {
                    positions.set(count++, row);
                }
            }
            positions.setValueCount(count);
            return positions;
        } catch (RuntimeException e) {
            positions.close();
            throw e;
        }
    }

    @Override
    public ColumnarBatch next() {
        while (true) {
            if (current != null) {
                ColumnarBatch out = current.next();
                if (out != null) {
                    return out;
                }
                closeCurrent();
            }
            Part part = pending.pollFirst();
            if (part == null) {
                return null;
            }
            boolean maySplit = part.depth() < context.settings().maxDepth();
            if (maySplit && context.budget().shouldSpill(part.build().bytes(), context.memory())) {
                resplit(part);
                continue;
            }
            try {
                current = open(part);
            } catch (MemoryContext.LimitExceededException e) {
                if (maySplit) {
                    resplit(part);
                    continue;
                }
                throw new MemoryContext.LimitExceededException(e.getMessage() + " The join had split its build"
                        + " side " + part.depth() + " time(s) and one part still holds " + part.build().rowCount()
                        + " rows (" + part.build().bytes() + " bytes), probably few distinct keys; splitting"
                        + " further (spark.ember.join.spill.maxDepth) cannot separate equal keys.", e);
            }
        }
    }

    /** Reads a part's build side into a hash table and returns the join of its stream side. */
    private JoinStream open(Part part) {
        MemoryContext memory = context.memory();
        Device device = context.device();
        JoinSpec spec = context.spec();
        long start = System.nanoTime();
        BufferedInput rows;
        try (SpillReader reader = new SpillReader(part.build(), memory)) {
            rows = BufferedInput.collect(reader, context.setup().buildTypes(), device, memory);
        }
        BuildTable side;
        try {
            side = memory.run(() -> BuildTable.build(rows.columns(), rows.rowCount(), rows, spec.buildKeys(), device,
                    memory.allocator()));
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
        try {
            memory.setHeapBytes(side.tableBytes());
        } catch (RuntimeException e) {
            side.close();
            throw e;
        }
        context.setup().buildRows().add(side.rowCount());
        files.delete(part.build().file());
        context.setup().metrics().operatorTime().add(System.nanoTime() - start);
        SpillReader stream;
        try {
            stream = new SpillReader(part.stream(), memory);
        } catch (RuntimeException e) {
            side.close();
            throw e;
        }
        JoinSetup setup = context.setup();
        return new JoinStream(spec, side, stream, setup.streamTypes(), setup.maxRows(), setup.metrics(), device,
                context.allocator(), () -> {
                    try (SpillReader reader = stream; BuildTable table = side) {
                        files.delete(part.stream().file());
                    } finally {
                        memory.setHeapBytes(0);
                    }
                });
    }

    /** Splits a part's two sides again with the next depth's seed and queues the results. */
    private void resplit(Part part) {
        long start = System.nanoTime();
        int depth = part.depth() + 1;
        List<SpilledPart> buildParts = split(part.build(), depth, context.spec().buildKeys());
        List<SpilledPart> streamParts = split(part.stream(), depth, context.spec().streamKeys());
        files.delete(part.build().file());
        files.delete(part.stream().file());
        countSpill(buildParts);
        countSpill(streamParts);
        queue(buildParts, streamParts, depth);
        context.setup().metrics().operatorTime().add(System.nanoTime() - start);
    }

    private List<SpilledPart> split(SpilledPart part, int depth, ExpressionColumns keys) {
        try (PartitionedSpill spill = newSpill(depth); SpillReader reader = new SpillReader(part,
                context.memory())) {
            while (reader.hasNext()) {
                ColumnarBatch batch = reader.next();
                add(spill, ArrowBatches.vectors(batch), batch.numRows(), keys, false);
            }
            return spill.finish();
        }
    }

    private void closeCurrent() {
        if (current != null) {
            JoinStream stream = current;
            current = null;
            stream.close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            closeCurrent();
        } finally {
            pending.clear();
            try {
                files.close();
            } finally {
                MemoryContext memory = context.memory();
                context.setup().peak().add(memory.peakBytes());
                memory.close();
            }
        }
    }
}
