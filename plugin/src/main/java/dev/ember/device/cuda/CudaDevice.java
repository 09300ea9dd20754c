package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.expr.HostInterpreter;
import dev.ember.expr.Program;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The primitives as CUDA kernels, launched through JCuda's driver API on a real GPU or on Ember's
 * CUDA driver emulator.
 *
 * <p>Inputs and outputs are Arrow buffers in CUDA managed memory (see {@link ManagedMemoryFactory});
 * every launch checks that its buffers are. {@link #evaluate} runs {@link HostInterpreter} on the
 * CPU over the same unified-memory buffers (no copy, no row transition) until the expression
 * interpreter kernel exists; {@link #name()} says so.
 *
 * <p>Thread-safe: each calling thread (Spark task) gets its own CUDA stream. Created by
 * {@link CudaDevices#open}; {@link #close()} releases streams, modules and the context.
 */
public final class CudaDevice implements Device {

    private final CudaContext context;
    private final KernelModules modules;
    private final KernelLauncher launcher;
    private final StreamCompaction compaction;
    private final ColumnGather gather;
    private final String name;

    CudaDevice(CudaContext context, KernelModules modules, int maxBlocksPerGrid, boolean emulator) {
        this.context = requireNonNull(context, "context is null");
        this.modules = requireNonNull(modules, "modules is null");
        this.launcher = new KernelLauncher(context, modules, maxBlocksPerGrid);
        this.compaction = new StreamCompaction(launcher);
        this.gather = new ColumnGather(launcher);
        this.name = (emulator ? "emulator" : "cuda") + ":" + context.ordinal() + " (" + context.deviceName()
                + ", sm_" + context.computeCapability() + ", " + modules.imageKind()
                + " kernels; expressions run on the host interpreter over unified memory)";
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
        for (FieldVector input : inputs) {
            for (ArrowBuf buffer : input.getFieldBuffers()) {
                launcher.prefetchToHost(buffer.memoryAddress(), buffer.capacity());
            }
        }
        launcher.synchronize("prefetching expression inputs to the host");
        return HostInterpreter.evaluate(program, inputs, rowCount, allocator);
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

    /** The most blocks one launch uses; larger inputs are covered by grid-stride loops. */
    public int maxBlocksPerGrid() {
        return launcher.maxBlocksPerGrid();
    }

    @Override
    public void close() {
        try (context; modules; launcher) {
            context.makeCurrent();
        }
    }
}
