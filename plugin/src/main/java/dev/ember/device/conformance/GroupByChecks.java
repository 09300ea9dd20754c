package dev.ember.device.conformance;

import static dev.ember.device.conformance.RandomVectors.Column.BOOLEAN;
import static dev.ember.device.conformance.RandomVectors.Column.BYTE;
import static dev.ember.device.conformance.RandomVectors.Column.DATE;
import static dev.ember.device.conformance.RandomVectors.Column.DECIMAL_38;
import static dev.ember.device.conformance.RandomVectors.Column.DECIMAL_9;
import static dev.ember.device.conformance.RandomVectors.Column.DOUBLE;
import static dev.ember.device.conformance.RandomVectors.Column.FLOAT;
import static dev.ember.device.conformance.RandomVectors.Column.INT;
import static dev.ember.device.conformance.RandomVectors.Column.LONG;
import static dev.ember.device.conformance.RandomVectors.Column.SHORT;
import static dev.ember.device.conformance.RandomVectors.Column.STRING;
import static dev.ember.device.conformance.RandomVectors.Column.TIMESTAMP;
import static dev.ember.device.conformance.VectorAssertions.assertEquals;
import static dev.ember.device.conformance.VectorAssertions.assertSameColumns;

import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.AggregateOperation.Kind;
import dev.ember.device.Primitive;
import dev.ember.device.cuda.CudaDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * The conformance checks of {@code newGroupBy}: both devices group the same seeded rows, added in two
 * calls (the second repeats the first's keys), which must give the same groups in the same order (first
 * appearance), the same keys (string keys byte for byte, the empty string apart from null) and the same
 * state for every operation, or the same ANSI overflow error (an {@link AssertionError} names the first
 * difference and the seed). The operations: counts, long sums with and without ANSI overflow, double sums
 * over integral, float and double inputs, decimal sums with the "is empty" buffer, min and max of every
 * fixed-width type and of strings, first and last with and without ignoring nulls, in update and merge form,
 * stddev/variance moments in update and merge form (compared bit for bit), over fixed-width values and strings
 * ({@link FoldStrings}: zero and high bytes, shared prefixes, long strings). The JUnit test
 * {@code TestGroupByConformance} calls these with many sizes; {@link ConformanceSuite} with a few.
 */
final class GroupByChecks {

    /** An operation and the columns (positions in {@link RandomVectors#TYPES}) it reads. */
    private record Fold(AggregateOperation operation, int... inputs) {}

    private GroupByChecks() {}

    /**
     * Groupings of seeded rows of {@code shape}: by each key type alone (strings included), by sets of keys
     * mixing fixed-width and string columns (two string columns in one) and by no key, with every operation;
     * with ANSI sums by an int key and by no key; and with string min, max, first and last by string, int and no
     * keys. On a {@link CudaDevice} every grouping must run on the kernels.
     */
    static void groupings(DevicePair pair, int rows, RowShape shape) {
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 31L) ^ shape.ordinal());
        List<FieldVector> columns = withFoldStrings(random, EdgeValues.rows(random, rows, shape, pair.host(),
                pair.allocator()), rows, pair.allocator());
        try {
            List<List<Integer>> keySets = new ArrayList<>();
            for (int column = 0; column <= STRING; column++) {
                keySets.add(List.of(column));
            }
            keySets.add(List.of(BOOLEAN, FLOAT, DECIMAL_38));
            keySets.add(List.of(DOUBLE, INT, TIMESTAMP));
            keySets.add(List.of(STRING, INT));
            keySets.add(List.of(BOOLEAN, STRING, DECIMAL_38, STRING));
            keySets.add(List.of());
            long hostCallsBefore = pair.hostCalls(Primitive.GROUP_BY);
            for (List<Integer> keys : keySets) {
                sameGrouping(pair, columns, keys, folds(false), rows);
            }
            String where = ", " + rows + " rows, seed " + pair.seed();
            if (pair.device() instanceof CudaDevice) {
                assertEquals(hostCallsBefore, pair.hostCalls(Primitive.GROUP_BY),
                        "fixed-width and string-keyed groupings run on the kernels" + where);
            }
            // order-free operations only: few groups take the kernels' shared-memory path
            for (List<Integer> keys : List.of(List.of(BOOLEAN), List.<Integer>of(), List.of(INT), List.of(STRING))) {
                sameGrouping(pair, columns, keys, orderFreeFolds(), rows);
            }
            // ANSI sums: the same answer, or the same overflow error
            sameGrouping(pair, columns, List.of(INT), folds(true), rows);
            sameGrouping(pair, columns, List.of(), folds(true), rows);
            // string min/max/first/last: each group's string kept across the two adds
            List<Fold> strings = stringFolds();
            for (List<Integer> keys : List.of(List.of(STRING, INT), List.of(INT), List.of(STRING), List.<Integer>of())) {
                sameGrouping(pair, columns, keys, strings, rows);
            }
            if (pair.device() instanceof CudaDevice) {
                assertEquals(hostCallsBefore, pair.hostCalls(Primitive.GROUP_BY),
                        "groupings with string min/max/first/last run on the kernels" + where);
            }
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    /**
     * Groupings by string and mixed keys fed three batches that are closed right after their {@code add}, as an
     * operator's input batches are: the first half of the rows, then the rows from the first quarter on (keys
     * seen before and new ones), then every row in reverse order; and string min/max/first/last by string, int
     * and no keys fed three disjoint thirds of the rows, so each group's string is merged across batches. Each
     * batch is a fresh copy, so a grouping that kept pointers into an earlier batch reads memory that was freed
     * and may already hold the next batch.
     */
    static void closedBatches(DevicePair pair, int rows, RowShape shape) {
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 131L) ^ shape.ordinal());
        List<FieldVector> columns = withFoldStrings(random, EdgeValues.rows(random, rows, shape, pair.host(),
                pair.allocator()), rows, pair.allocator());
        try {
            long hostCallsBefore = pair.hostCalls(Primitive.GROUP_BY);
            int[][] batches = {range(0, rows / 2, false), range(rows / 4, rows, false), range(0, rows, true)};
            List<Fold> folds = new ArrayList<>(folds(false).subList(0, 10));
            folds.addAll(stringFolds());
            for (List<Integer> keys : List.of(List.of(STRING), List.of(INT, STRING), List.of(STRING, DOUBLE, STRING))) {
                sameGroupingOfBatches(pair, columns, keys, folds, batches);
            }
            // disjoint batches: a group's min or max may come from any batch, so the batch's winner must be
            // merged with the stored string (in the batches above the last holds every row)
            int[][] disjoint = {range(0, rows / 3, false), range(rows / 3, 2 * rows / 3, true),
                range(2 * rows / 3, rows, false)};
            for (List<Integer> keys : List.of(List.of(STRING), List.of(INT), List.<Integer>of())) {
                sameGroupingOfBatches(pair, columns, keys, stringFolds(), disjoint);
            }
            if (pair.device() instanceof CudaDevice) {
                assertEquals(hostCallsBefore, pair.hostCalls(Primitive.GROUP_BY),
                        "string-keyed groupings run on the kernels, " + rows + " rows, seed " + pair.seed());
            }
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    /** Position of the {@link FoldStrings} column that {@link #withFoldStrings} appends. */
    private static final int FOLD_STRINGS = RandomVectors.TYPES.size();

    /** {@code columns} (one per {@link RandomVectors#TYPES}) and a {@link FoldStrings} column at {@link #FOLD_STRINGS}. */
    private static List<FieldVector> withFoldStrings(RandomVectors random, List<FieldVector> columns, int rows,
            BufferAllocator allocator) {
        List<FieldVector> all = new ArrayList<>(columns);
        try {
            all.add(FoldStrings.column(new Random(random.random().nextLong()), rows, allocator));
            return all;
        } catch (RuntimeException e) {
            columns.forEach(FieldVector::close);
            throw e;
        }
    }

    /**
     * Min, max, first and last (with and without ignoring nulls, update and merge form) over the
     * {@link FoldStrings} column, and min and max over the edge rows' strings.
     */
    private static List<Fold> stringFolds() {
        List<Fold> folds = new ArrayList<>();
        folds.add(new Fold(op(Kind.COUNT, DataTypes.LongType, false), FOLD_STRINGS));
        for (int column : new int[] {FOLD_STRINGS, STRING}) {
            folds.add(new Fold(op(Kind.MIN, DataTypes.StringType, false), column));
            folds.add(new Fold(op(Kind.MAX, DataTypes.StringType, false), column));
        }
        for (Kind kind : new Kind[] {Kind.FIRST, Kind.FIRST_IGNORE_NULLS, Kind.LAST, Kind.LAST_IGNORE_NULLS}) {
            folds.add(new Fold(op(kind, DataTypes.StringType, false), FOLD_STRINGS));
            folds.add(new Fold(op(kind, DataTypes.StringType, false), FOLD_STRINGS, BOOLEAN));
        }
        return folds;
    }

    private static int[] range(int from, int to, boolean reversed) {
        int[] rows = new int[to - from];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = reversed ? to - 1 - i : from + i;
        }
        return rows;
    }

    private static void sameGroupingOfBatches(DevicePair pair, List<FieldVector> columns, List<Integer> keyColumns,
            List<Fold> folds, int[][] batches) {
        BufferAllocator allocator = pair.allocator();
        List<DataType> keyTypes = keyColumns.stream().map(RandomVectors.TYPES::get).toList();
        List<AggregateOperation> operations = folds.stream().map(Fold::operation).toList();
        String what = "keys " + keyTypes + " in closed batches of " + columns.get(0).getValueCount() + " rows, seed "
                + pair.seed();
        try (Device.GroupBy expected = pair.host().newGroupBy(keyTypes, operations, allocator);
                Device.GroupBy actual = pair.device().newGroupBy(keyTypes, operations, allocator)) {
            for (int[] rows : batches) {
                List<FieldVector> batch = batchOf(pair, columns, rows);
                try {
                    List<FieldVector> keys = keyColumns.stream().map(batch::get).toList();
                    List<List<FieldVector>> inputs = new ArrayList<>();
                    for (Fold fold : folds) {
                        inputs.add(Arrays.stream(fold.inputs()).mapToObj(batch::get).toList());
                    }
                    expected.add(keys, inputs, rows.length);
                    actual.add(keys, inputs, rows.length);
                } finally {
                    batch.forEach(FieldVector::close);
                }
            }
            sameResults(expected, actual, operations, folds, allocator, what);
        }
    }

    /** A copy of {@code rows} of every column, owned by the caller. */
    private static List<FieldVector> batchOf(DevicePair pair, List<FieldVector> columns, int[] rows) {
        try (IntVector indices = new IntVector("rows", pair.allocator())) {
            indices.allocateNew(Math.max(rows.length, 1));
            for (int i = 0; i < rows.length; i++) {
                indices.set(i, rows[i]);
            }
            indices.setValueCount(rows.length);
            return pair.host().gather(columns, indices, pair.allocator());
        }
    }

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
        for (int column : new int[] {BOOLEAN, FLOAT, DOUBLE, DECIMAL_38, TIMESTAMP}) {
            DataType type = RandomVectors.TYPES.get(column);
            for (Kind kind : new Kind[] {Kind.FIRST, Kind.FIRST_IGNORE_NULLS, Kind.LAST, Kind.LAST_IGNORE_NULLS}) {
                folds.add(new Fold(op(kind, type, false), column));
                // the merge form: value and "value set" buffers
                folds.add(new Fold(op(kind, type, false), column, BOOLEAN));
            }
        }
        // stddev/variance moments: the update over double, float and integral values (NaN, infinities and
        // -0.0 among them), and the merge of (n, avg, m2) buffers, read as doubles from whatever rows hold
        for (int column : new int[] {DOUBLE, FLOAT, LONG}) {
            folds.add(new Fold(op(Kind.MOMENTS, DataTypes.DoubleType, false), column));
        }
        folds.add(new Fold(op(Kind.MOMENTS, DataTypes.DoubleType, false), INT, DOUBLE, FLOAT));
        return folds;
    }

    /**
     * Counts, sums of integers without ANSI and min/max of booleans and integers: a grouping of these alone
     * with few groups folds in shared memory on a CUDA device.
     */
    private static List<Fold> orderFreeFolds() {
        List<Fold> folds = new ArrayList<>(folds(false).subList(0, 5));
        for (int column : new int[] {BOOLEAN, BYTE, SHORT, INT, LONG, DATE, TIMESTAMP}) {
            DataType type = RandomVectors.TYPES.get(column);
            folds.add(new Fold(op(Kind.MIN, type, false), column));
            folds.add(new Fold(op(Kind.MAX, type, false), column));
        }
        return folds;
    }

    private static AggregateOperation op(Kind kind, DataType type, boolean ansi) {
        int precision = type instanceof DecimalType decimal ? decimal.precision() : 0;
        int scale = type instanceof DecimalType decimal ? decimal.scale() : 0;
        return new AggregateOperation(kind, type, precision, scale, ansi);
    }

    private static void sameGrouping(DevicePair pair, List<FieldVector> columns, List<Integer> keyColumns,
            List<Fold> folds, int rows) {
        BufferAllocator allocator = pair.allocator();
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
        String what = "keys " + keyTypes + ", " + rows + " rows, seed " + pair.seed();
        try (Device.GroupBy expected = pair.host().newGroupBy(keyTypes, operations, allocator);
                Device.GroupBy actual = pair.device().newGroupBy(keyTypes, operations, allocator)) {
            String hostError = addTwice(expected, keys, inputs, rows);
            String deviceError = addTwice(actual, keys, inputs, rows);
            assertEquals(hostError, deviceError, "the error of " + what);
            if (hostError != null) {
                return;
            }
            sameResults(expected, actual, operations, folds, allocator, what);
        }
    }

    /** The same group count, keys and state of every operation. */
    private static void sameResults(Device.GroupBy expected, Device.GroupBy actual, List<AggregateOperation> operations,
            List<Fold> folds, BufferAllocator allocator, String what) {
        assertEquals(expected.groupCount(), actual.groupCount(), "group count of " + what);
        List<FieldVector> expectedKeys = expected.keys(allocator);
        List<FieldVector> actualKeys = actual.keys(allocator);
        try {
            assertSameColumns(expectedKeys, actualKeys, "group keys of " + what);
        } finally {
            expectedKeys.forEach(FieldVector::close);
            actualKeys.forEach(FieldVector::close);
        }
        for (int op = 0; op < operations.size(); op++) {
            List<FieldVector> expectedState = expected.state(op, allocator);
            List<FieldVector> actualState = actual.state(op, allocator);
            try {
                assertSameColumns(expectedState, actualState, "state of " + operations.get(op) + " over columns "
                        + Arrays.toString(folds.get(op).inputs()) + ", " + what);
            } finally {
                expectedState.forEach(FieldVector::close);
                actualState.forEach(FieldVector::close);
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
