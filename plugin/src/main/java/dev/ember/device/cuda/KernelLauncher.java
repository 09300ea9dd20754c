package dev.ember.device.cuda;

import static dev.ember.device.cuda.CudaException.check;
import static dev.ember.device.cuda.CudaException.errorName;

import dev.ember.device.DeviceActivity;
import dev.ember.device.DeviceActivitySink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.Pointer;
import jcuda.driver.CUevent;
import jcuda.driver.CUpointer_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * Launches Ember's kernels on the calling thread's stream, after checking their arguments, and owns
 * those streams. Every driver call's return code is checked; a failing launch names the kernel,
 * the grid, the block and the arguments.
 *
 * <p>Each launch is reported to the calling thread's current {@link DeviceActivity} sink: counted at
 * once, and timed on the device's clock by two CUDA events recorded around it on the stream, whose
 * elapsed time goes to the same sink when {@link #synchronize} next waits for that stream. Launches
 * made outside every scope are neither counted nor timed (no events are recorded for them).
 *
 * <p>Thread-safe: each thread (each Spark task) gets its own stream on first use; the streams and
 * the pooled events are destroyed by {@link #close()}.
 */
final class KernelLauncher implements AutoCloseable {

    private final CudaContext context;
    private final KernelModules modules;
    private final int maxBlocksPerGrid;
    private final EventPool events;
    private final List<CUstream> streams = new ArrayList<>();
    private final ThreadLocal<CUstream> threadStream = new ThreadLocal<>();
    private final ThreadLocal<TimedLaunches> threadLaunches;
    private final AtomicLong prefetches = new AtomicLong();
    private boolean closed;

    KernelLauncher(CudaContext context, KernelModules modules, int maxBlocksPerGrid) {
        if (maxBlocksPerGrid < 1) {
            throw new IllegalArgumentException("maxBlocksPerGrid must be at least 1, not " + maxBlocksPerGrid);
        }
        this.context = context;
        this.modules = modules;
        this.maxBlocksPerGrid = maxBlocksPerGrid;
        this.events = new EventPool(context);
        this.threadLaunches = ThreadLocal.withInitial(() -> new TimedLaunches(events));
    }

    CudaContext context() {
        return context;
    }

    int maxBlocksPerGrid() {
        return maxBlocksPerGrid;
    }

    /** Makes the context current on this thread and returns this thread's stream. */
    CUstream enter() {
        context.makeCurrent();
        CUstream stream = threadStream.get();
        if (stream == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the CUDA device is closed");
                }
                stream = new CUstream();
                check(JCudaDriver.cuStreamCreate(stream, 0), "cuStreamCreate");
                streams.add(stream);
            }
            threadStream.set(stream);
        }
        return stream;
    }

    /** Blocks for a grid-stride kernel over {@code units} items: one thread each, capped. */
    int blocksFor(long units) {
        long blocks = (units + Kernel.BLOCK_THREADS - 1) / Kernel.BLOCK_THREADS;
        return (int) Math.max(1, Math.min(blocks, maxBlocksPerGrid));
    }

    /** Blocks for a tiled kernel over {@code tiles} tiles: one block per tile, capped. */
    int blocksForTiles(int tiles) {
        return Math.max(1, Math.min(tiles, maxBlocksPerGrid));
    }

    /**
     * Launches {@code kernel} with {@code blocks} blocks of {@link Kernel#BLOCK_THREADS} threads on
     * this thread's stream. Asynchronous: call {@link #synchronize} before reading results, which
     * also reports the kernel's time to the sink that is current now.
     */
    void launch(Kernel kernel, int blocks, KernelArguments arguments) {
        String description = "kernel " + kernel.entryPoint() + " (grid " + blocks + ", block " + Kernel.BLOCK_THREADS
                + ", arguments " + arguments + ")";
        if (!arguments.kinds().equals(kernel.parameters())) {
            throw new IllegalArgumentException(description + ": the arguments are " + arguments.kinds()
                    + " but the kernel takes " + kernel.parameters());
        }
        if (blocks < 1 || blocks > maxBlocksPerGrid) {
            throw new IllegalArgumentException(description + ": the grid must have 1 to " + maxBlocksPerGrid + " blocks");
        }
        CUstream stream = enter();
        DeviceActivitySink sink = DeviceActivity.current();
        if (sink == DeviceActivity.NONE) {
            submit(kernel, blocks, arguments, stream, description);
            return;
        }
        CUevent start = events.acquire();
        CUevent end = events.acquire();
        try {
            check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord before " + description);
            submit(kernel, blocks, arguments, stream, description);
            check(JCudaDriver.cuEventRecord(end, stream), "cuEventRecord after " + description);
        } catch (RuntimeException e) {
            events.release(start);
            events.release(end);
            throw e;
        }
        threadLaunches.get().add(kernel, start, end, sink);
        sink.kernelLaunched();
    }

    private void submit(Kernel kernel, int blocks, KernelArguments arguments, CUstream stream, String description) {
        int result = JCudaDriver.cuLaunchKernel(modules.function(kernel), blocks, 1, 1, Kernel.BLOCK_THREADS, 1, 1,
                0, stream, arguments.toKernelParameters(), null);
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(description + " failed: " + errorName(result), result);
        }
    }

    /**
     * Waits for this thread's stream and reports the device time of the launches made since the last
     * wait to the sinks they were made for; {@code after} names the work, for the error message.
     */
    void synchronize(String after) {
        int result = JCudaDriver.cuStreamSynchronize(enter());
        TimedLaunches launches = threadLaunches.get();
        if (result != CUresult.CUDA_SUCCESS) {
            launches.discard();
            throw new CudaException("waiting for " + after + " failed: " + errorName(result)
                    + " (a kernel failed; the CUDA context is unusable until the executor restarts)", result);
        }
        launches.report();
    }

    /** How many events the launcher has created for timing launches; they are reused, so this stays small. */
    int timingEvents() {
        return events.createdEvents();
    }

    /**
     * Checks that {@code [address, address + bytes)} lies in CUDA managed memory, which kernels and
     * the CPU can both read. Zero-length buffers are not read and pass.
     *
     * @throws IllegalArgumentException naming {@code what} when it does not
     */
    void requireManaged(String what, long address, long bytes) {
        if (bytes == 0) {
            return;
        }
        int[] managed = new int[1];
        int result = JCudaDriver.cuPointerGetAttribute(Pointer.to(managed),
                CUpointer_attribute.CU_POINTER_ATTRIBUTE_IS_MANAGED, DevicePointer.at(address));
        if (result == CUresult.CUDA_ERROR_INVALID_VALUE || (result == CUresult.CUDA_SUCCESS && managed[0] == 0)) {
            throw new IllegalArgumentException(what + " is not in CUDA managed memory: the CUDA device reads only "
                    + "buffers allocated from Ember's managed-memory allocator (EmberMemory with the CUDA device's "
                    + "allocation manager)");
        }
        check(result, "cuPointerGetAttribute(IS_MANAGED) for " + what);
        long[] start = new long[1];
        long[] size = new long[1];
        check(JCudaDriver.cuPointerGetAttribute(Pointer.to(start),
                CUpointer_attribute.CU_POINTER_ATTRIBUTE_RANGE_START_ADDR, DevicePointer.at(address)),
                "cuPointerGetAttribute(RANGE_START_ADDR) for " + what);
        check(JCudaDriver.cuPointerGetAttribute(Pointer.to(size),
                CUpointer_attribute.CU_POINTER_ATTRIBUTE_RANGE_SIZE, DevicePointer.at(address)),
                "cuPointerGetAttribute(RANGE_SIZE) for " + what);
        if (address + bytes > start[0] + size[0]) {
            throw new IllegalArgumentException(what + " (" + bytes + " bytes at 0x" + Long.toHexString(address)
                    + ") runs past the end of its managed allocation of " + size[0] + " bytes");
        }
    }

    /** How many prefetches were issued since the device opened (none where the memory model makes them useless). */
    long prefetchCount() {
        return prefetches.get();
    }

    /** On a discrete GPU, starts moving a managed range to the device before kernels read it. */
    void prefetchToDevice(long address, long bytes) {
        if (context.prefetches() && bytes > 0) {
            prefetches.incrementAndGet();
            check(JCudaDriver.cuMemPrefetchAsync(DevicePointer.at(address), bytes, context.device(), enter()),
                    "cuMemPrefetchAsync to the device");
        }
    }

    /** On a discrete GPU, starts moving a managed range to host memory before the CPU reads it. */
    void prefetchToHost(long address, long bytes) {
        if (context.prefetches() && bytes > 0) {
            prefetches.incrementAndGet();
            check(JCudaDriver.cuMemPrefetchAsync(DevicePointer.at(address), bytes, JCudaDriver.CU_DEVICE_CPU,
                    enter()), "cuMemPrefetchAsync to the host");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.makeCurrent();
        try (events) {
            for (CUstream stream : streams) {
                JCudaDriver.cuStreamDestroy(stream);
            }
            streams.clear();
        }
    }
}
