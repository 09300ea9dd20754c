package dev.ember.device.host;

import dev.ember.columnar.ArrowBatches;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;

/**
 * The {@code MOMENTS} operation on the host: Spark's count, mean and sum of squared deviations per group,
 * folded row by row with Spark's own update and merge formulas (see the operation's contract), so the same
 * rows in the same order give Spark's bits.
 */
final class HostMoments extends HostAccumulator {
    private double[] counts = new double[0];
    private double[] means = new double[0];
    private double[] squares = new double[0];

    @Override
    protected void resize(int newCapacity) {
        counts = Arrays.copyOf(counts, newCapacity);
        means = Arrays.copyOf(means, newCapacity);
        squares = Arrays.copyOf(squares, newCapacity);
    }

    @Override
    void add(List<FieldVector> inputs, int[] groupIds, int rowCount) {
        if (inputs.size() == 1) {
            update(inputs.get(0), groupIds, rowCount);
        } else if (inputs.size() == 3) {
            merge(inputs.get(0), inputs.get(1), inputs.get(2), groupIds, rowCount);
        } else {
            throw new IllegalArgumentException("moments take one input (values) or three (n, avg, m2), not "
                    + inputs.size());
        }
    }

    private void update(FieldVector values, int[] groupIds, int rowCount) {
        checkRows(values, rowCount);
        for (int row = 0; row < rowCount; row++) {
            if (values.isNull(row)) {
                continue;
            }
            int g = groupIds[row];
            // Spark's updateExpressions, operation for operation
            double n = counts[g] + 1.0;
            double delta = doubleAt(values, row) - means[g];
            double deltaN = delta / n;
            means[g] = means[g] + deltaN;
            squares[g] = squares[g] + delta * (delta - deltaN);
            counts[g] = n;
        }
    }

    private void merge(FieldVector n2s, FieldVector avg2s, FieldVector m2s, int[] groupIds, int rowCount) {
        checkRows(n2s, rowCount);
        checkRows(avg2s, rowCount);
        checkRows(m2s, rowCount);
        for (int row = 0; row < rowCount; row++) {
            int g = groupIds[row];
            // Spark's mergeExpressions; its buffer columns are never null
            double n1 = counts[g];
            double n2 = doubleAt(n2s, row);
            double n = n1 + n2;
            double delta = doubleAt(avg2s, row) - means[g];
            double deltaN = n == 0.0 ? 0.0 : delta / n;
            means[g] = means[g] + deltaN * n2;
            squares[g] = squares[g] + doubleAt(m2s, row) + delta * deltaN * n1 * n2;
            counts[g] = n;
        }
    }

    @Override
    long heapBytes() {
        return (long) capacity * Double.BYTES * 3;
    }

    @Override
    List<FieldVector> state(int groups, BufferAllocator allocator) {
        List<FieldVector> out = new ArrayList<>(3);
        try {
            out.add(doubles("n", counts, groups, allocator));
            out.add(doubles("avg", means, groups, allocator));
            out.add(doubles("m2", squares, groups, allocator));
            return out;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(out);
            throw e;
        }
    }

    private static Float8Vector doubles(String name, double[] values, int groups, BufferAllocator allocator) {
        Float8Vector out = new Float8Vector(name, allocator);
        try {
            out.allocateNew(Math.max(groups, 1));
            for (int g = 0; g < groups; g++) {
                out.set(g, values[g]);
            }
            out.setValueCount(groups);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
