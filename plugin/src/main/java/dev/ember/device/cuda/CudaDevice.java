package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.expr.HostInterpreter;
import dev.ember.expr.Program;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The primitives as CUDA kernels, launched through JCuda's driver API on a real GPU or on Ember's
 * CUDA driver emulator.
 *
 * <p>Inputs and outputs are Arrow buffers in CUDA managed memory (see {@link ManagedMemoryFactory});
 * every launch checks that its buffers are. {@link #evaluate} runs a program in one launch of the
 * expression interpreter kernel when the kernel covers every instruction
 * ({@link ExpressionProgramEncoder#COVERED_OPCODES}); other programs run on {@link HostInterpreter}
 * on the CPU over the same unified-memory buffers (no copy, no row transition), counted by
 * {@link #hostExpressionEvaluations()} and logged at debug level with the reason.
 *
 * <p>Thread-safe: each calling thread (Spark task) gets its own CUDA stream. Created by
 * {@link CudaDevices#open}; {@link #close()} releases streams, modules, cached managed memory and
 * the context.
 */
public final class CudaDevice implements Device {

    private final CudaContext context;
    private final ManagedMemoryPool memoryPool;
    private final KernelModules modules;
    private final KernelLauncher launcher;
    private final StreamCompaction compaction;
    private final ColumnGather gather;
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
        this.expressions = new ExpressionKernel(launcher);
        this.name = (emulator ? "emulator" : "cuda") + ":" + context.ordinal() + " (" + context.deviceName()
                + ", sm_" + context.computeCapability() + ", " + modules.imageKind()
                + " kernels; expressions: interpreter kernel for boolean, integral, floating, date and timestamp "
                + "programs, the host interpreter over unified memory for the rest)";
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
    public String implementationOf(String primitive) {
        return switch (primitive) {
            case "evaluate" -> "kernel evaluate_program for boolean, integral, floating, date and timestamp programs;"
                    + " the host interpreter over unified memory for decimals and strings";
            case "selectTrue" -> "kernels count_true_flags, exclusive_scan_tile_totals, scatter_true_positions";
            case "gather" -> "kernels gather_fixed_1..16, gather_bits, gather_string_offsets, gather_string_bytes";
            default -> "Java on the CPU over unified memory (no kernel yet)";
        };
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
