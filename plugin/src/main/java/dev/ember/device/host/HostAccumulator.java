package dev.ember.device.host;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device.AggregateOperation;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.spark.sql.types.StringType;

/**
 * The per-group state of one {@link AggregateOperation} on the host, in primitive arrays indexed by
 * group id; see the operation's contract for the meaning of each kind.
 */
abstract class HostAccumulator implements AutoCloseable {
    protected int capacity;

    static HostAccumulator create(AggregateOperation operation, BufferAllocator allocator) {
        return switch (operation.kind()) {
            case SUM_LONG -> new SumLong(operation.ansi());
            case SUM_DOUBLE -> new SumDouble();
            case SUM_DECIMAL -> new SumDecimal(operation.precision(), operation.scale());
            case COUNT -> new Count();
            case MIN, MAX -> operation.type() instanceof StringType
                    ? new StringExtreme(operation.kind() == AggregateOperation.Kind.MIN)
                    : new FixedExtreme(operation, allocator);
            case FIRST, FIRST_IGNORE_NULLS, LAST, LAST_IGNORE_NULLS -> operation.type() instanceof StringType
                    ? new HostFirstLast.Strings(operation)
                    : new HostFirstLast.FixedWidth(operation, allocator);
            case MOMENTS -> new HostMoments();
        };
    }

    /** Makes room for groups {@code [0, groups)}; new groups start empty. */
    final void ensureGroups(int groups) {
        if (groups > capacity) {
            int grown = Math.max(groups, Math.max(64, capacity * 2));
            resize(grown);
            capacity = grown;
        }
    }

    protected abstract void resize(int newCapacity);

    /** Folds rows into their groups. */
    abstract void add(List<FieldVector> inputs, int[] groupIds, int rowCount);

    abstract long heapBytes();

    /** Hands over the state columns of groups {@code [0, groups)}. */
    abstract List<FieldVector> state(int groups, BufferAllocator allocator);

    @Override
    public void close() {
        // most kinds hold heap arrays only
    }

    /** Checks that the input holds the rows a fold reads straight from its buffers. */
    static void checkRows(FieldVector input, int rowCount) {
        if (input.getValueCount() < rowCount) {
            throw new IllegalArgumentException("an aggregation input holds " + input.getValueCount()
                    + " values, fewer than the " + rowCount + " rows added");
        }
        long validityBytes = ((long) rowCount + 7) >>> 3;
        if (rowCount > 0 && input.getValidityBuffer().capacity() < validityBytes) {
            throw new IllegalArgumentException("an aggregation input's validity buffer is too small");
        }
    }

    static long validityAddress(FieldVector input) {
        return input.getValidityBuffer().memoryAddress();
    }

    static long longAt(FieldVector vector, int row) {
        ArrowBuf data = vector.getDataBuffer();
        return switch (((BaseFixedWidthVector) vector).getTypeWidth()) {
            case 1 -> data.getByte(row);
            case 2 -> data.getShort((long) row * 2);
            case 4 -> data.getInt((long) row * 4);
            default -> data.getLong((long) row * 8);
        };
    }

    static double doubleAt(FieldVector vector, int row) {
        if (vector instanceof Float8Vector) {
            return vector.getDataBuffer().getDouble((long) row * 8);
        } else if (vector instanceof Float4Vector) {
            return vector.getDataBuffer().getFloat((long) row * 4);
        }
        return longAt(vector, row);
    }

    static BigIntVector longs(String name, long[] values, boolean[] valid, int groups, BufferAllocator allocator) {
        BigIntVector out = new BigIntVector(name, allocator);
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                if (valid == null || valid[g]) {
                    out.set(g, values[g]);
                } else {
                    out.setNull(g);
                }
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * Whether the absolute value of the 128-bit integer {@code (high, low)} is below the limit
     * {@code (limitHigh, limitLow)} (10^precision): the decimal sums' overflow check.
     */
    static boolean withinDecimalLimit(long low, long high, long limitLow, long limitHigh) {
        if (high < 0) {
            // negate the 128-bit value
            low = ~low + 1;
            high = ~high + (low == 0 ? 1 : 0);
            if (high < 0) {
                return false;
            }
        }
        return high < limitHigh || (high == limitHigh && Long.compareUnsigned(low, limitLow) < 0);
    }

    private static final class SumLong extends HostAccumulator {
        private final boolean ansi;
        private long[] sums = new long[0];
        private boolean[] seen = new boolean[0];

        SumLong(boolean ansi) {
            this.ansi = ansi;
        }

        @Override
        protected void resize(int newCapacity) {
            sums = Arrays.copyOf(sums, newCapacity);
            seen = Arrays.copyOf(seen, newCapacity);
        }

        @Override
        void add(List<FieldVector> inputs, int[] groupIds, int rowCount) {
            FieldVector input = inputs.get(0);
            checkRows(input, rowCount);
            long validity = validityAddress(input);
            long data = input.getDataBuffer().memoryAddress();
            int width = ((BaseFixedWidthVector) input).getTypeWidth();
            for (int row = 0; row < rowCount; row++) {
                if (!HostColumn.bit(validity, row)) {
                    continue;
                }
                int group = groupIds[row];
                long at = data + (long) row * width;
                long value = switch (width) {
                    case 1 -> MemoryUtil.getByte(at);
                    case 2 -> MemoryUtil.getShort(at);
                    case 4 -> MemoryUtil.getInt(at);
                    default -> MemoryUtil.getLong(at);
                };
                sums[group] = ansi ? Math.addExact(sums[group], value) : sums[group] + value;
                seen[group] = true;
            }
        }

        @Override
        long heapBytes() {
            return (long) capacity * (Long.BYTES + 1);
        }

        @Override
        List<FieldVector> state(int groups, BufferAllocator allocator) {
            return List.of(longs("sum", sums, seen, groups, allocator));
        }
    }

    private static final class SumDouble extends HostAccumulator {
        private double[] sums = new double[0];
        private boolean[] seen = new boolean[0];

        @Override
        protected void resize(int newCapacity) {
            sums = Arrays.copyOf(sums, newCapacity);
            seen = Arrays.copyOf(seen, newCapacity);
        }

        @Override
        void add(List<FieldVector> inputs, int[] groupIds, int rowCount) {
            FieldVector input = inputs.get(0);
            if (!(input instanceof Float8Vector)) {
                for (int row = 0; row < rowCount; row++) {
                    if (!input.isNull(row)) {
                        int group = groupIds[row];
                        sums[group] += doubleAt(input, row);
                        seen[group] = true;
                    }
                }
                return;
            }
            checkRows(input, rowCount);
            long validity = validityAddress(input);
            long data = input.getDataBuffer().memoryAddress();
            for (int row = 0; row < rowCount; row++) {
                if (HostColumn.bit(validity, row)) {
                    int group = groupIds[row];
                    sums[group] += Double.longBitsToDouble(MemoryUtil.getLong(data + (long) row * 8));
                    seen[group] = true;
                }
            }
        }

        @Override
        long heapBytes() {
            return (long) capacity * (Double.BYTES + 1);
        }

        @Override
        List<FieldVector> state(int groups, BufferAllocator allocator) {
            Float8Vector out = new Float8Vector("sum", allocator);
            try {
                out.allocateNew(Math.max(groups, 1));
                for (int g = 0; g < groups; g++) {
                    if (seen[g]) {
                        out.set(g, sums[g]);
                    } else {
                        out.setNull(g);
                    }
                }
                out.setValueCount(groups);
                return List.of(out);
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        }
    }

    /** 128-bit sums in two longs per group, checked against 10^precision after every addition. */
    private static final class SumDecimal extends HostAccumulator {
        private final int scale;
        private final long limitLow;
        private final long limitHigh;
        private long[] lows = new long[0];
        private long[] highs = new long[0];
        private boolean[] seen = new boolean[0];
        private boolean[] overflowed = new boolean[0];

        SumDecimal(int precision, int scale) {
            if (precision < 1 || precision > 38) {
                throw new IllegalArgumentException("decimal sum precision must be 1 to 38, not " + precision);
            }
            this.scale = scale;
            BigInteger limit = BigInteger.TEN.pow(precision);
            this.limitLow = limit.longValue();
            this.limitHigh = limit.shiftRight(64).longValue();
        }

        @Override
        protected void resize(int newCapacity) {
            lows = Arrays.copyOf(lows, newCapacity);
            highs = Arrays.copyOf(highs, newCapacity);
            seen = Arrays.copyOf(seen, newCapacity);
            overflowed = Arrays.copyOf(overflowed, newCapacity);
        }

        @Override
        void add(List<FieldVector> inputs, int[] groupIds, int rowCount) {
            FieldVector input = inputs.get(0);
            BitVector isEmpty = inputs.size() > 1 ? (BitVector) inputs.get(1) : null;
            checkRows(input, rowCount);
            long validity = validityAddress(input);
            long data = input.getDataBuffer().memoryAddress();
            long emptyValidity = 0;
            long emptyValues = 0;
            if (isEmpty != null) {
                checkRows(isEmpty, rowCount);
                emptyValidity = validityAddress(isEmpty);
                emptyValues = isEmpty.getDataBuffer().memoryAddress();
            }
            for (int row = 0; row < rowCount; row++) {
                int group = groupIds[row];
                boolean isValue = HostColumn.bit(validity, row);
                if (isEmpty != null) {
                    if (HostColumn.bit(emptyValidity, row) && HostColumn.bit(emptyValues, row)) {
                        continue;
                    }
                    seen[group] = true;
                    if (!isValue) {
                        overflowed[group] = true;
                        continue;
                    }
                } else {
                    if (!isValue) {
                        continue;
                    }
                    seen[group] = true;
                }
                if (overflowed[group]) {
                    continue;
                }
                long low = MemoryUtil.getLong(data + (long) row * 16);
                long high = MemoryUtil.getLong(data + (long) row * 16 + 8);
                long sumLow = lows[group] + low;
                long carry = Long.compareUnsigned(sumLow, low) < 0 ? 1 : 0;
                long sumHigh = highs[group] + high + carry;
                boolean wrapped = ((highs[group] ^ sumHigh) & (high ^ sumHigh)) < 0;
                lows[group] = sumLow;
                highs[group] = sumHigh;
                if (wrapped || !withinLimit(sumLow, sumHigh)) {
                    overflowed[group] = true;
                }
            }
        }

        /** Whether |value| is below 10^precision. */
        private boolean withinLimit(long low, long high) {
            return withinDecimalLimit(low, high, limitLow, limitHigh);
        }

        @Override
        long heapBytes() {
            return (long) capacity * (2 * Long.BYTES + 2);
        }

        @Override
        List<FieldVector> state(int groups, BufferAllocator allocator) {
            DecimalVector sums = new DecimalVector("sum", allocator, 38, scale);
            BitVector nonEmpty = new BitVector("nonEmpty", allocator);
            try {
                sums.allocateNew(Math.max(groups, 1));
                nonEmpty.allocateNew(Math.max(groups, 1));
                ArrowBuf data = sums.getDataBuffer();
                for (int g = 0; g < groups; g++) {
                    if (overflowed[g]) {
                        sums.setNull(g);
                    } else {
                        data.setLong((long) g * 16, lows[g]);
                        data.setLong((long) g * 16 + 8, highs[g]);
                        BitVectorHelper.setBit(sums.getValidityBuffer(), g);
                    }
                    nonEmpty.set(g, seen[g] ? 1 : 0);
                }
                sums.setValueCount(groups);
                nonEmpty.setValueCount(groups);
                return List.of(sums, nonEmpty);
            } catch (RuntimeException e) {
                sums.close();
                nonEmpty.close();
                throw e;
            }
        }
    }

    private static final class Count extends HostAccumulator {
        private long[] counts = new long[0];

        @Override
        protected void resize(int newCapacity) {
            counts = Arrays.copyOf(counts, newCapacity);
        }

        @Override
        void add(List<FieldVector> inputs, int[] groupIds, int rowCount) {
            if (inputs.size() == 1) {
                FieldVector input = inputs.get(0);
                checkRows(input, rowCount);
                long validity = validityAddress(input);
                for (int row = 0; row < rowCount; row++) {
                    if (HostColumn.bit(validity, row)) {
                        counts[groupIds[row]]++;
                    }
                }
                return;
            }
            rows:
            for (int row = 0; row < rowCount; row++) {
                for (FieldVector input : inputs) {
                    if (input.isNull(row)) {
                        continue rows;
                    }
                }
                counts[groupIds[row]]++;
            }
        }

        @Override
        long heapBytes() {
            return (long) capacity * Long.BYTES;
        }

        @Override
        List<FieldVector> state(int groups, BufferAllocator allocator) {
            return List.of(longs("count", counts, null, groups, allocator));
        }
    }

    /** Min or max of a fixed-width type, kept in an Arrow vector of the input's type. */
    private static final class FixedExtreme extends HostAccumulator {
        private final boolean minimum;
        private final FieldVector values;
        private final HostColumn stored;

        FixedExtreme(AggregateOperation operation, BufferAllocator allocator) {
            this.minimum = operation.kind() == AggregateOperation.Kind.MIN;
            this.values = ArrowTypes.newVector("extreme", operation.type(), allocator);
            this.values.allocateNew();
            this.stored = HostColumn.of(values);
        }

        @Override
        protected void resize(int newCapacity) {
            while (values.getValueCapacity() < newCapacity) {
                values.reAlloc();
            }
        }

        @Override
        void add(List<FieldVector> inputs, int[] groupIds, int rowCount) {
            FieldVector input = inputs.get(0);
            HostColumn column = HostColumn.of(input);
            column.checkRows(0, rowCount);
            for (int row = 0; row < rowCount; row++) {
                if (input.isNull(row)) {
                    continue;
                }
                int group = groupIds[row];
                if (stored.isNull(group)) {
                    values.copyFrom(row, group, input);
                } else {
                    int order = column.compare(row, stored, group);
                    if (minimum ? order < 0 : order > 0) {
                        values.copyFrom(row, group, input);
                    }
                }
            }
        }

        @Override
        long heapBytes() {
            return 0;
        }

        @Override
        List<FieldVector> state(int groups, BufferAllocator allocator) {
            resize(Math.max(groups, 1));
            values.setValueCount(groups);
            TransferPair transfer = values.getTransferPair(allocator);
            transfer.transfer();
            return List.of((FieldVector) transfer.getTo());
        }

        @Override
        public void close() {
            values.close();
        }
    }

    /** Min or max of strings, kept as byte arrays: an Arrow string vector cannot be overwritten in place. */
    private static final class StringExtreme extends HostAccumulator {
        private final boolean minimum;
        private byte[][] values = new byte[0][];
        private long bytes;

        StringExtreme(boolean minimum) {
            this.minimum = minimum;
        }

        @Override
        protected void resize(int newCapacity) {
            values = Arrays.copyOf(values, newCapacity);
        }

        @Override
        void add(List<FieldVector> inputs, int[] groupIds, int rowCount) {
            VarCharVector input = (VarCharVector) inputs.get(0);
            ArrowBuf data = input.getDataBuffer();
            for (int row = 0; row < rowCount; row++) {
                if (input.isNull(row)) {
                    continue;
                }
                int group = groupIds[row];
                long start = input.getStartOffset(row);
                int length = (int) (input.getEndOffset(row) - start);
                byte[] current = values[group];
                if (current == null || (minimum ? compare(data, start, length, current) < 0
                        : compare(data, start, length, current) > 0)) {
                    byte[] copy = new byte[length];
                    data.getBytes(start, copy, 0, length);
                    bytes += length - (current == null ? 0 : current.length);
                    values[group] = copy;
                }
            }
        }

        private static int compare(ArrowBuf data, long start, int length, byte[] other) {
            int common = Math.min(length, other.length);
            for (int i = 0; i < common; i++) {
                int left = data.getByte(start + i) & 0xFF;
                int right = other[i] & 0xFF;
                if (left != right) {
                    return left - right;
                }
            }
            return Integer.compare(length, other.length);
        }

        @Override
        long heapBytes() {
            return (long) capacity * 24 + bytes;
        }

        @Override
        List<FieldVector> state(int groups, BufferAllocator allocator) {
            VarCharVector out = new VarCharVector("extreme", allocator);
            try {
                out.allocateNew(Math.max(bytes, 1), Math.max(groups, 1));
                for (int g = 0; g < groups; g++) {
                    if (values[g] == null) {
                        out.setNull(g);
                    } else {
                        out.setSafe(g, values[g]);
                    }
                }
                out.setValueCount(groups);
                return List.of(out);
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        }
    }
}
