package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.device.DeviceActivity;
import dev.ember.device.Implementation;
import dev.ember.device.Implementation.Placement;
import dev.ember.device.Primitive;
import dev.ember.device.host.HostDevice;
import dev.ember.expr.Program;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataType;

/**
 * The primitives as CUDA kernels, launched through JCuda's driver API on a real GPU or on Ember's
 * CUDA driver emulator.
 *
 * <p>Inputs and outputs are Arrow buffers in CUDA managed memory (see {@link ManagedMemoryFactory});
 * every launch checks that its buffers are. {@link #evaluate} runs a program in one launch of the
 * expression interpreter kernel when the kernel covers every instruction
 * ({@link ExpressionProgramEncoder#COVERED_OPCODES}); other programs run on the host interpreter
 * on the CPU over the same unified-memory buffers (no copy, no row transition), counted by
 * {@link #hostExpressionEvaluations()} and logged at debug level with the reason.
 *
 * <p>Every primitive of {@link Device} is implemented here. Those without a kernel yet run through the
 * {@link HostDevice} this device holds, over the same unified-memory buffers: {@link #HOST_REASONS}
 * names why per primitive, {@link #implementationOf} tells explain output, and each such call is
 * reported to the current {@link dev.ember.device.DeviceActivitySink} (a SQL metric of the operator)
 * and counted per primitive ({@link #hostCalls()}). Nothing runs on the host silently.
 *
 * <p>Thread-safe: each calling thread (Spark task) gets its own CUDA stream. Created by
 * {@link CudaDevices#open}; {@link #close()} releases streams, modules, cached managed memory and
 * the context.
 */
public final class CudaDevice implements Device {

    /**
     * Why a primitive runs on the host on this device; one entry per primitive that has no kernel (yet),
     * and only those. Shown in explain output.
     */
    static final Map<Primitive, String> HOST_REASONS = hostReasons();

    private static Map<Primitive, String> hostReasons() {
        Map<Primitive, String> reasons = new EnumMap<>(Primitive.class);
        // a primitive added without kernels gets its reason here
        return Map.copyOf(reasons);
    }

    private final HostDevice host = new HostDevice();
    private final Map<Primitive, AtomicLong> hostCalls = new EnumMap<>(Primitive.class);

    private final CudaContext context;
    private final ManagedMemoryPool memoryPool;
    private final KernelModules modules;
    private final KernelLauncher launcher;
    private final StreamCompaction compaction;
    private final ColumnGather gather;
    private final HashPartition hashPartition;
    private final HashJoin hashJoin;
    private final ColumnConcatenate concatenate;
    private final RadixSort sort;
    private final KernelWindow windows;
    private final ExpressionKernel expressions;
    private final String name;

    CudaDevice(CudaContext context, KernelModules modules, ManagedMemoryPool memoryPool, int maxBlocksPerGrid,
            boolean emulator) {
        this.context = requireNonNull(context, "context is null");
        this.memoryPool = requireNonNull(memoryPool, "memoryPool is null");
        this.modules = requireNonNull(modules, "modules is null");
        this.launcher = new KernelLauncher(context, modules, maxBlocksPerGrid);
        this.compaction = new StreamCompaction(launcher);
        this.gather = new ColumnGather(launcher);
        this.hashPartition = new HashPartition(launcher);
        this.hashJoin = new HashJoin(launcher);
        this.concatenate = new ColumnConcatenate(launcher);
        this.sort = new RadixSort(launcher, compaction);
        this.windows = new KernelWindow(launcher, compaction);
        this.expressions = new ExpressionKernel(launcher, host);
        for (Primitive primitive : Primitive.values()) {
            hostCalls.put(primitive, new AtomicLong());
        }
        this.name = (emulator ? "emulator" : "cuda") + ":" + context.ordinal() + " (" + context.deviceName()
                + ", sm_" + context.computeCapability() + ", " + modules.imageKind()
                + " kernels; expressions: interpreter kernel for boolean, integral, floating, decimal, date, "
                + "timestamp and string programs, the host interpreter over unified memory for the rest"
                + (HOST_REASONS.isEmpty() ? "" : "; on the host: " + String.join(", ", HOST_REASONS.keySet().stream()
                        .sorted().map(Primitive::methodName).toList())) + ")";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FieldVector evaluate(Program program, List<FieldVector> inputs, int rowCount, BufferAllocator allocator) {
        requireNonNull(program, "program is null");
        requireNonNull(inputs, "inputs is null");
        requireNonNull(allocator, "allocator is null");
        launcher.enter();
        return expressions.evaluate(program, inputs, rowCount, allocator);
    }

    /**
     * Why the expression kernel would not run {@code program} (then {@link #evaluate} uses the host
     * interpreter), or empty when it would.
     */
    public Optional<String> expressionKernelUnsupportedReason(Program program) {
        requireNonNull(program, "program is null");
        return expressions.unsupportedReason(program);
    }

    /** How many {@link #evaluate} calls ran the expression kernel since the device opened. */
    public long kernelExpressionEvaluations() {
        return expressions.kernelEvaluations();
    }

    /** How many {@link #evaluate} calls fell back to the host interpreter since the device opened. */
    public long hostExpressionEvaluations() {
        return expressions.hostEvaluations();
    }

    @Override
    public IntVector selectTrue(BitVector flags, int rowCount, BufferAllocator allocator) {
        requireNonNull(flags, "flags is null");
        requireNonNull(allocator, "allocator is null");
        return compaction.selectTrue(flags, rowCount, allocator);
    }

    @Override
    public List<FieldVector> gather(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        requireNonNull(columns, "columns is null");
        requireNonNull(indices, "indices is null");
        requireNonNull(allocator, "allocator is null");
        return gather.gather(List.copyOf(columns), indices, allocator);
    }

    @Override
    public List<FieldVector> evaluateAll(List<Program> programs, List<FieldVector> inputs, int rowCount,
            BufferAllocator allocator) {
        requireNonNull(programs, "programs is null");
        List<FieldVector> results = new ArrayList<>(programs.size());
        try {
            for (Program program : programs) {
                results.add(evaluate(program, inputs, rowCount, allocator));
            }
            return results;
        } catch (RuntimeException failure) {
            results.forEach(FieldVector::close);
            // Which error Spark raises depends on the row order across programs: the host interpreter
            // replays the whole projection row by row and throws that error.
            onHost(Primitive.EVALUATE);
            host.evaluateAll(programs, inputs, rowCount, allocator).forEach(FieldVector::close);
            throw failure;
        }
    }

    @Override
    public IntVector sortIndices(List<FieldVector> keys, List<SortKey> orders, int rowCount, int limit,
            BufferAllocator allocator) {
        requireNonNull(keys, "keys is null");
        requireNonNull(orders, "orders is null");
        requireNonNull(allocator, "allocator is null");
        return sort.sortIndices(List.copyOf(keys), List.copyOf(orders), rowCount, limit, allocator);
    }

    /**
     * A radix sort over this device's launcher that reads {@code stringPrefixBytes} bytes of each string key,
     * so that tests can run the tie-break on short strings; {@link #sortIndices} reads
     * {@link RadixSort#STRING_PREFIX_BYTES}.
     */
    RadixSort radixSort(int stringPrefixBytes) {
        return new RadixSort(launcher, compaction, stringPrefixBytes);
    }

    @Override
    public List<FieldVector> concatenate(List<List<FieldVector>> parts, List<FieldVector> template,
            BufferAllocator allocator) {
        requireNonNull(parts, "parts is null");
        requireNonNull(template, "template is null");
        requireNonNull(allocator, "allocator is null");
        if (!ColumnConcatenate.covers(parts, template)) {
            onHost(Primitive.CONCATENATE);
            return host.concatenate(parts, template, allocator);
        }
        return concatenate.concatenate(List.copyOf(parts), List.copyOf(template), allocator);
    }

    @Override
    public List<FieldVector> gatherOrNull(List<FieldVector> columns, IntVector indices, BufferAllocator allocator) {
        requireNonNull(columns, "columns is null");
        requireNonNull(indices, "indices is null");
        requireNonNull(allocator, "allocator is null");
        return gather.gatherOrNull(List.copyOf(columns), indices, allocator);
    }

    @Override
    public JoinTable buildJoinTable(List<FieldVector> keys, int rowCount, BufferAllocator allocator) {
        requireNonNull(keys, "keys is null");
        requireNonNull(allocator, "allocator is null");
        return hashJoin.build(List.copyOf(keys), rowCount, allocator);
    }

    @Override
    public JoinMatches probeJoinTable(JoinTable table, List<FieldVector> probeKeys, int startRow, int rowCount,
            int maxPairs, BufferAllocator allocator) {
        requireNonNull(table, "table is null");
        requireNonNull(probeKeys, "probeKeys is null");
        requireNonNull(allocator, "allocator is null");
        if (!(table instanceof HashJoin.Table built)) {
            throw new IllegalArgumentException("a CUDA device probes only the join tables it built, not a "
                    + table.getClass().getName());
        }
        return hashJoin.probe(built, List.copyOf(probeKeys), startRow, rowCount, maxPairs, allocator);
    }

    @Override
    public GroupBy newGroupBy(List<DataType> keyTypes, List<AggregateOperation> operations,
            BufferAllocator allocator) {
        requireNonNull(keyTypes, "keyTypes is null");
        requireNonNull(operations, "operations is null");
        requireNonNull(allocator, "allocator is null");
        if (KernelGroupBy.unsupportedReason(keyTypes, operations).isPresent()) {
            // collated strings: the whole grouping runs on the host (one call counted)
            onHost(Primitive.GROUP_BY);
            return host.newGroupBy(keyTypes, operations, allocator);
        }
        return new KernelGroupBy(launcher, compaction, sort, keyTypes, operations, allocator);
    }

    @Override
    public IntVector hashPartition(List<FieldVector> keys, int rowCount, int partitionCount, int seed,
            BufferAllocator allocator) {
        requireNonNull(keys, "keys is null");
        requireNonNull(allocator, "allocator is null");
        return hashPartition.partitionIds(List.copyOf(keys), rowCount, partitionCount, seed, allocator);
    }

    /** The tiled counting sort of {@link HashPartition#positionsByPartition}, on the device. */
    @Override
    public List<IntVector> positionsByPartition(IntVector partitionIds, int partitionCount,
            BufferAllocator allocator) {
        requireNonNull(partitionIds, "partitionIds is null");
        requireNonNull(allocator, "allocator is null");
        return hashPartition.positionsByPartition(partitionIds, partitionCount, allocator);
    }

    @Override
    public List<List<FieldVector>> splitByPartition(List<FieldVector> columns, IntVector partitionIds,
            int partitionCount, BufferAllocator allocator) {
        requireNonNull(columns, "columns is null");
        requireNonNull(partitionIds, "partitionIds is null");
        requireNonNull(allocator, "allocator is null");
        List<FieldVector> sources = List.copyOf(columns);
        List<IntVector> positions = positionsByPartition(partitionIds, partitionCount, allocator);
        List<List<FieldVector>> parts = new ArrayList<>(partitionCount);
        try {
            for (IntVector partition : positions) {
                parts.add(gather.gather(sources, partition, allocator));
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
        requireNonNull(keys, "keys is null");
        if (KernelWindow.keyChangesUnsupportedReason(keys).isEmpty()) {
            return windows.keyChanges(List.copyOf(keys), rowCount, allocator);
        }
        onHost(Primitive.KEY_CHANGES);
        return host.keyChanges(keys, rowCount, allocator);
    }

    @Override
    public List<List<FieldVector>> window(IntVector partitionStarts, IntVector peerStarts,
            List<WindowOperation> operations, List<List<FieldVector>> inputs, int rowCount,
            BufferAllocator allocator) {
        requireNonNull(operations, "operations is null");
        if (KernelWindow.unsupportedReason(operations).isEmpty()) {
            Optional<List<List<FieldVector>>> out = windows.window(partitionStarts, peerStarts, List.copyOf(operations),
                    List.copyOf(inputs), rowCount, allocator);
            if (out.isPresent()) {
                return out.get();
            }
            // an ANSI long overflow: the host runs the window again and throws Spark's error at the same row
        }
        // a collated string's min or max, or the overflow's replay
        onHost(Primitive.WINDOW);
        return host.window(partitionStarts, peerStarts, operations, inputs, rowCount, allocator);
    }

    /** Reports one call of {@code primitive} run on the host: to the operator's sink and the device's counter. */
    private void onHost(Primitive primitive) {
        // only a primitive whose explain output names a host fallback may run there
        if (implementationOf(primitive).placement() == Placement.KERNELS) {
            throw new IllegalStateException(primitive + " has a kernel on this device; it must not run on the host");
        }
        hostCalls.get(primitive).incrementAndGet();
        DeviceActivity.current().primitiveOnHost(primitive);
    }

    /**
     * How many calls of each primitive ran on the host since the device opened ({@code evaluate}: programs
     * the interpreter kernel does not cover, and the error replays of projections); primitives with no such
     * call are left out.
     */
    public Map<Primitive, Long> hostCalls() {
        Map<Primitive, Long> calls = new EnumMap<>(Primitive.class);
        hostCalls.forEach((primitive, count) -> {
            if (count.get() > 0) {
                calls.put(primitive, count.get());
            }
        });
        calls.merge(Primitive.EVALUATE, expressions.hostEvaluations(), Long::sum);
        calls.remove(Primitive.EVALUATE, 0L);
        return calls;
    }

    @Override
    public Implementation implementationOf(Primitive primitive) {
        requireNonNull(primitive, "primitive is null");
        String hostReason = HOST_REASONS.get(primitive);
        if (hostReason != null) {
            return new Implementation(Placement.HOST_FALLBACK, hostReason);
        }
        return switch (primitive) {
            case EVALUATE -> new Implementation(Placement.KERNELS_WITH_HOST_FALLBACK, "kernel evaluate_program (+"
                    + " string_view_tile_bytes, exclusive_scan_tile_totals, string_view_offsets, copy_string_views for"
                    + " string results) for boolean, integral, floating, decimal, date, timestamp and string programs;"
                    + " the host interpreter over unified memory for casts from or to strings and the decimal shapes"
                    + " the kernel refuses");
            case SELECT_TRUE -> new Implementation(Placement.KERNELS,
                    "kernels count_true_flags, exclusive_scan_tile_totals, scatter_true_positions");
            case GATHER -> new Implementation(Placement.KERNELS,
                    "kernels gather_fixed_1..16, gather_bits, gather_string_tile_bytes, gather_string_offsets,"
                            + " gather_string_bytes");
            case CONCATENATE -> new Implementation(Placement.KERNELS_WITH_HOST_FALLBACK,
                    "kernels concatenate_fixed_1..16, concatenate_bits, concatenate_offsets, concatenate_bytes;"
                            + " the host over unified memory for parts whose Arrow vectors are of another kind than the"
                            + " template's");
            case GATHER_OR_NULL -> new Implementation(Placement.KERNELS,
                    "kernels gather_or_null_fixed_1..16, gather_or_null_bits, gather_or_null_string_tile_bytes,"
                            + " gather_or_null_string_offsets, gather_or_null_string_bytes");
            case SPLIT_BY_PARTITION -> new Implementation(Placement.KERNELS, "kernels partition_tile_counts,"
                    + " exclusive_scan_tile_totals, partition_scatter (a stable counting sort of the ids),"
                    + " concatenate_fixed_4, then gather_* per partition");
            case HASH_PARTITION -> new Implementation(Placement.KERNELS, "kernels hash_partition_seed,"
                    + " hash_partition_fixed, hash_partition_strings, hash_partition_pmod (Spark's Murmur3 and pmod)");
            case BUILD_JOIN_TABLE -> new Implementation(Placement.KERNELS, "kernels join_build_init,"
                    + " join_build_insert (open addressing, one atomicCAS per packed slot), join_radix_tile_counts,"
                    + " exclusive_scan_tile_totals, join_radix_scatter (the rows grouped by key), join_build_segments");
            case PROBE_JOIN_TABLE -> new Implementation(Placement.KERNELS, "kernels join_probe_count,"
                    + " exclusive_scan_tile_totals, join_probe_cutoff, join_probe_fill (count, then fill)");
            case SORT_INDICES -> new Implementation(Placement.KERNELS, "kernels sort_key_spread,"
                    + " sort_identity, then per 8-bit digit sort_digit_tile_counts, exclusive_scan_tile_totals,"
                    + " sort_digit_scatter (a stable LSD radix sort on normalized keys, strings on their first "
                    + RadixSort.STRING_PREFIX_BYTES + " bytes), and for string keys longer than that sort_run_starts,"
                    + " selectTrue's, sort_tie_break (each run of rows that tie up to the first such key merge-sorted"
                    + " over the full keys, one thread per run), then concatenate_fixed_4; top-N sorts every row and"
                    + " keeps the first N");
            case KEY_CHANGES -> new Implementation(Placement.KERNELS_WITH_HOST_FALLBACK, "kernels"
                    + " window_key_change_flags (each row's keys against the previous row's, as the group-by compares"
                    + " keys), then selectTrue's; the host over unified memory for keys of an Arrow type the kernels do"
                    + " not read");
            case WINDOW -> new Implementation(Placement.KERNELS_WITH_HOST_FALLBACK, "kernels window_rank (ROW_NUMBER,"
                    + " RANK, DENSE_RANK: one thread per row, binary search of the starts), window_fold_growing (frames"
                    + " from the partition's first row: one thread per partition, one running state),"
                    + " window_fold_sliding (ROWS frames: one thread per row, the frame folded from its first row),"
                    + " the group-by's fold and state copies; min and max over strings: window_string_extreme_growing"
                    + " or window_string_extreme_sliding (the row holding each frame's extreme, the same walks), then"
                    + " the gather-or-null kernels copy its string; the host over unified memory to raise an ANSI long"
                    + " overflow at Spark's row");
            case GROUP_BY -> new Implementation(Placement.KERNELS_WITH_HOST_FALLBACK, "kernels group_by_hash_rows,"
                    + " group_by_insert (open addressing, one atomicCAS per packed slot), group_by_first_rows,"
                    + " group_by_new_flags, selectTrue's, group_by_number_new, group_by_new_string_lengths,"
                    + " exclusive_scan_tile_totals, group_by_store_new_strings (string keys kept in the grouping's"
                    + " arena), group_by_row_groups (groups numbered in first-appearance order), the radix sort by"
                    + " group id, group_by_segment_flags, group_by_fold (each group's rows in input order; stddev and"
                    + " variance moments by Spark's update and merge, each double operation rounded alone) and"
                    + " group_by_moment_part, or for at"
                    + " most 256 groups of order-free operations group_by_shared_partials and group_by_merge_partials"
                    + " (shared-memory pre-aggregation); string min/max/first/last: group_by_fold_strings (each group's"
                    + " winning row, or its stored string kept), group_by_string_state_lengths,"
                    + " exclusive_scan_tile_totals and group_by_store_string_states (the groups' strings copied into a"
                    + " new arena the grouping owns); the host over unified memory for groupings by a collated string"
                    + " key or with the min, max, first or last of a collated string");
        };
    }

    /** How the device's memory relates to the host's (whether prefetches are made, how the pool is sized). */
    public MemoryModel memoryModel() {
        return context.memoryModel();
    }

    /** How many managed-memory prefetches this device issued since it opened (0 on unified memory). */
    public long prefetchCount() {
        return launcher.prefetchCount();
    }

    /** The CUDA device ordinal this device opened. */
    public int ordinal() {
        return context.ordinal();
    }

    /**
     * The managed-memory pool's counters now (bytes held from the driver and cached, driver calls,
     * reuse hits), for logs and the device report.
     */
    public ManagedMemoryStatistics memoryStatistics() {
        return memoryPool.statistics();
    }

    /** The most blocks one launch uses; larger inputs are covered by grid-stride loops. */
    public int maxBlocksPerGrid() {
        return launcher.maxBlocksPerGrid();
    }

    /**
     * Releases streams, modules, the managed memory the pool caches, and the context. Arrow buffers
     * still alive keep their memory until released (then it goes straight back to the driver).
     */
    @Override
    public void close() {
        try (context; memoryPool; modules; launcher) {
            context.makeCurrent();
        }
    }
}
