package dev.ember.device.host;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.spark.sql.types.DataType;

/**
 * The group-by aggregate primitive on the host: a hash table from key to group id over key columns
 * that grow as new keys arrive, and one {@link HostAccumulator} per operation. One integral key column
 * (TPC-H's order and part keys) is looked up in {@link IntegralKeySlots}, which compares the key value in
 * its slot; other keys in {@link HostHashTable}, compared with the stored keys through {@link HostKeys}.
 *
 * <p>Groups are numbered in the order their keys first appear, and every accumulator folds the rows of
 * a call in row order, call after call, so order-sensitive operations ({@code FIRST}, {@code LAST}) see
 * the rows exactly in input order, as Spark's hash aggregation does.
 *
 * <p>Not thread-safe: one task uses it. {@link #keys} and {@link #state} hand the results over and are
 * called once each, after the last {@link #add}.
 */
public final class HostGroupBy implements Device.GroupBy {
    private final BufferAllocator allocator;
    private final List<FieldVector> storedKeys = new ArrayList<>();
    private final HostKeys stored;
    /** The general keys' table, or null when {@link #integralSlots} holds the key. */
    private final HostHashTable table;
    /**
     * One integral key column's slots (see {@link IntegralKeySlots}: the key compared in the slot, not in the
     * stored keys at a random group), or null for other keys; the null key's group is then {@link #nullGroup}.
     */
    private final IntegralKeySlots integralSlots;
    private int nullGroup = -1;
    private final List<HostAccumulator> accumulators = new ArrayList<>();
    private int groupCount;
    private int[] groupIds = new int[0];
    /** Scratch of {@link #assignGroups}: the rows' key hashes (null keys are a group like any other). */
    private long[] rowHashes = new long[0];
    private boolean[] rowNulls = new boolean[0];

    public HostGroupBy(List<DataType> keyTypes, List<Device.AggregateOperation> operations,
            BufferAllocator allocator) {
        this.allocator = requireNonNull(allocator, "allocator is null");
        requireNonNull(keyTypes, "keyTypes is null");
        requireNonNull(operations, "operations is null");
        try {
            for (int i = 0; i < keyTypes.size(); i++) {
                FieldVector vector = ArrowTypes.newVector("key" + i, keyTypes.get(i), allocator);
                storedKeys.add(vector);
                vector.setInitialCapacity(1024);
                vector.allocateNew();
            }
            for (Device.AggregateOperation operation : operations) {
                accumulators.add(HostAccumulator.create(operation, allocator));
            }
            this.stored = new HostKeys(storedKeys);
            this.integralSlots = storedKeys.size() == 1 && HostColumn.integralWidth(storedKeys.get(0)) != 0
                    ? new IntegralKeySlots(1, 4096) : null;
            this.table = integralSlots == null ? new HostHashTable(1024) : null;
            if (keyTypes.isEmpty()) {
                groupCount = 1;
                accumulators.forEach(accumulator -> accumulator.ensureGroups(1));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void add(List<FieldVector> keys, List<List<FieldVector>> inputs, int rowCount) {
        if (keys.size() != storedKeys.size() || inputs.size() != accumulators.size()) {
            throw new IllegalArgumentException("expected " + storedKeys.size() + " key columns and "
                    + accumulators.size() + " operation inputs, got " + keys.size() + " and " + inputs.size());
        }
        if (groupIds.length < rowCount) {
            groupIds = new int[rowCount];
        }
        if (!keys.isEmpty()) {
            assignGroups(keys, rowCount);
        }
        for (int i = 0; i < accumulators.size(); i++) {
            HostAccumulator accumulator = accumulators.get(i);
            accumulator.ensureGroups(groupCount);
            accumulator.add(inputs.get(i), groupIds, rowCount);
        }
    }

    private void assignGroups(List<FieldVector> keys, int rowCount) {
        if (integralSlots != null) {
            assignIntegralGroups(keys.get(0), rowCount);
            return;
        }
        HostKeys input = new HostKeys(keys);
        if (rowHashes.length < rowCount) {
            rowHashes = new long[rowCount];
            rowNulls = new boolean[rowCount];
        }
        input.hashRows(0, rowCount, rowHashes, rowNulls);
        HostHashTable.EntryMatcher sameKey = (group, row) -> stored.sameKey(group, input, row);
        for (int row = 0; row < rowCount; row++) {
            int group = table.findOrInsert(rowHashes[row], sameKey, row, groupCount);
            if (group == groupCount) {
                for (int c = 0; c < keys.size(); c++) {
                    storedKeys.get(c).copyFromSafe(row, group, keys.get(c));
                }
                groupCount++;
            }
            groupIds[row] = group;
        }
    }

    /** {@link #assignGroups} for one integral key column, its values read straight from the buffers. */
    private void assignIntegralGroups(FieldVector key, int rowCount) {
        int width = HostColumn.integralWidth(key);
        if (width == 0 || key.getValueCount() < rowCount) {
            throw new IllegalArgumentException("an integral group key cannot take " + rowCount + " rows of "
                    + key.getField().getType() + " with " + key.getValueCount() + " values");
        }
        long validity = key.getValidityBuffer().memoryAddress();
        long data = key.getDataBuffer().memoryAddress();
        FieldVector storedKey = storedKeys.get(0);
        for (int row = 0; row < rowCount; row++) {
            int group;
            if (HostColumn.bit(validity, row)) {
                group = integralSlots.findOrInsert(HostColumn.integralAt(data, width, row), 0, groupCount);
            } else {
                if (nullGroup < 0) {
                    nullGroup = groupCount;
                }
                group = nullGroup;
            }
            if (group == groupCount) {
                storedKey.copyFromSafe(row, group, key);
                groupCount++;
            }
            groupIds[row] = group;
        }
    }

    @Override
    public int groupCount() {
        return groupCount;
    }

    @Override
    public long heapBytes() {
        long bytes = (table == null ? integralSlots.bytes() : table.bytes())
                + (long) groupIds.length * Integer.BYTES
                + (long) rowHashes.length * (Long.BYTES + 1);
        for (HostAccumulator accumulator : accumulators) {
            bytes += accumulator.heapBytes();
        }
        return bytes;
    }

    @Override
    public List<FieldVector> keys(BufferAllocator target) {
        List<FieldVector> out = new ArrayList<>(storedKeys.size());
        for (FieldVector vector : storedKeys) {
            vector.setValueCount(groupCount);
            TransferPair transfer = vector.getTransferPair(target);
            transfer.transfer();
            out.add((FieldVector) transfer.getTo());
        }
        return out;
    }

    @Override
    public List<FieldVector> state(int operation, BufferAllocator target) {
        return accumulators.get(operation).state(groupCount, target);
    }

    @Override
    public void close() {
        storedKeys.forEach(FieldVector::close);
        accumulators.forEach(HostAccumulator::close);
    }
}
