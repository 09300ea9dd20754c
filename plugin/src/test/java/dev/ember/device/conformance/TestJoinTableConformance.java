package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code buildJoinTable} and {@code probeJoinTable} on {@link HostDevice} ({@code HostJoinTable}, checked
 * against a nested loop by {@code TestHostJoinPrimitives}) and on the CUDA device's hash join kernels:
 * identical pairs in identical order and the same {@code nextRow}, call after call as a join resumes its
 * probe, for every key type alone and several multi-column keys, over seeded random rows with nulls, NaN of
 * several bit patterns, -0.0, extreme values, empty and multi-byte strings, wide decimals, many duplicates
 * and one hot key; build and probe sides from empty through one row to more than one grid (the emulator's
 * grid is 1,024 threads). The probe and build rows draw from one pool of values, so keys match often.
 *
 * <p>Every join type Ember runs (inner, outer, semi, anti, null-aware anti, existence) is formed from these
 * pairs above the device ({@code JoinStream}), so equal pairs give equal joins; the join SQL suites check
 * the join types end to end on the emulator ({@code emulator-sql}). The comparisons live in
 * {@link JoinTableChecks}, which {@code ember doctor} runs too.
 */
class TestJoinTableConformance extends EmulatorConformance {

    /** (build rows, probe rows). */
    private static final int[][] SIZES = {{0, 50}, {50, 0}, {1, 1}, {1, 300}, {300, 1}, {257, 1025}, {3000, 2500},
        {20_000, 300}};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] size : SIZES) {
            for (RowShape shape : RowShape.values()) {
                cases.add(Arguments.of(size[0], size[1], shape));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "join table build={0} probe={1} shape={2}")
    @MethodSource("cases")
    void pairsMatchHost(int buildRows, int probeRows, RowShape shape) {
        JoinTableChecks.pairs(pair(), buildRows, probeRows, shape, JoinTableChecks.everyKeySet());
    }

    @Test
    void everyEdgeValueMeetsEveryOther() {
        JoinTableChecks.edgeValues(pair());
    }

    @Test
    void integralKeysOfOtherWidthsMatchByValue() {
        JoinTableChecks.integralKeysOfOtherWidths(pair());
    }

    @Test
    void refusesWhatTheHostRefuses() {
        RandomVectors random = new RandomVectors(seed ^ 0x2b8);
        List<FieldVector> rows = EdgeValues.rows(random, 100, RowShape.DISTINCT, host,
                allocator);
        try (Device.JoinTable onHost = host.buildJoinTable(rows.subList(0, 2), 100, allocator);
                Device.JoinTable onCuda = cuda.buildJoinTable(rows.subList(0, 2), 100, allocator)) {
            IllegalArgumentException hostError = assertThrows(IllegalArgumentException.class,
                    () -> host.probeJoinTable(onHost, rows.subList(0, 1), 0, 100, 10, allocator));
            IllegalArgumentException cudaError = assertThrows(IllegalArgumentException.class,
                    () -> cuda.probeJoinTable(onCuda, rows.subList(0, 1), 0, 100, 10, allocator));
            assertEquals(hostError.getMessage(), cudaError.getMessage());
            IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                    () -> cuda.buildJoinTable(rows.subList(0, 2), 101, allocator));
            assertEquals(assertThrows(IllegalArgumentException.class,
                    () -> host.buildJoinTable(rows.subList(0, 2), 101, allocator)).getMessage(), tooFew.getMessage());
            // each device probes only its own kind of table
            assertThrows(IllegalArgumentException.class,
                    () -> cuda.probeJoinTable(onHost, rows.subList(0, 2), 0, 100, 10, allocator));
            assertThrows(IllegalArgumentException.class,
                    () -> host.probeJoinTable(onCuda, rows.subList(0, 2), 0, 100, 10, allocator));
            assertEquals(0, onCuda.bytes(), "the CUDA table lives in the build's allocator");
            assertEquals(100, onCuda.buildRowCount());
        } finally {
            rows.forEach(FieldVector::close);
        }
    }

    private DevicePair pair() {
        return new DevicePair(host, cuda, allocator, seed);
    }
}
