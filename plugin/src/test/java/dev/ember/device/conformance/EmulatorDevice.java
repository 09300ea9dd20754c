package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.device.cuda.CudaDevices;
import dev.ember.kernels.EmulatorLibrary;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The CUDA device of the test JVM, opened once on Ember's CUDA driver emulator, and the managed
 * memory its inputs live in. Tests take a child allocator each and close it, so a leak fails.
 *
 * <p>With {@code -Dember.test.realGpu=true} the same tests open the real GPU instead (see
 * docs/cuda.md). Launches use at most {@link #MAX_BLOCKS_PER_GRID} blocks, so that inputs of a
 * few thousand rows already need several grids' worth of grid-stride iterations.
 */
public final class EmulatorDevice {

    /** Small on purpose: 4 blocks of 256 threads cover 1,024 rows, or 32,768 rows of a tiled kernel. */
    public static final int MAX_BLOCKS_PER_GRID = 4;

    private static CudaDevices.Opened opened;
    private static RootAllocator managedRoot;

    private EmulatorDevice() {}

    /** The opened device, shared by all tests of this JVM and never closed (the JVM is forked). */
    public static synchronized CudaDevices.Opened opened() {
        if (opened == null) {
            boolean realGpu = Boolean.getBoolean("ember.test.realGpu");
            assumeTrue(realGpu || EmulatorLibrary.isPackaged(),
                    "the CUDA driver emulator was not built (no g++ at build time): CUDA device tests skipped");
            opened = CudaDevices.open(!realGpu, 0.5, 2, MAX_BLOCKS_PER_GRID);
            managedRoot = new RootAllocator(RootAllocator.configBuilder()
                    .allocationManagerFactory(opened.memoryFactory())
                    .maxAllocation(opened.memoryLimitBytes())
                    .build());
            System.out.println("Conformance device: " + opened.device().name() + " (reverse thread order: "
                    + System.getenv().getOrDefault("EMBER_EMULATOR_REVERSE_THREADS", "0") + ")");
        }
        return opened;
    }

    /** A new allocator of managed memory; the caller closes it. */
    public static synchronized BufferAllocator newAllocator(String name) {
        opened();
        return managedRoot.newChildAllocator(name, 0, Long.MAX_VALUE);
    }
}
