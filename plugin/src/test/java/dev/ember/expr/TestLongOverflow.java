package dev.ember.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The interpreter's exception-free overflow test of long {@code + - *} says exactly what
 * {@code Math.addExact}, {@code subtractExact} and {@code multiplyExact} say: over every pair of edge values
 * (0, ±1, ±2, the extremes and their neighbours, 2^31 and 2^32 around, √MAX around) and a million random pairs
 * of every magnitude.
 */
class TestLongOverflow {
    @Test
    void agreesWithMathExactOnEdgesAndRandomPairs() {
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestLongOverflow seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        List<Long> edges = new ArrayList<>();
        long[] bases = {0, 1, 2, 3, Integer.MAX_VALUE, 1L << 31, 1L << 32, 3_037_000_499L, 3_037_000_500L,
            Long.MAX_VALUE / 2, Long.MAX_VALUE - 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
            Long.MIN_VALUE / 2, 1L << 62};
        for (long base : bases) {
            edges.add(base);
            edges.add(-base);
            edges.add(base + 1);
            edges.add(base - 1);
        }
        for (long left : edges) {
            for (long right : edges) {
                check(left, right, seed);
            }
        }
        Random random = new Random(seed);
        for (int i = 0; i < 1_000_000; i++) {
            // every magnitude: shift away a random number of bits
            check(random.nextLong() >> random.nextInt(64), random.nextLong() >> random.nextInt(64), seed);
        }
    }

    private static void check(long left, long right, long seed) {
        for (Opcode opcode : new Opcode[] {Opcode.ADD, Opcode.SUBTRACT, Opcode.MULTIPLY}) {
            boolean overflows;
            long wrapped;
            try {
                switch (opcode) {
                    case ADD -> Math.addExact(left, right);
                    case SUBTRACT -> Math.subtractExact(left, right);
                    default -> Math.multiplyExact(left, right);
                }
                overflows = false;
            } catch (ArithmeticException e) {
                overflows = true;
            }
            wrapped = switch (opcode) {
                case ADD -> left + right;
                case SUBTRACT -> left - right;
                default -> left * right;
            };
            assertEquals(overflows, ArithmeticLoops.longOverflows(opcode, left, right, wrapped),
                    () -> left + " " + opcode + " " + right + " (seed " + seed + ")");
        }
    }
}
