package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.AggregateOperation.Kind;
import dev.ember.device.Primitive;
import dev.ember.device.host.HostDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code newGroupBy} on {@link HostDevice} and on the CUDA device's group-by kernels: the same groups in the
 * same order (first appearance), the same keys and the same state for every operation — counts, long sums
 * with and without ANSI overflow (the same error), double sums in row order over integral, float and double
 * inputs, decimal sums with Spark's overflow to null and the "is empty" buffer, min and max of every
 * fixed-width type (NaN greatest, -0.0 and 0.0 equal, the first of equal values kept), first and last with
 * and without ignoring nulls, in update and merge form — for each fixed-width key type alone, several keys,
 * and no key, over seeded random rows with nulls, NaN of several bit patterns, -0.0, extreme values, many
 * duplicates and one hot key, added in two calls; sizes from empty through one row to more than one grid.
 * A grouping with string keys runs on the host, named and counted.
 */
class TestGroupByConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 1025, 8193, 20_000};

    /** Column positions in {@link RandomVectors#TYPES}. */
    private static final int BOOLEAN = 0;
    private static final int INT = 3;
    private static final int LONG = 4;
    private static final int FLOAT = 5;
    private static final int DOUBLE = 6;
    private static final int DECIMAL_38 = 7;
    private static final int DECIMAL_9 = 8;
    private static final int STRING = 11;

    static Stream<Arguments> cases() {
        return sizesByShape(SIZES);
    }

    /** An operation and the columns (positions in {@link RandomVectors#TYPES}) it reads. */
    private record Fold(AggregateOperation operation, int... inputs) {}

    private static List<Fold> folds(boolean ansi) {
        List<Fold> folds = new ArrayList<>();
        folds.add(new Fold(op(Kind.COUNT, DataTypes.LongType, false)));
        folds.add(new Fold(op(Kind.COUNT, DataTypes.LongType, false), STRING));
        folds.add(new Fold(op(Kind.COUNT, DataTypes.LongType, false), INT, DOUBLE));
        folds.add(new Fold(op(Kind.SUM_LONG, DataTypes.LongType, ansi), INT));
        folds.add(new Fold(op(Kind.SUM_LONG, DataTypes.LongType, ansi), LONG));
        folds.add(new Fold(op(Kind.SUM_DOUBLE, DataTypes.DoubleType, false), DOUBLE));
        folds.add(new Fold(op(Kind.SUM_DOUBLE, DataTypes.DoubleType, false), FLOAT));
        folds.add(new Fold(op(Kind.SUM_DOUBLE, DataTypes.DoubleType, false), INT));
        folds.add(new Fold(new AggregateOperation(Kind.SUM_DECIMAL, DataTypes.createDecimalType(38, 10), 38, 10, ansi),
                DECIMAL_38));
        folds.add(new Fold(new AggregateOperation(Kind.SUM_DECIMAL, DataTypes.createDecimalType(38, 2), 19, 2, ansi),
                DECIMAL_9, BOOLEAN));
        for (int column = 0; column < STRING; column++) {
            DataType type = RandomVectors.TYPES.get(column);
            folds.add(new Fold(op(Kind.MIN, type, false), column));
            folds.add(new Fold(op(Kind.MAX, type, false), column));
        }
        for (int column : new int[] {BOOLEAN, FLOAT, DOUBLE, DECIMAL_38, 10}) {
            DataType type = RandomVectors.TYPES.get(column);
            for (Kind kind : new Kind[] {Kind.FIRST, Kind.FIRST_IGNORE_NULLS, Kind.LAST, Kind.LAST_IGNORE_NULLS}) {
                folds.add(new Fold(op(kind, type, false), column));
                // the merge form: value and "value set" buffers
                folds.add(new Fold(op(kind, type, false), column, BOOLEAN));
            }
        }
        return folds;
    }

    private static AggregateOperation op(Kind kind, DataType type, boolean ansi) {
        int precision = type instanceof DecimalType decimal ? decimal.precision() : 0;
        int scale = type instanceof DecimalType decimal ? decimal.scale() : 0;
        return new AggregateOperation(kind, type, precision, scale, ansi);
    }

    @ParameterizedTest(name = "group-by rows={0} shape={1}")
    @MethodSource("cases")
    void everyKeyTypeAndOperationMatchesHost(int rows, RowShape shape) {
        RandomVectors random = new RandomVectors(seed ^ (rows * 31L) ^ shape.ordinal());
        List<FieldVector> columns = EdgeValues.rows(random, rows, shape, host, allocator);
        try {
            List<List<Integer>> keySets = new ArrayList<>();
            for (int column = 0; column < STRING; column++) {
                keySets.add(List.of(column));
            }
            keySets.add(List.of(BOOLEAN, FLOAT, DECIMAL_38));
            keySets.add(List.of(DOUBLE, INT, 10));
            keySets.add(List.of());
            long hostCallsBefore = cuda.hostCalls().getOrDefault(Primitive.GROUP_BY, 0L);
            for (List<Integer> keys : keySets) {
                assertSameGrouping(columns, keys, folds(false), rows);
            }
            assertEquals(hostCallsBefore, cuda.hostCalls().getOrDefault(Primitive.GROUP_BY, 0L),
                    "fixed-width groupings run on the kernels");
            // ANSI sums: the same answer, or the same overflow error
            assertSameGrouping(columns, List.of(INT), folds(true), rows);
            assertSameGrouping(columns, List.of(), folds(true), rows);
            // string keys: on the host, counted
            assertSameGrouping(columns, List.of(STRING, INT), folds(false).subList(0, 5), rows);
            assertEquals(hostCallsBefore + 1, cuda.hostCalls().getOrDefault(Primitive.GROUP_BY, 0L),
                    "a string-keyed grouping runs on the host, counted once");
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    private void assertSameGrouping(List<FieldVector> columns, List<Integer> keyColumns, List<Fold> folds, int rows) {
        List<DataType> keyTypes = keyColumns.stream().map(RandomVectors.TYPES::get).toList();
        List<AggregateOperation> operations = folds.stream().map(Fold::operation).toList();
        List<FieldVector> keys = keyColumns.stream().map(columns::get).toList();
        List<List<FieldVector>> inputs = new ArrayList<>();
        for (Fold fold : folds) {
            List<FieldVector> foldInputs = new ArrayList<>();
            for (int column : fold.inputs()) {
                foldInputs.add(columns.get(column));
            }
            inputs.add(foldInputs);
        }
        String what = "keys " + keyTypes + ", " + rows + " rows, seed " + seed;
        try (Device.GroupBy expected = host.newGroupBy(keyTypes, operations, allocator);
                Device.GroupBy actual = cuda.newGroupBy(keyTypes, operations, allocator)) {
            String hostError = addTwice(expected, keys, inputs, rows);
            String cudaError = addTwice(actual, keys, inputs, rows);
            assertEquals(hostError, cudaError, "the error of " + what);
            if (hostError != null) {
                return;
            }
            assertEquals(expected.groupCount(), actual.groupCount(), "group count of " + what);
            List<FieldVector> expectedKeys = expected.keys(allocator);
            List<FieldVector> actualKeys = actual.keys(allocator);
            try {
                VectorAssertions.assertSameColumns(expectedKeys, actualKeys, "group keys of " + what);
            } finally {
                expectedKeys.forEach(FieldVector::close);
                actualKeys.forEach(FieldVector::close);
            }
            for (int op = 0; op < operations.size(); op++) {
                List<FieldVector> expectedState = expected.state(op, allocator);
                List<FieldVector> actualState = actual.state(op, allocator);
                try {
                    VectorAssertions.assertSameColumns(expectedState, actualState,
                            "state of " + operations.get(op) + " over columns " + java.util.Arrays.toString(
                                    folds.get(op).inputs()) + ", " + what);
                } finally {
                    expectedState.forEach(FieldVector::close);
                    actualState.forEach(FieldVector::close);
                }
            }
        }
    }

    /** Adds the first half of the rows, then all of them (keys seen before and new ones); the error, or null. */
    private static String addTwice(Device.GroupBy groupBy, List<FieldVector> keys, List<List<FieldVector>> inputs,
            int rows) {
        try {
            groupBy.add(keys, inputs, rows / 2);
            groupBy.add(keys, inputs, rows);
            return null;
        } catch (ArithmeticException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
