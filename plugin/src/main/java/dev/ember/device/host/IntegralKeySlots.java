package dev.ember.device.host;

import java.util.Arrays;

/**
 * Open addressing from integral keys of one or two columns (signed integers, dates, timestamps, read as
 * longs) to entry numbers: by default dense, {@code 0, 1, 2, ...} in the order the keys were first
 * inserted, or chosen by the caller. Each slot
 * holds the key values and the entry side by side in one array, so a lookup compares the key in the slot
 * itself and reads one cache line where a table of row references would also read the key columns at a
 * random row. Linear probing; grown to keep the load at most one half, so the slots follow the distinct
 * keys, not the rows.
 *
 * <p>Not thread-safe; heap memory only.
 */
final class IntegralKeySlots {
    private static final long EMPTY = -1;

    /** Longs per slot: the key values, then the entry (or {@link #EMPTY}). */
    private final int stride;
    private long[] slots;
    private int mask;
    private int size;

    /**
     * @param keyColumns 1 or 2
     * @param expectedRows the rows to be inserted: the table starts at a quarter of them and grows as needed
     */
    IntegralKeySlots(int keyColumns, int expectedRows) {
        if (keyColumns != 1 && keyColumns != 2) {
            throw new IllegalArgumentException("integral key slots hold one or two key columns, not " + keyColumns);
        }
        this.stride = keyColumns + 1;
        allocate(Integer.highestOneBit(Math.max(16, expectedRows / 4) * 2 - 1));
    }

    /** The number of distinct keys stored. */
    int size() {
        return size;
    }

    long bytes() {
        return (long) slots.length * Long.BYTES;
    }

    private int home(long first, long second) {
        long hash = stride == 2 ? HostColumn.mix(first) : HostColumn.mix(first * HostColumn.HASH_MULTIPLIER
                + HostColumn.mix(second));
        return (int) hash & mask;
    }

    /** The entry of the key ({@code second} is ignored for one key column), or -1. */
    int find(long first, long second) {
        int slot = home(first, second);
        while (true) {
            int at = slot * stride;
            long entry = slots[at + stride - 1];
            if (entry == EMPTY) {
                return -1;
            }
            if (slots[at] == first && (stride == 2 || slots[at + 1] == second)) {
                return (int) entry;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The entry of the key; a key not seen before gets the next entry number, {@link #size()}. */
    int findOrInsert(long first, long second) {
        return findOrInsert(first, second, size);
    }

    /** The entry of the key; a key not seen before is stored with entry {@code newEntry}, which is returned. */
    int findOrInsert(long first, long second, int newEntry) {
        int slot = home(first, second);
        while (true) {
            int at = slot * stride;
            long entry = slots[at + stride - 1];
            if (entry == EMPTY) {
                slots[at] = first;
                if (stride == 3) {
                    slots[at + 1] = second;
                }
                slots[at + stride - 1] = newEntry;
                if (++size * 2L > mask + 1L) {
                    grow();
                }
                return newEntry;
            }
            if (slots[at] == first && (stride == 2 || slots[at + 1] == second)) {
                return (int) entry;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void grow() {
        long[] old = slots;
        int oldCapacity = mask + 1;
        if (oldCapacity >= 1 << 28) {
            throw new IllegalStateException("a join table cannot hold more than " + (1 << 27) + " distinct keys");
        }
        allocate(oldCapacity * 2);
        for (int i = 0; i < oldCapacity; i++) {
            int from = i * stride;
            if (old[from + stride - 1] != EMPTY) {
                long second = stride == 3 ? old[from + 1] : 0;
                int slot = home(old[from], second);
                while (slots[slot * stride + stride - 1] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                System.arraycopy(old, from, slots, slot * stride, stride);
            }
        }
    }

    private void allocate(int capacity) {
        slots = new long[stride * capacity];
        Arrays.fill(slots, EMPTY);
        mask = capacity - 1;
    }
}
