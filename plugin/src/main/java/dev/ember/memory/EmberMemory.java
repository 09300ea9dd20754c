package dev.ember.memory;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Arrow memory of one JVM: a root allocator with a hard cap, and one child allocator per Spark
 * task.
 *
 * <p>The root's allocation listener is the JVM's {@link MemoryManager}: an allocation the limit refuses
 * first makes spillable consumers (of the allocating task first) give memory back, then is retried.
 *
 * <p>The root is created once per executor JVM by {@link #initialize} (the device chooses the
 * allocation manager: unified memory for CUDA, Arrow's default otherwise) or lazily with defaults.
 * A task's allocator is created on first use and closed when the task completes; operators register
 * their own completion listeners after taking the allocator, and Spark runs listeners in reverse
 * order, so their batches are closed before the allocator. A task allocator that still holds memory
 * when it closes is a leak: it is logged, counted in {@link #leakCount()} (tests assert zero), and
 * never fails the query. A task that takes an allocator also holds a device permit
 * ({@code spark.ember.concurrentGpuTasks} on a GPU) until it completes.
 */
public final class EmberMemory {
    private static final Logger LOG = LoggerFactory.getLogger(EmberMemory.class);

    private static final Map<Long, BufferAllocator> TASK_ALLOCATORS = new ConcurrentHashMap<>();
    /** The most task allocators open at once so far in this JVM (see {@link #mostConcurrentTasks}). */
    private static final AtomicInteger MOST_CONCURRENT_TASKS =
            new AtomicInteger(1);
    private static final AtomicLong LEAKS = new AtomicLong();
    private static final MemoryManager MANAGER = MemoryManager.forSparkTasks();
    private static volatile RootAllocator root;
    private static volatile String limitSetting = "spark.ember.memory.host.limitBytes";
    /** Admits a task to the device; the device's selection installs it (memory depends on no device code). */
    private static volatile Supplier<AutoCloseable> taskGate = () -> () -> { };

    private EmberMemory() {}

    /**
     * Creates the root allocator; later calls keep the first root.
     *
     * @param factory the allocation manager for Arrow buffers, or null for Arrow's default
     * @param limitBytes the most bytes all Ember buffers of this JVM may hold
     * @param limitKey the setting that raises the limit, named in out-of-memory errors
     */
    public static synchronized void initialize(AllocationManager.Factory factory, long limitBytes, String limitKey) {
        if (root != null) {
            if (factory != null) {
                // buffers a device reads must come from its factory; a root made earlier cannot change
                throw new IllegalStateException("Ember's memory was set up before the device chose its memory;"
                        + " please report this with the application's start-up log");
            }
            return;
        }
        var config = RootAllocator.configBuilder().maxAllocation(limitBytes).listener(MANAGER);
        root = new RootAllocator(factory == null ? config.build() : config.allocationManagerFactory(factory).build());
        MANAGER.watch(root, EmberMemory::heldByTask);
        MANAGER.reserveForSpills(spillReserve(limitBytes));
        limitSetting = requireNonNull(limitKey, "limitKey is null");
        LOG.info("Ember memory: up to {} bytes of Arrow buffers ({})", limitBytes,
                factory == null ? "host memory" : factory.getClass().getSimpleName());
    }

    /** The root allocator, created with defaults when no device initialized it (the driver, tests). */
    public static BufferAllocator root() {
        RootAllocator current = root;
        if (current == null) {
            synchronized (EmberMemory.class) {
                if (root == null) {
                    initialize(null, defaultHostLimit(), limitSetting);
                }
                current = root;
            }
        }
        return current;
    }

    /**
     * Makes every task that takes an allocator first pass {@code gate}, holding what it returns (a device
     * permit: {@code spark.ember.concurrentGpuTasks}) until the task completes. Installed by the device
     * selection; without it tasks pass at once.
     */
    public static void gateTasks(Supplier<AutoCloseable> gate) {
        taskGate = requireNonNull(gate, "gate is null");
    }

    /** The memory manager of every Ember consumer in this JVM: the root allocator's listener. */
    public static MemoryManager manager() {
        return MANAGER;
    }

    /** The setting that raises the memory limit, for error messages. */
    public static String limitSetting() {
        return limitSetting;
    }

    /**
     * The allocator of the running Spark task, closed when the task completes.
     *
     * @throws IllegalStateException outside a Spark task
     */
    public static BufferAllocator taskAllocator() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            throw new IllegalStateException("Ember operators allocate memory only inside a Spark task");
        }
        long attempt = context.taskAttemptId();
        BufferAllocator existing = TASK_ALLOCATORS.get(attempt);
        if (existing != null) {
            return existing;
        }
        // a task that allocates Ember memory uses the device: it holds a device permit until it completes
        AutoCloseable permit = taskGate.get();
        BufferAllocator created = root().newChildAllocator("task-" + attempt, 0, Long.MAX_VALUE);
        TASK_ALLOCATORS.put(attempt, created);
        MOST_CONCURRENT_TASKS.accumulateAndGet(TASK_ALLOCATORS.size(), Math::max);
        context.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) completed -> {
            try {
                closeTaskAllocator(attempt);
            } finally {
                releasePermit(permit);
            }
        });
        return created;
    }

    /**
     * The most Spark tasks that held Ember allocators at the same time so far in this JVM (at least 1): how
     * many tasks may share the limit, even at a moment when some of them hold nothing or are between tasks.
     * Operators that decide how much to hold divide what is free by it ({@code BuildBudget}), so that a
     * task deciding while its neighbour's slot is briefly empty does not take the neighbour's share too.
     */
    public static int mostConcurrentTasks() {
        return MOST_CONCURRENT_TASKS.get();
    }

    /** The bytes each running task's allocator holds now, by task attempt. */
    private static Map<Long, Long> heldByTask() {
        Map<Long, Long> held = new HashMap<>();
        TASK_ALLOCATORS.forEach((attempt, allocator) -> held.put(attempt, allocator.getAllocatedMemory()));
        return held;
    }

    /**
     * What holds Ember memory now, for error messages: each task allocator with its bytes and, within it,
     * the operators (child allocators) that hold any, largest first, e.g. {@code task-12: 1048576 bytes
     * (EmberHashAggregateExec 745472, EmberShuffleExchangeExec 262144, own 40960)}; "none" when nothing
     * is held. A snapshot: other tasks allocate and release while it is taken.
     */
    public static String holders() {
        return holders(root);
    }

    /** What holds memory under {@code limited} now (see {@link #holders()}); "none" for null. */
    static String holders(BufferAllocator limited) {
        BufferAllocator current = limited;
        if (current == null || current.getAllocatedMemory() == 0) {
            return "none";
        }
        List<String> tasks = new ArrayList<>();
        for (BufferAllocator task : sortedByHeld(current.getChildAllocators())) {
            long held = task.getAllocatedMemory();
            List<String> parts = new ArrayList<>();
            long inChildren = 0;
            for (BufferAllocator operator : sortedByHeld(task.getChildAllocators())) {
                long bytes = operator.getAllocatedMemory();
                inChildren += bytes;
                parts.add(operator.getName() + " " + bytes);
            }
            if (held - inChildren > 0) {
                parts.add("own " + (held - inChildren));
            }
            tasks.add(task.getName() + ": " + held + " bytes" + (parts.isEmpty() ? "" : " (" + String.join(", ",
                    parts) + ")"));
        }
        return tasks.isEmpty() ? "none" : String.join("; ", tasks);
    }

    private static List<BufferAllocator> sortedByHeld(Collection<BufferAllocator> allocators) {
        List<BufferAllocator> held = new ArrayList<>();
        for (BufferAllocator allocator : allocators) {
            if (allocator.getAllocatedMemory() > 0) {
                held.add(allocator);
            }
        }
        held.sort(Comparator.comparingLong(BufferAllocator::getAllocatedMemory).reversed());
        return held;
    }

    /** Bytes held by all Ember buffers of this JVM. */
    public static long allocatedBytes() {
        RootAllocator current = root;
        return current == null ? 0 : current.getAllocatedMemory();
    }

    /**
     * Waits until Ember holds no memory in this JVM, at most {@code timeoutNanos}: the tasks of a finished
     * job may still be completing (a limit cancels them) when the job's answer arrives.
     *
     * @return the bytes still held when the wait ended (0 when all was released)
     */
    public static long awaitReleased(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (allocatedBytes() != 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return allocatedBytes();
    }

    /** How many task allocators were closed while still holding memory. */
    public static long leakCount() {
        return LEAKS.get();
    }

    private static void releasePermit(AutoCloseable permit) {
        try {
            permit.close();
        } catch (Exception e) {
            LOG.warn("Ember could not release a device permit: {}", e.toString());
        }
    }

    private static void closeTaskAllocator(long attempt) {
        MANAGER.taskCompleted(attempt);
        BufferAllocator allocator = TASK_ALLOCATORS.remove(attempt);
        if (allocator == null) {
            return;
        }
        try {
            allocator.close();
        } catch (IllegalStateException leak) {
            LEAKS.incrementAndGet();
            LOG.error("Ember leaked memory in task {}; please report this with the query: {}", attempt,
                    leak.getMessage());
        }
    }

    /** The part of the limit kept for spills: an eighth, at most 64 MiB. */
    static long spillReserve(long limitBytes) {
        return Math.min(limitBytes / 8, 64L << 20);
    }

    /** Whether the root allocator exists already. */
    public static boolean isInitialized() {
        return root != null;
    }

    /** A quarter of the JVM's maximum heap, at least 64 MiB: the host limit when nothing else is set. */
    public static long defaultHostLimit() {
        return Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4);
    }
}
