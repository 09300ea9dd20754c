package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.device.Implementation;
import dev.ember.device.Primitive;
import dev.ember.expr.Program;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataType;

/**
 * A {@link CudaDevice} whose {@code sortIndices} radix-sorts string keys on a prefix of another length (a few
 * bytes, so that the tie-break runs on the short strings of the random suites too); every other primitive
 * is the device's own. For tests: it shares the device and its launcher, and closing it closes nothing.
 */
public final class PrefixSortDevice implements Device {
    private final CudaDevice device;
    private final RadixSort sort;
    private final int prefix;

    private PrefixSortDevice(CudaDevice device, int prefix) {
        this.device = requireNonNull(device, "device is null");
        this.sort = device.radixSort(prefix);
        this.prefix = prefix;
    }

    /** {@code device} with string sort keys radix-sorted on their first {@code prefix} bytes. */
    public static PrefixSortDevice over(CudaDevice device, int prefix) {
        return new PrefixSortDevice(device, prefix);
    }

    /** How many of this device's sorts ran the tie-break (a string key longer than the prefix). */
    public long tieBreaks() {
        return sort.tieBreaks();
    }

    @Override
    public String name() {
        return device.name() + " with a " + prefix + "-byte string sort prefix";
    }

    @Override
    public IntVector sortIndices(List<FieldVector> keys, List<SortKey> orders, int rowCount, int limit,
            BufferAllocator allocator) {
        return sort.sortIndices(List.copyOf(keys), List.copyOf(orders), rowCount, limit, allocator);
    }

    @Override
    public FieldVector evaluate(Program program, List<FieldVector> inputs, int rowCount, BufferAllocator allocator) {
        return device.evaluate(program, inputs, rowCount, allocator);
    }

    @Override
    public List<FieldVector> evaluateAll(List<Program> programs, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator) {
        return device.evaluateAll(programs, inputs, rowCount, allocator);
    }

    @Override
    public IntVector selectTrue(BitVector flags, int rowCount, BufferAllocator allocator) {
        return device.selectTrue(flags, rowCount, allocator);
    }

    @Override
    public List<FieldVector> gather(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        return device.gather(columns, indices, allocator);
    }

    @Override
    public List<FieldVector> concatenate(List<List<FieldVector>> parts, List<FieldVector> template,
            BufferAllocator allocator) {
        return device.concatenate(parts, template, allocator);
    }

    @Override
    public List<FieldVector> gatherOrNull(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        return device.gatherOrNull(columns, indices, allocator);
    }

    @Override
    public JoinTable buildJoinTable(List<FieldVector> keys, int rowCount, BufferAllocator allocator) {
        return device.buildJoinTable(keys, rowCount, allocator);
    }

    @Override
    public JoinMatches probeJoinTable(JoinTable table, List<FieldVector> probeKeys, int startRow, int rowCount,
            int maxPairs, BufferAllocator allocator) {
        return device.probeJoinTable(table, probeKeys, startRow, rowCount, maxPairs, allocator);
    }

    @Override
    public GroupBy newGroupBy(List<DataType> keyTypes, List<AggregateOperation> operations,
            BufferAllocator allocator) {
        return device.newGroupBy(keyTypes, operations, allocator);
    }

    @Override
    public IntVector hashPartition(List<FieldVector> keys, int rowCount, int partitionCount, int seed,
            BufferAllocator allocator) {
        return device.hashPartition(keys, rowCount, partitionCount, seed, allocator);
    }

    @Override
    public List<IntVector> positionsByPartition(IntVector partitionIds, int partitionCount,
            BufferAllocator allocator) {
        return device.positionsByPartition(partitionIds, partitionCount, allocator);
    }

    @Override
    public List<List<FieldVector>> splitByPartition(List<FieldVector> columns, IntVector partitionIds,
            int partitionCount, BufferAllocator allocator) {
        return device.splitByPartition(columns, partitionIds, partitionCount, allocator);
    }

    @Override
    public IntVector keyChanges(List<FieldVector> keys, int rowCount, BufferAllocator allocator) {
        return device.keyChanges(keys, rowCount, allocator);
    }

    @Override
    public List<List<FieldVector>> window(IntVector partitionStarts, IntVector peerStarts,
            List<WindowOperation> operations, List<List<FieldVector>> inputs, int rowCount,
            BufferAllocator allocator) {
        return device.window(partitionStarts, peerStarts, operations, inputs, rowCount, allocator);
    }

    @Override
    public Implementation implementationOf(Primitive primitive) {
        return device.implementationOf(primitive);
    }

    /** Closes nothing: the device belongs to whoever opened it. */
    @Override
    public void close() {}
}
