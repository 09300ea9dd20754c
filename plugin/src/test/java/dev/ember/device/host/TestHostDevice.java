package dev.ember.device.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.BatchBuilder;
import dev.ember.testkit.RandomData;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;

/** HostDevice's compaction and gather, on every column type, against a plain row-by-row model. */
class TestHostDevice {
    static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("b", DataTypes.BooleanType, true),
        DataTypes.createStructField("i8", DataTypes.ByteType, true),
        DataTypes.createStructField("i16", DataTypes.ShortType, true),
        DataTypes.createStructField("i32", DataTypes.IntegerType, true),
        DataTypes.createStructField("i64", DataTypes.LongType, true),
        DataTypes.createStructField("f32", DataTypes.FloatType, true),
        DataTypes.createStructField("f64", DataTypes.DoubleType, true),
        DataTypes.createStructField("d9", DataTypes.createDecimalType(9, 2), true),
        DataTypes.createStructField("d38", DataTypes.createDecimalType(38, 10), true),
        DataTypes.createStructField("day", DataTypes.DateType, true),
        DataTypes.createStructField("ts", DataTypes.TimestampType, true),
        DataTypes.createStructField("s", DataTypes.StringType, true)});

    private final HostDevice device = new HostDevice();

    @Test
    void selectTrueKeepsOnlyTrueRowsInOrder() {
        RandomData random = RandomData.create("TestHostDevice.selectTrue");
        for (int size : new int[] {0, 1, 7, 1000, 4099}) {
            try (BufferAllocator allocator = new RootAllocator();
                    BitVector flags = new BitVector("flags", allocator)) {
                flags.allocateNew(size);
                List<Integer> expected = new ArrayList<>();
                for (int row = 0; row < size; row++) {
                    int kind = (int) (random.seed() ^ row * 31L) & 3;
                    Object value = random.value(DataTypes.BooleanType);
                    if (kind == 0) {
                        flags.setNull(row);
                    } else {
                        flags.set(row, (Boolean) value ? 1 : 0);
                        if ((Boolean) value) {
                            expected.add(row);
                        }
                    }
                }
                flags.setValueCount(size);
                try (IntVector positions = device.selectTrue(flags, size, allocator)) {
                    List<Integer> actual = new ArrayList<>();
                    for (int i = 0; i < positions.getValueCount(); i++) {
                        actual.add(positions.get(i));
                    }
                    assertEquals(expected, actual, "size " + size);
                }
            }
        }
    }

    @Test
    void gatherCopiesEveryTypeIncludingNulls() {
        RandomData random = RandomData.create("TestHostDevice.gather");
        for (int size : new int[] {0, 1, 513}) {
            List<Row> rows = random.rows(SCHEMA, size, 5);
            try (BufferAllocator allocator = new RootAllocator()) {
                List<DataType> types = new ArrayList<>();
                for (StructField field : SCHEMA.fields()) {
                    types.add(field.dataType());
                }
                scala.Function1<Object, Object> toInternal = CatalystTypeConverters.createToCatalystConverter(SCHEMA);
                try (BatchBuilder builder = new BatchBuilder(types, allocator, 10_000, 1L << 30)) {
                    for (Row row : rows) {
                        builder.append((InternalRow) toInternal.apply(row));
                    }
                    try (ColumnarBatch batch = builder.build();
                            IntVector indices = new IntVector("indices", allocator)) {
                        int count = size == 0 ? 0 : size * 2;
                        indices.allocateNew(count);
                        List<Integer> picked = new ArrayList<>();
                        for (int i = 0; i < count; i++) {
                            int from = (i * 7919) % size;
                            indices.set(i, from);
                            picked.add(from);
                        }
                        indices.setValueCount(count);
                        List<FieldVector> gathered = device.gather(ArrowBatches.vectors(batch), indices, allocator);
                        try (ColumnarBatch out = ArrowBatches.toSpark(gathered, count)) {
                            for (int i = 0; i < count; i++) {
                                InternalRow expected = batch.getRow(picked.get(i));
                                InternalRow actual = out.getRow(i);
                                for (int c = 0; c < types.size(); c++) {
                                    assertEquals(expected.isNullAt(c), actual.isNullAt(c), "null at " + i + "," + c);
                                    if (!expected.isNullAt(c)) {
                                        assertEquals(expected.get(c, types.get(c)), actual.get(c, types.get(c)),
                                                "value at row " + i + " column " + SCHEMA.fields()[c].name());
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void concatenateAndGatherOrNullMatchTheRowModel() {
        RandomData random = RandomData.create("TestHostDevice.concatenate");
        // part sizes that start later parts on and off byte boundaries of the validity bits, with empty parts
        int[] sizes = {0, 3, 8, 13, 0, 1, 100, 7};
        List<DataType> types = new ArrayList<>();
        for (StructField field : SCHEMA.fields()) {
            types.add(field.dataType());
        }
        scala.Function1<Object, Object> toInternal = CatalystTypeConverters.createToCatalystConverter(SCHEMA);
        try (BufferAllocator allocator = new RootAllocator()) {
            List<ColumnarBatch> batches = new ArrayList<>();
            List<InternalRow> expected = new ArrayList<>();
            try {
                for (int size : sizes) {
                    try (BatchBuilder builder = new BatchBuilder(types, allocator, 10_000, 1L << 30)) {
                        for (Row row : random.rows(SCHEMA, size, 4)) {
                            builder.append((InternalRow) toInternal.apply(row));
                        }
                        batches.add(builder.build());
                    }
                }
                List<List<FieldVector>> parts = new ArrayList<>();
                for (ColumnarBatch batch : batches) {
                    parts.add(ArrowBatches.vectors(batch));
                    for (int row = 0; row < batch.numRows(); row++) {
                        expected.add(batch.getRow(row).copy());
                    }
                }
                List<FieldVector> all = device.concatenate(parts, parts.get(0), allocator);
                try (ColumnarBatch joined = ArrowBatches.toSpark(all, expected.size());
                        IntVector indices = new IntVector("indices", allocator)) {
                    assertRows(expected, joined, types, "concatenate");
                    int count = expected.size() + 5;
                    indices.allocateNew(count);
                    List<InternalRow> picked = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        int from = i % 6 == 0 ? -1 : (i * 31) % expected.size();
                        indices.set(i, from);
                        picked.add(from < 0 ? null : expected.get(from));
                    }
                    indices.setValueCount(count);
                    List<FieldVector> gathered = device.gatherOrNull(ArrowBatches.vectors(joined), indices, allocator);
                    try (ColumnarBatch out = ArrowBatches.toSpark(gathered, count)) {
                        assertRows(picked, out, types, "gatherOrNull");
                    }
                }
            } finally {
                batches.forEach(ColumnarBatch::close);
            }
        }
    }

    /** Each row of {@code actual} equals the expected one; a null expected row means every column is null. */
    private static void assertRows(List<InternalRow> expected, ColumnarBatch actual, List<DataType> types,
            String what) {
        assertEquals(expected.size(), actual.numRows(), what + " row count");
        for (int i = 0; i < expected.size(); i++) {
            InternalRow row = actual.getRow(i);
            for (int c = 0; c < types.size(); c++) {
                boolean expectNull = expected.get(i) == null || expected.get(i).isNullAt(c);
                assertEquals(expectNull, row.isNullAt(c), what + ": null at " + i + "," + c);
                if (!expectNull) {
                    assertEquals(expected.get(i).get(c, types.get(c)), row.get(c, types.get(c)),
                            what + ": value at row " + i + " column " + SCHEMA.fields()[c].name());
                }
            }
        }
    }

    @Test
    void gatherRejectsIndicesOutsideTheColumn() {
        try (BufferAllocator allocator = new RootAllocator();
                IntVector column = new IntVector("c", allocator);
                IntVector indices = new IntVector("i", allocator)) {
            column.allocateNew(2);
            column.set(0, 1);
            column.set(1, 2);
            column.setValueCount(2);
            indices.allocateNew(1);
            indices.set(0, 2);
            indices.setValueCount(1);
            assertThrows(IndexOutOfBoundsException.class,
                    () -> device.gather(List.of(column), indices, allocator));
        }
    }
}
