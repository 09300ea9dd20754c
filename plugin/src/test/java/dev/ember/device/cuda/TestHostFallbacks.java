package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.DeviceActivity;
import dev.ember.device.DeviceActivitySink;
import dev.ember.device.Implementation;
import dev.ember.device.Implementation.Placement;
import dev.ember.device.Primitive;
import dev.ember.device.conformance.EmulatorDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA device says where each primitive runs: a named reason for every primitive without a
 * kernel, each host call (also the per-input fallbacks of sort and group-by) reported to the current sink
 * (an operator's SQL metric) and counted, and no report for primitives that ran as kernels.
 */
class TestHostFallbacks {

    /** Records what the device reports. */
    private static final class RecordingSink implements DeviceActivitySink {
        final List<Primitive> onHost = new ArrayList<>();
        int launches;

        @Override
        public void kernelLaunched() {
            launches++;
        }

        @Override
        public void kernelTimed(long nanoseconds) {
            // not what this test looks at
        }

        @Override
        public void primitiveOnHost(Primitive primitive) {
            onHost.add(primitive);
        }
    }

    private BufferAllocator allocator;

    @BeforeEach
    void newAllocator() {
        allocator = EmulatorDevice.newAllocator("host-fallbacks");
    }

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    private static CudaDevice device() {
        return (CudaDevice) EmulatorDevice.opened().device();
    }

    @Test
    void everyPrimitiveHasAnImplementationAndEveryHostOneAReason() {
        for (Primitive primitive : Primitive.values()) {
            Implementation implementation = device().implementationOf(primitive);
            assertTrue(implementation.placement() != Placement.HOST_DEVICE, primitive + ": " + implementation);
            boolean hasReason = CudaDevice.HOST_REASONS.containsKey(primitive);
            assertEquals(hasReason, implementation.placement() == Placement.HOST_FALLBACK, primitive + ": "
                    + implementation);
            if (hasReason) {
                assertTrue(implementation.explain().startsWith("on the host: "), implementation.explain());
            }
        }
    }

    @Test
    void aHostCallIsReportedAndAKernelCallIsNot() {
        IntVector key = new IntVector("key", allocator);
        key.allocateNew(100);
        for (int row = 0; row < 100; row++) {
            key.set(row, row % 7);
        }
        key.setValueCount(100);
        RecordingSink sink = new RecordingSink();
        Map<Primitive, Long> before = device().hostCalls();
        try (key; DeviceActivity.Scope scope = DeviceActivity.attributeTo(sink)) {
            try (IntVector ids = device().hashPartition(List.of(key), 100, 4, allocator)) {
                assertEquals(100, ids.getValueCount());
            }
            assertTrue(sink.onHost.isEmpty(), "hashPartition runs as kernels: " + sink.onHost);
            assertTrue(sink.launches > 0, "hashPartition launched kernels");

            List<FieldVector> parts = device().concatenate(List.of(List.of(key), List.of(key)), List.of(key), allocator);
            parts.forEach(FieldVector::close);
            if (CudaDevice.HOST_REASONS.containsKey(Primitive.CONCATENATE)) {
                assertEquals(List.of(Primitive.CONCATENATE), sink.onHost);
                assertEquals(before.getOrDefault(Primitive.CONCATENATE, 0L) + 1,
                        device().hostCalls().get(Primitive.CONCATENATE));
            } else {
                assertTrue(sink.onHost.isEmpty(), "concatenate runs as kernels: " + sink.onHost);
            }
            try (IntVector order = device().sortIndices(List.of(key), List.of(new dev.ember.device.Device.SortKey(true,
                    true)), 100, -1, allocator)) {
                assertEquals(100, order.getValueCount());
            }
            assertFalse(sink.onHost.contains(Primitive.SORT_INDICES), "sortIndices of an int key runs as kernels: "
                    + sink.onHost);
            assertFalse(device().hostCalls().containsKey(Primitive.HASH_PARTITION));

            List<dev.ember.device.Device.AggregateOperation> count = List.of(new dev.ember.device.Device
                    .AggregateOperation(dev.ember.device.Device.AggregateOperation.Kind.COUNT,
                            org.apache.spark.sql.types.DataTypes.LongType, 0, 0, false));
            int reported = sink.onHost.size();
            try (dev.ember.device.Device.GroupBy groupBy = device().newGroupBy(
                    List.of(org.apache.spark.sql.types.DataTypes.IntegerType), count, allocator)) {
                groupBy.add(List.of(key), List.of(List.of()), 100);
                assertEquals(7, groupBy.groupCount());
            }
            assertEquals(reported, sink.onHost.size(), "an int-keyed grouping runs as kernels: " + sink.onHost);
            try (dev.ember.device.Device.GroupBy groupBy = device().newGroupBy(
                    List.of(org.apache.spark.sql.types.DataTypes.StringType), count, allocator)) {
                assertEquals(0, groupBy.groupCount());
            }
            assertEquals(reported, sink.onHost.size(), "a string-keyed grouping runs as kernels: " + sink.onHost);
            List<dev.ember.device.Device.AggregateOperation> stringMin = List.of(new dev.ember.device.Device
                    .AggregateOperation(dev.ember.device.Device.AggregateOperation.Kind.MIN,
                            org.apache.spark.sql.types.DataTypes.StringType, 0, 0, false));
            try (dev.ember.device.Device.GroupBy groupBy = device().newGroupBy(
                    List.of(org.apache.spark.sql.types.DataTypes.IntegerType), stringMin, allocator)) {
                assertEquals(0, groupBy.groupCount());
            }
            assertEquals(reported, sink.onHost.size(), "a grouping with a string min runs as kernels: " + sink.onHost);
            List<dev.ember.device.Device.AggregateOperation> moments = List.of(new dev.ember.device.Device
                    .AggregateOperation(dev.ember.device.Device.AggregateOperation.Kind.MOMENTS,
                            org.apache.spark.sql.types.DataTypes.DoubleType, 0, 0, false));
            try (dev.ember.device.Device.GroupBy groupBy = device().newGroupBy(
                    List.of(org.apache.spark.sql.types.DataTypes.IntegerType), moments, allocator)) {
                assertEquals(0, groupBy.groupCount());
            }
            assertEquals(reported, sink.onHost.size(), "a grouping with stddev/variance moments runs as kernels: "
                    + sink.onHost);
        }
    }

    @Test
    void joinTablesRunAsKernels() {
        IntVector key = new IntVector("key", allocator);
        key.allocateNew(100);
        for (int row = 0; row < 100; row++) {
            key.set(row, row % 7);
        }
        key.setValueCount(100);
        RecordingSink sink = new RecordingSink();
        Map<Primitive, Long> before = device().hostCalls();
        try (key; DeviceActivity.Scope scope = DeviceActivity.attributeTo(sink);
                dev.ember.device.Device.JoinTable table = device().buildJoinTable(List.of(key), 100, allocator);
                dev.ember.device.Device.JoinMatches matches = device().probeJoinTable(table, List.of(key), 0, 100,
                        Integer.MAX_VALUE, allocator)) {
            // keys 0..6 repeat: 100 rows with 14 or 15 rows per key
            assertEquals(2 * 15 * 15 + 5 * 14 * 14, matches.pairCount());
            assertTrue(sink.onHost.isEmpty(), "the join table runs as kernels: " + sink.onHost);
            assertTrue(sink.launches > 0, "build and probe launched kernels");
            assertEquals(before.get(Primitive.BUILD_JOIN_TABLE), device().hostCalls().get(Primitive.BUILD_JOIN_TABLE));
            assertEquals(before.get(Primitive.PROBE_JOIN_TABLE), device().hostCalls().get(Primitive.PROBE_JOIN_TABLE));
        }
    }
}
