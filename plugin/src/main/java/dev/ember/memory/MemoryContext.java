package dev.ember.memory;

import static java.util.Objects.requireNonNull;

import org.apache.arrow.memory.AllocationReservation;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;

/**
 * The memory one operator holds in one task: an Arrow child allocator for its state buffers (a hash
 * table's build side, sorted rows, grouping keys) and a reservation, against the same limit, for state
 * it keeps on the Java heap (hash slots, accumulators).
 *
 * <p>Both count against Ember's executor-wide limit ({@code spark.ember.memory.host.limitBytes}). An
 * allocation or reservation that the limit refuses first makes the {@link MemoryManager} of the
 * allocator's tree ask spillable consumers for memory and is then tried again; when that frees nothing,
 * {@link #setHeapBytes} and {@link #run} throw {@link LimitExceededException} naming the operator and
 * the setting to raise, instead of an {@link OutOfMemoryError}. Both also take the refusals that fault
 * injection ({@code spark.ember.test.injectOom}) makes, the same way (see {@link MemoryManager}).
 *
 * <p>Used by one task thread. Closing releases the reservation and closes the allocator; the operator
 * must have closed its state buffers first. Output batches are not allocated here: they belong to the
 * consumer once handed over.
 */
public final class MemoryContext implements AutoCloseable {
    private final String operator;
    private final BufferAllocator allocator;
    private final MemoryManager manager;
    private AllocationReservation reservation;
    private long heapBytes;
    private long peakBytes;

    /** A context for {@code operator}, whose allocator is a child of {@code parent}. */
    public MemoryContext(String operator, BufferAllocator parent) {
        this.operator = requireNonNull(operator, "operator is null");
        requireNonNull(parent, "parent is null");
        this.allocator = parent.newChildAllocator(operator, 0, Long.MAX_VALUE);
        this.manager = MemoryManager.of(parent);
        this.reservation = allocator.newReservation();
    }

    /** The allocator for the operator's state buffers. */
    public BufferAllocator allocator() {
        return allocator;
    }

    /**
     * Marks the calling thread as spilling for this operator until the scope closes (see
     * {@link MemoryManager#spilling}): open it around a spill the operator starts itself.
     */
    public MemoryManager.SpillScope spilling() {
        return manager.spilling();
    }

    /** The manager that spillable state of this operator registers with. */
    public MemoryManager manager() {
        return manager;
    }

    /** Bytes held now: Arrow buffers of the allocator plus reserved heap state. */
    public long bytes() {
        return allocator.getAllocatedMemory();
    }

    /** The most bytes held at once so far. */
    public long peakBytes() {
        return Math.max(peakBytes, bytes());
    }

    /**
     * Sets the heap bytes the operator holds, reserving any growth against the memory limit.
     *
     * @throws LimitExceededException when the limit does not allow the growth
     */
    public void setHeapBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("heap bytes must not be negative: " + bytes);
        }
        if (bytes > heapBytes) {
            long growth = bytes - heapBytes;
            // Arrow's reservations do not call the allocation listener: ask the manager here
            if (!manager.admit(growth)) {
                throw limitExceeded(growth, manager.injectedFailure(growth));
            }
            if (!manager.outsideReserve(growth)
                    || !reserve(growth) && !(manager.makeRoom(growth) && reserve(growth))) {
                throw limitExceeded(growth, null);
            }
        } else if (bytes < heapBytes / 2) {
            // give back what the operator released; a reservation only shrinks by being replaced
            reservation.close();
            reservation = allocator.newReservation();
            heapBytes = 0;
            setHeapBytes(bytes);
            return;
        }
        heapBytes = Math.max(bytes, heapBytes);
        peakBytes = Math.max(peakBytes, bytes());
    }

    private boolean reserve(long growth) {
        try {
            return growth <= Integer.MAX_VALUE && reservation.add((int) growth);
        } catch (OutOfMemoryException e) {
            return false;
        }
    }

    /** Runs an allocation-heavy step, turning Arrow's out-of-memory error into a clear one. */
    public <T> T run(java.util.function.Supplier<T> step) {
        try {
            T result = step.get();
            peakBytes = Math.max(peakBytes, bytes());
            return result;
        } catch (OutOfMemoryException e) {
            throw limitExceeded(0, e);
        }
    }

    /** The error for a step that needs more memory than the limit allows. */
    public LimitExceededException limitExceeded(long requested, Throwable cause) {
        return limitExceeded(operator, bytes(), requested, cause);
    }

    /**
     * The error for a step of {@code operator} that needs more memory than the limit allows, where what
     * the operator holds is not known (an Arrow allocation deep inside the step failed).
     */
    public static LimitExceededException limitExceeded(String operator, Throwable cause) {
        return new LimitExceededException(operator + " needs more memory than Ember may use on this executor: all"
                + " Ember buffers together hold " + EmberMemory.allocatedBytes() + " bytes (" + EmberMemory.holders()
                + "). " + raiseAdvice(), cause);
    }

    private static String raiseAdvice() {
        return "Raise " + EmberMemory.limitSetting() + " (or give Spark more partitions with"
                + " spark.sql.shuffle.partitions so each task holds less).";
    }

    /**
     * The error for a step of {@code operator}, which holds {@code heldBytes}, that needs more memory than
     * the limit allows even after the memory manager asked others to spill.
     */
    public static LimitExceededException limitExceeded(String operator, long heldBytes, long requested,
            Throwable cause) {
        return new LimitExceededException(operator + " needs more memory than Ember may use on this executor: it holds "
                + heldBytes + " bytes" + (requested > 0 ? " and asked for " + requested + " more" : "")
                + " while all Ember buffers together hold " + EmberMemory.allocatedBytes() + " bytes ("
                + EmberMemory.holders() + "). " + raiseAdvice(), cause);
    }

    @Override
    public void close() {
        try {
            reservation.close();
        } finally {
            allocator.close();
        }
    }

    /** An operator's state would exceed Ember's memory limit. */
    public static final class LimitExceededException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public LimitExceededException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
