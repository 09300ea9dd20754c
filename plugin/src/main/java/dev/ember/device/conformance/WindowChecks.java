package dev.ember.device.conformance;

import static dev.ember.device.conformance.RandomVectors.Column.BOOLEAN;
import static dev.ember.device.conformance.RandomVectors.Column.DATE;
import static dev.ember.device.conformance.RandomVectors.Column.DECIMAL_38;
import static dev.ember.device.conformance.RandomVectors.Column.DECIMAL_9;
import static dev.ember.device.conformance.RandomVectors.Column.DOUBLE;
import static dev.ember.device.conformance.RandomVectors.Column.FLOAT;
import static dev.ember.device.conformance.RandomVectors.Column.INT;
import static dev.ember.device.conformance.RandomVectors.Column.LONG;
import static dev.ember.device.conformance.RandomVectors.Column.STRING;
import static dev.ember.device.conformance.VectorAssertions.assertEquals;
import static dev.ember.device.conformance.VectorAssertions.assertSameColumns;
import static dev.ember.device.conformance.VectorAssertions.assertSameVector;

import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.AggregateOperation.Kind;
import dev.ember.device.Device.SortKey;
import dev.ember.device.Device.WindowFrame;
import dev.ember.device.Device.WindowFrame.Bound;
import dev.ember.device.Device.WindowOperation;
import dev.ember.device.Primitive;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The conformance checks of the window primitives for {@link ConformanceSuite}: {@code keyChanges} over each
 * column of {@link EdgeValues#rows} alone (every type, NaN next to -0.0 and 0.0, nulls, empty and long
 * strings), and {@code window} over the same rows sorted by an int and a double key: the three rankings and
 * sums, counts, min and max of fixed-width and string columns over every frame shape (whole partition, growing to the
 * peers' end or a row offset, sliding row offsets, an empty frame). Both devices run the same calls on the same
 * buffers, with the starts the host found; the results must be identical, and a CUDA device must have run
 * them all on its kernels. The JUnit test {@code TestWindowConformance} checks both devices against oracles.
 */
final class WindowChecks {

    private static final List<WindowFrame> FRAMES = List.of(WindowFrame.PARTITION,
            new WindowFrame(Bound.UNBOUNDED, 0, Bound.PEERS, 0), new WindowFrame(Bound.UNBOUNDED, 0, Bound.ROWS, 2),
            new WindowFrame(Bound.ROWS, -2, Bound.ROWS, 1), new WindowFrame(Bound.ROWS, 1, Bound.ROWS, 3),
            new WindowFrame(Bound.ROWS, 2, Bound.ROWS, 1));

    private WindowChecks() {}

    /** keyChanges of each column alone, then the window over the rows sorted by (int, double). */
    static void keyChangesAndWindows(DevicePair pair, int rows, RowShape shape) {
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 104_729L) ^ shape.ordinal());
        Device host = pair.host();
        long keyChangesOnHost = pair.hostCalls(Primitive.KEY_CHANGES);
        long windowsOnHost = pair.hostCalls(Primitive.WINDOW);
        List<FieldVector> columns = EdgeValues.rows(random, rows, shape, host, pair.allocator());
        List<FieldVector> sorted = List.of();
        try {
            for (FieldVector column : columns) {
                sameKeyChanges(pair, List.of(column), rows, "keyChanges of " + column.getField());
            }
            try (IntVector order = host.sortIndices(List.of(columns.get(INT), columns.get(DOUBLE)),
                    List.of(new SortKey(true, true), new SortKey(true, true)), rows, -1, pair.allocator())) {
                sorted = host.gather(columns, order, pair.allocator());
            }
            List<FieldVector> partitionKeys = List.of(sorted.get(INT));
            List<FieldVector> peerKeys = List.of(sorted.get(INT), sorted.get(DOUBLE));
            sameKeyChanges(pair, partitionKeys, rows, "partition starts");
            sameKeyChanges(pair, peerKeys, rows, "peer starts");
            try (IntVector partitions = host.keyChanges(partitionKeys, rows, pair.allocator());
                    IntVector peers = host.keyChanges(peerKeys, rows, pair.allocator())) {
                sameWindows(pair, partitions, peers, sorted, rows);
            }
            assertEquals(keyChangesOnHost, pair.hostCalls(Primitive.KEY_CHANGES),
                    "keyChanges runs on kernels, seed " + pair.seed());
            assertEquals(windowsOnHost, pair.hostCalls(Primitive.WINDOW),
                    "window over fixed-width values and strings runs on kernels, seed " + pair.seed());
        } finally {
            columns.forEach(FieldVector::close);
            sorted.forEach(FieldVector::close);
        }
    }

    private static void sameKeyChanges(DevicePair pair, List<FieldVector> keys, int rows, String context) {
        try (IntVector expected = pair.host().keyChanges(keys, rows, pair.allocator());
                IntVector actual = pair.device().keyChanges(keys, rows, pair.allocator())) {
            assertSameVector(expected, actual, context + ", seed " + pair.seed());
        }
    }

    private static void sameWindows(DevicePair pair, IntVector partitions, IntVector peers, List<FieldVector> sorted,
            int rows) {
        List<WindowOperation> operations = new ArrayList<>();
        List<List<FieldVector>> inputs = new ArrayList<>();
        for (WindowOperation.Kind kind : new WindowOperation.Kind[] {WindowOperation.Kind.ROW_NUMBER,
            WindowOperation.Kind.RANK, WindowOperation.Kind.DENSE_RANK}) {
            operations.add(WindowOperation.ranking(kind));
            inputs.add(List.of());
        }
        for (WindowFrame frame : FRAMES) {
            add(operations, inputs, frame, Kind.SUM_LONG, DataTypes.LongType, sorted.get(LONG), 0, 0);
            add(operations, inputs, frame, Kind.SUM_DOUBLE, DataTypes.DoubleType, sorted.get(DOUBLE), 0, 0);
            add(operations, inputs, frame, Kind.SUM_DECIMAL, DataTypes.createDecimalType(19, 2), sorted.get(DECIMAL_9),
                    19, 2);
            // the edge values overflow a 38-digit sum: null from there on, on both devices
            add(operations, inputs, frame, Kind.SUM_DECIMAL, DataTypes.createDecimalType(38, 10),
                    sorted.get(DECIMAL_38), 38, 10);
            add(operations, inputs, frame, Kind.COUNT, DataTypes.LongType, sorted.get(STRING), 0, 0);
            add(operations, inputs, frame, Kind.MIN, DataTypes.FloatType, sorted.get(FLOAT), 0, 0);
            add(operations, inputs, frame, Kind.MAX, DataTypes.DoubleType, sorted.get(DOUBLE), 0, 0);
            add(operations, inputs, frame, Kind.MIN, DataTypes.createDecimalType(38, 10), sorted.get(DECIMAL_38), 0, 0);
            add(operations, inputs, frame, Kind.MAX, DataTypes.DateType, sorted.get(DATE), 0, 0);
            add(operations, inputs, frame, Kind.MAX, DataTypes.BooleanType, sorted.get(BOOLEAN), 0, 0);
            add(operations, inputs, frame, Kind.MIN, DataTypes.StringType, sorted.get(STRING), 0, 0);
            add(operations, inputs, frame, Kind.MAX, DataTypes.StringType, sorted.get(STRING), 0, 0);
        }
        List<List<FieldVector>> expected = pair.host().window(partitions, peers, operations, inputs, rows,
                pair.allocator());
        try {
            List<List<FieldVector>> actual = pair.device().window(partitions, peers, operations, inputs, rows,
                    pair.allocator());
            try {
                for (int i = 0; i < operations.size(); i++) {
                    WindowOperation operation = operations.get(i);
                    assertSameColumns(expected.get(i), actual.get(i), "window " + (operation.aggregate() == null
                            ? operation.kind() : operation.aggregate().kind() + " of " + operation.aggregate().type()
                            .simpleString() + " over " + operation.frame()) + ", seed " + pair.seed());
                }
            } finally {
                actual.forEach(columns -> columns.forEach(FieldVector::close));
            }
        } finally {
            expected.forEach(columns -> columns.forEach(FieldVector::close));
        }
    }

    private static void add(List<WindowOperation> operations, List<List<FieldVector>> inputs, WindowFrame frame,
            Kind kind, DataType type, FieldVector input, int precision, int scale) {
        operations.add(new WindowOperation(WindowOperation.Kind.AGGREGATE,
                new AggregateOperation(kind, type, precision, scale, false), frame));
        inputs.add(List.of(input));
    }
}
