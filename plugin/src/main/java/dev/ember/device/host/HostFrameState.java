package dev.ember.device.host;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device.AggregateOperation;
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

/**
 * The running state of one aggregate over a frame, with the output columns each row's state is written
 * to. Owns those columns until {@link #finish} hands them over.
 */
abstract class HostFrameState implements AutoCloseable {
    protected final int rowCount;
    protected final List<FieldVector> outputs = new ArrayList<>();

    HostFrameState(int rowCount) {
        this.rowCount = rowCount;
    }

    static HostFrameState create(AggregateOperation operation, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator) {
        HostFrameState state = switch (operation.kind()) {
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
            case FIRST, FIRST_IGNORE_NULLS, LAST, LAST_IGNORE_NULLS, MOMENTS -> throw new IllegalArgumentException(
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

    private static final class SumLong extends HostFrameState {
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

    private static final class SumDouble extends HostFrameState {
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
    private static final class SumDecimal extends HostFrameState {
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

    private static final class Count extends HostFrameState {
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
    private static final class Extreme extends HostFrameState {
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
