package dev.ember.exec.aggregate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;

/**
 * The wide decimal sums of one task of a hash aggregation without grouping keys, kept exact as Spark's
 * generated code keeps them ({@link ExactDecimalSums}): each is a 128-bit two's-complement sum plus a count of
 * the times it wrapped around 2^128, so it has no precision bound until the output checks one. The marking
 * of overflow is the device's {@code SUM_DECIMAL}'s: a null sum in a non-empty Spark buffer (merge modes)
 * means an earlier overflow, and the sum stays overflowed for good.
 *
 * <p>The sums are added here, on the host, batch by batch from the operations' input columns; the device's
 * group-by still folds the same operations (their states are not read). One group, so the cost is one pass
 * over each input column. Used by one task's thread.
 */
final class KeylessExactSums {
    private static final BigInteger TWO_TO_128 = BigInteger.ONE.shiftLeft(128);

    private final List<Integer> operations;
    private final int[] scales;
    private final long[] lows;
    private final long[] highs;
    private final long[] wraps;
    private final boolean[] seen;
    private final boolean[] overflowed;

    /** The exact sums of {@code plan}'s {@link AggregatePlan#exactOperations}. */
    KeylessExactSums(AggregatePlan plan) {
        this(plan.exactOperations(), plan.exactOperations().stream()
                .mapToInt(operation -> plan.operations().get(operation).scale()).toArray());
    }

    /** Exact sums of the operations with these indexes, whose sums have these scales. */
    KeylessExactSums(List<Integer> operations, int[] scales) {
        if (scales.length != operations.size()) {
            throw new IllegalArgumentException(scales.length + " scales for " + operations.size() + " operations");
        }
        this.operations = List.copyOf(operations);
        this.scales = scales.clone();
        int count = operations.size();
        lows = new long[count];
        highs = new long[count];
        wraps = new long[count];
        seen = new boolean[count];
        overflowed = new boolean[count];
    }

    /**
     * Adds {@code rows} rows: {@code operationInputs} holds every operation's inputs, as the group-by gets
     * them (a decimal column, and in merge modes Spark's "is empty" flags).
     */
    void add(List<List<FieldVector>> operationInputs, int rows) {
        for (int i = 0; i < operations.size(); i++) {
            List<FieldVector> inputs = operationInputs.get(operations.get(i));
            add(i, (DecimalVector) inputs.get(0), inputs.size() > 1 ? (BitVector) inputs.get(1) : null, rows);
        }
    }

    private void add(int i, DecimalVector values, BitVector isEmpty, int rows) {
        if (values.getValueCount() < rows || isEmpty != null && isEmpty.getValueCount() < rows) {
            throw new IllegalArgumentException("an input of " + values.getValueCount() + " values for " + rows
                    + " rows");
        }
        ArrowBuf data = values.getDataBuffer();
        long low = lows[i];
        long high = highs[i];
        long wrap = wraps[i];
        for (int row = 0; row < rows; row++) {
            boolean isValue = !values.isNull(row);
            if (isEmpty != null) {
                if (!isEmpty.isNull(row) && isEmpty.get(row) != 0) {
                    continue;
                }
                seen[i] = true;
                if (!isValue) {
                    overflowed[i] = true;
                    continue;
                }
            } else {
                if (!isValue) {
                    continue;
                }
                seen[i] = true;
            }
            long addLow = data.getLong((long) row * 16);
            long addHigh = data.getLong((long) row * 16 + 8);
            long sumLow = low + addLow;
            long carry = Long.compareUnsigned(sumLow, addLow) < 0 ? 1 : 0;
            long sumHigh = high + addHigh + carry;
            // a signed 128-bit overflow: both operands of one sign, the sum of the other
            if (((high ^ sumHigh) & (addHigh ^ sumHigh)) < 0) {
                wrap += addHigh < 0 ? -1 : 1;
            }
            low = sumLow;
            high = sumHigh;
        }
        lows[i] = low;
        highs[i] = high;
        wraps[i] = wrap;
    }

    /** The exact sum of plan operation {@code operation}, or null when it is not one of these. */
    AggregateOutput.ExactSum sum(int operation) {
        int i = operations.indexOf(operation);
        if (i < 0) {
            return null;
        }
        if (overflowed[i]) {
            return new AggregateOutput.ExactSum(null, seen[i]);
        }
        BigInteger unscaled = new BigInteger(1, bigEndian(highs[i], lows[i]));
        if (highs[i] < 0) {
            unscaled = unscaled.subtract(TWO_TO_128);
        }
        unscaled = unscaled.add(BigInteger.valueOf(wraps[i]).shiftLeft(128));
        return new AggregateOutput.ExactSum(new BigDecimal(unscaled, scales[i]), seen[i]);
    }

    private static byte[] bigEndian(long high, long low) {
        byte[] bytes = new byte[16];
        for (int b = 0; b < 8; b++) {
            bytes[b] = (byte) (high >>> (56 - 8 * b));
            bytes[8 + b] = (byte) (low >>> (56 - 8 * b));
        }
        return bytes;
    }
}
