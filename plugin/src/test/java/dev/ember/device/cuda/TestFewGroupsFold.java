package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.AggregateOperation.Kind;
import dev.ember.device.conformance.EmulatorDevice;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * Which groupings take the group-by kernels' shared-memory path: at most 256 groups and only operations whose
 * state does not depend on the row order (counts, non-ANSI long sums, integer min/max). A double sum, an ANSI
 * sum or more groups keep the sort and the ordered fold. (The results of both paths are compared with the
 * host in {@code TestGroupByConformance}.)
 */
class TestFewGroupsFold {
    private static final int ROWS = 20_000;

    private static int sharedFolds(List<AggregateOperation> operations, int groups) {
        CudaDevice device = (CudaDevice) EmulatorDevice.opened().device();
        try (BufferAllocator allocator = EmulatorDevice.newAllocator("few groups");
                IntVector key = new IntVector("key", allocator); BigIntVector value = new BigIntVector("value", allocator)) {
            key.allocateNew(ROWS);
            value.allocateNew(ROWS);
            for (int row = 0; row < ROWS; row++) {
                key.set(row, row % groups);
                value.set(row, row * 31L - 7);
            }
            key.setValueCount(ROWS);
            value.setValueCount(ROWS);
            try (Device.GroupBy grouping = device.newGroupBy(List.of(DataTypes.IntegerType), operations, allocator)) {
                List<List<FieldVector>> inputs = operations.stream().map(operation -> List.<FieldVector>of(value)).toList();
                grouping.add(List.of(key), inputs, ROWS);
                grouping.add(List.of(key), inputs, ROWS / 2);
                assertEquals(groups, grouping.groupCount());
                return ((KernelGroupBy) grouping).sharedFolds();
            }
        }
    }

    private static AggregateOperation op(Kind kind, boolean ansi) {
        return new AggregateOperation(kind, kind == Kind.SUM_DOUBLE ? DataTypes.DoubleType : DataTypes.LongType, 0, 0,
                ansi);
    }

    @Test
    void fewGroupsOfOrderFreeOperationsFoldInSharedMemory() {
        List<AggregateOperation> orderFree = List.of(op(Kind.COUNT, false), op(Kind.SUM_LONG, false),
                op(Kind.MIN, false), op(Kind.MAX, false));
        assertEquals(2, sharedFolds(orderFree, 7), "both adds of 7 groups");
        assertEquals(2, sharedFolds(orderFree, 256), "both adds of 256 groups");
        assertEquals(0, sharedFolds(orderFree, 257), "257 groups keep the ordered fold");
        assertEquals(0, sharedFolds(List.of(op(Kind.COUNT, false), op(Kind.SUM_DOUBLE, false)), 7),
                "a double sum rounds by row order");
        assertEquals(0, sharedFolds(List.of(op(Kind.SUM_LONG, true)), 7), "an ANSI sum fails at its first overflow");
    }
}
