package dev.ember.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.host.HostDevice;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * The group-by aggregate primitive against a map-based reference: null keys form a group, sums skip
 * nulls, counts and 128-bit decimal sums with their overflow flag, over several added batches.
 */
class TestHostGroupByPrimitive {

    @Test
    void groupsAndAggregatesAcrossBatches() {
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestHostGroupByPrimitive seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        Random random = new Random(seed);
        List<AggregateOperation> operations = List.of(
                new AggregateOperation(AggregateOperation.Kind.SUM_LONG, DataTypes.LongType, 0, 0, true),
                new AggregateOperation(AggregateOperation.Kind.COUNT, DataTypes.LongType, 0, 0, false),
                new AggregateOperation(AggregateOperation.Kind.SUM_DECIMAL, DataTypes.createDecimalType(20, 2), 20, 2,
                        true));
        Map<Integer, long[]> expected = new HashMap<>();
        Map<Integer, BigDecimal> expectedDecimal = new HashMap<>();
        Device device = new HostDevice();
        try (BufferAllocator allocator = new RootAllocator();
                Device.GroupBy groupBy = device.newGroupBy(List.of(DataTypes.IntegerType), operations, allocator)) {
            for (int batch = 0; batch < 3; batch++) {
                int rows = 200;
                try (IntVector keys = new IntVector("k", allocator);
                        IntVector values = new IntVector("v", allocator);
                        DecimalVector decimals = new DecimalVector("d", allocator, 10, 2)) {
                    keys.allocateNew(rows);
                    values.allocateNew(rows);
                    decimals.allocateNew(rows);
                    for (int i = 0; i < rows; i++) {
                        Integer key = random.nextInt(9) == 0 ? null : random.nextInt(15);
                        Integer value = random.nextInt(5) == 0 ? null : random.nextInt(1000) - 500;
                        if (key == null) {
                            keys.setNull(i);
                        } else {
                            keys.set(i, key);
                        }
                        long[] state = expected.computeIfAbsent(key == null ? Integer.MIN_VALUE : key,
                                k -> new long[] {0, 0, 0});
                        BigDecimal sum = expectedDecimal.getOrDefault(key == null ? Integer.MIN_VALUE : key,
                                BigDecimal.ZERO.setScale(2));
                        if (value == null) {
                            values.setNull(i);
                            decimals.setNull(i);
                        } else {
                            values.set(i, value);
                            decimals.set(i, BigDecimal.valueOf(value, 2));
                            state[0] += value;
                            state[1]++;
                            sum = sum.add(BigDecimal.valueOf(value, 2));
                        }
                        expectedDecimal.put(key == null ? Integer.MIN_VALUE : key, sum);
                    }
                    keys.setValueCount(rows);
                    values.setValueCount(rows);
                    decimals.setValueCount(rows);
                    groupBy.add(List.of(keys), List.of(List.of(values), List.of(values), List.of(decimals)), rows);
                }
            }
            int groups = groupBy.groupCount();
            assertEquals(expected.size(), groups);
            List<FieldVector> keys = groupBy.keys(allocator);
            List<FieldVector> sums = groupBy.state(0, allocator);
            List<FieldVector> counts = groupBy.state(1, allocator);
            List<FieldVector> decimalSums = groupBy.state(2, allocator);
            try {
                for (int g = 0; g < groups; g++) {
                    IntVector key = (IntVector) keys.get(0);
                    int k = key.isNull(g) ? Integer.MIN_VALUE : key.get(g);
                    long[] state = expected.get(k);
                    BigIntVector sum = (BigIntVector) sums.get(0);
                    if (state[1] == 0) {
                        assertEquals(true, sum.isNull(g), "group " + k + " has no value: its sum is null");
                    } else {
                        assertEquals(state[0], sum.get(g), "sum of group " + k);
                    }
                    assertEquals(state[1], ((BigIntVector) counts.get(0)).get(g), "count of group " + k);
                    assertEquals(expectedDecimal.get(k), ((DecimalVector) decimalSums.get(0)).getObject(g),
                            "decimal sum of group " + k);
                    assertEquals(state[1] > 0 ? 1 : 0, ((BitVector) decimalSums.get(1)).get(g),
                            "non-empty flag of group " + k);
                }
            } finally {
                keys.forEach(FieldVector::close);
                sums.forEach(FieldVector::close);
                counts.forEach(FieldVector::close);
                decimalSums.forEach(FieldVector::close);
            }
        }
    }
}
