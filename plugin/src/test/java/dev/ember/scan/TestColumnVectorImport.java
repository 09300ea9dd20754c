package dev.ember.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.columnar.ColumnAppender;
import dev.ember.exec.scan.ColumnVectorImport;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.execution.vectorized.Dictionary;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ColumnVectorImport} against {@code ColumnAppender}'s value-by-value copy, on random columns of
 * every carried type (nulls, NaN, -0.0, empty strings, min/max values; 0, 1 and 1000 rows), in every
 * kind of Spark vector the Parquet reader hands out: off-heap (the bulk paths), on-heap,
 * dictionary-encoded, and constant (partition values). Strings are also written out of row order, so
 * the copy cannot take the one-piece path. Floating values compare by their bits.
 */
class TestColumnVectorImport {
    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void everyTypeInEveryVectorKind() {
        RandomData random = RandomData.create("TestColumnVectorImport");
        List<StructField> fields = new ArrayList<>(List.of(Schemas.everyCarriedType().fields()));
        fields.add(new StructField("d7", DataTypes.createDecimalType(7, 3), true,
                org.apache.spark.sql.types.Metadata.empty()));
        for (int rows : new int[] {0, 1, 1000}) {
            for (StructField field : fields) {
                DataType type = field.dataType();
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < rows; i++) {
                    values.add(i % 9 == 4 ? null : CatalystTypeConverters.createToCatalystConverter(type)
                            .apply(random.value(type)));
                }
                for (boolean offHeap : new boolean[] {true, false}) {
                    for (boolean reversed : new boolean[] {false, true}) {
                        try (WritableColumnVector column = writable(offHeap, rows, type)) {
                            fill(column, type, values, reversed);
                            String what = field.name() + " offHeap=" + offHeap + " reversed=" + reversed + " rows="
                                    + rows;
                            assertImportsAsAppender(column, type, 0, rows, what);
                            // a range from the middle, as the scan's bulk paths take it with an offset
                            assertImportsAsAppender(column, type, rows / 3, rows / 2, what + " from " + rows / 3);
                        }
                    }
                }
                if (rows > 0) {
                    try (ConstantColumnVector constant = constant(rows, type, values.get(0))) {
                        assertImportsAsAppender(constant, type, 0, rows, field.name() + " constant");
                    }
                }
            }
        }
    }

    @Test
    void dictionaryEncodedColumns() {
        String[] words = {"", "a", "ß", "Ω longer than twelve bytes"};
        // 18 digits at most, so that they are also valid unscaled decimal(18, 2) values
        long[] longs = {-999_999_999_999_999_999L, -1, 0, 999_999_999_999_999_999L};
        Dictionary dictionary = new Dictionary() {
            @Override
            public int decodeToInt(int id) {
                // 9 digits at most, so that they are also valid unscaled decimal(9, 2) values
                return (int) (longs[id] % 1_000_000_000L);
            }

            @Override
            public long decodeToLong(int id) {
                return longs[id];
            }

            @Override
            public float decodeToFloat(int id) {
                return id == 0 ? Float.NaN : -0.0f * id;
            }

            @Override
            public double decodeToDouble(int id) {
                return id == 0 ? Double.NaN : -0.0 * id;
            }

            @Override
            public byte[] decodeToBinary(int id) {
                return words[id].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        };
        int rows = 777;
        for (DataType type : List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType,
                DataTypes.DoubleType, DataTypes.StringType, DataTypes.DateType, DataTypes.TimestampType,
                DataTypes.createDecimalType(18, 2), DataTypes.createDecimalType(9, 2))) {
            for (boolean offHeap : new boolean[] {true, false}) {
                try (WritableColumnVector column = writable(offHeap, rows, type)) {
                    WritableColumnVector ids = column.reserveDictionaryIds(rows);
                    for (int i = 0; i < rows; i++) {
                        if (i % 5 == 3) {
                            column.putNull(i);
                        } else {
                            ids.putInt(i, i % 4);
                        }
                    }
                    column.setDictionary(dictionary);
                    assertImportsAsAppender(column, type, 0, rows, "dictionary " + type.simpleString());
                    // a range inside the batch: ids read from its first row on
                    assertImportsAsAppender(column, type, 101, 500, "dictionary from row 101 " + type.simpleString());
                }
            }
        }
    }

    private void assertImportsAsAppender(ColumnVector column, DataType type, int start, int rows, String what) {
        try (FieldVector imported = ColumnVectorImport.importColumn("c", column, type, start, rows, allocator);
                ColumnAppender appender = ColumnAppender.create("c", type, allocator)) {
            appender.append(column, start, rows);
            try (FieldVector expected = appender.finish()) {
                assertEquals(rows, imported.getValueCount(), what);
                ArrowColumnVector actualColumn = new ArrowColumnVector(imported);
                ArrowColumnVector expectedColumn = new ArrowColumnVector(expected);
                for (int row = 0; row < rows; row++) {
                    assertEquals(expectedColumn.isNullAt(row), actualColumn.isNullAt(row), what + " null at " + row);
                    if (!expectedColumn.isNullAt(row)) {
                        assertEquals(valueOf(expectedColumn, type, row), valueOf(actualColumn, type, row),
                                what + " at " + row);
                    }
                }
            }
        }
    }

    private static Object valueOf(ColumnVector column, DataType type, int row) {
        if (type == DataTypes.BooleanType) {
            return column.getBoolean(row);
        } else if (type == DataTypes.ByteType) {
            return column.getByte(row);
        } else if (type == DataTypes.ShortType) {
            return column.getShort(row);
        } else if (type == DataTypes.IntegerType || type == DataTypes.DateType) {
            return column.getInt(row);
        } else if (type == DataTypes.LongType || type == DataTypes.TimestampType) {
            return column.getLong(row);
        } else if (type == DataTypes.FloatType) {
            return Float.floatToRawIntBits(column.getFloat(row));
        } else if (type == DataTypes.DoubleType) {
            return Double.doubleToRawLongBits(column.getDouble(row));
        } else if (type instanceof DecimalType decimal) {
            return column.getDecimal(row, decimal.precision(), decimal.scale());
        }
        return column.getUTF8String(row).toString();
    }

    private static WritableColumnVector writable(boolean offHeap, int rows, DataType type) {
        int capacity = Math.max(rows, 1);
        return offHeap ? new OffHeapColumnVector(capacity, type) : new OnHeapColumnVector(capacity, type);
    }

    /** Writes the values, in row order or from the last row to the first (strings then lie out of order). */
    private static void fill(WritableColumnVector column, DataType type, List<Object> values, boolean reversed) {
        int rows = values.size();
        for (int k = 0; k < rows; k++) {
            int row = reversed ? rows - 1 - k : k;
            Object value = values.get(row);
            if (value == null) {
                column.putNull(row);
            } else if (type == DataTypes.BooleanType) {
                column.putBoolean(row, (Boolean) value);
            } else if (type == DataTypes.ByteType) {
                column.putByte(row, (Byte) value);
            } else if (type == DataTypes.ShortType) {
                column.putShort(row, (Short) value);
            } else if (type == DataTypes.IntegerType || type == DataTypes.DateType) {
                column.putInt(row, (Integer) value);
            } else if (type == DataTypes.LongType || type == DataTypes.TimestampType) {
                column.putLong(row, (Long) value);
            } else if (type == DataTypes.FloatType) {
                column.putFloat(row, (Float) value);
            } else if (type == DataTypes.DoubleType) {
                column.putDouble(row, (Double) value);
            } else if (type instanceof DecimalType decimal) {
                column.putDecimal(row, (Decimal) value, decimal.precision());
            } else {
                column.putByteArray(row, ((UTF8String) value).getBytes());
            }
        }
    }

    private static ConstantColumnVector constant(int rows, DataType type, Object value) {
        ConstantColumnVector column = new ConstantColumnVector(rows, type);
        if (value == null) {
            column.setNull();
        } else if (type == DataTypes.BooleanType) {
            column.setBoolean((Boolean) value);
        } else if (type == DataTypes.ByteType) {
            column.setByte((Byte) value);
        } else if (type == DataTypes.ShortType) {
            column.setShort((Short) value);
        } else if (type == DataTypes.IntegerType || type == DataTypes.DateType) {
            column.setInt((Integer) value);
        } else if (type == DataTypes.LongType || type == DataTypes.TimestampType) {
            column.setLong((Long) value);
        } else if (type == DataTypes.FloatType) {
            column.setFloat((Float) value);
        } else if (type == DataTypes.DoubleType) {
            column.setDouble((Double) value);
        } else if (type instanceof DecimalType decimal) {
            column.setDecimal((Decimal) value, decimal.precision());
        } else {
            column.setUtf8String((UTF8String) value);
        }
        return column;
    }
}
