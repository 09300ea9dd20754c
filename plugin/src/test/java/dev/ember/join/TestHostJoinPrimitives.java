package dev.ember.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import dev.ember.memory.MemoryContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/**
 * The hash table build/probe primitive against a nested-loop reference on random keys with nulls and
 * duplicates, and the memory context's limit error.
 */
class TestHostJoinPrimitives {
    private static final String[] WORDS = {"a", "b", "apple", "", "日本", "zz"};

    @Test
    void probeFindsExactlyTheEqualNonNullKeys() {
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestHostJoinPrimitives seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        Random random = new Random(seed);
        Device device = new HostDevice();
        try (BufferAllocator allocator = new RootAllocator();
                IntVector buildInts = ints(allocator, random, 300);
                VarCharVector buildStrings = strings(allocator, random, 300);
                IntVector probeInts = ints(allocator, random, 200);
                VarCharVector probeStrings = strings(allocator, random, 200)) {
            List<FieldVector> buildKeys = List.of(buildInts, buildStrings);
            List<FieldVector> probeKeys = List.of(probeInts, probeStrings);
            List<String> actual = new ArrayList<>();
            try (Device.JoinTable table = device.buildJoinTable(buildKeys, 300, allocator)) {
                int row = 0;
                while (row < 200) {
                    // a small pair limit exercises resuming the probe where it stopped
                    try (Device.JoinMatches matches = device.probeJoinTable(table, probeKeys, row, 200, 7, allocator)) {
                        for (int i = 0; i < matches.pairCount(); i++) {
                            actual.add(matches.probeRows().get(i) + "-" + matches.buildRows().get(i));
                        }
                        assertTrue(matches.nextRow() > row, "the probe made no progress");
                        row = matches.nextRow();
                    }
                }
            }
            List<String> expected = new ArrayList<>();
            for (int p = 0; p < 200; p++) {
                for (int b = 0; b < 300; b++) {
                    if (!probeInts.isNull(p) && !probeStrings.isNull(p) && !buildInts.isNull(b)
                            && !buildStrings.isNull(b) && probeInts.get(p) == buildInts.get(b)
                            && new String(probeStrings.get(p), StandardCharsets.UTF_8)
                                    .equals(new String(buildStrings.get(b), StandardCharsets.UTF_8))) {
                        expected.add(p + "-" + b);
                    }
                }
            }
            Collections.sort(actual);
            Collections.sort(expected);
            assertTrue(!expected.isEmpty(), "the random keys should match somewhere");
            assertEquals(expected, actual);
        }
    }

    @Test
    void memoryContextNamesTheSettingToRaise() {
        try (BufferAllocator root = new RootAllocator(1 << 20);
                MemoryContext memory = new MemoryContext("TestOperator", root)) {
            memory.setHeapBytes(1000);
            MemoryContext.LimitExceededException heap = assertThrows(MemoryContext.LimitExceededException.class,
                    () -> memory.setHeapBytes(4 << 20));
            assertTrue(heap.getMessage().contains("spark.ember.memory.host.limitBytes"), heap.getMessage());
            assertTrue(heap.getMessage().contains("TestOperator"), heap.getMessage());
            MemoryContext.LimitExceededException arrow = assertThrows(MemoryContext.LimitExceededException.class,
                    () -> memory.run(() -> {
                        IntVector vector = new IntVector("big", memory.allocator());
                        try {
                            vector.allocateNew(1 << 20);
                            return vector;
                        } catch (RuntimeException e) {
                            vector.close();
                            throw e;
                        }
                    }));
            assertTrue(arrow.getMessage().contains("spark.ember.memory.host.limitBytes"), arrow.getMessage());
            memory.setHeapBytes(0);
        }
    }

    private static IntVector ints(BufferAllocator allocator, Random random, int count) {
        IntVector vector = new IntVector("k", allocator);
        vector.allocateNew(count);
        for (int i = 0; i < count; i++) {
            if (random.nextInt(10) == 0) {
                vector.setNull(i);
            } else {
                vector.set(i, random.nextInt(6));
            }
        }
        vector.setValueCount(count);
        return vector;
    }

    private static VarCharVector strings(BufferAllocator allocator, Random random, int count) {
        VarCharVector vector = new VarCharVector("s", allocator);
        vector.allocateNew();
        for (int i = 0; i < count; i++) {
            if (random.nextInt(10) == 0) {
                vector.setNull(i);
            } else {
                vector.setSafe(i, WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.UTF_8));
            }
        }
        vector.setValueCount(count);
        return vector;
    }
}
