package dev.ember.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.columnar.ColumnAppender;
import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hash partition primitive against Spark itself: for seeded random rows of every key type Ember
 * carries (nulls, NaN, -0.0, extremes, empty and multi-byte strings, compact and wide decimals), the ids
 * must equal {@code pmod(hash(keys...), n)} as Spark SQL computes it, for single keys, several keys and
 * several partition counts; and the split helper puts each row in its partition in input order.
 */
class TestHashPartition {
    private static final StructType SCHEMA = new StructType()
            .add("b", DataTypes.BooleanType)
            .add("i8", DataTypes.ByteType)
            .add("i16", DataTypes.ShortType)
            .add("i32", DataTypes.IntegerType)
            .add("i64", DataTypes.LongType)
            .add("f32", DataTypes.FloatType)
            .add("f64", DataTypes.DoubleType)
            .add("dec", DataTypes.createDecimalType(10, 2))
            .add("wide", DataTypes.createDecimalType(38, 6))
            .add("day", DataTypes.DateType)
            .add("ts", DataTypes.TimestampType)
            .add("s", DataTypes.StringType);
    private static List<Row> rows;

    @BeforeAll
    static void createRows() {
        RandomData random = RandomData.create("TestHashPartition");
        rows = new ArrayList<>(random.rows(SCHEMA, 600, 6));
        // the values whose hashing is special, on purpose
        rows.add(RowFactory.create(true, (byte) -128, (short) -32768, Integer.MIN_VALUE, Long.MIN_VALUE, -0.0f, -0.0,
                new BigDecimal("-99999999.99"), new BigDecimal("-99999999999999999999999999999999.999999"),
                Date.valueOf("0001-01-01"), new Timestamp(0), ""));
        rows.add(RowFactory.create(false, (byte) 127, (short) 32767, Integer.MAX_VALUE, Long.MAX_VALUE, 0.0f, 0.0,
                new BigDecimal("0.00"), new BigDecimal("12345678901234567890.123456"), Date.valueOf("9999-12-31"),
                new Timestamp(-1000), "日本語 emoji 😀"));
        rows.add(RowFactory.create(null, null, null, null, null, Float.NaN, Double.NaN, null,
                new BigDecimal("-0.000001"), null, null, null));
        rows.add(RowFactory.create(null, null, null, null, null, Float.intBitsToFloat(0x7fc00001),
                Double.longBitsToDouble(0x7ff8000000000001L), null, null, null, null, "x"));
    }

    @Test
    void eachKeyTypeMatchesSparksHash() {
        for (StructField field : SCHEMA.fields()) {
            assertSameIds(List.of(field.name()), 7);
        }
    }

    @Test
    void severalKeysAndPartitionCountsMatchSparksHash() {
        List<String> all = new ArrayList<>();
        for (StructField field : SCHEMA.fields()) {
            all.add(field.name());
        }
        for (int partitions : new int[] {1, 2, 16, 200, 1009}) {
            assertSameIds(all, partitions);
        }
        assertSameIds(List.of("s", "i32", "wide"), 5);
        assertSameIds(List.of("f64", "day", "b"), 3);
    }

    @Test
    void splitPutsEveryRowInItsPartitionInOrder() {
        Device device = new HostDevice();
        try (BufferAllocator allocator = new RootAllocator()) {
            List<FieldVector> columns = vectors(List.of("i32", "s"), collect(List.of("i32", "s"), 1), allocator);
            try (IntVector ids = device.hashPartition(columns, rows.size(), 4, 1234, allocator)) {
                List<List<FieldVector>> parts = device.splitByPartition(columns, ids, 4, allocator);
                try {
                    int total = 0;
                    for (int p = 0; p < 4; p++) {
                        List<FieldVector> part = parts.get(p);
                        int count = part.get(0).getValueCount();
                        int row = 0;
                        for (int i = 0; i < count; i++) {
                            while (ids.get(row) != p) {
                                row++;
                            }
                            assertEquals(String.valueOf(columns.get(0).getObject(row)),
                                    String.valueOf(part.get(0).getObject(i)), "partition " + p + " position " + i);
                            assertEquals(String.valueOf(columns.get(1).getObject(row)),
                                    String.valueOf(part.get(1).getObject(i)), "partition " + p + " position " + i);
                            row++;
                        }
                        total += count;
                    }
                    assertEquals(rows.size(), total);
                } finally {
                    parts.forEach(part -> part.forEach(FieldVector::close));
                }
            } finally {
                columns.forEach(FieldVector::close);
            }
        }
    }

    @Test
    void rejectsABadPartitionCount() {
        try (BufferAllocator allocator = new RootAllocator()) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> new HostDevice().hashPartition(List.of(), 0, 0, allocator));
            assertTrue(error.getMessage().contains("partitionCount"), error.getMessage());
        }
    }

    private static void assertSameIds(List<String> keys, int partitions) {
        List<InternalRow> collected = collect(keys, partitions);
        try (BufferAllocator allocator = new RootAllocator()) {
            List<FieldVector> columns = vectors(keys, collected, allocator);
            try (IntVector ids = new HostDevice().hashPartition(columns, collected.size(), partitions, allocator)) {
                assertEquals(collected.size(), ids.getValueCount());
                int expectedColumn = keys.size();
                for (int row = 0; row < collected.size(); row++) {
                    int row0 = row;
                    assertEquals(collected.get(row).getInt(expectedColumn), ids.get(row),
                            () -> "keys " + keys + " into " + partitions + " partitions, row " + row0 + ": "
                                    + collected.get(row0));
                }
            } finally {
                columns.forEach(FieldVector::close);
            }
        }
    }

    /** Spark's answer: the key columns and {@code pmod(hash(keys), n)}, as internal rows. */
    private static List<InternalRow> collect(List<String> keys, int partitions) {
        SparkSession session = SharedSpark.session();
        String keyList = String.join(", ", keys);
        List<InternalRow> result = new ArrayList<>();
        session.createDataFrame(rows, SCHEMA).createOrReplaceTempView("hash_rows");
        // Spark alone computes the expected ids
        return SharedSpark.withConf(java.util.Map.of("spark.ember.enabled", "false"), () -> {
            var dataset = session.sql("SELECT " + keyList + ", pmod(hash(" + keyList + "), " + partitions
                    + ") AS expected FROM hash_rows");
            result.addAll(dataset.queryExecution().toRdd().toJavaRDD().map(InternalRow::copy).collect());
            return result;
        });
    }

    private static List<FieldVector> vectors(List<String> keys, List<InternalRow> collected,
            BufferAllocator allocator) {
        List<FieldVector> columns = new ArrayList<>();
        try {
            for (int k = 0; k < keys.size(); k++) {
                DataType type = SCHEMA.apply(keys.get(k)).dataType();
                try (ColumnAppender appender = ColumnAppender.create(keys.get(k), type, allocator)) {
                    for (InternalRow row : collected) {
                        appender.append(row, k);
                    }
                    columns.add(appender.finish());
                }
            }
            return columns;
        } catch (RuntimeException e) {
            columns.forEach(FieldVector::close);
            throw e;
        }
    }
}
