package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.Device.AggregateOperation.Kind;
import dev.ember.device.Device.WindowFrame;
import dev.ember.device.Device.WindowFrame.Bound;
import dev.ember.device.Device.WindowOperation;
import dev.ember.device.Primitive;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code keyChanges} and {@code window} on the host device and on the CUDA device (keyChanges on its kernel,
 * window on its kernels, min and max over strings included), against oracles written from the contracts: key
 * changes by comparing
 * Java values (null equals null, NaN equals NaN, -0.0 equals 0.0); rankings by counting; and each
 * aggregate's state over a row's frame as the group-by primitive folds exactly the frame's rows, in row
 * order (every frame shape: whole partition, growing to the peers' end or to a row offset, sliding row
 * offsets including empty frames). Seeded random sorted rows with nulls, NaN, -0.0 next to 0.0,
 * infinities, decimal overflow of a narrow sum, and strings; sizes from empty through one row to many
 * partitions.
 */
class TestWindowConformance extends EmulatorConformance {

    private static final List<WindowFrame> FRAMES = List.of(WindowFrame.PARTITION,
            new WindowFrame(Bound.UNBOUNDED, 0, Bound.PEERS, 0),
            new WindowFrame(Bound.UNBOUNDED, 0, Bound.ROWS, 0),
            new WindowFrame(Bound.UNBOUNDED, 0, Bound.ROWS, 2),
            new WindowFrame(Bound.UNBOUNDED, 0, Bound.ROWS, -1),
            new WindowFrame(Bound.ROWS, -2, Bound.ROWS, 1),
            new WindowFrame(Bound.ROWS, 1, Bound.ROWS, 3),
            new WindowFrame(Bound.ROWS, -3, Bound.ROWS, -1),
            new WindowFrame(Bound.ROWS, 0, Bound.ROWS, 0));

    /** One sorted row: partition key, order key and the values. */
    private record Row(Integer partition, Double order, Long number, Double real, BigDecimal decimal, String text) {}

    /** Column positions of the values in {@link #values}. */
    private static final int NUMBER = 0;
    private static final int REAL = 1;
    private static final int DECIMAL = 2;
    private static final int TEXT = 3;

    private record Fold(AggregateOperation operation, int... inputs) {}

    private static List<Fold> folds() {
        return List.of(
                new Fold(op(Kind.COUNT, DataTypes.LongType, 0, 0)),
                new Fold(op(Kind.COUNT, DataTypes.LongType, 0, 0), REAL),
                new Fold(op(Kind.SUM_LONG, DataTypes.LongType, 0, 0), NUMBER),
                new Fold(op(Kind.SUM_DOUBLE, DataTypes.DoubleType, 0, 0), REAL),
                new Fold(op(Kind.SUM_DOUBLE, DataTypes.DoubleType, 0, 0), NUMBER),
                new Fold(op(Kind.SUM_DECIMAL, DataTypes.createDecimalType(22, 2), 22, 2), DECIMAL),
                // a narrow sum overflows and stays null for the frame, as the group-by's does
                new Fold(op(Kind.SUM_DECIMAL, DataTypes.createDecimalType(5, 2), 5, 2), DECIMAL),
                new Fold(op(Kind.MIN, DataTypes.DoubleType, 0, 0), REAL),
                new Fold(op(Kind.MAX, DataTypes.DoubleType, 0, 0), REAL),
                new Fold(op(Kind.MIN, DataTypes.createDecimalType(12, 2), 0, 0), DECIMAL),
                new Fold(op(Kind.MAX, DataTypes.StringType, 0, 0), TEXT),
                new Fold(op(Kind.MIN, DataTypes.StringType, 0, 0), TEXT));
    }

    private static AggregateOperation op(Kind kind, DataType type, int precision, int scale) {
        return new AggregateOperation(kind, type, precision, scale, false);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 300, 1500})
    void keyChangesAndEveryFunctionAndFrameMatchTheOracles(int rowCount) {
        long windowsOnHost = cuda.hostCalls().getOrDefault(Primitive.WINDOW, 0L);
        long keyChangesOnHost = cuda.hostCalls().getOrDefault(Primitive.KEY_CHANGES, 0L);
        List<Row> rows = rows(new Random(seed + rowCount), rowCount);
        List<FieldVector> partitionKey = List.of(ints(rows));
        List<FieldVector> peerKeys = List.of(partitionKey.get(0), doubles(rows.stream().map(Row::order).toList()));
        List<FieldVector> values = values(rows);
        try {
            int[] partitionStarts = naiveChanges(rows, false);
            int[] peerStarts = naiveChanges(rows, true);
            for (Device device : List.of(host, cuda)) {
                try (IntVector changes = device.keyChanges(partitionKey, rowCount, allocator);
                        IntVector peers = device.keyChanges(peerKeys, rowCount, allocator)) {
                    assertEquals(toList(partitionStarts), ints(changes), device.name() + " partition starts");
                    assertEquals(toList(peerStarts), ints(peers), device.name() + " peer starts");
                }
            }
            try (IntVector partitions = positions(partitionStarts); IntVector peers = positions(peerStarts)) {
                checkRankings(rows, partitionStarts, peerStarts, partitions, peers);
                for (WindowFrame frame : FRAMES) {
                    for (Fold fold : folds()) {
                        checkAggregate(fold, frame, values, partitionStarts, peerStarts, partitions, peers);
                    }
                }
            }
        } finally {
            ArrowBatches.closeAll(peerKeys);
            ArrowBatches.closeAll(values);
        }
        // the window kernels run every ranking and every fold, min/max over strings included
        assertEquals(windowsOnHost, cuda.hostCalls().getOrDefault(Primitive.WINDOW, 0L), "window calls on the host");
        assertEquals(keyChangesOnHost, cuda.hostCalls().getOrDefault(Primitive.KEY_CHANGES, 0L),
                "keyChanges runs on its kernel");
    }

    @org.junit.jupiter.api.Test
    void anAnsiLongOverflowFailsOnBothDevices() {
        long[] numbers = {5, Long.MAX_VALUE, 1, 2, 3};
        try (BigIntVector values = new BigIntVector("n", allocator); IntVector partitions = positions(new int[] {0, 3});
                IntVector peers = positions(new int[] {0, 1, 2, 3, 4})) {
            values.allocateNew(numbers.length);
            for (int i = 0; i < numbers.length; i++) {
                values.set(i, numbers[i]);
            }
            values.setValueCount(numbers.length);
            AggregateOperation sum = new AggregateOperation(Kind.SUM_LONG, DataTypes.LongType, 0, 0, true);
            for (WindowFrame frame : List.of(WindowFrame.PARTITION, new WindowFrame(Bound.ROWS, -1, Bound.ROWS, 0))) {
                long before = cuda.hostCalls().getOrDefault(Primitive.WINDOW, 0L);
                for (Device device : List.of(host, cuda)) {
                    org.junit.jupiter.api.Assertions.assertThrows(ArithmeticException.class, () -> device.window(partitions,
                            peers, List.of(new WindowOperation(WindowOperation.Kind.AGGREGATE, sum, frame)),
                            List.of(List.<FieldVector>of(values)), numbers.length, allocator), device.name() + " " + frame);
                }
                // the kernels found the overflow; the host's replay raised it
                assertEquals(1, cuda.hostCalls().getOrDefault(Primitive.WINDOW, 0L) - before, frame.toString());
            }
        }
    }

    private void checkRankings(List<Row> rows, int[] partitionStarts, int[] peerStarts, IntVector partitions,
            IntVector peers) {
        List<WindowOperation> operations = List.of(WindowOperation.ranking(WindowOperation.Kind.ROW_NUMBER),
                WindowOperation.ranking(WindowOperation.Kind.RANK), WindowOperation.ranking(WindowOperation.Kind.DENSE_RANK));
        List<List<Integer>> expected = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int row = 0; row < rows.size(); row++) {
            int partition = startOf(partitionStarts, row);
            int peer = startOf(peerStarts, row);
            int dense = 0;
            for (int start : peerStarts) {
                if (start >= partition && start <= row) {
                    dense++;
                }
            }
            expected.get(0).add(row - partition + 1);
            expected.get(1).add(peer - partition + 1);
            expected.get(2).add(dense);
        }
        for (Device device : List.of(host, cuda)) {
            List<List<FieldVector>> out = device.window(partitions, peers, operations, List.of(List.of(), List.of(),
                    List.of()), rows.size(), allocator);
            try {
                for (int i = 0; i < operations.size(); i++) {
                    assertEquals(expected.get(i), ints((IntVector) out.get(i).get(0)), device.name() + " "
                            + operations.get(i).kind());
                }
            } finally {
                out.forEach(ArrowBatches::closeAll);
            }
        }
    }

    /** The oracle: per row, a no-key grouping of exactly the frame's rows, gathered in row order. */
    private void checkAggregate(Fold fold, WindowFrame frame, List<FieldVector> values, int[] partitionStarts,
            int[] peerStarts, IntVector partitions, IntVector peers) {
        int rowCount = partitionStarts.length == 0 ? 0 : values.get(0).getValueCount();
        List<FieldVector> inputs = new ArrayList<>();
        for (int input : fold.inputs()) {
            inputs.add(values.get(input));
        }
        List<List<Object>> expected = new ArrayList<>();
        for (int row = 0; row < rowCount; row++) {
            int partitionStart = startOf(partitionStarts, row);
            int partitionEnd = endOf(partitionStarts, row, rowCount);
            int from = frame.lower() == Bound.UNBOUNDED ? partitionStart
                    : (int) Math.max(partitionStart, Math.min(partitionEnd, (long) row + frame.lowerOffset()));
            int to = switch (frame.upper()) {
                case UNBOUNDED -> partitionEnd;
                case PEERS -> endOf(peerStarts, row, rowCount);
                case ROWS -> (int) Math.max(partitionStart, Math.min(partitionEnd, (long) row + frame.upperOffset() + 1));
            };
            expected.add(groupedState(fold.operation(), inputs, from, to));
        }
        String context = fold.operation() + " over " + frame;
        for (Device device : List.of(host, cuda)) {
            List<List<FieldVector>> out = device.window(partitions, peers, List.of(new WindowOperation(
                    WindowOperation.Kind.AGGREGATE, fold.operation(), frame)), List.of(inputs), rowCount, allocator);
            try {
                List<FieldVector> states = out.get(0);
                for (int row = 0; row < rowCount; row++) {
                    List<Object> actual = new ArrayList<>();
                    for (FieldVector state : states) {
                        actual.add(state.getObject(row));
                    }
                    assertEquals(expected.get(row), actual, device.name() + " " + context + " row " + row);
                }
            } finally {
                out.forEach(ArrowBatches::closeAll);
            }
        }
    }

    private List<Object> groupedState(AggregateOperation operation, List<FieldVector> inputs, int from, int to) {
        try (Device.GroupBy grouping = host.newGroupBy(List.of(), List.of(operation), allocator);
                IntVector indices = new IntVector("frame", allocator)) {
            indices.allocateNew(Math.max(to - from, 1));
            for (int row = from; row < to; row++) {
                indices.set(row - from, row);
            }
            indices.setValueCount(Math.max(to - from, 0));
            List<FieldVector> frameRows = host.gather(inputs, indices, allocator);
            try {
                grouping.add(List.of(), List.of(frameRows), Math.max(to - from, 0));
            } finally {
                ArrowBatches.closeAll(frameRows);
            }
            List<FieldVector> state = grouping.state(0, allocator);
            try {
                List<Object> values = new ArrayList<>();
                for (FieldVector column : state) {
                    values.add(column.getObject(0));
                }
                return values;
            } finally {
                ArrowBatches.closeAll(state);
            }
        }
    }

    // ---- random sorted rows and their columns ----

    private static List<Row> rows(Random random, int count) {
        Double[] orders = {null, Double.NaN, -0.0, 0.0, 1.0, 2.5, Double.NEGATIVE_INFINITY};
        Double[] reals = {null, Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, 1e300, 0.1, -7.25};
        String[] texts = {null, "", "a", "ß", "日本語", "b", "\u0000", "a\u0000", "a\u0000b", "\u007f", "\u0080",
            "\uffff", "\udbff\udfff", "x".repeat(300), "x".repeat(300) + "y", "x".repeat(299) + "y", "x".repeat(257)};
        List<Row> rows = new ArrayList<>();
        int partitions = Math.max(1, count / 40);
        for (int i = 0; i < count; i++) {
            Integer partition = random.nextInt(9) == 0 ? null : random.nextInt(partitions);
            Long number = random.nextInt(7) == 0 ? null : (long) random.nextInt(2001) - 1000;
            BigDecimal decimal = random.nextInt(7) == 0 ? null
                    : BigDecimal.valueOf(random.nextInt(2_000_001) - 1_000_000L, 2);
            rows.add(new Row(partition, orders[random.nextInt(orders.length)], number,
                    random.nextBoolean() ? reals[random.nextInt(reals.length)] : Double.valueOf(random.nextInt(1000) / 8.0), decimal,
                    texts[random.nextInt(texts.length)]));
        }
        // sorted as Spark sorts them (nulls first; NaN greatest; -0.0 and 0.0 tie and keep their order)
        Comparator<Double> spark = (a, b) -> a.doubleValue() == b.doubleValue() ? 0 : Double.compare(a, b);
        rows.sort(Comparator.comparing(Row::partition, Comparator.nullsFirst(Comparator.<Integer>naturalOrder()))
                .thenComparing(Row::order, Comparator.nullsFirst(spark)));
        return rows;
    }

    private static int[] naiveChanges(List<Row> rows, boolean peers) {
        List<Integer> changes = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (i == 0 || !Objects.equals(rows.get(i).partition(), rows.get(i - 1).partition())
                    || peers && !sameOrder(rows.get(i).order(), rows.get(i - 1).order())) {
                changes.add(i);
            }
        }
        return changes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean sameOrder(Double a, Double b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.isNaN() ? b.isNaN() : a.doubleValue() == b.doubleValue();
    }

    private static int startOf(int[] starts, int row) {
        int found = 0;
        for (int start : starts) {
            if (start <= row) {
                found = start;
            }
        }
        return found;
    }

    private static int endOf(int[] starts, int row, int rowCount) {
        for (int start : starts) {
            if (start > row) {
                return start;
            }
        }
        return rowCount;
    }

    private IntVector ints(List<Row> rows) {
        IntVector vector = new IntVector("partition", allocator);
        vector.allocateNew(Math.max(rows.size(), 1));
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).partition() == null) {
                vector.setNull(i);
            } else {
                vector.set(i, rows.get(i).partition());
            }
        }
        vector.setValueCount(rows.size());
        return vector;
    }

    private Float8Vector doubles(List<Double> values) {
        Float8Vector vector = new Float8Vector("double", allocator);
        vector.allocateNew(Math.max(values.size(), 1));
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                vector.setNull(i);
            } else {
                vector.set(i, values.get(i));
            }
        }
        vector.setValueCount(values.size());
        return vector;
    }

    private List<FieldVector> values(List<Row> rows) {
        int count = rows.size();
        BigIntVector numbers = new BigIntVector("number", allocator);
        DecimalVector decimals = new DecimalVector("decimal", allocator, 12, 2);
        VarCharVector texts = new VarCharVector("text", allocator);
        numbers.allocateNew(Math.max(count, 1));
        decimals.allocateNew(Math.max(count, 1));
        texts.allocateNew(Math.max(count, 1));
        for (int i = 0; i < count; i++) {
            Row row = rows.get(i);
            if (row.number() == null) {
                numbers.setNull(i);
            } else {
                numbers.set(i, row.number());
            }
            if (row.decimal() == null) {
                decimals.setNull(i);
            } else {
                decimals.set(i, row.decimal());
            }
            if (row.text() == null) {
                texts.setNull(i);
            } else {
                texts.setSafe(i, row.text().getBytes(StandardCharsets.UTF_8));
            }
        }
        numbers.setValueCount(count);
        decimals.setValueCount(count);
        texts.setValueCount(count);
        return List.of(numbers, doubles(rows.stream().map(Row::real).toList()), decimals, texts);
    }

    private IntVector positions(int[] values) {
        IntVector vector = new IntVector("starts", allocator);
        vector.allocateNew(Math.max(values.length, 1));
        for (int i = 0; i < values.length; i++) {
            vector.set(i, values[i]);
        }
        vector.setValueCount(values.length);
        return vector;
    }

    private static List<Integer> toList(int[] values) {
        List<Integer> list = new ArrayList<>();
        for (int value : values) {
            list.add(value);
        }
        return list;
    }

    private static List<Integer> ints(IntVector vector) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < vector.getValueCount(); i++) {
            list.add(vector.isNull(i) ? null : vector.get(i));
        }
        return list;
    }
}
