package dev.ember.exec.join;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.OperatorMetrics;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;

/**
 * Joins each stream batch with every row of a broadcast build side, for the join kinds whose preserved
 * side (if any) is the stream side: inner, the outer join that preserves the stream side, left semi, left
 * anti and existence joins.
 *
 * <p>The pairs of a stream batch are taken in Spark's order, stream row by stream row and, for each, build
 * row by build row, at most {@code maxRows} pairs per step: a step gathers the columns the condition reads
 * for its pairs (stream positions repeated, build positions cycled), evaluates the condition with the
 * device's program evaluation (null counts as false), and gathers the output rows. So memory is bounded by
 * one step's pairs, never the stream batch times the build side. A stream row whose pairs span two steps
 * carries whether it matched into the next. When a stream row's last pair is done, the row is emitted as
 * the join type says: with nulls for the build side (outer, no match), alone (semi with a match, anti
 * without one), or flagged (existence). Without a condition, a semi, anti or existence join only asks
 * whether the build side has a row, so it compares each stream row with one build row at most; and where
 * that answer leaves no output (an inner or semi join with no build row, an anti join with one), the stream
 * is not read at all, as in Spark.
 *
 * <p>Output batches hold at most {@code maxRows} rows. The step's working vectors (positions, gathered
 * condition columns) and arrays are counted in the operator's {@link MemoryContext}; output batches belong
 * to the consumer and come from the task's allocator.
 */
final class NestedLoopJoin implements BatchIterator.Source {
    private final JoinSpec spec;
    private final BroadcastRows.Lease build;
    private final Iterator<ColumnarBatch> stream;
    private final int maxRows;
    private final OperatorMetrics metrics;
    private final Device device;
    private final BufferAllocator allocator;
    private final MemoryContext memory;
    /** Build rows each stream row is compared with: 0 leaves every stream row unmatched. */
    private final int comparedRows;
    /** The build side alone decides that nothing is output, so the stream is never read. */
    private final boolean answeredByBuild;
    private List<FieldVector> streamColumns;
    private int streamRows;
    private long nextPair;
    private boolean openRowMatched;

    /**
     * @param build the broadcast rows; closed with this source
     * @param allocator the task's allocator, for output batches
     */
    NestedLoopJoin(JoinSpec spec, BroadcastRows.Lease build, Iterator<ColumnarBatch> stream, int maxRows,
            OperatorMetrics metrics, Device device, BufferAllocator allocator) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be positive: " + maxRows);
        }
        this.spec = spec;
        this.build = build;
        this.stream = stream;
        this.maxRows = maxRows;
        this.metrics = metrics;
        this.device = device;
        this.allocator = allocator;
        this.memory = new MemoryContext("EmberBroadcastNestedLoopJoinExec", allocator);
        boolean existsOnly = !spec.emitsPairs() && spec.condition() == null;
        this.comparedRows = existsOnly ? Math.min(build.rowCount(), 1) : build.rowCount();
        JoinSpec.Kind kind = spec.kind();
        // no build row: inner and semi joins keep matches only. A build row without a condition: every stream
        // row matches it, so an anti join keeps none; Spark does not read the stream here either, and must not
        // be seen to, as reading it evaluates the stream's expressions and one may raise an error (an ANSI cast)
        this.answeredByBuild = (comparedRows == 0 && (kind == JoinSpec.Kind.INNER || kind == JoinSpec.Kind.LEFT_SEMI))
                || (comparedRows > 0 && kind == JoinSpec.Kind.LEFT_ANTI && spec.condition() == null);
    }

    /**
     * The next output batch, or null after the last.
     *
     * @throws MemoryContext.LimitExceededException when a step's or an output's buffers do not fit in
     *     Ember's memory limit
     */
    @Override
    public ColumnarBatch next() {
        try {
            return nextBatch();
        } catch (OutOfMemoryException e) {
            throw MemoryContext.limitExceeded("Ember's nested loop join", allocator.getAllocatedMemory(), 0, e);
        }
    }

    private ColumnarBatch nextBatch() {
        if (answeredByBuild) {
            return null;
        }
        while (true) {
            if (streamColumns != null && nextPair < pairCount()) {
                long start = System.nanoTime();
                ColumnarBatch out = step();
                metrics.operatorTime().add(System.nanoTime() - start);
                if (out != null) {
                    metrics.produced(out.numRows());
                    return out;
                }
                continue;
            }
            streamColumns = null;
            if (!stream.hasNext()) {
                return null;
            }
            ColumnarBatch batch = stream.next();
            if (batch.numRows() > 0) {
                streamColumns = ArrowBatches.vectors(batch);
                streamRows = batch.numRows();
                nextPair = 0;
                openRowMatched = false;
            }
        }
    }

    /** The steps' positions in the current stream batch: one per pair, or one per row without build rows. */
    private long pairCount() {
        return (long) streamRows * Math.max(comparedRows, 1);
    }

    /** The output of the next at most {@code maxRows} pairs, or null when they emit nothing. */
    private ColumnarBatch step() {
        int perRow = Math.max(comparedRows, 1);
        int count = (int) Math.min(maxRows, pairCount() - nextPair);
        long first = nextPair;
        nextPair += count;
        // the step's arrays: the pair positions, what passed, and the output positions
        memory.setHeapBytes(count * (4L * Integer.BYTES + 2));
        try {
            int[] streamIndex = new int[count];
            int[] buildIndex = new int[count];
            for (int k = 0; k < count; k++) {
                long pair = first + k;
                streamIndex[k] = (int) (pair / perRow);
                buildIndex[k] = (int) (pair % perRow);
            }
            boolean[] passes = new boolean[count];
            if (comparedRows > 0) {
                if (spec.condition() == null) {
                    java.util.Arrays.fill(passes, true);
                } else {
                    memory.run(() -> evaluateCondition(streamIndex, buildIndex, passes));
                }
            }
            return emit(streamIndex, buildIndex, passes, perRow);
        } finally {
            memory.setHeapBytes(0);
        }
    }

    /** Walks the step's pairs in order and gathers what the join type keeps of them. */
    private ColumnarBatch emit(int[] streamIndex, int[] buildIndex, boolean[] passes, int perRow) {
        int count = streamIndex.length;
        int[] outStream = new int[count];
        int[] outBuild = new int[count];
        boolean[] flags = spec.kind() == JoinSpec.Kind.EXISTENCE ? new boolean[count] : null;
        boolean nullBuild = false;
        int out = 0;
        boolean matched = openRowMatched;
        for (int k = 0; k < count; k++) {
            int row = streamIndex[k];
            if (passes[k]) {
                matched = true;
                if (spec.emitsPairs()) {
                    outStream[out] = row;
                    outBuild[out++] = buildIndex[k];
                }
            }
            if (buildIndex[k] != perRow - 1) {
                continue;
            }
            // the stream row's last pair: decide what it keeps
            switch (spec.kind()) {
                case INNER -> { }
                case LEFT_OUTER, RIGHT_OUTER -> {
                    if (!matched) {
                        outStream[out] = row;
                        outBuild[out++] = -1;
                        nullBuild = true;
                    }
                }
                case LEFT_SEMI -> {
                    if (matched) {
                        outStream[out++] = row;
                    }
                }
                case LEFT_ANTI -> {
                    if (!matched) {
                        outStream[out++] = row;
                    }
                }
                case EXISTENCE -> {
                    flags[out] = matched;
                    outStream[out++] = row;
                }
                case FULL_OUTER -> throw new IllegalStateException("a full outer join has no nested loop plan");
            }
            matched = false;
        }
        openRowMatched = matched;
        if (out == 0) {
            return null;
        }
        List<FieldVector> columns = new ArrayList<>();
        try {
            if (spec.emitsPairs()) {
                List<FieldVector> streamOut = gather(streamColumns, outStream, out, false);
                List<FieldVector> buildOut;
                try {
                    buildOut = gather(build.columns(), outBuild, out, nullBuild);
                } catch (RuntimeException e) {
                    ArrowBatches.closeAll(streamOut);
                    throw e;
                }
                columns.addAll(spec.buildLeft() ? buildOut : streamOut);
                columns.addAll(spec.buildLeft() ? streamOut : buildOut);
            } else {
                columns.addAll(gather(streamColumns, outStream, out, false));
                if (flags != null) {
                    BitVector exists = new BitVector("exists", allocator);
                    columns.add(exists);
                    exists.allocateNew(out);
                    for (int i = 0; i < out; i++) {
                        exists.set(i, flags[i] ? 1 : 0);
                    }
                    exists.setValueCount(out);
                }
            }
            return ArrowBatches.toSpark(columns, out);
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(columns);
            throw e;
        }
    }

    /**
     * Sets {@code passes[k]} when pair k (stream row {@code streamIndex[k]}, build row {@code buildIndex[k]})
     * makes the condition true; gathers only the columns the condition reads.
     */
    private Void evaluateCondition(int[] streamIndex, int[] buildIndex, boolean[] passes) {
        int count = passes.length;
        BufferAllocator working = memory.allocator();
        PairCondition.evaluate(spec, streamColumns, build.columns(), count, (columns, stream) -> gather(columns,
                stream ? streamIndex : buildIndex, count, false, working), device, working, passes);
        return null;
    }

    private List<FieldVector> gather(List<FieldVector> columns, int[] positions, int length, boolean withNulls) {
        return gather(columns, positions, length, withNulls, allocator);
    }

    /** Rows {@code positions[0..length)} of {@code columns} (-1 makes a null row where {@code withNulls}). */
    private List<FieldVector> gather(List<FieldVector> columns, int[] positions, int length, boolean withNulls,
            BufferAllocator target) {
        if (columns.isEmpty()) {
            return new ArrayList<>();
        }
        try (IntVector indices = new IntVector("positions", memory.allocator())) {
            indices.allocateNew(Math.max(length, 1));
            for (int i = 0; i < length; i++) {
                indices.set(i, positions[i]);
            }
            indices.setValueCount(length);
            return withNulls ? device.gatherOrNull(columns, indices, target) : device.gather(columns, indices, target);
        }
    }

    @Override
    public void close() {
        streamColumns = null;
        try {
            memory.close();
        } finally {
            build.close();
        }
    }
}
