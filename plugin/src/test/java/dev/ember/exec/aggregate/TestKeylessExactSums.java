package dev.ember.exec.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;

/**
 * The exact sums of an aggregation without keys against {@link BigInteger} arithmetic: 38-digit extremes that
 * wrap the 128-bit sum many times in both directions, nulls, and Spark's overflow marks in merge inputs.
 */
class TestKeylessExactSums {
    private static final BigInteger MAX = BigInteger.TEN.pow(38).subtract(BigInteger.ONE);

    @Test
    void sumsWithoutABoundAcrossBatches() {
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestKeylessExactSums seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        Random random = new Random(seed);
        KeylessExactSums sums = new KeylessExactSums(List.of(1), new int[] {10});
        BigInteger expected = BigInteger.ZERO;
        try (BufferAllocator allocator = new RootAllocator()) {
            for (int batch = 0; batch < 20; batch++) {
                int rows = batch == 0 ? 0 : 1 + random.nextInt(300);
                try (DecimalVector values = new DecimalVector("v", allocator, 38, 10)) {
                    values.allocateNew(Math.max(rows, 1));
                    // runs of one sign push the sum far past 2^128, then back
                    boolean positive = batch % 4 < 2;
                    for (int row = 0; row < rows; row++) {
                        BigInteger value = switch (random.nextInt(5)) {
                            case 0 -> null;
                            case 1 -> MAX;
                            case 2 -> MAX.negate();
                            case 3 -> BigInteger.valueOf(random.nextLong());
                            default -> new BigInteger(126, random);
                        };
                        if (value == null) {
                            values.setNull(row);
                            continue;
                        }
                        value = positive ? value.abs() : value.abs().negate();
                        values.set(row, new BigDecimal(value, 10));
                        expected = expected.add(value);
                    }
                    values.setValueCount(rows);
                    sums.add(List.of(List.<FieldVector>of(), List.<FieldVector>of(values)), rows);
                }
                AggregateOutput.ExactSum sum = sums.sum(1);
                assertEquals(new BigDecimal(expected, 10), sum.value(), "after batch " + batch);
            }
        }
        assertTrue(sums.sum(1).nonEmpty());
        assertNull(sums.sum(0));
    }

    @Test
    void followsSparksBufferFlagsInMergeInputs() {
        KeylessExactSums sums = new KeylessExactSums(List.of(0), new int[] {0});
        try (BufferAllocator allocator = new RootAllocator();
                DecimalVector values = new DecimalVector("sum", allocator, 38, 0);
                BitVector isEmpty = new BitVector("isEmpty", allocator)) {
            values.allocateNew(3);
            isEmpty.allocateNew(3);
            // an empty buffer (its sum is 0, not null), then a partial sum, then another empty one
            values.set(0, BigDecimal.ZERO);
            isEmpty.set(0, 1);
            values.set(1, new BigDecimal(MAX));
            isEmpty.set(1, 0);
            values.setNull(2);
            isEmpty.set(2, 1);
            values.setValueCount(3);
            isEmpty.setValueCount(3);
            sums.add(List.of(List.of(values, isEmpty)), 3);
            assertEquals(new BigDecimal(MAX), sums.sum(0).value());
            assertTrue(sums.sum(0).nonEmpty());
            // a null sum in a non-empty buffer: an overflow before, for good
            values.setNull(1);
            sums.add(List.of(List.of(values, isEmpty)), 3);
            assertNull(sums.sum(0).value());
            assertTrue(sums.sum(0).nonEmpty());
        }
        KeylessExactSums empty = new KeylessExactSums(List.of(0), new int[] {2});
        assertEquals(BigDecimal.ZERO.setScale(2), empty.sum(0).value());
        assertFalse(empty.sum(0).nonEmpty());
    }
}
