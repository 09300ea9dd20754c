package dev.ember.device.host;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device.AggregateOperation;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Spark's {@code First} and {@code Last} per group on the host: the state is Spark's aggregation buffer
 * (value, value set), updated with exactly the rules of Spark's update and merge expressions, one row
 * after another in input order (see {@link AggregateOperation} for the contract).
 *
 * <p>Update (one input): {@code first = If(valueSet || (ignoreNulls && isNull(x)), first, x)} and
 * {@code last = If(ignoreNulls && isNull(x), last, x)}; value set becomes true once a row counted.
 * Merge (second input: the incoming value-set flags): {@code first = If(valueSet, first, first.in)} and
 * {@code last = If(valueSet.in, last.in, last)}, value set = either flag.
 */
abstract class HostFirstLast extends HostAccumulator {
    private final boolean first;
    private final boolean ignoreNulls;
    protected boolean[] valueSet = new boolean[0];

    HostFirstLast(AggregateOperation operation) {
        requireNonNull(operation, "operation is null");
        if (!operation.kind().orderSensitive()) {
            throw new IllegalArgumentException("not a first/last operation: " + operation.kind());
        }
        AggregateOperation.Kind kind = operation.kind();
        this.first = kind == AggregateOperation.Kind.FIRST || kind == AggregateOperation.Kind.FIRST_IGNORE_NULLS;
        this.ignoreNulls = kind == AggregateOperation.Kind.FIRST_IGNORE_NULLS
                || kind == AggregateOperation.Kind.LAST_IGNORE_NULLS;
    }

    @Override
    protected final void resize(int newCapacity) {
        valueSet = Arrays.copyOf(valueSet, newCapacity);
        resizeValues(newCapacity);
    }

    /** Makes room for the values of groups {@code [0, newCapacity)}; new groups hold null. */
    protected abstract void resizeValues(int newCapacity);

    /** Stores row {@code row} of {@code input} (a value or null) as the value of {@code group}. */
    protected abstract void take(FieldVector input, int row, int group);

    @Override
    final void add(List<FieldVector> inputs, int[] groupIds, int rowCount) {
        FieldVector input = inputs.get(0);
        if (inputs.size() > 1) {
            merge(input, (BitVector) inputs.get(1), groupIds, rowCount);
            return;
        }
        for (int row = 0; row < rowCount; row++) {
            int group = groupIds[row];
            if ((first && valueSet[group]) || (ignoreNulls && input.isNull(row))) {
                continue;
            }
            take(input, row, group);
            valueSet[group] = true;
        }
    }

    private void merge(FieldVector input, BitVector inputSet, int[] groupIds, int rowCount) {
        for (int row = 0; row < rowCount; row++) {
            int group = groupIds[row];
            // Spark's If treats a null condition as false; its buffers never hold a null flag
            boolean rowSet = !inputSet.isNull(row) && inputSet.get(row) != 0;
            if (first) {
                if (!valueSet[group]) {
                    take(input, row, group);
                    valueSet[group] = rowSet;
                }
            } else if (rowSet) {
                take(input, row, group);
                valueSet[group] = true;
            }
        }
    }

    /** The value-set flags of groups {@code [0, groups)}, never null. */
    protected final BitVector flags(int groups, BufferAllocator allocator) {
        BitVector out = new BitVector("valueSet", allocator);
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                out.set(g, valueSet[g] ? 1 : 0);
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Values of a fixed-width type, kept in an Arrow vector of that type and overwritten in place. */
    static final class FixedWidth extends HostFirstLast {
        private final FieldVector values;

        FixedWidth(AggregateOperation operation, BufferAllocator allocator) {
            super(operation);
            this.values = ArrowTypes.newVector("value", operation.type(), allocator);
            try {
                values.allocateNew();
            } catch (RuntimeException e) {
                values.close();
                throw e;
            }
        }

        @Override
        protected void resizeValues(int newCapacity) {
            while (values.getValueCapacity() < newCapacity) {
                values.reAlloc();
            }
        }

        @Override
        protected void take(FieldVector input, int row, int group) {
            values.copyFrom(row, group, input);
        }

        @Override
        long heapBytes() {
            return capacity;
        }

        @Override
        List<FieldVector> state(int groups, BufferAllocator allocator) {
            resizeValues(Math.max(groups, 1));
            BitVector flags = flags(groups, allocator);
            try {
                values.setValueCount(groups);
                TransferPair transfer = values.getTransferPair(allocator);
                transfer.transfer();
                return List.of((FieldVector) transfer.getTo(), flags);
            } catch (RuntimeException e) {
                flags.close();
                throw e;
            }
        }

        @Override
        public void close() {
            values.close();
        }
    }

    /** String values, kept as byte arrays (null for a null value): a string vector cannot be overwritten. */
    static final class Strings extends HostFirstLast {
        private byte[][] values = new byte[0][];
        private long bytes;

        Strings(AggregateOperation operation) {
            super(operation);
        }

        @Override
        protected void resizeValues(int newCapacity) {
            values = Arrays.copyOf(values, newCapacity);
        }

        @Override
        protected void take(FieldVector input, int row, int group) {
            byte[] previous = values[group];
            bytes -= previous == null ? 0 : previous.length;
            if (input.isNull(row)) {
                values[group] = null;
                return;
            }
            VarCharVector strings = (VarCharVector) input;
            long start = strings.getStartOffset(row);
            int length = (int) (strings.getEndOffset(row) - start);
            byte[] copy = new byte[length];
            ArrowBuf data = strings.getDataBuffer();
            data.getBytes(start, copy, 0, length);
            values[group] = copy;
            bytes += length;
        }

        @Override
        long heapBytes() {
            return (long) capacity * 25 + bytes;
        }

        @Override
        List<FieldVector> state(int groups, BufferAllocator allocator) {
            VarCharVector out = new VarCharVector("value", allocator);
            BitVector flags = null;
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
                flags = flags(groups, allocator);
                return List.of(out, flags);
            } catch (RuntimeException e) {
                out.close();
                if (flags != null) {
                    flags.close();
                }
                throw e;
            }
        }
    }
}
