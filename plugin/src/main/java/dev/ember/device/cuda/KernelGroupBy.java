package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;

/**
 * The group-by aggregate on the GPU (kernels of {@code group_by.cu}), equal to
 * {@code dev.ember.device.host.HostGroupBy} group for group: groups are numbered in the order their keys
 * first appear, and every operation folds each group's rows in input order (one thread per group walks its
 * rows after a stable sort of the batch by group id), so floating sums round as the host's do, ANSI long
 * overflow is found where the host finds it, and first/last see rows in order.
 *
 * <p>Covers fixed-width keys (boolean, integral, date, timestamp, floating, decimal), string keys (the default
 * UTF8_BINARY collation: equal when their bytes are; an empty string is not null), any mix of them, and every
 * operation over fixed-width values (stddev/variance moments too: three doubles per group), and min, max, first
 * and last over UTF8_BINARY strings (compared as unsigned bytes, then by length; each group's string kept in a
 * {@link GroupStringState} arena rebuilt after every batch); {@link #unsupportedReason} names what it does not
 * cover (collated strings), which the
 * caller runs on the host. All state is in buffers of the allocator
 * the grouping was created with (managed memory): {@link #heapBytes()} is 0. A string key column's stored keys
 * are the grouping's own arena (int32 offsets per group and the keys' bytes, Arrow's VarChar layout, a null
 * key stored empty), appended to as new keys arrive, because each batch is closed after its {@link #add}; it
 * holds at most 2^31 - 1 bytes of keys per column, as one Arrow VarChar vector does.
 *
 * <p>Not thread-safe: one task uses it. {@link #keys} and {@link #state} are called once each, after the
 * last {@link #add}.
 */
final class KernelGroupBy implements Device.GroupBy {

    private static final int INITIAL_GROUPS = 64;
    private static final long INITIAL_ARENA_BYTES = 1024;
    /** 64-bit words per column of a key or input table: kind, values, validity, offsets (group_by.cu). */
    /** Words per column of a key or input table (group_by.cu's KeyColumn: kind, values, validity, offsets). */
    static final int TABLE_WORDS = 4;
    /** The most groups the few-groups path folds (group_by.cu's kSharedGroups: a block's shared states). */
    private static final int SHARED_GROUPS = 256;
    /** The most blocks of the few-groups path: each writes a partial per group. */
    private static final int SHARED_BLOCKS = 128;

    private final KernelLauncher launcher;
    private final StreamCompaction compaction;
    private final RadixSort sort;
    private final BufferAllocator allocator;
    private final List<DataType> keyTypes;
    private final List<ColumnKind> keyKinds = new ArrayList<>();
    private final List<AggregateOperation> operations;
    private final List<ColumnKind> valueKinds = new ArrayList<>();

    private final List<ArrowBuf> keyValues = new ArrayList<>();
    private final List<ArrowBuf> keyValid = new ArrayList<>();
    /** Per key column: a string column's stored offsets (groupCapacity + 1 ints), null for fixed width. */
    private final List<ArrowBuf> keyOffsets = new ArrayList<>();
    /** Per key column: the bytes of a string column's arena in use (its keyValues buffer holds them). */
    private final long[] arenaUsed;
    private final List<ArrowBuf> stateValues = new ArrayList<>();
    private final List<ArrowBuf> stateFlags = new ArrayList<>();
    private final List<ArrowBuf> stateExtra = new ArrayList<>();
    /** Per operation: the strings of a min/max/first/last over strings (its stateValues is null), else null. */
    private final List<GroupStringState> stringStates = new ArrayList<>();
    private ArrowBuf groupHashes;
    private ArrowBuf storedKeyTable;
    private ArrowBuf slots;
    private ArrowBuf firstRows;
    private int tableCapacity;
    private int groupCapacity;
    private int groupCount;
    private int sharedFolds;

    /** Why the kernels cannot run this grouping (the caller then uses the host's), or empty. */
    static Optional<String> unsupportedReason(List<DataType> keyTypes, List<AggregateOperation> operations) {
        for (DataType type : keyTypes) {
            if (keyKindOf(type) == null) {
                return Optional.of("group key of type " + type.simpleString() + " (the group-by kernels take"
                        + " fixed-width and UTF8_BINARY string keys only)");
            }
        }
        for (AggregateOperation operation : operations) {
            switch (operation.kind()) {
                case MIN, MAX, FIRST, FIRST_IGNORE_NULLS, LAST, LAST_IGNORE_NULLS -> {
                    if (FoldStates.foldedKind(operation.type()) == null) {
                        return Optional.of(operation.kind() + " over " + operation.type().simpleString()
                                + " (the group-by kernels fold fixed-width values and UTF8_BINARY strings only)");
                    }
                }
                case SUM_LONG, SUM_DOUBLE, SUM_DECIMAL, COUNT, MOMENTS -> {
                    // fixed-width by contract (moments: doubles, folded in row order like the floating sums)
                }
            }
        }
        return Optional.empty();
    }

    KernelGroupBy(KernelLauncher launcher, StreamCompaction compaction, RadixSort sort, List<DataType> keyTypes,
            List<AggregateOperation> operations, BufferAllocator allocator) {
        this.launcher = requireNonNull(launcher, "launcher is null");
        this.compaction = requireNonNull(compaction, "compaction is null");
        this.sort = requireNonNull(sort, "sort is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.keyTypes = List.copyOf(keyTypes);
        this.operations = List.copyOf(operations);
        for (DataType type : this.keyTypes) {
            keyKinds.add(requireNonNull(keyKindOf(type), "unsupported key type"));
        }
        this.arenaUsed = new long[this.keyTypes.size()];
        for (AggregateOperation operation : this.operations) {
            valueKinds.add(requireNonNull(FoldStates.groupValueKind(operation), "unsupported value type"));
            FoldStates.checkOperation(operation);
        }
        launcher.enter();
        try {
            for (int op = 0; op < this.operations.size(); op++) {
                stringStates.add(valueKinds.get(op) == ColumnKind.STRING
                        ? new GroupStringState(launcher, allocator, this.operations.get(op)) : null);
            }
            storedKeyTable = allocator.buffer(Math.max(1, keyKinds.size()) * (long) TABLE_WORDS * Long.BYTES);
            growGroups(INITIAL_GROUPS);
            if (keyKinds.isEmpty()) {
                groupCount = 1;
            }
            launcher.synchronize("creating a group-by");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The kind of a key type: fixed-width or a UTF8_BINARY string; null for a type no group-by kernel keys by. */
    private static ColumnKind keyKindOf(DataType type) {
        if (type instanceof StringType) {
            // collated strings compare by collation, not by bytes (and Ember's columnar path refuses them)
            return ArrowTypes.isSupported(type) ? ColumnKind.STRING : null;
        }
        return FoldStates.fixedWidthKind(type);
    }

    /** The kind of an input vector, or -1 for a vector whose values no kernel reads. */
    private static int inputKind(FieldVector vector) {
        ColumnKind kind = ColumnKind.of(vector);
        return kind == null ? -1 : kind.ordinal();
    }

    @Override
    public void add(List<FieldVector> keys, List<List<FieldVector>> inputs, int rowCount) {
        if (keys.size() != keyKinds.size() || inputs.size() != operations.size()) {
            throw new IllegalArgumentException("expected " + keyKinds.size() + " key columns and "
                    + operations.size() + " operation inputs, got " + keys.size() + " and " + inputs.size());
        }
        if (rowCount == 0) {
            return;
        }
        launcher.enter();
        List<AutoCloseable> scratch = new ArrayList<>();
        try {
            ArrowBuf inputKeyTable = track(scratch, allocator.buffer(
                    Math.max(1, keys.size()) * (long) TABLE_WORDS * Long.BYTES));
            for (int k = 0; k < keys.size(); k++) {
                FieldVector key = keys.get(k);
                if (inputKind(key) != keyKinds.get(k).ordinal()) {
                    throw new IllegalArgumentException("key column " + k + " is " + key.getField().getType()
                            + ", not of the grouping's key type " + keyTypes.get(k).simpleString());
                }
                describe(inputKeyTable, k, "key column " + k, key, rowCount, false);
            }
            IntVector groupIds = track(scratch, new IntVector("groups", allocator));
            groupIds.allocateNew(rowCount);
            long ids = groupIds.getDataBuffer().memoryAddress();
            launcher.requireManaged("the row groups", ids, rowCount * 4L);
            launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((rowCount + 7L) / 8), new KernelArguments()
                    .address("bitmap", groupIds.getValidityBuffer().memoryAddress()).integer("count", rowCount));
            if (keys.isEmpty()) {
                launcher.launch(Kernel.GROUP_BY_FILL_INTS, launcher.blocksFor(rowCount), new KernelArguments()
                        .address("target", ids).integer("count", rowCount).integer("value", 0));
            } else {
                assignGroups(inputKeyTable, keys.size(), rowCount, ids, scratch);
            }
            groupIds.setValueCount(rowCount);
            fold(inputs, groupIds, rowCount, scratch);
        } finally {
            for (int i = scratch.size() - 1; i >= 0; i--) {
                try {
                    scratch.get(i).close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing group-by scratch", e);
                }
            }
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> scratch, T resource) {
        scratch.add(resource);
        return resource;
    }

    /**
     * Writes column {@code index}'s kind and values, validity and (strings) offsets addresses into a key or input
     * table; {@code anyKind}: a column of a kind no kernel reads is described by its validity alone.
     */
    private void describe(ArrowBuf table, int index, String name, FieldVector vector, int rowCount, boolean anyKind) {
        describeColumn(launcher, table, index, name, vector, rowCount, anyKind);
    }

    /**
     * Writes column {@code index} of a key or input table (see {@link #TABLE_WORDS}): its kind and buffer
     * addresses, checked to be managed memory and prefetched; {@code anyKind} (COUNT's inputs) lets a column
     * whose values no kernel reads be described by its validity alone.
     */
    static void describeColumn(KernelLauncher launcher, ArrowBuf table, int index, String name, FieldVector vector,
            int rowCount, boolean anyKind) {
        // COUNT (anyKind) reads only validity: a string input's offsets and bytes need not reach the device
        int kind = anyKind && inputKind(vector) == ColumnKind.STRING.ordinal() ? -1 : inputKind(vector);
        long validity = vector.getValidityBuffer().memoryAddress();
        launcher.requireManaged(name + " validity", validity, (rowCount + 7L) / 8);
        launcher.prefetchToDevice(validity, (rowCount + 7L) / 8);
        long values = validity;
        long offsets = 0;
        if (kind == ColumnKind.STRING.ordinal()) {
            offsets = vector.getOffsetBuffer().memoryAddress();
            launcher.requireManaged(name + " offsets", offsets, (rowCount + 1L) * Integer.BYTES);
            launcher.prefetchToDevice(offsets, (rowCount + 1L) * Integer.BYTES);
            values = vector.getDataBuffer().memoryAddress();
            long bytes = vector.getOffsetBuffer().getInt((long) rowCount * Integer.BYTES);
            launcher.requireManaged(name + " bytes", values, bytes);
            launcher.prefetchToDevice(values, bytes);
        } else if (kind >= 0) {
            values = vector.getDataBuffer().memoryAddress();
            long bytes = ColumnKind.values()[kind].valueBytes(rowCount);
            launcher.requireManaged(name + " values", values, bytes);
            launcher.prefetchToDevice(values, bytes);
        } else if (!anyKind) {
            throw new IllegalArgumentException(name + " of Arrow type " + vector.getField().getType()
                    + " is not a column the group-by kernels read");
        }
        setColumn(table, index, kind, values, validity, offsets);
    }

    private static void setColumn(ArrowBuf table, int index, long kind, long values, long validity, long offsets) {
        long at = (long) index * TABLE_WORDS * Long.BYTES;
        table.setLong(at, kind);
        table.setLong(at + Long.BYTES, values);
        table.setLong(at + 2L * Long.BYTES, validity);
        table.setLong(at + 3L * Long.BYTES, offsets);
    }

    private void assignGroups(ArrowBuf inputKeyTable, int keyCount, int rowCount, long ids, List<AutoCloseable> scratch) {
        ensureTable((long) groupCount + rowCount);
        ArrowBuf hashes = track(scratch, allocator.buffer(rowCount * 8L));
        ArrowBuf rowSlots = track(scratch, allocator.buffer(rowCount * 4L));
        launcher.requireManaged("the row hashes", hashes.memoryAddress(), rowCount * 8L);
        launcher.requireManaged("the row slots", rowSlots.memoryAddress(), rowCount * 4L);
        int blocks = launcher.blocksFor(rowCount);
        launcher.launch(Kernel.GROUP_BY_HASH_ROWS, blocks, new KernelArguments()
                .address("keys", inputKeyTable.memoryAddress()).integer("keyCount", keyCount)
                .integer("count", rowCount).address("hashes", hashes.memoryAddress()));
        launcher.launch(Kernel.GROUP_BY_INSERT, blocks, new KernelArguments()
                .address("keys", inputKeyTable.memoryAddress()).address("storedKeys", storedKeyTable.memoryAddress())
                .integer("keyCount", keyCount).integer("count", rowCount).address("hashes", hashes.memoryAddress())
                .address("slots", slots.memoryAddress()).integer("mask", tableCapacity - 1)
                .address("rowSlots", rowSlots.memoryAddress()));
        launcher.launch(Kernel.GROUP_BY_FIRST_ROWS, blocks, new KernelArguments().integer("count", rowCount)
                .address("slots", slots.memoryAddress()).address("rowSlots", rowSlots.memoryAddress())
                .address("firstRows", firstRows.memoryAddress()));
        BitVector newFlags = track(scratch, new BitVector("new", allocator));
        newFlags.allocateNew(rowCount);
        launcher.requireManaged("the new-key flags", newFlags.getDataBuffer().memoryAddress(), (rowCount + 7L) / 8);
        launcher.launch(Kernel.GROUP_BY_NEW_FLAGS, launcher.blocksFor((rowCount + 7L) / 8), new KernelArguments()
                .integer("count", rowCount).address("slots", slots.memoryAddress())
                .address("rowSlots", rowSlots.memoryAddress()).address("firstRows", firstRows.memoryAddress())
                .address("flags", newFlags.getDataBuffer().memoryAddress()));
        launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((rowCount + 7L) / 8), new KernelArguments()
                .address("bitmap", newFlags.getValidityBuffer().memoryAddress()).integer("count", rowCount));
        newFlags.setValueCount(rowCount);
        IntVector newRows = track(scratch, compaction.selectTrue(newFlags, rowCount, allocator));
        int newCount = newRows.getValueCount();
        if (newCount > 0) {
            growGroups((long) groupCount + newCount);
            launcher.launch(Kernel.GROUP_BY_NUMBER_NEW, launcher.blocksFor(newCount), new KernelArguments()
                    .address("newRows", newRows.getDataBuffer().memoryAddress()).integer("newCount", newCount)
                    .integer("base", groupCount).address("rowSlots", rowSlots.memoryAddress())
                    .address("slots", slots.memoryAddress()).address("firstRows", firstRows.memoryAddress())
                    .address("hashes", hashes.memoryAddress()).address("groupHashes", groupHashes.memoryAddress())
                    .address("keys", inputKeyTable.memoryAddress())
                    .address("storedKeys", storedKeyTable.memoryAddress()).integer("keyCount", keyCount));
            for (int k = 0; k < keyCount; k++) {
                if (keyKinds.get(k) == ColumnKind.STRING) {
                    storeNewStrings(k, inputKeyTable, newRows, newCount, scratch);
                }
            }
        }
        launcher.launch(Kernel.GROUP_BY_ROW_GROUPS, blocks, new KernelArguments().integer("count", rowCount)
                .address("slots", slots.memoryAddress()).address("rowSlots", rowSlots.memoryAddress())
                .address("groupIds", ids));
        groupCount += newCount;
    }

    /**
     * Appends the string keys of the batch's new groups ({@code groupCount} on, first seen at {@code newRows}) to
     * key column {@code k}'s arena: their lengths, scanned into starts, size the arena, then one thread per new
     * key copies its bytes and writes its end offset.
     */
    private void storeNewStrings(int k, ArrowBuf inputKeyTable, IntVector newRows, int newCount,
            List<AutoCloseable> scratch) {
        ArrowBuf starts = track(scratch, allocator.buffer((newCount + 1L) * Long.BYTES));
        launcher.requireManaged("the new string keys' starts", starts.memoryAddress(), starts.capacity());
        long rows = newRows.getDataBuffer().memoryAddress();
        launcher.launch(Kernel.GROUP_BY_NEW_STRING_LENGTHS, launcher.blocksFor(newCount), new KernelArguments()
                .address("newRows", rows).integer("newCount", newCount).address("keys", inputKeyTable.memoryAddress())
                .integer("column", k).address("lengths", starts.memoryAddress()));
        launcher.launch(Kernel.EXCLUSIVE_SCAN_TILE_TOTALS, 1, new KernelArguments()
                .address("values", starts.memoryAddress()).integer("count", newCount));
        launcher.synchronize("sizing " + newCount + " new string group keys");
        long added = starts.getLong((long) newCount * Long.BYTES);
        long used = arenaUsed[k];
        if (used + added > Integer.MAX_VALUE) {
            throw new IllegalStateException("the string group keys of column " + k + " take " + (used + added)
                    + " bytes, more than one Arrow string vector holds (2^31 - 1)");
        }
        ArrowBuf arena = keyValues.get(k);
        if (used + added > arena.capacity()) {
            long capacity = Math.min(Integer.MAX_VALUE, Math.max(used + added, 2 * arena.capacity()));
            keyValues.set(k, grownBytes(arena, used, capacity));
            describeStoredKey(k);
        }
        launcher.launch(Kernel.GROUP_BY_STORE_NEW_STRINGS, launcher.blocksFor(newCount), new KernelArguments()
                .address("newRows", rows).integer("newCount", newCount).address("keys", inputKeyTable.memoryAddress())
                .address("storedKeys", storedKeyTable.memoryAddress()).integer("column", k)
                .integer("base", groupCount).integer("used", (int) used).address("starts", starts.memoryAddress()));
        arenaUsed[k] = used + added;
    }

    private void fold(List<List<FieldVector>> inputs, IntVector groupIds, int rowCount, List<AutoCloseable> scratch) {
        if (groupCount <= SHARED_GROUPS && operations.stream().allMatch(KernelGroupBy::orderFree)) {
            foldFewGroups(inputs, groupIds, rowCount, scratch);
            return;
        }
        // each group's rows contiguous, in input order
        IntVector positions = track(scratch, sort.sortIndices(List.of(groupIds),
                List.of(new Device.SortKey(true, true)), rowCount, -1, allocator));
        BitVector segmentFlags = track(scratch, new BitVector("segments", allocator));
        segmentFlags.allocateNew(rowCount);
        launcher.launch(Kernel.GROUP_BY_SEGMENT_FLAGS, launcher.blocksFor((rowCount + 7L) / 8), new KernelArguments()
                .integer("count", rowCount).address("positions", positions.getDataBuffer().memoryAddress())
                .address("groupIds", groupIds.getDataBuffer().memoryAddress())
                .address("flags", segmentFlags.getDataBuffer().memoryAddress()));
        launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((rowCount + 7L) / 8), new KernelArguments()
                .address("bitmap", segmentFlags.getValidityBuffer().memoryAddress()).integer("count", rowCount));
        segmentFlags.setValueCount(rowCount);
        IntVector starts = track(scratch, compaction.selectTrue(segmentFlags, rowCount, allocator));
        int segments = starts.getValueCount();
        ArrowBuf error = track(scratch, allocator.buffer(Integer.BYTES));
        error.setInt(0, 0);
        launcher.requireManaged("the overflow flag", error.memoryAddress(), Integer.BYTES);
        for (int op = 0; op < operations.size(); op++) {
            AggregateOperation operation = operations.get(op);
            List<FieldVector> opInputs = inputs.get(op);
            ArrowBuf table = track(scratch, inputTable(operation, opInputs, rowCount));
            ArrowBuf constants = track(scratch, FoldStates.constants(operation, valueKinds.get(op), allocator));
            if (stringStates.get(op) != null) {
                stringStates.get(op).fold(table, opInputs.size(), constants, positions.getDataBuffer().memoryAddress(),
                        groupIds.getDataBuffer().memoryAddress(), starts.getDataBuffer().memoryAddress(), segments,
                        rowCount, stateFlags.get(op), stateExtra.get(op), groupCount);
                continue;
            }
            launcher.launch(Kernel.GROUP_BY_FOLD, launcher.blocksFor(segments), new KernelArguments()
                    .integer("operation", operation.kind().ordinal()).address("inputs", table.memoryAddress())
                    .integer("inputCount", opInputs.size()).address("constants", constants.memoryAddress())
                    .address("positions", positions.getDataBuffer().memoryAddress())
                    .address("groupIds", groupIds.getDataBuffer().memoryAddress())
                    .address("starts", starts.getDataBuffer().memoryAddress()).integer("segments", segments)
                    .integer("count", rowCount).address("values", stateValues.get(op).memoryAddress())
                    .address("flags", stateFlags.get(op).memoryAddress())
                    .address("extra", stateExtra.get(op).memoryAddress()).address("error", error.memoryAddress()));
        }
        launcher.synchronize("folding " + rowCount + " rows into " + groupCount + " groups");
        if (error.getInt(0) != 0) {
            throw new ArithmeticException("long overflow");  // Math.addExact's message, as the host throws
        }
    }

    /** The input table of one operation's inputs (see {@link #TABLE_WORDS}), owned by the caller. */
    private ArrowBuf inputTable(AggregateOperation operation, List<FieldVector> opInputs, int rowCount) {
        ArrowBuf table = allocator.buffer(Math.max(1, opInputs.size()) * (long) TABLE_WORDS * Long.BYTES);
        try {
            for (int i = 0; i < opInputs.size(); i++) {
                FieldVector input = opInputs.get(i);
                if (input.getValueCount() < rowCount) {
                    throw new IllegalArgumentException("an aggregation input holds " + input.getValueCount()
                            + " values, fewer than the " + rowCount + " rows added");
                }
                describe(table, i, operation.kind() + " input " + i, input, rowCount,
                        operation.kind() == AggregateOperation.Kind.COUNT);
            }
            return table;
        } catch (RuntimeException e) {
            table.close();
            throw e;
        }
    }

    /**
     * Whether an operation's state is the same in any row order, so the few-groups path may fold it: counts,
     * sums of integers without ANSI's overflow check (they wrap modulo 2^64, as the host's do) and min/max of
     * booleans and integers (equal values are equal bits). Floating and decimal sums round or overflow by
     * order, ANSI sums fail at the first overflowing row, first/last pick by order: they keep the ordered fold.
     */
    private static boolean orderFree(AggregateOperation operation) {
        return switch (operation.kind()) {
            case COUNT -> true;
            case SUM_LONG -> !operation.ansi();
            case MIN, MAX -> {
                ColumnKind kind = FoldStates.valueKind(operation);
                yield kind == ColumnKind.BOOLEAN || kind == ColumnKind.BYTE || kind == ColumnKind.SHORT
                        || kind == ColumnKind.INT || kind == ColumnKind.LONG;
            }
            default -> false;
        };
    }

    /**
     * The few-groups path (at most {@link #SHARED_GROUPS} groups, order-free operations): per operation,
     * each block folds its rows into shared-memory states with atomics, then one thread per group folds the
     * blocks' partials into the group's state; no sort by group id.
     */
    private void foldFewGroups(List<List<FieldVector>> inputs, IntVector groupIds, int rowCount,
            List<AutoCloseable> scratch) {
        int blocks = Math.min(launcher.blocksFor(rowCount), SHARED_BLOCKS);
        ArrowBuf partials = track(scratch, allocator.buffer((long) blocks * groupCount * Long.BYTES));
        ArrowBuf partialFlags = track(scratch, allocator.buffer(Math.max(8, (long) blocks * groupCount)));
        launcher.requireManaged("the partial states", partials.memoryAddress(), (long) blocks * groupCount * Long.BYTES);
        launcher.requireManaged("the partial flags", partialFlags.memoryAddress(), (long) blocks * groupCount);
        for (int op = 0; op < operations.size(); op++) {
            AggregateOperation operation = operations.get(op);
            ArrowBuf table = track(scratch, inputTable(operation, inputs.get(op), rowCount));
            ArrowBuf constants = track(scratch, FoldStates.constants(operation, valueKinds.get(op), allocator));
            launcher.launch(Kernel.GROUP_BY_SHARED_PARTIALS, blocks, new KernelArguments()
                    .integer("operation", operation.kind().ordinal()).address("inputs", table.memoryAddress())
                    .integer("inputCount", inputs.get(op).size()).address("constants", constants.memoryAddress())
                    .address("groupIds", groupIds.getDataBuffer().memoryAddress()).integer("count", rowCount)
                    .integer("groups", groupCount).address("partials", partials.memoryAddress())
                    .address("partialFlags", partialFlags.memoryAddress()));
            launcher.launch(Kernel.GROUP_BY_MERGE_PARTIALS, launcher.blocksFor(groupCount), new KernelArguments()
                    .integer("operation", operation.kind().ordinal()).address("constants", constants.memoryAddress())
                    .address("partials", partials.memoryAddress()).address("partialFlags", partialFlags.memoryAddress())
                    .integer("blocks", blocks).integer("groups", groupCount)
                    .address("values", stateValues.get(op).memoryAddress())
                    .address("flags", stateFlags.get(op).memoryAddress())
                    .address("extra", stateExtra.get(op).memoryAddress()));
        }
        launcher.synchronize("folding " + rowCount + " rows into " + groupCount + " groups in shared memory");
        sharedFolds++;
    }

    /** How many {@link #add} calls took the few-groups path (for tests). */
    int sharedFolds() {
        return sharedFolds;
    }

    /** Makes the hash table hold {@code entries} keys at a load of at most one half. */
    private void ensureTable(long entries) {
        if (entries * 2 <= tableCapacity) {
            return;
        }
        long capacity = Long.highestOneBit(Math.max(1024, entries * 2 - 1)) << 1;
        if (capacity > 1 << 30) {
            throw new IllegalStateException("the group-by hash table cannot hold " + entries + " keys");
        }
        ArrowBuf newSlots = allocator.buffer(capacity * Long.BYTES);
        ArrowBuf newFirstRows;
        try {
            newFirstRows = allocator.buffer(capacity * Integer.BYTES);
        } catch (RuntimeException e) {
            newSlots.close();
            throw e;
        }
        if (slots != null) {
            slots.close();
            firstRows.close();
        }
        slots = newSlots;
        firstRows = newFirstRows;
        tableCapacity = (int) capacity;
        launcher.requireManaged("the group-by slots", slots.memoryAddress(), capacity * Long.BYTES);
        launcher.requireManaged("the group-by first rows", firstRows.memoryAddress(), capacity * Integer.BYTES);
        launcher.launch(Kernel.GROUP_BY_FILL_LONGS, launcher.blocksFor(capacity), new KernelArguments()
                .address("target", slots.memoryAddress()).integer("count", tableCapacity).integer("value", -1));
        launcher.launch(Kernel.GROUP_BY_FILL_INTS, launcher.blocksFor(capacity), new KernelArguments()
                .address("target", firstRows.memoryAddress()).integer("count", tableCapacity)
                .integer("value", Integer.MAX_VALUE));
        if (groupCount > 0 && !keyKinds.isEmpty()) {
            launcher.launch(Kernel.GROUP_BY_REHASH, launcher.blocksFor(groupCount), new KernelArguments()
                    .address("groupHashes", groupHashes.memoryAddress()).integer("groupCount", groupCount)
                    .address("slots", slots.memoryAddress()).integer("mask", tableCapacity - 1));
        }
    }

    /** Makes the per-group arrays hold {@code groups} groups, new ones zeroed. */
    private void growGroups(long groups) {
        if (groups <= groupCapacity) {
            return;
        }
        if (groups > Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("a group-by cannot hold " + groups + " groups");
        }
        int capacity = (int) Math.max(groups, Math.max(INITIAL_GROUPS, 2L * groupCapacity));
        groupHashes = grown(groupHashes, 8, capacity);
        for (int k = 0; k < keyKinds.size(); k++) {
            if (keyValues.size() <= k) {
                keyValues.add(null);
                keyValid.add(null);
                keyOffsets.add(null);
            }
            if (keyKinds.get(k) == ColumnKind.STRING) {
                // the arena grows by its bytes (storeNewStrings); the offsets by the groups, one more than they
                if (keyValues.get(k) == null) {
                    keyValues.set(k, grownBytes(null, 0, INITIAL_ARENA_BYTES));
                }
                ArrowBuf offsets = keyOffsets.get(k);
                keyOffsets.set(k, grownBytes(offsets, offsets == null ? 0 : (groupCapacity + 1L) * Integer.BYTES,
                        (capacity + 1L) * Integer.BYTES));
            } else {
                keyValues.set(k, grown(keyValues.get(k), keyKinds.get(k).width, capacity));
            }
            keyValid.set(k, grown(keyValid.get(k), 1, capacity));
            describeStoredKey(k);
        }
        for (int op = 0; op < operations.size(); op++) {
            if (stateValues.size() <= op) {
                stateValues.add(null);
                stateFlags.add(null);
                stateExtra.add(null);
            }
            if (valueKinds.get(op) != ColumnKind.STRING) {
                // a string state's values are its GroupStringState's arena, rebuilt whole by each fold
                stateValues.set(op, grown(stateValues.get(op), FoldStates.stateWidth(operations.get(op),
                        valueKinds.get(op)), capacity));
            }
            stateFlags.set(op, grown(stateFlags.get(op), 1, capacity));
            stateExtra.set(op, grown(stateExtra.get(op), 1, capacity));
        }
        groupCapacity = capacity;
    }

    /** Points the stored key table's column {@code k} at its current buffers. */
    private void describeStoredKey(int k) {
        ArrowBuf offsets = keyOffsets.get(k);
        setColumn(storedKeyTable, k, keyKinds.get(k).ordinal(), keyValues.get(k).memoryAddress(),
                keyValid.get(k).memoryAddress(), offsets == null ? 0 : offsets.memoryAddress());
    }

    /** A zeroed buffer of {@code capacity} elements of {@code width} bytes holding {@code old}'s groups. */
    private ArrowBuf grown(ArrowBuf old, int width, int capacity) {
        return grownBytes(old, old == null ? 0 : (long) groupCapacity * width, (long) capacity * width);
    }

    /**
     * A zeroed buffer of at least {@code minimumBytes} (rounded up to 8) holding the first {@code oldBytes} of
     * {@code old}, which it closes; {@code old} may be null.
     */
    private ArrowBuf grownBytes(ArrowBuf old, long oldBytes, long minimumBytes) {
        long bytes = (minimumBytes + 7) & ~7L;
        ArrowBuf buffer = allocator.buffer(bytes);
        try {
            launcher.requireManaged("group-by state", buffer.memoryAddress(), bytes);
            launcher.launch(Kernel.GROUP_BY_FILL_LONGS, launcher.blocksFor(bytes / 8), new KernelArguments()
                    .address("target", buffer.memoryAddress()).integer("count", (int) (bytes / 8)).integer("value", 0));
            if (old != null) {
                if (oldBytes > 0) {
                    launcher.launch(Kernel.CONCATENATE_FIXED_1, launcher.blocksFor(oldBytes), new KernelArguments()
                            .address("source", old.memoryAddress()).integer("count", (int) oldBytes)
                            .address("target", buffer.memoryAddress()));
                }
                // the copy must finish before the old buffer goes back to the pool
                launcher.synchronize("growing the group-by state");
                old.close();
            }
            return buffer;
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
    }

    @Override
    public int groupCount() {
        return groupCount;
    }

    @Override
    public long heapBytes() {
        return 0;
    }

    @Override
    public List<FieldVector> keys(BufferAllocator target) {
        List<FieldVector> out = new ArrayList<>(keyKinds.size());
        try {
            for (int k = 0; k < keyKinds.size(); k++) {
                FieldVector vector = ArrowTypes.newVector("key" + k, keyTypes.get(k), target);
                out.add(vector);
                if (keyKinds.get(k) == ColumnKind.STRING) {
                    FoldStates.fillStrings(launcher, (BaseVariableWidthVector) vector, keyOffsets.get(k),
                            keyValues.get(k), arenaUsed[k], keyValid.get(k), groupCount);
                } else {
                    FoldStates.fill(launcher, vector, keyKinds.get(k), keyValues.get(k), keyValid.get(k), false, groupCount);
                }
            }
            launcher.synchronize("copying out " + groupCount + " group keys");
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }

    @Override
    public List<FieldVector> state(int operation, BufferAllocator target) {
        GroupStringState strings = stringStates.get(operation);
        List<FieldVector> out = strings != null
                ? strings.columns(stateFlags.get(operation), stateExtra.get(operation), groupCount, target)
                : FoldStates.columns(launcher, operations.get(operation), valueKinds.get(operation),
                stateValues.get(operation), stateFlags.get(operation), stateExtra.get(operation), groupCount, target);
        try {
            launcher.synchronize("copying out the state of " + groupCount + " groups");
            return out;
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }

    @Override
    public void close() {
        List<ArrowBuf> all = new ArrayList<>();
        all.addAll(keyValues);
        all.addAll(keyValid);
        all.addAll(keyOffsets);
        all.addAll(stateValues);
        all.addAll(stateFlags);
        all.addAll(stateExtra);
        all.add(groupHashes);
        all.add(storedKeyTable);
        all.add(slots);
        all.add(firstRows);
        for (ArrowBuf buffer : all) {
            if (buffer != null) {
                buffer.close();
            }
        }
        for (GroupStringState strings : stringStates) {
            if (strings != null) {
                strings.close();
            }
        }
        stringStates.clear();
        keyValues.clear();
        keyValid.clear();
        keyOffsets.clear();
        stateValues.clear();
        stateFlags.clear();
        stateExtra.clear();
        groupHashes = null;
        storedKeyTable = null;
        slots = null;
        firstRows = null;
    }
}
