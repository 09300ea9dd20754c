package dev.ember.device.host;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.device.Implementation;
import dev.ember.device.Primitive;
import dev.ember.expr.HostInterpreter;
import dev.ember.expr.Program;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataType;

/**
 * The primitives as plain Java over Arrow buffers: the device when there is no GPU, and the reference
 * the CUDA kernels are checked against.
 */
public final class HostDevice implements Device {

    @Override
    public String name() {
        return "host";
    }

    @Override
    public FieldVector evaluate(Program program, List<FieldVector> inputs, int rowCount, BufferAllocator allocator) {
        requireNonNull(program, "program is null");
        requireNonNull(inputs, "inputs is null");
        requireNonNull(allocator, "allocator is null");
        return HostInterpreter.evaluate(program, inputs, rowCount, allocator);
    }

    @Override
    public List<FieldVector> evaluateAll(List<Program> programs, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator) {
        return HostInterpreter.evaluateAll(programs, inputs, rowCount, allocator);
    }

    @Override
    public IntVector selectTrue(BitVector flags, int rowCount, BufferAllocator allocator) {
        // reads the flags' buffers by address: the bounds are checked here, once
        requireNonNull(flags, "flags is null");
        requireNonNull(allocator, "allocator is null");
        if (rowCount < 0 || rowCount > flags.getValueCount()) {
            throw new IllegalArgumentException("rowCount " + rowCount + " is outside the flags' "
                    + flags.getValueCount() + " values");
        }
        IntVector positions = new IntVector("positions", allocator);
        try {
            // a row is selected when both its validity and its value bit are set: AND the two bitmaps a
            // 64-bit word at a time, count first so the output is allocated once at its exact size, then
            // write the positions of the set bits
            long validity = flags.getValidityBuffer().memoryAddress();
            long values = flags.getDataBuffer().memoryAddress();
            int words = rowCount >>> 6;
            int selected = 0;
            for (int word = 0; word < words; word++) {
                selected += Long.bitCount(trueBits(validity, values, word));
            }
            for (int row = words << 6; row < rowCount; row++) {
                selected += flags.isSet(row) != 0 && flags.get(row) != 0 ? 1 : 0;
            }
            positions.allocateNew(selected);
            long out = positions.getDataBuffer().memoryAddress();
            int next = 0;
            for (int word = 0; word < words; word++) {
                long bits = trueBits(validity, values, word);
                while (bits != 0) {
                    MemoryUtil.putInt(out + (long) next++ * Integer.BYTES,
                            (word << 6) + Long.numberOfTrailingZeros(bits));
                    bits &= bits - 1;
                }
            }
            for (int row = words << 6; row < rowCount; row++) {
                if (flags.isSet(row) != 0 && flags.get(row) != 0) {
                    positions.set(next++, row);
                }
            }
            // the data was written around the vector's accessors: mark every position valid in one go
            positions.getValidityBuffer().setOne(0, (int) ((selected + 7L) >>> 3));
            positions.setValueCount(selected);
            return positions;
        } catch (RuntimeException e) {
            positions.close();
            throw e;
        }
    }

    @Override
    public List<FieldVector> gather(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        requireNonNull(columns, "columns is null");
        requireNonNull(indices, "indices is null");
        requireNonNull(allocator, "allocator is null");
        return HostCopy.gather(columns, indices, allocator);
    }

    @Override
    public IntVector sortIndices(List<FieldVector> keys, List<SortKey> orders, int rowCount, int limit,
            BufferAllocator allocator) {
        return HostSort.sortIndices(keys, orders, rowCount, limit, allocator);
    }

    @Override
    public List<FieldVector> concatenate(List<List<FieldVector>> parts, List<FieldVector> template,
            BufferAllocator allocator) {
        requireNonNull(parts, "parts is null");
        requireNonNull(template, "template is null");
        requireNonNull(allocator, "allocator is null");
        return HostCopy.concatenate(parts, template, allocator);
    }

    @Override
    public List<FieldVector> gatherOrNull(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        requireNonNull(columns, "columns is null");
        requireNonNull(indices, "indices is null");
        requireNonNull(allocator, "allocator is null");
        return HostCopy.gatherOrNull(columns, indices, allocator);
    }

    @Override
    public JoinTable buildJoinTable(List<FieldVector> keys, int rowCount, BufferAllocator allocator) {
        return HostJoinTable.build(keys, rowCount);
    }

    @Override
    public JoinMatches probeJoinTable(JoinTable table, List<FieldVector> probeKeys, int startRow, int rowCount,
            int maxPairs, BufferAllocator allocator) {
        if (!(table instanceof HostJoinTable host)) {
            throw new IllegalArgumentException("the host device cannot probe a " + table.getClass().getSimpleName());
        }
        return host.probe(probeKeys, startRow, rowCount, maxPairs, allocator);
    }

    @Override
    public GroupBy newGroupBy(List<DataType> keyTypes, List<AggregateOperation> operations,
            BufferAllocator allocator) {
        return new HostGroupBy(keyTypes, operations, allocator);
    }

    @Override
    public IntVector hashPartition(List<FieldVector> keys, int rowCount, int partitionCount, int seed,
            BufferAllocator allocator) {
        return HostHashPartition.partitionIds(keys, rowCount, partitionCount, seed, allocator);
    }

    /** A stable counting sort of the ids ({@link HostHashPartition#positionsByPartition}). */
    @Override
    public List<IntVector> positionsByPartition(IntVector partitionIds, int partitionCount,
            BufferAllocator allocator) {
        return HostHashPartition.positionsByPartition(partitionIds, partitionCount, allocator);
    }

    /** {@link #positionsByPartition}, then one {@code gather} per partition. */
    @Override
    public List<List<FieldVector>> splitByPartition(List<FieldVector> columns, IntVector partitionIds,
            int partitionCount, BufferAllocator allocator) {
        requireNonNull(columns, "columns is null");
        List<List<FieldVector>> parts = new ArrayList<>(partitionCount);
        List<IntVector> positions = positionsByPartition(partitionIds, partitionCount, allocator);
        try {
            for (IntVector partition : positions) {
                parts.add(gather(columns, partition, allocator));
            }
            return parts;
        } catch (RuntimeException e) {
            parts.forEach(part -> part.forEach(FieldVector::close));
            throw e;
        } finally {
            positions.forEach(IntVector::close);
        }
    }

    @Override
    public IntVector keyChanges(List<FieldVector> keys, int rowCount, BufferAllocator allocator) {
        return HostWindow.keyChanges(keys, rowCount, allocator);
    }

    @Override
    public List<List<FieldVector>> window(IntVector partitionStarts, IntVector peerStarts,
            List<WindowOperation> operations, List<List<FieldVector>> inputs, int rowCount,
            BufferAllocator allocator) {
        return HostWindow.window(partitionStarts, peerStarts, operations, inputs, rowCount, allocator);
    }

    @Override
    public Implementation implementationOf(Primitive primitive) {
        requireNonNull(primitive, "primitive is null");
        return new Implementation(Implementation.Placement.HOST_DEVICE, "Java on the CPU");
    }

    @Override
    public void close() {
        // nothing to release: the host device holds no resources of its own
    }

    /** Word {@code word} (rows {@code 64 * word} to {@code 64 * word + 63}) of validity AND value bits. */
    private static long trueBits(long validity, long values, int word) {
        return MemoryUtil.getLong(validity + (long) word * Long.BYTES) & MemoryUtil.getLong(values + (long) word * Long.BYTES);
    }
}
