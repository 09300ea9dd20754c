package dev.ember.memory;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.config.OomInjection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.AllocationOutcome;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one memory manager of an executor's Ember consumers: an allocation under Ember's limit that cannot
 * be served asks {@link Spillable} consumers to give memory back, then is tried again; only when nothing
 * can be freed does it fail (Arrow's {@code OutOfMemoryException}, which operators turn into the error
 * naming {@code spark.ember.memory.host.limitBytes}).
 *
 * <p>It is the {@link AllocationListener} of Ember's root allocator, so every allocator below it (task
 * allocators, operators' memory contexts) reaches it through Arrow's {@code onFailedAllocation}, which
 * retries the allocation once when the listener made room ({@link #makeRoom}); {@link MemoryContext}
 * calls {@link #makeRoom} itself for heap reservations. The order follows Spark's {@code TaskMemoryManager}:
 * consumers of the allocating task first, then those of other tasks, each group largest first.
 *
 * <p>Fault injection ({@code spark.ember.test.injectOom}, see {@link #injectOom}) makes the manager refuse
 * some requests of each Spark task on purpose, as if the limit were exhausted. Every request passes
 * {@link #admit} before it is tried: Arrow buffer allocations through {@link #onPreAllocation}, growths of
 * {@link MemoryContext}'s heap reservations directly. "Fails once" means: the injected refusal takes the
 * place of the request's first try, and is served like a refusal the limit made, by asking spillable
 * consumers to free the request's bytes ({@link #reclaim}: the task's own first, then other tasks'). When
 * that freed any memory, the request is tried again once, normally: it is not refused on purpose again
 * and succeeds unless the real limit refuses it too (which is then served by {@link #makeRoom} as
 * usual). When nothing could be freed, the request fails as a real one that nothing can serve does:
 * Arrow's {@code OutOfMemoryException}, which operators turn into the error naming
 * {@code spark.ember.memory.host.limitBytes}. An injected refusal does not wait for other tasks to
 * release memory: the shortage it pretends is not one they could end. Requests made while a spill runs,
 * and requests outside Spark tasks, are never refused on purpose.
 *
 * <p>Threading: consumers register and unregister from their tasks' threads; {@link #reclaim} runs in the
 * thread whose allocation failed and calls other tasks' consumers from it (see {@link Spillable} for
 * their side of that contract). A spill that itself fails to allocate does not reclaim again.
 */
public final class MemoryManager implements AllocationListener {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryManager.class);
    /**
     * How long an allocation waits for other tasks when none of them changes what it holds: a safety net
     * against a task that holds Ember memory while blocked on something else (Spark's own memory, say),
     * not a bound on a slow neighbour: a neighbour that still allocates or releases keeps the wait going.
     */
    public static final long STALL_MILLIS = 60_000;
    /** The task of a thread that runs no Spark task (the driver, tests). */
    public static final long NO_TASK = -1;
    private static final MemoryManager UNMANAGED = new MemoryManager(() -> NO_TASK, false);

    private final LongSupplier currentTask;
    private final boolean managed;
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Boolean> reclaiming = ThreadLocal.withInitial(() -> false);
    /** How many spill scopes the thread is in ({@link #spilling}). */
    private final ThreadLocal<int[]> spillScopes = ThreadLocal.withInitial(() -> new int[1]);
    private volatile long spillReserve;
    private final AtomicLong spilledBytes = new AtomicLong();
    private final Map<Long, AtomicLong> requestCounts = new ConcurrentHashMap<>();
    private final AtomicLong injectedRefusals = new AtomicLong();
    private volatile OomInjection injection = OomInjection.OFF;
    private volatile BufferAllocator limited;
    private volatile Supplier<Map<Long, Long>> heldByTask = Map::of;
    /** Tasks whose threads wait in {@link #makeRoom} now, with how many threads each. */
    private final Map<Long, Integer> waiting = new ConcurrentHashMap<>();

    private MemoryManager(LongSupplier currentTask, boolean managed) {
        this.currentTask = requireNonNull(currentTask, "currentTask is null");
        this.managed = managed;
    }

    /** A manager whose tasks are Spark's: a thread's task is its {@link TaskContext}'s attempt. */
    public static MemoryManager forSparkTasks() {
        return new MemoryManager(() -> {
            TaskContext context = TaskContext.get();
            return context == null ? NO_TASK : context.taskAttemptId();
        }, true);
    }

    /** A manager whose "task" of a thread is what {@code currentTask} answers in it (for tests). */
    public static MemoryManager withTasks(LongSupplier currentTask) {
        return new MemoryManager(currentTask, true);
    }

    /** The manager of the allocator's tree (its listener), or one that never frees anything. */
    public static MemoryManager of(BufferAllocator allocator) {
        return allocator.getListener() instanceof MemoryManager manager ? manager : UNMANAGED;
    }

    /**
     * Makes {@link #makeRoom} wait for other tasks to release memory under {@code allocator}'s limit (the
     * allocator whose listener this manager is, usually Ember's root).
     *
     * @param heldByTask the bytes each running task holds now (by task attempt), read while waiting: the
     *     wait goes on while a task that is not waiting itself holds memory, and ends when every holder waits
     */
    public void watch(BufferAllocator allocator, Supplier<Map<Long, Long>> heldByTask) {
        this.heldByTask = requireNonNull(heldByTask, "heldByTask is null");
        this.limited = requireNonNull(allocator, "allocator is null");
    }

    /**
     * Keeps the last {@code bytes} under the watched limit for spills: a request outside a spill that would
     * leave less than that free is served like one the limit refused (others spill, the request waits for
     * other tasks, then fails). A spill itself needs some memory (to partition its rows, to copy groups into
     * Arrow columns) at the moment memory is shortest; without a reserve a neighbour takes what the spill
     * just freed and the spill fails (the pressure test, seed 14844364: 4 KiB refused in the middle of an
     * aggregation's spill). 0 turns the reserve off.
     */
    public void reserveForSpills(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("the spill reserve must not be negative: " + bytes);
        }
        this.spillReserve = bytes;
    }

    /** The bytes kept for spills ({@link #reserveForSpills}). */
    public long spillReserve() {
        return spillReserve;
    }

    /**
     * Marks the calling thread as spilling until the returned scope closes: its requests may use the
     * spill reserve, and it never waits for other tasks. Consumers open it around a spill they start
     * themselves; a spill the manager asks for ({@link #reclaim}) is in one already.
     */
    public SpillScope spilling() {
        spillScopes.get()[0]++;
        return new SpillScope();
    }

    private boolean inSpill() {
        return reclaiming.get() || spillScopes.get()[0] > 0;
    }

    /**
     * Whether a request of {@code bytes} by the calling thread may go ahead as far as the spill reserve
     * is concerned, making room first (spills, the wait of {@link #makeRoom}) when it would eat into it.
     * Requests in a spill, and requests while no limit is watched or no reserve set, always may.
     */
    public boolean outsideReserve(long bytes) {
        BufferAllocator watched = limited;
        long reserve = spillReserve;
        if (!managed || watched == null || reserve == 0 || watched.getHeadroom() >= bytes + reserve || inSpill()) {
            return true;
        }
        makeRoom(bytes + reserve);
        return watched.getHeadroom() >= bytes + reserve;
    }

    /**
     * Refuses requests of Spark tasks on purpose from now on, as {@code injection} says (see the class
     * comment for what a refusal does); {@link OomInjection#OFF} stops it. Counting starts afresh for
     * every task.
     */
    public void injectOom(OomInjection injection) {
        requireNonNull(injection, "injection is null");
        if (!managed && !injection.isOff()) {
            throw new IllegalStateException("a manager that frees nothing cannot inject refusals");
        }
        requestCounts.clear();
        this.injection = injection;
        if (!injection.isOff()) {
            LOG.warn("Ember refuses memory requests on purpose ({}={}): for tests only",
                    EmberConf.TEST_INJECT_OOM.key(), injection);
        }
    }

    /**
     * Counts a request of {@code bytes} by the calling thread's task and decides whether it goes ahead.
     * A request that fault injection refuses is served like a refusal of the limit without the wait: the
     * manager asks consumers to spill, and the request goes ahead (tried once, normally) only when that
     * freed memory.
     *
     * @return whether to try the request; false means it failed as if nothing could serve it
     */
    public boolean admit(long bytes) {
        OomInjection current = injection;
        if (current.isOff() || !managed || reclaiming.get()) {
            return true;
        }
        long task = currentTask.getAsLong();
        if (task == NO_TASK) {
            return true;
        }
        long request = requestCounts.computeIfAbsent(task, t -> new AtomicLong()).incrementAndGet();
        if (!current.refuses(task, request)) {
            return true;
        }
        injectedRefusals.incrementAndGet();
        long freed = reclaim(bytes);
        LOG.debug("Ember refused request {} ({} bytes) of task {} on purpose; spilling freed {} bytes", request,
                bytes, task, freed);
        return freed > 0;
    }

    /** Forgets a finished task's request count; the task's allocator calls it when the task completes. */
    public void taskCompleted(long task) {
        requestCounts.remove(task);
    }

    /** How many requests fault injection refused so far, whether or not a spill then let them go ahead. */
    public long injectedRefusals() {
        return injectedRefusals.get();
    }

    /**
     * Registers a consumer of the calling thread's task; it may be asked to spill until the returned
     * registration is closed (which its owner does before releasing the state).
     */
    public Registration register(Spillable consumer) {
        Registration registration = new Registration(requireNonNull(consumer, "consumer is null"),
                currentTask.getAsLong());
        if (managed) {
            registrations.add(registration);
        }
        return registration;
    }

    /**
     * Asks consumers to spill until {@code bytes} are freed or none is left to ask: those of the calling
     * thread's task first, then those of other tasks.
     *
     * @return the bytes freed (possibly more or less than asked)
     */
    public long reclaim(long bytes) {
        if (!managed || reclaiming.get()) {
            return 0;
        }
        reclaiming.set(true);
        try {
            long task = currentTask.getAsLong();
            List<Registration> own = new ArrayList<>();
            List<Registration> others = new ArrayList<>();
            for (Registration registration : registrations) {
                (registration.task == task ? own : others).add(registration);
            }
            long freed = spill(own, bytes, 0);
            if (freed < bytes) {
                freed = spill(others, bytes, freed);
            }
            return freed;
        } finally {
            reclaiming.set(false);
        }
    }

    private long spill(List<Registration> candidates, long bytes, long alreadyFreed) {
        // sizes change while owners run: sort a snapshot of them
        List<Map.Entry<Registration, Long>> sized = new ArrayList<>(candidates.size());
        for (Registration registration : candidates) {
            long size = registration.consumer.spillableBytes();
            if (size > 0) {
                sized.add(Map.entry(registration, size));
            }
        }
        sized.sort(Map.Entry.<Registration, Long>comparingByValue().reversed());
        long freed = alreadyFreed;
        for (Map.Entry<Registration, Long> entry : sized) {
            Registration registration = entry.getKey();
            if (freed >= bytes) {
                break;
            }
            if (registration.closed) {
                continue;
            }
            try {
                long released = registration.consumer.spill(bytes - freed);
                if (released > 0) {
                    freed += released;
                    spilledBytes.addAndGet(released);
                    LOG.info("Ember spilled {} bytes of {} (task {}) to serve an allocation of {} bytes",
                            released, registration.consumer.name(), registration.task, bytes);
                }
            } catch (RuntimeException e) {
                LOG.warn("Ember could not spill {} (task {}): {}", registration.consumer.name(), registration.task,
                        e.toString());
            }
        }
        return freed;
    }

    /**
     * Makes room for an allocation of {@code bytes} that the limit refused: asks consumers to spill
     * ({@link #reclaim}); when that is not enough and a limited allocator is {@linkplain #watch watched},
     * waits for other tasks to finish steps that hold memory no one can spill (a hash table being probed,
     * batches in flight), asking again as it waits, as Spark's execution memory pool makes a task wait for
     * others instead of failing it.
     *
     * <p>The wait depends on what other tasks do, not on the clock, since a loaded machine makes every
     * neighbour slow (a fixed one-second wait failed the pressure test on a machine with a load of ten). It
     * goes on while some other task holds memory and is not waiting here itself: that task is running and
     * will release memory when its step or the task ends. It ends, and the allocation fails, when no other
     * task holds memory (waiting cannot help), when every task that holds memory waits here too (no one
     * would ever release: the first to see it fails and its memory goes back to the others), or when no
     * other task changed what it holds for {@link #STALL_MILLIS} ms.
     *
     * @return whether retrying the allocation is worth it (memory was freed or is free now)
     */
    public boolean makeRoom(long bytes) {
        if (!managed || reclaiming.get()) {
            return false;
        }
        boolean spillingThread = spillScopes.get()[0] > 0;
        long freed = reclaim(bytes);
        BufferAllocator watched = limited;
        if (spillingThread) {
            // a spill waits for no one: a task that waits for it to free memory could be the one it waits for
            return freed > 0 || (watched != null && watched.getHeadroom() >= bytes);
        }
        if (watched == null || watched.getHeadroom() >= bytes) {
            return freed > 0 || (watched != null && watched.getHeadroom() >= bytes);
        }
        long task = currentTask.getAsLong();
        waiting.merge(task, 1, Integer::sum);
        try {
            Map<Long, Long> seen = othersHoldings(task);
            long lastChange = System.nanoTime();
            while (watched.getHeadroom() < bytes) {
                if (!anyRunningHolder(seen)) {
                    LOG.debug("Ember task {} stops waiting for {} bytes: no other running task holds memory", task,
                            bytes);
                    break;
                }
                if (System.nanoTime() - lastChange > STALL_MILLIS * 1_000_000L) {
                    LOG.warn("Ember task {} stops waiting for {} bytes: no other task changed the memory it holds"
                            + " in {} ms ({})", task, bytes, STALL_MILLIS, seen);
                    break;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                reclaim(bytes - watched.getHeadroom());
                Map<Long, Long> now = othersHoldings(task);
                if (!now.equals(seen)) {
                    seen = now;
                    lastChange = System.nanoTime();
                }
            }
        } finally {
            waiting.computeIfPresent(task, (t, threads) -> threads == 1 ? null : threads - 1);
        }
        return freed > 0 || watched.getHeadroom() >= bytes;
    }

    /** What each task but {@code task} holds now, of those that hold anything. */
    private Map<Long, Long> othersHoldings(long task) {
        Map<Long, Long> others = new HashMap<>();
        heldByTask.get().forEach((other, bytes) -> {
            if (other != task && bytes > 0) {
                others.put(other, bytes);
            }
        });
        return others;
    }

    private boolean anyRunningHolder(Map<Long, Long> holdings) {
        for (Long holder : holdings.keySet()) {
            if (!waiting.containsKey(holder)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Arrow's hook before every allocation: fails one that {@link #admit} does not let go ahead, as
     * Arrow fails an allocation that nothing can serve.
     */
    @Override
    public void onPreAllocation(long size) {
        if (!admit(size)) {
            throw injectedFailure(size);
        }
        if (!outsideReserve(size)) {
            throw new OutOfMemoryException("Unable to allocate " + size + " bytes: only the " + spillReserve
                    + " bytes kept for spills are free under Ember's limit, and nothing else could be freed (held now: "
                    + EmberMemory.holders(limited) + ")");
        }
    }

    /** The error of a request of {@code bytes} that an injected refusal failed, as Arrow's own would be. */
    public OutOfMemoryException injectedFailure(long bytes) {
        return new OutOfMemoryException("Unable to allocate " + bytes + " bytes: refused on purpose by "
                + EmberConf.TEST_INJECT_OOM.key() + "=" + injection + ", and nothing could be spilled");
    }

    /** Arrow's hook: makes room for a failed allocation; true (try again) when {@link #makeRoom} made it. */
    @Override
    public boolean onFailedAllocation(long size, AllocationOutcome outcome) {
        return makeRoom(size);
    }

    /** Bytes freed by spills this manager asked for, in total. */
    public long spilledBytes() {
        return spilledBytes.get();
    }

    /** How many tasks have a thread waiting in {@link #makeRoom} now. */
    public int waitingTasks() {
        return waiting.size();
    }

    /** How many consumers are registered now. */
    public int registeredCount() {
        return registrations.size();
    }

    /** The calling thread's spill, from {@link #spilling} until closed (once, by the thread that opened it). */
    public final class SpillScope implements AutoCloseable {
        private boolean closed;

        private SpillScope() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                spillScopes.get()[0]--;
            }
        }
    }

    /** A consumer's membership; closing it (idempotent) stops the manager from asking it. */
    public final class Registration implements AutoCloseable {
        private final Spillable consumer;
        private final long task;
        private volatile boolean closed;

        private Registration(Spillable consumer, long task) {
            this.consumer = consumer;
            this.task = task;
        }

        @Override
        public void close() {
            closed = true;
            registrations.remove(this);
        }
    }
}
