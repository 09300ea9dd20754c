package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memory model read from device attributes, and the pool cap it gives. */
class TestMemoryModel {

    private static final long GIB = 1L << 30;

    @Test
    void hostPageTablesWithConcurrentAccessIsCoherentUnified() {
        // GB10 and Grace Hopper: whatever INTEGRATED says, the GPU walks the host's page tables
        assertEquals(MemoryModel.COHERENT_UNIFIED, MemoryModel.of(false, true, true));
        assertEquals(MemoryModel.COHERENT_UNIFIED, MemoryModel.of(true, true, true));
        assertEquals(MemoryModel.INTEGRATED, MemoryModel.of(true, false, false));
        assertEquals(MemoryModel.INTEGRATED, MemoryModel.of(true, true, false));
        assertEquals(MemoryModel.DISCRETE, MemoryModel.of(false, false, true));
        assertEquals(MemoryModel.DISCRETE, MemoryModel.of(false, false, false));
        assertTrue(MemoryModel.COHERENT_UNIFIED.sharesHostMemory());
        assertTrue(MemoryModel.INTEGRATED.sharesHostMemory());
        assertFalse(MemoryModel.DISCRETE.sharesHostMemory());
    }

    @Test
    void discretePoolIsAShareOfTheFreeMemory() {
        assertEquals(72 * GIB / 10, MemoryModel.DISCRETE.poolCapBytes(8 * GIB, 16 * GIB, 0.9, 0.3), GIB / 100);
        // the CPU share is not read for a card with its own memory
        assertEquals(MemoryModel.DISCRETE.poolCapBytes(8 * GIB, 8 * GIB, 0.5, 0.0),
                MemoryModel.DISCRETE.poolCapBytes(8 * GIB, 8 * GIB, 0.5, 0.9));
    }

    @Test
    void sharedMemoryLeavesTheCpuItsShare() {
        // GB10: 128 GB total, most of it free at executor start; 30% stays with the CPU side
        long total = 128L * 1000 * 1000 * 1000;
        long free = 120L * 1000 * 1000 * 1000;
        long cap = MemoryModel.COHERENT_UNIFIED.poolCapBytes(free, total, 0.9, 0.3);
        assertEquals((long) Math.floor(total * 0.7 * 0.9), cap);
        // when less is free than the CPU share leaves, the free memory bounds it, as on a discrete card
        assertEquals((long) Math.floor(40e9 * 0.9), MemoryModel.COHERENT_UNIFIED.poolCapBytes(40_000_000_000L, total,
                0.9, 0.3));
        assertEquals(1, MemoryModel.INTEGRATED.poolCapBytes(0, total, 0.9, 0.3));
        assertThrows(IllegalArgumentException.class, () -> MemoryModel.COHERENT_UNIFIED.poolCapBytes(free, total, 0.9, 1.0));
        assertThrows(IllegalArgumentException.class, () -> MemoryModel.COHERENT_UNIFIED.poolCapBytes(free, total, 0, 0.3));
    }
}
