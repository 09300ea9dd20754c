package dev.ember.device.host;

import java.util.Arrays;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Open addressing from integral key values (signed integers, dates, timestamps, read as longs) to dense
 * entry numbers {@code 0, 1, 2, ...} in the order the keys were first inserted. Each slot is a pair of
 * longs in one array, the key and its entry, so a lookup compares the key in the slot itself and reads one
 * cache line where a table of row references would also read the key column at a random row. Linear
 * probing; grown to keep the load at most one half, so the slots follow the distinct keys, not the rows.
 *
 * <p>Not thread-safe; heap memory only.
 */
final class IntegralKeySlots {
    private static final long EMPTY = -1;

    /** {@code slots[2 * s]} is slot s's key, {@code slots[2 * s + 1]} its entry or {@link #EMPTY}. */
    private long[] slots;
    private int mask;
    private int size;

    /** @param expectedRows the rows to be inserted: the table starts at a quarter of them and grows as needed */
    IntegralKeySlots(int expectedRows) {
        allocate(Integer.highestOneBit(Math.max(16, expectedRows / 4) * 2 - 1));
    }

    /** Whether row {@code row} of an Arrow validity bitmap at {@code validity} holds a value. */
    static boolean isValid(long validity, int row) {
        return ((MemoryUtil.getByte(validity + (row >>> 3)) >> (row & 7)) & 1) != 0;
    }

    /** Row {@code row} of a fixed-width integral data buffer at {@code data}, as a long. */
    static long value(long data, int width, int row) {
        long at = data + (long) row * width;
        return switch (width) {
            case 1 -> MemoryUtil.getByte(at);
            case 2 -> MemoryUtil.getShort(at);
            case 4 -> MemoryUtil.getInt(at);
            default -> MemoryUtil.getLong(at);
        };
    }

    /** The number of distinct keys inserted. */
    int size() {
        return size;
    }

    long bytes() {
        return (long) slots.length * Long.BYTES;
    }

    /** The entry of {@code key}, or -1. */
    int find(long key) {
        int slot = (int) HostColumn.mix(key) & mask;
        while (true) {
            long entry = slots[2 * slot + 1];
            if (entry == EMPTY) {
                return -1;
            }
            if (slots[2 * slot] == key) {
                return (int) entry;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The entry of {@code key}; a key not seen before gets the next entry number. */
    int findOrInsert(long key) {
        int slot = (int) HostColumn.mix(key) & mask;
        while (true) {
            long entry = slots[2 * slot + 1];
            if (entry == EMPTY) {
                slots[2 * slot] = key;
                slots[2 * slot + 1] = size;
                int inserted = size++;
                if (size * 2L > mask + 1L) {
                    grow();
                }
                return inserted;
            }
            if (slots[2 * slot] == key) {
                return (int) entry;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void grow() {
        long[] old = slots;
        int oldCapacity = mask + 1;
        if (oldCapacity >= 1 << 29) {
            throw new IllegalStateException("a join table cannot hold more than " + (1 << 28) + " distinct keys");
        }
        allocate(oldCapacity * 2);
        for (int i = 0; i < oldCapacity; i++) {
            long entry = old[2 * i + 1];
            if (entry != EMPTY) {
                long key = old[2 * i];
                int slot = (int) HostColumn.mix(key) & mask;
                while (slots[2 * slot + 1] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                slots[2 * slot] = key;
                slots[2 * slot + 1] = entry;
            }
        }
    }

    private void allocate(int capacity) {
        slots = new long[2 * capacity];
        Arrays.fill(slots, EMPTY);
        mask = capacity - 1;
    }
}
