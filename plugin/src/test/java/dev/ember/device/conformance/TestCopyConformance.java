package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.device.host.HostDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
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
class TestCopyConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 1025, 8193, 40_000};

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

    /**
     * 16-byte values (decimals) whose buffer starts 8 bytes past a 16-byte boundary, as Arrow IPC's 8-byte
     * alignment leaves a spill file's batches: the kernels must not assume 16-byte alignment (the emulator
     * crashed with SIGSEGV in concatenate_fixed_16 merging a spilled sort's runs; a GPU faults on a
     * misaligned 16-byte load).
     */
    @Test
    void sixteenByteValuesOnlyEightByteAligned() {
        int rows = 1000;
        Random random = new Random(seed);
        try (DecimalVector shifted = new DecimalVector("d",
                allocator, 38, 10);
                ArrowBuf validity = allocator.buffer((rows + 7) / 8);
                ArrowBuf padded = allocator.buffer(rows * 16L + 8)) {
            validity.setZero(0, validity.capacity());
            for (int row = 0; row < rows; row++) {
                if (row % 7 != 3) {
                    BitVectorHelper.setBit(validity, row);
                }
                padded.setLong(8 + row * 16L, random.nextLong());
                padded.setLong(16 + row * 16L, random.nextInt(3) - 1);
            }
            ArrowBuf values = padded.slice(8, rows * 16L);
            assertEquals(8, values.memoryAddress() & 15, "the values must start 8 bytes past a 16-byte boundary");
            shifted.loadFieldBuffers(new ArrowFieldNode(rows, 0),
                    List.of(validity, values));
            List<List<FieldVector>> parts = List.of(List.of(shifted), List.of(shifted));
            List<FieldVector> onHost = host.concatenate(parts, List.of(shifted), allocator);
            List<FieldVector> onCuda = cuda.concatenate(parts, List.of(shifted), allocator);
            try (IntVector indices = new IntVector("indices", allocator)) {
                indices.allocateNew(rows);
                for (int row = 0; row < rows; row++) {
                    indices.set(row, row % 5 == 0 ? -1 : random.nextInt(rows));
                }
                indices.setValueCount(rows);
                List<FieldVector> gatheredOnHost = host.gatherOrNull(List.of(shifted), indices, allocator);
                List<FieldVector> gatheredOnCuda = cuda.gatherOrNull(List.of(shifted), indices, allocator);
                try {
                    assertSameValues(gatheredOnHost.get(0), gatheredOnCuda.get(0));
                } finally {
                    gatheredOnHost.forEach(FieldVector::close);
                    gatheredOnCuda.forEach(FieldVector::close);
                }
                for (int row = 0; row < rows; row++) {
                    indices.set(row, random.nextInt(rows));
                }
                List<FieldVector> plainOnHost = host.gather(List.of(shifted), indices, allocator);
                List<FieldVector> plainOnCuda = cuda.gather(List.of(shifted), indices, allocator);
                try {
                    assertSameValues(plainOnHost.get(0), plainOnCuda.get(0));
                } finally {
                    plainOnHost.forEach(FieldVector::close);
                    plainOnCuda.forEach(FieldVector::close);
                }
            } finally {
                try {
                    assertSameValues(onHost.get(0), onCuda.get(0));
                } finally {
                    onHost.forEach(FieldVector::close);
                    onCuda.forEach(FieldVector::close);
                }
            }
        }
    }

    private static void assertSameValues(FieldVector expected, FieldVector actual) {
        assertEquals(expected.getValueCount(), actual.getValueCount());
        for (int row = 0; row < expected.getValueCount(); row++) {
            assertEquals(expected.getObject(row), actual.getObject(row), "row " + row);
        }
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
