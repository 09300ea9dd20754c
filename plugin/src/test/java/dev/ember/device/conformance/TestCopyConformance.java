package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code gatherOrNull} and {@code concatenate} on {@link HostDevice} and on the CUDA device's kernels
 * over the same seeded rows of every type (edge values, nulls, duplicates): identical columns.
 * Gather-or-null: sources from empty (every index -1, the outer join against an empty side) through one
 * row to more than one grid; shares of negative indices from none to all. Concatenate: no parts, empty
 * parts, one row, many parts of odd sizes (so that parts share validity bytes), and more than one grid.
 */
class TestCopyConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 1025, 8193, 40_000};

    private static long seed;
    private static Device host;
    private static Device cuda;

    private BufferAllocator allocator;

    @BeforeAll
    static void openDevices() {
        seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestCopyConformance seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        host = new HostDevice();
        cuda = EmulatorDevice.opened().device();
    }

    @BeforeEach
    void newAllocator() {
        allocator = EmulatorDevice.newAllocator("copy conformance");
    }

    @AfterEach
    void closeAllocator() {
        allocator.close();  // fails the test when a primitive leaked a buffer
    }

    static Stream<Arguments> gatherOrNullCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int sourceRows : SIZES) {
            for (double missingShare : new double[] {0.0, 0.3, 1.0}) {
                if (sourceRows == 0 && missingShare < 1.0) {
                    continue;  // an empty source has only missing rows
                }
                int indexCount = Math.max(1, sourceRows);
                cases.add(Arguments.of(sourceRows, indexCount, missingShare));
                cases.add(Arguments.of(sourceRows, indexCount / 3, missingShare));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "gatherOrNull source rows={0} indices={1} missing={2}")
    @MethodSource("gatherOrNullCases")
    void gatherOrNullMatchesHost(int sourceRows, int indexCount, double missingShare) {
        PrimitiveChecks.gatherOrNull(new DevicePair(host, cuda, allocator, seed), sourceRows, indexCount, missingShare);
    }

    @Test
    void gatherOrNullRefusesAnIndexPastTheRows() {
        List<FieldVector> columns = EdgeValues.rows(new RandomVectors(seed), 10, RowShape.DISTINCT,
                host, allocator);
        try (IntVector indices = new IntVector("indices", allocator)) {
            indices.allocateNew(3);
            indices.set(0, -1);
            indices.set(1, 10);
            indices.set(2, 0);
            indices.setValueCount(3);
            assertThrows(IndexOutOfBoundsException.class, () -> host.gatherOrNull(columns, indices, allocator));
            IndexOutOfBoundsException onCuda = assertThrows(IndexOutOfBoundsException.class,
                    () -> cuda.gatherOrNull(columns, indices, allocator));
            assertEquals(true, onCuda.getMessage().contains("gather index 10"), onCuda.getMessage());
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    static Stream<Arguments> concatenateCases() {
        return Stream.of(new int[] {}, new int[] {0}, new int[] {1}, new int[] {0, 0, 0}, new int[] {7, 0, 9},
                new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 5, 13}, new int[] {257, 1, 1025},
                new int[] {8193, 3, 0, 40_000}, new int[] {33, 31, 65, 7, 8, 9, 100, 1000}).map(Arguments::of);
    }

    @ParameterizedTest(name = "concatenate parts={0}")
    @MethodSource("concatenateCases")
    void concatenateMatchesHost(int[] partRows) {
        PrimitiveChecks.concatenate(new DevicePair(host, cuda, allocator, seed), partRows);
    }

    @Test
    void concatenateRefusesAPartWithOtherColumns() {
        List<FieldVector> template = EdgeValues.rows(new RandomVectors(seed), 3, RowShape.DISTINCT,
                host, allocator);
        try {
            List<List<FieldVector>> parts = List.of(template, template.subList(0, 2));
            IllegalArgumentException onHost = assertThrows(IllegalArgumentException.class,
                    () -> host.concatenate(parts, template, allocator));
            IllegalArgumentException onCuda = assertThrows(IllegalArgumentException.class,
                    () -> cuda.concatenate(parts, template, allocator));
            assertEquals(onHost.getMessage(), onCuda.getMessage());
        } finally {
            template.forEach(FieldVector::close);
        }
    }
}
