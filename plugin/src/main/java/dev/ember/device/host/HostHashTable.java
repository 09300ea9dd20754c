package dev.ember.device.host;

import java.util.Arrays;

/**
 * Open addressing over entry ids, the host twin of the device hash tables: each slot holds an entry
 * id and the entry's full hash; keys themselves stay in the caller's columns and are compared
 * through an {@link EntryMatcher}. Linear probing, grown to keep the load under one half.
 */
final class HostHashTable {
    /** Compares the key of a stored entry with the key of the row being looked up. */
    interface EntryMatcher {
        boolean matches(int entry, int row);
    }

    private static final int EMPTY = -1;

    private int[] slots;
    private long[] hashes;
    private int mask;
    private int size;

    HostHashTable(int expectedEntries) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedEntries) * 2 - 1) << 1;
        allocate(capacity);
    }

    int size() {
        return size;
    }

    long bytes() {
        return (long) slots.length * (Integer.BYTES + Long.BYTES);
    }

    /** The entry whose key matches {@code row}, or -1. */
    int find(long hash, EntryMatcher matcher, int row) {
        int slot = (int) hash & mask;
        while (true) {
            int entry = slots[slot];
            if (entry == EMPTY) {
                return -1;
            }
            if (hashes[slot] == hash && matcher.matches(entry, row)) {
                return entry;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The entry whose key matches {@code row}; when there is none, stores {@code newEntry} and returns it. */
    int findOrInsert(long hash, EntryMatcher matcher, int row, int newEntry) {
        int slot = (int) hash & mask;
        while (true) {
            int entry = slots[slot];
            if (entry == EMPTY) {
                slots[slot] = newEntry;
                hashes[slot] = hash;
                if (++size * 2 > slots.length) {
                    grow();
                }
                return newEntry;
            }
            if (hashes[slot] == hash && matcher.matches(entry, row)) {
                return entry;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void grow() {
        int[] oldSlots = slots;
        long[] oldHashes = hashes;
        if (oldSlots.length >= 1 << 30) {
            throw new IllegalStateException("hash table cannot hold more than " + (1 << 29) + " keys");
        }
        allocate(oldSlots.length * 2);
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != EMPTY) {
                int slot = (int) oldHashes[i] & mask;
                while (slots[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = oldSlots[i];
                hashes[slot] = oldHashes[i];
            }
        }
    }

    private void allocate(int capacity) {
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        hashes = new long[capacity];
        mask = capacity - 1;
    }
}
