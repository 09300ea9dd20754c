package dev.ember.exec.exchange;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.ArrowTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataType;

/**
 * The bytes of one shuffled piece of a batch: the rows of one map-side batch that go to one reduce
 * partition. The format is Ember's own, leaner than Arrow IPC because both sides know the schema (the
 * exchange's output): no schema or flatbuffer metadata per piece, and validity left out for columns
 * without nulls.
 *
 * <pre>
 * int magic 'EMB1' | int payload length | int CRC32C of the payload          (big-endian header)
 * payload, little-endian:
 *   int rows | int columns
 *   per column: int nullCount | validity ((rows + 7) / 8 bytes, only when nullCount > 0)
 *               fixed width: rows * width bytes | booleans: (rows + 7) / 8 bytes
 *               strings: (rows + 1) int offsets from 0 | the value bytes (as many as the last offset)
 * </pre>
 *
 * <p>Spark's shuffle compresses the stream these bytes go to with {@code spark.io.compression.codec};
 * the checksum makes a damaged piece fail its task with a clear error instead of giving a wrong answer
 * or reading out of bounds (string offsets are checked too).
 */
public final class BatchBlobs {
    /** "EMB1". */
    static final int MAGIC = 0x454d4231;
    static final int HEADER_BYTES = 12;
    /**
     * The magic of the end marker, a header with no payload that closes every stream of pieces (one
     * block of one map output): a block that ends without it was cut short.
     */
    static final int END_MAGIC = 0x454d4245;

    /** The end marker's bytes. */
    static byte[] endMarker() {
        return ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN).putInt(END_MAGIC).putInt(0).putInt(0)
                .array();
    }

    /** Whether a header is the end marker (its length and check word zero, as written). */
    static boolean isEndMarker(byte[] header) {
        ByteBuffer in = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
        if (in.getInt() != END_MAGIC) {
            return false;
        }
        if (in.getInt() != 0 || in.getInt() != 0) {
            throw corrupt("its end marker is damaged");
        }
        return true;
    }

    private BatchBlobs() {}

    /** The piece holding all {@code rows} rows of {@code columns}; the columns are borrowed. */
    public static byte[] write(List<FieldVector> columns, int rows) {
        requireNonNull(columns, "columns is null");
        long size = HEADER_BYTES + 8L;
        for (FieldVector column : columns) {
            size += columnBytes(column, rows);
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a shuffled piece of " + rows + " rows needs " + size
                    + " bytes, more than one Java array holds; lower spark.ember.batchSizeBytes");
        }
        byte[] blob = new byte[(int) size];
        ByteBuffer out = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        out.position(HEADER_BYTES);
        out.putInt(rows).putInt(columns.size());
        for (FieldVector column : columns) {
            writeColumn(column, rows, blob, out);
        }
        if (out.position() != blob.length) {
            throw new IllegalStateException("wrote " + out.position() + " bytes of a " + blob.length + "-byte piece");
        }
        CRC32C crc = new CRC32C();
        crc.update(blob, HEADER_BYTES, blob.length - HEADER_BYTES);
        ByteBuffer header = ByteBuffer.wrap(blob).order(ByteOrder.BIG_ENDIAN);
        header.putInt(MAGIC).putInt(blob.length - HEADER_BYTES).putInt((int) crc.getValue());
        return blob;
    }

    /** The payload length a header announces, after checking its magic number. */
    static int payloadLength(byte[] header) {
        ByteBuffer in = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
        int magic = in.getInt();
        if (magic != MAGIC) {
            throw corrupt(String.format("it starts with 0x%08x where an Ember piece starts with 0x%08x", magic, MAGIC));
        }
        int length = in.getInt();
        if (length < 8) {
            throw corrupt("it announces " + length + " bytes");
        }
        return length;
    }

    /** The row count of a whole piece (header included), without decoding it. */
    public static int rowCount(byte[] blob) {
        return ByteBuffer.wrap(blob, HEADER_BYTES, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /**
     * Decodes a whole piece (header included) into new vectors of {@code allocator}, which the caller
     * owns.
     *
     * @throws CorruptShuffleBlockException when the piece is damaged: wrong magic number, checksum,
     *     lengths or offsets, or a column count that differs from {@code types}
     */
    public static List<FieldVector> read(byte[] blob, List<DataType> types, BufferAllocator allocator) {
        requireNonNull(blob, "blob is null");
        if (blob.length < HEADER_BYTES + 8) {
            throw corrupt("it holds only " + blob.length + " bytes");
        }
        int length = payloadLength(blob);
        if (length != blob.length - HEADER_BYTES) {
            throw corrupt("it announces " + length + " bytes but holds " + (blob.length - HEADER_BYTES));
        }
        int expectedCrc = ByteBuffer.wrap(blob, 8, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        CRC32C crc = new CRC32C();
        crc.update(blob, HEADER_BYTES, length);
        if ((int) crc.getValue() != expectedCrc) {
            throw corrupt("its checksum does not match its bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        in.position(HEADER_BYTES);
        int rows = in.getInt();
        int columnCount = in.getInt();
        if (rows < 0 || columnCount != types.size()) {
            throw corrupt("it holds " + rows + " rows of " + columnCount + " columns where the exchange carries "
                    + types.size() + " columns");
        }
        List<FieldVector> columns = new ArrayList<>(types.size());
        try {
            for (int i = 0; i < types.size(); i++) {
                FieldVector column = ArrowTypes.newVector("c" + i, types.get(i), allocator);
                columns.add(column);
                readColumn(column, rows, blob, in);
            }
            if (in.hasRemaining()) {
                throw corrupt(in.remaining() + " bytes follow its last column");
            }
            return columns;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(columns);
            throw e;
        }
    }

    private static long columnBytes(FieldVector column, int rows) {
        long bytes = 4;
        if (column.getNullCount() > 0) {
            bytes += bitBytes(rows);
        }
        if (column instanceof BitVector) {
            return bytes + bitBytes(rows);
        }
        if (column instanceof BaseFixedWidthVector fixed) {
            return bytes + (long) rows * fixed.getTypeWidth();
        }
        if (column instanceof BaseVariableWidthVector variable) {
            ArrowBuf offsets = variable.getOffsetBuffer();
            long values = rows == 0 ? 0 : offsets.getInt((long) rows * 4) - offsets.getInt(0);
            return bytes + (rows + 1L) * 4 + values;
        }
        throw unsupported(column);
    }

    private static void writeColumn(FieldVector column, int rows, byte[] blob, ByteBuffer out) {
        int nullCount = column.getNullCount();
        out.putInt(nullCount);
        if (nullCount > 0) {
            copyOut(column.getValidityBuffer(), 0, bitBytes(rows), blob, out);
        }
        if (column instanceof BitVector) {
            copyOut(column.getDataBuffer(), 0, bitBytes(rows), blob, out);
        } else if (column instanceof BaseFixedWidthVector fixed) {
            copyOut(column.getDataBuffer(), 0, (long) rows * fixed.getTypeWidth(), blob, out);
        } else if (column instanceof BaseVariableWidthVector) {
            ArrowBuf offsets = column.getOffsetBuffer();
            int first = rows == 0 ? 0 : offsets.getInt(0);
            for (int row = 0; row <= rows; row++) {
                out.putInt(rows == 0 ? 0 : offsets.getInt((long) row * 4) - first);
            }
            long values = rows == 0 ? 0 : offsets.getInt((long) rows * 4) - first;
            copyOut(column.getDataBuffer(), first, values, blob, out);
        } else {
            throw unsupported(column);
        }
    }

    private static void readColumn(FieldVector column, int rows, byte[] blob, ByteBuffer in) {
        int nullCount = need(in, 4).getInt();
        if (nullCount < 0 || nullCount > rows) {
            throw corrupt("a column announces " + nullCount + " nulls in " + rows + " rows");
        }
        int validityAt = -1;
        if (nullCount > 0) {
            validityAt = in.position();
            need(in, bitBytes(rows));
            in.position(in.position() + bitBytes(rows));
        }
        if (column instanceof BitVector bits) {
            bits.allocateNew(Math.max(rows, 1));
            copyIn(blob, in, bitBytes(rows), bits.getDataBuffer());
        } else if (column instanceof BaseFixedWidthVector fixed) {
            fixed.allocateNew(Math.max(rows, 1));
            copyIn(blob, in, (long) rows * fixed.getTypeWidth(), fixed.getDataBuffer());
        } else if (column instanceof BaseVariableWidthVector variable) {
            int offsetsAt = in.position();
            need(in, (rows + 1L) * 4);
            int previous = 0;
            for (int row = 0; row <= rows; row++) {
                int offset = in.getInt();
                if ((row == 0 && offset != 0) || offset < previous) {
                    throw corrupt("its string offsets are not increasing from 0");
                }
                previous = offset;
            }
            need(in, previous);
            variable.allocateNew(Math.max(previous, 1), Math.max(rows, 1));
            variable.getOffsetBuffer().setBytes(0, blob, offsetsAt, (rows + 1L) * 4);
            copyIn(blob, in, previous, variable.getDataBuffer());
            variable.setLastSet(rows - 1);
        } else {
            throw unsupported(column);
        }
        ArrowBuf validity = column.getValidityBuffer();
        if (validityAt >= 0) {
            validity.setBytes(0, blob, validityAt, bitBytes(rows));
        } else {
            validity.setOne(0, bitBytes(rows));
        }
        column.setValueCount(rows);
    }

    private static void copyOut(ArrowBuf source, long from, long length, byte[] blob, ByteBuffer out) {
        int at = out.position();
        source.getBytes(from, blob, at, (int) length);
        out.position(at + (int) length);
    }

    private static void copyIn(byte[] blob, ByteBuffer in, long length, ArrowBuf target) {
        need(in, length);
        int at = in.position();
        target.setBytes(0, blob, at, length);
        in.position(at + (int) length);
    }

    private static ByteBuffer need(ByteBuffer in, long bytes) {
        if (bytes < 0 || bytes > in.remaining()) {
            throw corrupt("a column needs " + bytes + " more bytes where " + in.remaining() + " remain");
        }
        return in;
    }

    private static int bitBytes(int rows) {
        return (rows + 7) >>> 3;
    }

    private static IllegalArgumentException unsupported(FieldVector column) {
        return new IllegalArgumentException("Ember's shuffle cannot write a " + column.getClass().getSimpleName());
    }

    static CorruptShuffleBlockException corrupt(String why) {
        return new CorruptShuffleBlockException("a shuffle block written by Ember's exchange is damaged (" + why
                + "); Spark retries the task, and the stage that wrote it when the block stays damaged");
    }
}
