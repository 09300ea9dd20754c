package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jcuda.driver.CUmemAttach_flags;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.apache.arrow.memory.OutOfMemoryException;

/**
 * A caching sub-allocator of CUDA managed memory, the memory behind every Arrow buffer of a CUDA
 * device. On a real GPU {@code cuMemAllocManaged} and {@code cuMemFree} are slow (they synchronize
 * the device), so a freed block is kept on a free list of its size class and handed to the next
 * request of that class instead of going back to the driver.
 *
 * <p><b>Size classes.</b> A request of {@code n} bytes takes a block of {@link #sizeClass(long)}
 * bytes: a power of two from {@value #MINIMUM_BLOCK_BYTES} bytes up to
 * {@value #FINE_CLASSES_FROM_BYTES} bytes, and above that one of four classes per doubling (at
 * most 25% more than asked). Arrow rounds requests below 16 MiB to powers of two already, so those
 * blocks fit exactly. With caching off every block is exactly the request (at least one byte) and
 * goes back to the driver when released, as before the pool existed.
 *
 * <p><b>The cap.</b> Blocks in use plus cached blocks never exceed {@code capBytes}. A request that
 * the cache cannot serve and that would pass the cap first gives cached blocks back to the driver,
 * largest classes first, until it fits; when it still does not fit it fails with an
 * {@link OutOfMemoryException} naming the setting that raises the cap. A driver out-of-memory
 * (another process took the memory) gives the whole cache back and tries once more.
 *
 * <p><b>Poisoning.</b> With {@code poisonReused} (the emulator's {@code EMBER_EMULATOR_POISON}
 * switch) a reused block is filled with {@code 0xA5}, as the emulator fills new allocations, so
 * tests keep catching reads of memory nobody wrote.
 *
 * <p><b>Threads.</b> Thread-safe: one lock guards the free lists and counters. Driver calls (cache
 * misses, trims, close) run under it as well; they synchronize the device anyway. Reuse hits and
 * releases to the cache are short critical sections without driver calls. A released block may be
 * reused at once, which is safe because every primitive waits for its stream before returning.
 *
 * <p>{@link #close()} gives every cached block back; blocks still in use go back to the driver when
 * released afterwards.
 */
final class ManagedMemoryPool implements AutoCloseable {

    /** The smallest block: the driver's allocation granularity for alignment. */
    static final long MINIMUM_BLOCK_BYTES = 256;

    /** Above this size classes are four per doubling instead of powers of two. */
    static final long FINE_CLASSES_FROM_BYTES = 64L << 10;

    private static final byte POISON = (byte) 0xA5;

    private final CudaContext context;
    private final long capBytes;
    private final boolean caching;
    private final boolean poisonReused;
    private final String limitSetting;

    private final Object lock = new Object();
    // size class in bytes -> addresses of free blocks of that class; guarded by lock
    private final TreeMap<Long, ArrayDeque<Long>> freeBlocks = new TreeMap<>();
    private long heldBytes;
    private long cachedBytes;
    private long peakHeldBytes;
    private long driverAllocations;
    private long driverFrees;
    private long reuseHits;
    private long trims;
    private boolean closed;

    /**
     * @param context the device's context; it must outlive the pool
     * @param capBytes the most bytes the pool may hold from the driver at once, at least 1
     * @param caching keep freed blocks for reuse ({@code false}: one driver call per allocation and release)
     * @param poisonReused fill reused blocks with {@code 0xA5} (the emulator's poison switch)
     * @param limitSetting the setting that raises {@code capBytes}, named in out-of-memory errors
     */
    ManagedMemoryPool(CudaContext context, long capBytes, boolean caching, boolean poisonReused,
            String limitSetting) {
        this.context = requireNonNull(context, "context is null");
        if (capBytes < 1) {
            throw new IllegalArgumentException("capBytes must be at least 1, not " + capBytes);
        }
        this.capBytes = capBytes;
        this.caching = caching;
        this.poisonReused = poisonReused;
        this.limitSetting = requireNonNull(limitSetting, "limitSetting is null");
    }

    /**
     * The block size that serves a request of {@code bytes} when caching: see the class comment.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative or beyond 2^62
     */
    static long sizeClass(long bytes) {
        if (bytes < 0 || bytes > 1L << 62) {
            throw new IllegalArgumentException("allocation size must be in [0, 2^62], not " + bytes);
        }
        if (bytes <= MINIMUM_BLOCK_BYTES) {
            return MINIMUM_BLOCK_BYTES;
        }
        long power = Long.highestOneBit(bytes - 1) << 1;
        if (power <= FINE_CLASSES_FROM_BYTES) {
            return power;
        }
        // bytes lies in (power / 2, power]: classes at 5/8, 6/8, 7/8 and 8/8 of power
        long step = power / 8;
        return (bytes + step - 1) / step * step;
    }

    /** Whether freed blocks are kept for reuse. */
    boolean isCaching() {
        return caching;
    }

    /** The most bytes the pool may hold from the driver at once. */
    long capBytes() {
        return capBytes;
    }

    /**
     * The address of a block of at least {@code bytes} bytes of managed memory; give it back with
     * {@link #release(long, long)} and the same {@code bytes}.
     *
     * @throws OutOfMemoryException when the cap or the device cannot hold it, naming the setting
     * @throws IllegalStateException after {@link #close()}
     */
    long allocate(long bytes) {
        long block = blockBytes(bytes);
        long address;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the CUDA device's managed memory pool is closed");
            }
            Long cached = caching ? takeCached(block) : null;
            if (cached == null) {
                return allocateFromDriver(bytes, block);
            }
            address = cached;
        }
        if (poisonReused) {
            context.makeCurrent();
            CudaException.check(JCudaDriver.cuMemsetD8(DevicePointer.at(address), POISON, block),
                    "cuMemsetD8(poisoning a reused block of " + block + " bytes)");
        }
        return address;
    }

    /**
     * Gives back the block at {@code address} that {@link #allocate(long)} returned for
     * {@code bytes}: to its free list, or to the driver when caching is off or the pool is closed.
     */
    void release(long address, long bytes) {
        long block = blockBytes(bytes);
        synchronized (lock) {
            if (caching && !closed) {
                freeBlocks.computeIfAbsent(block, size -> new ArrayDeque<>()).push(address);
                cachedBytes += block;
                return;
            }
            freeToDriver(address, block);
        }
    }

    /** The counters now. */
    ManagedMemoryStatistics statistics() {
        synchronized (lock) {
            return new ManagedMemoryStatistics(capBytes, heldBytes, cachedBytes, peakHeldBytes, driverAllocations,
                    driverFrees, reuseHits, trims);
        }
    }

    /** Gives every cached block back to the driver; later releases go straight to the driver. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            trimUntil(0);
        }
    }

    private long blockBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("allocation size must not be negative: " + bytes);
        }
        // cuMemAllocManaged refuses 0 bytes; an empty buffer still needs a distinct address
        return caching ? sizeClass(bytes) : Math.max(bytes, 1);
    }

    // Guarded by lock.
    private Long takeCached(long block) {
        ArrayDeque<Long> blocks = freeBlocks.get(block);
        if (blocks == null || blocks.isEmpty()) {
            return null;
        }
        cachedBytes -= block;
        reuseHits++;
        return blocks.pop();
    }

    // Guarded by lock.
    private long allocateFromDriver(long bytes, long block) {
        if (heldBytes + block > capBytes) {
            trimUntil(capBytes - block);
            if (heldBytes + block > capBytes) {
                throw new OutOfMemoryException("cannot allocate " + bytes + " bytes of CUDA managed memory on "
                        + context.deviceName() + ": Ember's buffers in use hold " + heldBytes + " of the " + capBytes
                        + " bytes it may take from the GPU (a block of " + block + " bytes does not fit); raise "
                        + limitSetting + " or lower spark.ember.concurrentGpuTasks");
            }
        }
        context.makeCurrent();
        DevicePointer pointer = new DevicePointer();
        int result = JCudaDriver.cuMemAllocManaged(pointer, block, CUmemAttach_flags.CU_MEM_ATTACH_GLOBAL);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY && cachedBytes > 0) {
            trimUntil(0);
            result = JCudaDriver.cuMemAllocManaged(pointer, block, CUmemAttach_flags.CU_MEM_ATTACH_GLOBAL);
        }
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            throw new OutOfMemoryException("cannot allocate " + bytes + " bytes of CUDA managed memory on "
                    + context.deviceName() + ": the device is out of memory; lower " + limitSetting
                    + " or spark.ember.concurrentGpuTasks");
        }
        CudaException.check(result, "cuMemAllocManaged(" + block + " bytes)");
        driverAllocations++;
        heldBytes += block;
        peakHeldBytes = Math.max(peakHeldBytes, heldBytes);
        return pointer.address();
    }

    /**
     * Gives cached blocks back to the driver, largest classes first, until at most
     * {@code targetHeldBytes} are held or the cache is empty. Guarded by lock.
     */
    private void trimUntil(long targetHeldBytes) {
        if (cachedBytes == 0 || heldBytes <= targetHeldBytes) {
            return;
        }
        trims++;
        List<Map.Entry<Long, ArrayDeque<Long>>> order = new ArrayList<>(freeBlocks.descendingMap().entrySet());
        Iterator<Map.Entry<Long, ArrayDeque<Long>>> classes = order.iterator();
        while (classes.hasNext() && heldBytes > targetHeldBytes) {
            Map.Entry<Long, ArrayDeque<Long>> entry = classes.next();
            long block = entry.getKey();
            ArrayDeque<Long> blocks = entry.getValue();
            while (!blocks.isEmpty() && heldBytes > targetHeldBytes) {
                cachedBytes -= block;
                freeToDriver(blocks.pop(), block);
            }
            if (blocks.isEmpty()) {
                freeBlocks.remove(block);
            }
        }
    }

    // Guarded by lock.
    private void freeToDriver(long address, long block) {
        context.makeCurrent();
        CudaException.check(JCudaDriver.cuMemFree(DevicePointer.at(address)), "cuMemFree(" + block + " bytes)");
        driverFrees++;
        heldBytes -= block;
    }
}
