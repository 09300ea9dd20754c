package dev.ember.device.host;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device.WindowFrame;
import dev.ember.device.Device.WindowOperation;
import dev.ember.device.WindowStarts;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The window primitives on the host: {@code keyChanges} compares each row's keys with the previous
 * row's ({@link HostKeys#sameKey}: grouping equality), and {@code window} walks the partitions of sorted
 * rows once per operation.
 *
 * <p>Frames that start at the partition's first row grow row by row: one running state per partition,
 * written out after the rows up to each row's frame end were added (Spark's growing frame). Frames with a
 * row offset on both sides fold each row's frame from its first row (Spark's sliding frame, which
 * recomputes its buffer whenever the frame moves), so a double sum adds exactly the values Spark adds, in
 * the same order, and a decimal sum overflows exactly when Spark's does.
 */
final class HostWindow {
    private HostWindow() {}

    static IntVector keyChanges(List<FieldVector> keys, int rowCount, BufferAllocator allocator) {
        requireNonNull(keys, "keys is null");
        requireNonNull(allocator, "allocator is null");
        for (FieldVector key : keys) {
            HostColumn.of(key).checkRows(0, rowCount);
        }
        HostKeys rows = new HostKeys(keys);
        int[] changes = new int[Math.min(rowCount, 1024)];
        int count = 0;
        for (int row = 0; row < rowCount; row++) {
            if (row == 0 || !rows.sameKey(row, rows, row - 1)) {
                if (count == changes.length) {
                    changes = java.util.Arrays.copyOf(changes, Math.max(16, changes.length * 2));
                }
                changes[count++] = row;
            }
        }
        IntVector out = new IntVector("changes", allocator);
        try {
            out.allocateNew(Math.max(count, 1));
            for (int i = 0; i < count; i++) {
                out.set(i, changes[i]);
            }
            out.setValueCount(count);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    static List<List<FieldVector>> window(IntVector partitionStarts, IntVector peerStarts,
            List<WindowOperation> operations, List<List<FieldVector>> inputs, int rowCount, BufferAllocator allocator) {
        requireNonNull(partitionStarts, "partitionStarts is null");
        requireNonNull(peerStarts, "peerStarts is null");
        requireNonNull(operations, "operations is null");
        requireNonNull(inputs, "inputs is null");
        requireNonNull(allocator, "allocator is null");
        if (inputs.size() != operations.size()) {
            throw new IllegalArgumentException(operations.size() + " operations but " + inputs.size() + " input lists");
        }
        Runs runs = new Runs(partitionStarts, peerStarts, rowCount);
        List<List<FieldVector>> out = new ArrayList<>(operations.size());
        try {
            for (int i = 0; i < operations.size(); i++) {
                WindowOperation operation = operations.get(i);
                out.add(switch (operation.kind()) {
                    case ROW_NUMBER, RANK, DENSE_RANK -> List.of(ranking(operation.kind(), runs, allocator));
                    case AGGREGATE -> aggregate(operation, inputs.get(i), runs, allocator);
                });
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(columns -> columns.forEach(FieldVector::close));
            throw e;
        }
    }

    /** The partition and peer-group runs of the rows, as the first row of each row's partition and peers. */
    private static final class Runs {
        final int rowCount;
        final int[] partitionEnds;
        final int[] peerStart;
        final int[] peerEnd;

        Runs(IntVector partitionStarts, IntVector peerStarts, int rowCount) {
            if (rowCount < 0) {
                throw new IllegalArgumentException("rowCount must not be negative: " + rowCount);
            }
            this.rowCount = rowCount;
            int[] partitions = WindowStarts.read(partitionStarts, rowCount, "partition");
            int[] peers = WindowStarts.read(peerStarts, rowCount, "peer");
            partitionEnds = new int[partitions.length];
            for (int p = 0; p < partitions.length; p++) {
                partitionEnds[p] = p + 1 < partitions.length ? partitions[p + 1] : rowCount;
            }
            peerStart = new int[rowCount];
            peerEnd = new int[rowCount];
            for (int g = 0; g < peers.length; g++) {
                int end = g + 1 < peers.length ? peers[g + 1] : rowCount;
                for (int row = peers[g]; row < end; row++) {
                    peerStart[row] = peers[g];
                    peerEnd[row] = end;
                }
            }
            // every partition start must start a peer group: peers never span partitions
            for (int start : partitions) {
                if (peerStart[start] != start) {
                    throw new IllegalArgumentException("partition start " + start + " is not a peer start");
                }
            }
        }
    }

    private static IntVector ranking(WindowOperation.Kind kind, Runs runs, BufferAllocator allocator) {
        IntVector out = new IntVector(kind.name().toLowerCase(java.util.Locale.ROOT), allocator);
        try {
            out.allocateNew(Math.max(runs.rowCount, 1));
            int partitionStart = 0;
            for (int end : runs.partitionEnds) {
                int dense = 0;
                for (int row = partitionStart; row < end; row++) {
                    if (runs.peerStart[row] == row) {
                        dense++;
                    }
                    out.set(row, switch (kind) {
                        case ROW_NUMBER -> row - partitionStart + 1;
                        case RANK -> runs.peerStart[row] - partitionStart + 1;
                        case DENSE_RANK -> dense;
                        case AGGREGATE -> throw new IllegalArgumentException("not a ranking");
                    });
                }
                partitionStart = end;
            }
            out.setValueCount(runs.rowCount);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static List<FieldVector> aggregate(WindowOperation operation, List<FieldVector> inputs, Runs runs,
            BufferAllocator allocator) {
        for (FieldVector input : inputs) {
            HostAccumulator.checkRows(input, runs.rowCount);
        }
        WindowFrame frame = operation.frame();
        try (HostFrameState state = HostFrameState.create(operation.aggregate(), inputs, runs.rowCount, allocator)) {
            int partitionStart = 0;
            for (int end : runs.partitionEnds) {
                if (frame.lower() == WindowFrame.Bound.UNBOUNDED) {
                    state.reset();
                    int added = partitionStart;
                    for (int row = partitionStart; row < end; row++) {
                        int frameEnd = switch (frame.upper()) {
                            case UNBOUNDED -> end;
                            case PEERS -> runs.peerEnd[row];
                            case ROWS -> clamp((long) row + frame.upperOffset() + 1, partitionStart, end);
                        };
                        while (added < frameEnd) {
                            state.add(added++);
                        }
                        state.write(row);
                    }
                } else {
                    for (int row = partitionStart; row < end; row++) {
                        int from = clamp((long) row + frame.lowerOffset(), partitionStart, end);
                        int to = clamp((long) row + frame.upperOffset() + 1, partitionStart, end);
                        state.reset();
                        for (int added = from; added < to; added++) {
                            state.add(added);
                        }
                        state.write(row);
                    }
                }
                partitionStart = end;
            }
            return state.finish();
        }
    }

    private static int clamp(long value, int low, int high) {
        return (int) Math.max(low, Math.min(high, value));
    }
}
