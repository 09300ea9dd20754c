package dev.ember.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.BatchBuilder;
import dev.ember.exec.exchange.BatchBlobSerializer;
import dev.ember.exec.exchange.BatchBlobs;
import dev.ember.exec.exchange.CorruptShuffleBlockException;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.Schemas;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * The bytes of Ember's exchange: random batches of every carried type round-trip exactly (seeded, the
 * seed printed), through the serializer's streams too; damaged and truncated pieces fail with
 * {@link CorruptShuffleBlockException}, never with a wrong batch or a read out of bounds.
 */
class TestBatchBlobs {
    private static final StructType SCHEMA = Schemas.everyCarriedType();

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
    void randomBatchesRoundTrip() {
        RandomData random = RandomData.create("TestBatchBlobs");
        for (int rows : new int[] {0, 1, 7, 8, 9, 1000}) {
            for (int nullEvery : new int[] {2, 5, Integer.MAX_VALUE}) {
                List<Row> data = random.rows(SCHEMA, rows, nullEvery);
                try (ColumnarBatch batch = batchOf(data)) {
                    byte[] piece = BatchBlobs.write(ArrowBatches.vectors(batch), rows);
                    assertEquals(rows, BatchBlobs.rowCount(piece));
                    List<FieldVector> read = BatchBlobs.read(piece, types(), allocator);
                    try (ColumnarBatch back = ArrowBatches.toSpark(read, rows)) {
                        assertEquals(rowsOf(batch), rowsOf(back), "rows " + rows + ", a null in " + nullEvery);
                    }
                }
            }
        }
    }

    @Test
    void piecesTravelThroughTheSerializerStreams() {
        RandomData random = RandomData.create("TestBatchBlobs streams");
        List<byte[]> pieces = new ArrayList<>();
        List<List<Object>> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (ColumnarBatch batch = batchOf(random.rows(SCHEMA, 20 + i, 4))) {
                pieces.add(BatchBlobs.write(ArrowBatches.vectors(batch), batch.numRows()));
                expected.add(rowsOf(batch));
            }
        }
        byte[] stream = write(pieces);
        List<byte[]> read = read(stream);
        assertEquals(3, read.size());
        for (int i = 0; i < 3; i++) {
            assertTrue(Arrays.equals(pieces.get(i), read.get(i)));
            try (ColumnarBatch back = ArrowBatches.toSpark(BatchBlobs.read(read.get(i), types(), allocator),
                    BatchBlobs.rowCount(read.get(i)))) {
                assertEquals(expected.get(i), rowsOf(back));
            }
        }
    }

    @Test
    void damagedPiecesFailClearly() {
        RandomData random = RandomData.create("TestBatchBlobs damage");
        byte[] piece;
        try (ColumnarBatch batch = batchOf(random.rows(SCHEMA, 50, 4))) {
            piece = BatchBlobs.write(ArrowBatches.vectors(batch), 50);
        }
        for (int at = 0; at < piece.length; at += Math.max(1, piece.length / 97)) {
            byte[] damaged = piece.clone();
            damaged[at] ^= 0x5a;
            CorruptShuffleBlockException e = assertThrows(CorruptShuffleBlockException.class,
                    () -> BatchBlobs.read(damaged, types(), allocator).forEach(FieldVector::close), "byte " + at);
            assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        }
        assertThrows(CorruptShuffleBlockException.class,
                () -> BatchBlobs.read(Arrays.copyOf(piece, piece.length - 3), types(), allocator));
        // a stream that ends inside a piece is damaged, and so is one cut between pieces (a shuffle file
        // truncated on disk) or empty: only a stream that ends with its end marker is complete
        byte[] stream = write(List.of(piece, piece));
        assertEquals(2, read(stream).size());
        assertThrows(CorruptShuffleBlockException.class, () -> read(Arrays.copyOf(stream, stream.length - 10)));
        CorruptShuffleBlockException cut = assertThrows(CorruptShuffleBlockException.class,
                () -> read(Arrays.copyOf(stream, piece.length)));
        assertTrue(cut.getMessage().contains("end marker"), cut.getMessage());
        assertThrows(CorruptShuffleBlockException.class, () -> read(Arrays.copyOf(stream, 2 * piece.length)));
        assertThrows(CorruptShuffleBlockException.class, () -> read(new byte[0]));
        byte[] damagedMarker = stream.clone();
        damagedMarker[damagedMarker.length - 1] ^= 1;
        assertThrows(CorruptShuffleBlockException.class, () -> read(damagedMarker));
        assertEquals(0, allocator.getAllocatedMemory());
    }

    private static byte[] write(List<byte[]> pieces) {
        SerializerInstance serializer = new BatchBlobSerializer().newInstance();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SerializationStream out = serializer.serializeStream(bytes);
        for (int i = 0; i < pieces.size(); i++) {
            out.writeKey(i, ClassTag$.MODULE$.Int());
            out.writeValue(pieces.get(i), ClassTag$.MODULE$.apply(byte[].class));
        }
        out.close();
        return bytes.toByteArray();
    }

    private static List<byte[]> read(byte[] stream) {
        SerializerInstance serializer = new BatchBlobSerializer().newInstance();
        DeserializationStream in = serializer.deserializeStream(new ByteArrayInputStream(stream));
        List<byte[]> pieces = new ArrayList<>();
        scala.collection.Iterator<Tuple2<Object, Object>> records = in.asKeyValueIterator();
        while (records.hasNext()) {
            pieces.add((byte[]) records.next()._2());
        }
        assertFalse(records.hasNext());
        return pieces;
    }

    private ColumnarBatch batchOf(List<Row> rows) {
        try (BatchBuilder builder = new BatchBuilder(types(), allocator, Math.max(rows.size(), 1), Long.MAX_VALUE)) {
            for (Row row : rows) {
                builder.append((InternalRow) CatalystTypeConverters.convertToCatalyst(row));
            }
            return builder.build();
        }
    }

    private static List<DataType> types() {
        List<DataType> types = new ArrayList<>();
        for (StructField field : SCHEMA.fields()) {
            types.add(field.dataType());
        }
        return types;
    }

    private static List<Object> rowsOf(ColumnarBatch batch) {
        List<Object> rows = new ArrayList<>();
        for (int r = 0; r < batch.numRows(); r++) {
            InternalRow row = batch.getRow(r);
            List<Object> values = new ArrayList<>();
            for (int c = 0; c < batch.numCols(); c++) {
                values.add(row.isNullAt(c) ? null : String.valueOf(row.get(c, types().get(c))));
            }
            rows.add(values);
        }
        return rows;
    }
}
