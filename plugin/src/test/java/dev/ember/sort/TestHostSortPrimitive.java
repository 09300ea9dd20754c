package dev.ember.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;

/** The sort and top-N primitive against a reference sort with Spark's ordering of doubles and nulls. */
class TestHostSortPrimitive {
    private static final double[] EDGES = {Double.NaN, -0.0, 0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};

    @Test
    void sortsLikeSparkAndKeepsTiesInInputOrder() {
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestHostSortPrimitive seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        Random random = new Random(seed);
        int rows = 500;
        Device device = new HostDevice();
        try (BufferAllocator allocator = new RootAllocator();
                Float8Vector values = new Float8Vector("v", allocator)) {
            values.allocateNew(rows);
            List<Double> reference = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                Double value = random.nextInt(8) == 0 ? null
                        : random.nextInt(4) == 0 ? EDGES[random.nextInt(EDGES.length)] : (double) random.nextInt(20);
                reference.add(value);
                if (value == null) {
                    values.setNull(i);
                } else {
                    values.set(i, value);
                }
            }
            values.setValueCount(rows);
            for (boolean ascending : new boolean[] {true, false}) {
                for (boolean nullsFirst : new boolean[] {true, false}) {
                    Comparator<Integer> byValue = (a, b) -> {
                        Double x = reference.get(a);
                        Double y = reference.get(b);
                        if (x == null || y == null) {
                            return x == y ? 0 : (x == null) == nullsFirst ? -1 : 1;
                        }
                        int order = x.doubleValue() == y.doubleValue() ? 0 : Double.compare(x, y);
                        return ascending ? order : -order;
                    };
                    List<Integer> expected = new ArrayList<>();
                    for (int i = 0; i < rows; i++) {
                        expected.add(i);
                    }
                    expected.sort(byValue);
                    for (int limit : new int[] {-1, 0, 13}) {
                        try (IntVector order = device.sortIndices(List.of(values),
                                List.of(new Device.SortKey(ascending, nullsFirst)), rows, limit, allocator)) {
                            List<Integer> actual = new ArrayList<>();
                            for (int i = 0; i < order.getValueCount(); i++) {
                                actual.add(order.get(i));
                            }
                            assertEquals(limit < 0 ? expected : expected.subList(0, limit), actual,
                                    "ascending " + ascending + ", nulls first " + nullsFirst + ", limit " + limit);
                        }
                    }
                }
            }
        }
    }
}
