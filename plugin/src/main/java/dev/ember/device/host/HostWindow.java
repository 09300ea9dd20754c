package dev.ember.device.host;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.WindowFrame;
import dev.ember.device.Device.WindowOperation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
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
            int[] partitions = starts(partitionStarts, rowCount, "partition");
            int[] peers = starts(peerStarts, rowCount, "peer");
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

        private static int[] starts(IntVector vector, int rowCount, String what) {
            int count = vector.getValueCount();
            if (rowCount == 0) {
                if (count != 0) {
                    throw new IllegalArgumentException(what + " starts given for no rows");
                }
                return new int[0];
            }
            int[] starts = new int[count];
            for (int i = 0; i < count; i++) {
                starts[i] = vector.get(i);
                if (i == 0 ? starts[i] != 0 : starts[i] <= starts[i - 1] || starts[i] >= rowCount) {
                    throw new IllegalArgumentException(what + " starts must rise from 0 below " + rowCount
                            + "; position " + i + " is " + starts[i]);
                }
            }
            if (count == 0) {
                throw new IllegalArgumentException("no " + what + " start for " + rowCount + " rows");
            }
            return starts;
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
        try (FrameState state = FrameState.create(operation.aggregate(), inputs, runs.rowCount, allocator)) {
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

    /**
     * The running state of one aggregate over a frame, with the output columns each row's state is written
     * to. Owns those columns until {@link #finish} hands them over.
     */
    private abstract static class FrameState implements AutoCloseable {
        protected final int rowCount;
        protected final List<FieldVector> outputs = new ArrayList<>();

        FrameState(int rowCount) {
            this.rowCount = rowCount;
        }

        static FrameState create(AggregateOperation operation, List<FieldVector> inputs, int rowCount,
                BufferAllocator allocator) {
            FrameState state = switch (operation.kind()) {
                case SUM_LONG -> new SumLong(inputs.get(0), operation.ansi(), rowCount);
                case SUM_DOUBLE -> new SumDouble(inputs.get(0), rowCount);
                case SUM_DECIMAL -> {
                    if (inputs.size() != 1) {
                        throw new IllegalArgumentException("a window's decimal sum takes one input, not " + inputs.size());
                    }
                    yield new SumDecimal(inputs.get(0), operation.precision(), operation.scale(), rowCount);
                }
                case COUNT -> new Count(inputs, rowCount);
                case MIN, MAX -> new Extreme(inputs.get(0), operation, rowCount);
                case FIRST, FIRST_IGNORE_NULLS, LAST, LAST_IGNORE_NULLS -> throw new IllegalArgumentException(
                        operation.kind() + " is not a window aggregate");
            };
            try {
                state.allocate(allocator);
                return state;
            } catch (RuntimeException e) {
                state.close();
                throw e;
            }
        }

        /** Creates the output columns (added to {@link #outputs}) with room for every row. */
        abstract void allocate(BufferAllocator allocator);

        /** Starts an empty frame. */
        abstract void reset();

        abstract void add(int row);

        /** Writes the state of the frame so far as row {@code row}'s result. */
        abstract void write(int row);

        final List<FieldVector> finish() {
            for (FieldVector output : outputs) {
                output.setValueCount(rowCount);
            }
            List<FieldVector> done = List.copyOf(outputs);
            outputs.clear();
            return done;
        }

        protected final <V extends FieldVector> V output(V vector) {
            outputs.add(vector);
            vector.setInitialCapacity(Math.max(rowCount, 1));
            vector.allocateNew();
            return vector;
        }

        @Override
        public void close() {
            outputs.forEach(FieldVector::close);
            outputs.clear();
        }
    }

    private static final class SumLong extends FrameState {
        private final FieldVector input;
        private final boolean ansi;
        private BigIntVector out;
        private long sum;
        private boolean seen;

        SumLong(FieldVector input, boolean ansi, int rowCount) {
            super(rowCount);
            this.input = input;
            this.ansi = ansi;
        }

        @Override
        void allocate(BufferAllocator allocator) {
            out = output(new BigIntVector("sum", allocator));
        }

        @Override
        void reset() {
            sum = 0;
            seen = false;
        }

        @Override
        void add(int row) {
            if (input.isNull(row)) {
                return;
            }
            long value = HostAccumulator.longAt(input, row);
            sum = ansi ? Math.addExact(sum, value) : sum + value;
            seen = true;
        }

        @Override
        void write(int row) {
            if (seen) {
                out.set(row, sum);
            } else {
                out.setNull(row);
            }
        }
    }

    private static final class SumDouble extends FrameState {
        private final FieldVector input;
        private Float8Vector out;
        private double sum;
        private boolean seen;

        SumDouble(FieldVector input, int rowCount) {
            super(rowCount);
            this.input = input;
        }

        @Override
        void allocate(BufferAllocator allocator) {
            out = output(new Float8Vector("sum", allocator));
        }

        @Override
        void reset() {
            sum = 0;
            seen = false;
        }

        @Override
        void add(int row) {
            if (!input.isNull(row)) {
                sum += HostAccumulator.doubleAt(input, row);
                seen = true;
            }
        }

        @Override
        void write(int row) {
            if (seen) {
                out.set(row, sum);
            } else {
                out.setNull(row);
            }
        }
    }

    /** As the group-by's decimal sum: 128 bits, null for good once |sum| reaches 10^precision. */
    private static final class SumDecimal extends FrameState {
        private final FieldVector input;
        private final int scale;
        private final long limitLow;
        private final long limitHigh;
        private DecimalVector sums;
        private BitVector nonEmpty;
        private long low;
        private long high;
        private boolean seen;
        private boolean overflowed;

        SumDecimal(FieldVector input, int precision, int scale, int rowCount) {
            super(rowCount);
            if (precision < 1 || precision > 38) {
                throw new IllegalArgumentException("decimal sum precision must be 1 to 38, not " + precision);
            }
            this.input = input;
            this.scale = scale;
            BigInteger limit = BigInteger.TEN.pow(precision);
            this.limitLow = limit.longValue();
            this.limitHigh = limit.shiftRight(64).longValue();
        }

        @Override
        void allocate(BufferAllocator allocator) {
            sums = output(new DecimalVector("sum", allocator, 38, scale));
            nonEmpty = output(new BitVector("nonEmpty", allocator));
        }

        @Override
        void reset() {
            low = 0;
            high = 0;
            seen = false;
            overflowed = false;
        }

        @Override
        void add(int row) {
            if (input.isNull(row)) {
                return;
            }
            seen = true;
            if (overflowed) {
                return;
            }
            ArrowBuf data = input.getDataBuffer();
            long valueLow = data.getLong((long) row * 16);
            long valueHigh = data.getLong((long) row * 16 + 8);
            long sumLow = low + valueLow;
            long carry = Long.compareUnsigned(sumLow, valueLow) < 0 ? 1 : 0;
            long sumHigh = high + valueHigh + carry;
            boolean wrapped = ((high ^ sumHigh) & (valueHigh ^ sumHigh)) < 0;
            low = sumLow;
            high = sumHigh;
            if (wrapped || !HostAccumulator.withinDecimalLimit(sumLow, sumHigh, limitLow, limitHigh)) {
                overflowed = true;
            }
        }

        @Override
        void write(int row) {
            if (overflowed) {
                sums.setNull(row);
            } else {
                sums.getDataBuffer().setLong((long) row * 16, low);
                sums.getDataBuffer().setLong((long) row * 16 + 8, high);
                BitVectorHelper.setBit(sums.getValidityBuffer(), row);
            }
            nonEmpty.set(row, seen ? 1 : 0);
        }
    }

    private static final class Count extends FrameState {
        private final List<FieldVector> inputs;
        private BigIntVector out;
        private long count;

        Count(List<FieldVector> inputs, int rowCount) {
            super(rowCount);
            this.inputs = List.copyOf(inputs);
        }

        @Override
        void allocate(BufferAllocator allocator) {
            out = output(new BigIntVector("count", allocator));
        }

        @Override
        void reset() {
            count = 0;
        }

        @Override
        void add(int row) {
            for (FieldVector input : inputs) {
                if (input.isNull(row)) {
                    return;
                }
            }
            count++;
        }

        @Override
        void write(int row) {
            out.set(row, count);
        }
    }

    /**
     * Min or max as the row that holds it: a later row replaces it only when strictly smaller (larger), so
     * the first of equal values is kept, as the group-by keeps it (-0.0 and 0.0 are equal).
     */
    private static final class Extreme extends FrameState {
        private final FieldVector input;
        private final HostColumn column;
        private final AggregateOperation operation;
        private final boolean minimum;
        private FieldVector out;
        private int best;

        Extreme(FieldVector input, AggregateOperation operation, int rowCount) {
            super(rowCount);
            this.input = input;
            this.column = HostColumn.of(input);
            this.operation = operation;
            this.minimum = operation.kind() == AggregateOperation.Kind.MIN;
        }

        @Override
        void allocate(BufferAllocator allocator) {
            out = output(ArrowTypes.newVector("extreme", operation.type(), allocator));
        }

        @Override
        void reset() {
            best = -1;
        }

        @Override
        void add(int row) {
            if (column.isNull(row)) {
                return;
            }
            if (best < 0) {
                best = row;
                return;
            }
            int order = column.compare(row, column, best);
            if (minimum ? order < 0 : order > 0) {
                best = row;
            }
        }

        @Override
        void write(int row) {
            if (best < 0) {
                out.setNull(row);
            } else {
                out.copyFromSafe(best, row, input);
            }
        }
    }
}
