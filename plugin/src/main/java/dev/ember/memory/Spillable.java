package dev.ember.memory;

/**
 * State of one operator in one task that can give its memory back by writing itself to disk when the
 * {@link MemoryManager} asks: the build side a shuffled hash join holds while it arrives, an
 * aggregation's groups and a sort's held rows; an exchange's buffers could implement it the same way.
 *
 * <p>Threading: {@link #spill} is called from any thread, often another task's, while the owning task
 * keeps running. An implementation guards its state with a lock that its owner holds while it reads or
 * changes the state; {@code spill} takes that lock with a short wait and returns 0 when it cannot (the
 * owner is busy with the state), and it also returns 0 when the calling thread holds the lock already
 * (the owner's own allocation failed in the middle of using the state, which a spill would pull away).
 * A spill should need little Arrow memory beyond what it frees: the join and the sort write the buffers
 * they hold as they are; an aggregation releases its heap reservation before copying its groups out.
 */
public interface Spillable {
    /** What the manager's log and errors call this consumer, such as the operator's name. */
    String name();

    /** About how many bytes {@link #spill} would free now; 0 when it holds nothing it can spill. */
    long spillableBytes();

    /**
     * Writes held state to disk and releases its memory.
     *
     * @param bytes how many bytes the caller needs; an implementation may free more (all it holds)
     * @return the bytes released, 0 when nothing could be released now
     * @throws RuntimeException when writing fails; the state must then still be whole (nothing released)
     */
    long spill(long bytes);
}
