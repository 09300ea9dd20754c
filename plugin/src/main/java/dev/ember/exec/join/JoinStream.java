package dev.ember.exec.join;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.OperatorMetrics;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;

/**
 * Probes a {@link BuildTable} with the stream side's batches and forms the join's output, for every join
 * kind of {@link JoinSpec}: candidate pairs come from the device's probe, the extra condition (if any)
 * is evaluated over the gathered pairs, and rows without a passing match are kept or dropped as the join
 * type says, or (existence join) all kept with a flag saying whether they had one. Build rows matched by
 * some pair are tracked when the build side is preserved (outer joins, semi and anti joins that build their
 * left side) and emitted after the stream ends.
 *
 * <p>Output batches hold at most {@code maxRows} pairs, except that a single stream row's matches are
 * never split.
 */
final class JoinStream implements BatchIterator.Source {
    private final JoinSpec spec;
    private final BuildTable build;
    private final Iterator<ColumnarBatch> stream;
    private final List<DataType> streamTypes;
    private final int maxRows;
    private final OperatorMetrics metrics;
    private final Device device;
    private final BufferAllocator allocator;
    private final AutoCloseable onClose;
    private final BitSet buildMatched = new BitSet();
    private List<FieldVector> streamColumns;
    private List<FieldVector> streamKeys;
    private int streamRows;
    private int nextRow;
    private int nextBuildRow;
    private boolean streamDone;

    JoinStream(JoinSpec spec, BuildTable build, Iterator<ColumnarBatch> stream, List<DataType> streamTypes, int maxRows,
            OperatorMetrics metrics, Device device, BufferAllocator allocator, AutoCloseable onClose) {
        this.spec = spec;
        this.build = build;
        this.stream = stream;
        this.streamTypes = streamTypes;
        this.maxRows = maxRows;
        this.metrics = metrics;
        this.device = device;
        this.allocator = allocator;
        this.onClose = onClose;
    }

    /**
     * The next output batch, or null after the last.
     *
     * @throws MemoryContext.LimitExceededException when an output or probe buffer does not fit in Ember's
     *     memory limit even after the memory manager asked other consumers to spill
     */
    @Override
    public ColumnarBatch next() {
        try {
            return nextBatch();
        } catch (OutOfMemoryException e) {
            throw MemoryContext.limitExceeded("Ember's hash join (probing its build side)",
                    allocator.getAllocatedMemory(), 0, e);
        }
    }

    private ColumnarBatch nextBatch() {
        if (spec.nullAwareAnti() && build.rowCount() > 0 && build.anyNullKey()) {
            // NOT IN over a list holding null is never true
            return null;
        }
        while (true) {
            if (streamColumns != null && nextRow < streamRows) {
                long start = System.nanoTime();
                ColumnarBatch out = probeNext();
                metrics.operatorTime().add(System.nanoTime() - start);
                if (out != null) {
                    metrics.produced(out.numRows());
                    return out;
                }
                continue;
            }
            releaseStreamBatch();
            if (!streamDone && stream.hasNext()) {
                ColumnarBatch batch = stream.next();
                if (batch.numRows() > 0) {
                    streamColumns = ArrowBatches.vectors(batch);
                    streamRows = batch.numRows();
                    nextRow = 0;
                    streamKeys = spec.streamKeys().evaluate(streamColumns, streamRows, device, allocator);
                }
                continue;
            }
            streamDone = true;
            if (!spec.tracksBuild()) {
                return null;
            }
            long start = System.nanoTime();
            ColumnarBatch out = buildRowsNext();
            metrics.operatorTime().add(System.nanoTime() - start);
            if (out != null) {
                metrics.produced(out.numRows());
            }
            return out;
        }
    }

    private ColumnarBatch probeNext() {
        int start = nextRow;
        try (Device.JoinMatches matches = device.probeJoinTable(build.table(), streamKeys, start, streamRows,
                maxRows, allocator)) {
            nextRow = matches.nextRow();
            int pairs = matches.pairCount();
            int[] probeRows = toArray(matches.probeRows());
            int[] buildRows = toArray(matches.buildRows());
            boolean[] passes = passing(matches, pairs);
            IndexList streamOut = new IndexList();
            IndexList buildOut = new IndexList();
            boolean[] hit = new boolean[nextRow - start];
            boolean pairsOut = spec.emitsPairs();
            for (int i = 0; i < pairs; i++) {
                if (!passes[i]) {
                    continue;
                }
                hit[probeRows[i] - start] = true;
                if (spec.tracksBuild()) {
                    buildMatched.set(buildRows[i]);
                }
                if (pairsOut) {
                    streamOut.add(probeRows[i]);
                    buildOut.add(buildRows[i]);
                }
            }
            if (spec.kind() == JoinSpec.Kind.EXISTENCE) {
                return flagged(start, hit);
            }
            if (spec.leftOnly() && !spec.buildLeft()) {
                boolean keepHits = spec.kind() == JoinSpec.Kind.LEFT_SEMI;
                boolean excludeNullKeys = spec.nullAwareAnti() && build.rowCount() > 0;
                for (int row = start; row < nextRow; row++) {
                    if (hit[row - start] == keepHits && !(excludeNullKeys && anyNull(streamKeys, row))) {
                        streamOut.add(row);
                    }
                }
            } else if (spec.keepsUnmatchedStream()) {
                for (int row = start; row < nextRow; row++) {
                    if (!hit[row - start]) {
                        streamOut.add(row);
                        buildOut.add(-1);
                    }
                }
            }
            if (streamOut.size() == 0) {
                return null;
            }
            return spec.leftOnly() ? assemble(streamColumns, streamOut, null, null)
                    : assemble(streamColumns, streamOut, build.columns(), buildOut);
        }
    }

    /**
     * An existence join's output for the stream rows from {@code start} to {@code nextRow}: every one of
     * them, in order, followed by the {@code exists} flag ({@code hit}, never null: a row with a null key
     * has no candidate pair and is false, as in Spark).
     */
    private ColumnarBatch flagged(int start, boolean[] hit) {
        IndexList rows = new IndexList();
        for (int row = start; row < nextRow; row++) {
            rows.add(row);
        }
        List<FieldVector> out = new ArrayList<>(gather(streamColumns, rows));
        try {
            BitVector exists = new BitVector("exists", allocator);
            out.add(exists);
            exists.allocateNew(hit.length);
            for (int i = 0; i < hit.length; i++) {
                exists.set(i, hit[i] ? 1 : 0);
            }
            exists.setValueCount(hit.length);
            return ArrowBatches.toSpark(out, hit.length);
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(out);
            throw e;
        }
    }

    /** Which candidate pairs satisfy the extra condition (all of them without one). */
    private boolean[] passing(Device.JoinMatches matches, int pairs) {
        boolean[] passes = new boolean[pairs];
        if (spec.condition() == null) {
            java.util.Arrays.fill(passes, true);
            return passes;
        }
        if (pairs == 0) {
            return passes;
        }
        PairCondition.evaluate(spec, streamColumns, build.columns(), pairs, (columns, stream) -> device.gather(
                columns, stream ? matches.probeRows() : matches.buildRows(), allocator), device, allocator, passes);
        return passes;
    }

    /** The build rows a preserved build side still owes: unmatched ones, or matched ones for a semi join. */
    private ColumnarBatch buildRowsNext() {
        boolean wantMatched = spec.kind() == JoinSpec.Kind.LEFT_SEMI;
        IndexList buildOut = new IndexList();
        IndexList streamOut = new IndexList();
        while (nextBuildRow < build.rowCount() && buildOut.size() < maxRows) {
            if (buildMatched.get(nextBuildRow) == wantMatched) {
                buildOut.add(nextBuildRow);
                streamOut.add(-1);
            }
            nextBuildRow++;
        }
        if (buildOut.size() == 0) {
            return null;
        }
        if (spec.leftOnly()) {
            return assemble(build.columns(), buildOut, null, null);
        }
        List<FieldVector> nulls = nullColumns(streamTypes);
        try {
            return assemble(nulls, streamOut, build.columns(), buildOut);
        } finally {
            ArrowBatches.closeAll(nulls);
        }
    }

    /** Gathers the output rows; {@code second} is null when only the first side is output. */
    private ColumnarBatch assemble(List<FieldVector> firstColumns, IndexList first, List<FieldVector> secondColumns,
            IndexList second) {
        int count = first.size();
        List<FieldVector> out = new ArrayList<>();
        try {
            List<FieldVector> firstOut = gather(firstColumns, first);
            if (second == null) {
                out.addAll(firstOut);
            } else {
                List<FieldVector> secondOut;
                try {
                    secondOut = gather(secondColumns, second);
                } catch (RuntimeException e) {
                    ArrowBatches.closeAll(firstOut);
                    throw e;
                }
                // first is the stream side while probing, the null stream side when emitting build rows
                boolean firstIsLeft = !spec.buildLeft();
                out.addAll(firstIsLeft ? firstOut : secondOut);
                out.addAll(firstIsLeft ? secondOut : firstOut);
            }
            return ArrowBatches.toSpark(out, count);
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(out);
            throw e;
        }
    }

    private List<FieldVector> gather(List<FieldVector> columns, IndexList indexes) {
        try (IntVector positions = indexes.toVector(allocator)) {
            return indexes.hasNull() ? device.gatherOrNull(columns, positions, allocator)
                    : device.gather(columns, positions, allocator);
        }
    }

    private List<FieldVector> nullColumns(List<DataType> types) {
        List<FieldVector> columns = new ArrayList<>(types.size());
        try {
            for (int i = 0; i < types.size(); i++) {
                FieldVector vector = ArrowTypes.newVector("c" + i, types.get(i), allocator);
                columns.add(vector);
                vector.allocateNew();
                vector.setValueCount(0);
            }
            return columns;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(columns);
            throw e;
        }
    }

    private static boolean anyNull(List<FieldVector> keys, int row) {
        for (FieldVector key : keys) {
            if (key.isNull(row)) {
                return true;
            }
        }
        return false;
    }

    /** The values of a vector of positions (never null, as the join primitives return them). */
    private static int[] toArray(IntVector vector) {
        int[] values = new int[vector.getValueCount()];
        ArrowBuf data = vector.getDataBuffer();
        if (data.capacity() < (long) values.length * Integer.BYTES) {
            throw new IllegalStateException("a position vector of " + values.length + " values holds "
                    + data.capacity() + " bytes");
        }
        long address = data.memoryAddress();
        for (int i = 0; i < values.length; i++) {
            values[i] = MemoryUtil.getInt(address + (long) i * Integer.BYTES);
        }
        return values;
    }

    private void releaseStreamBatch() {
        if (streamKeys != null) {
            ArrowBatches.closeAll(streamKeys);
            streamKeys = null;
        }
        streamColumns = null;
    }

    @Override
    public void close() {
        releaseStreamBatch();
        try {
            onClose.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not release a join's build side", e);
        }
    }

    /** A growing list of row indexes, -1 standing for a null row. */
    private static final class IndexList {
        private int[] values = new int[64];
        private int size;
        private boolean hasNull;

        void add(int value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
            hasNull |= value < 0;
        }

        int size() {
            return size;
        }

        boolean hasNull() {
            return hasNull;
        }

        IntVector toVector(BufferAllocator allocator) {
            IntVector vector = new IntVector("positions", allocator);
            try {
                vector.allocateNew(Math.max(size, 1));
                for (int i = 0; i < size; i++) {
                    vector.set(i, values[i]);
                }
                vector.setValueCount(size);
                return vector;
            } catch (RuntimeException e) {
                vector.close();
                throw e;
            }
        }
    }
}
