package dev.ember.exec.broadcast;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.exec.Rdds;
import dev.ember.exec.exchange.BatchBlobs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.CompressionCodec$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;

/**
 * The executor side of an {@link EmberBroadcastExchangeExec}, one task: each non-empty Ember batch of the
 * build side becomes one piece, its {@link BatchBlobs} bytes (the shuffle exchange's format) compressed
 * with Spark's {@code spark.io.compression.codec}, as Spark compresses the rows its broadcast collects.
 * The batches stay their producer's: each is copied into the piece before the next is read.
 *
 * <p>A piece starts with a small uncompressed prefix, read on the driver without decompressing:
 * <pre>int rows | int uncompressed bytes | byte 1 when a key of a null-aware mode is null (big-endian)</pre>
 */
final class BroadcastPieces implements Rdds.PartitionFunction<ColumnarBatch, byte[]> {
    private static final long serialVersionUID = 1L;
    static final int PREFIX_BYTES = 9;

    private final String codec;
    private final Seq<Expression> nullAwareKeys;

    /**
     * @param codec the short name of the codec that compresses the pieces
     * @param nullAwareKeys the build keys (bound to the batches' columns) of a null-aware mode, whose
     *     null-ness each piece reports; null for any other mode
     */
    BroadcastPieces(String codec, Seq<Expression> nullAwareKeys) {
        this.codec = requireNonNull(codec, "codec is null");
        this.nullAwareKeys = nullAwareKeys;
    }

    /** The short name of the codec Spark is configured with. */
    static String codecName(SparkConf conf) {
        return CompressionCodec$.MODULE$.getShortName(CompressionCodec$.MODULE$.getCodecName(conf));
    }

    @Override
    public scala.collection.Iterator<byte[]> apply(scala.collection.Iterator<ColumnarBatch> batches) {
        CompressionCodec compression = codec(codec);
        UnsafeProjection keys = nullAwareKeys == null ? null : UnsafeProjection.create(nullAwareKeys);
        Iterator<byte[]> pieces = new Iterator<>() {
            private byte[] next;

            @Override
            public boolean hasNext() {
                while (next == null && batches.hasNext()) {
                    ColumnarBatch batch = batches.next();
                    if (batch.numRows() > 0) {
                        next = piece(batch, compression, keys != null && anyNullKey(batch, keys));
                    }
                }
                return next != null;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no more broadcast pieces");
                }
                byte[] piece = next;
                next = null;
                return piece;
            }
        };
        return scala.jdk.javaapi.CollectionConverters.asScala(pieces);
    }

    /** Spark's null-aware anti join needs to know whether any key is null: its key read row by row. */
    private static boolean anyNullKey(ColumnarBatch batch, UnsafeProjection keys) {
        Iterator<InternalRow> rows = batch.rowIterator();
        while (rows.hasNext()) {
            if (keys.apply(rows.next()).anyNull()) {
                return true;
            }
        }
        return false;
    }

    private static byte[] piece(ColumnarBatch batch, CompressionCodec compression, boolean nullKey) {
        byte[] blob = BatchBlobs.write(ArrowBatches.vectors(batch), batch.numRows());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(PREFIX_BYTES + blob.length / 2);
        bytes.writeBytes(ByteBuffer.allocate(PREFIX_BYTES).putInt(batch.numRows()).putInt(blob.length)
                .put((byte) (nullKey ? 1 : 0)).array());
        try (OutputStream out = compression.compressedOutputStream(bytes)) {
            out.write(blob);
        } catch (IOException e) {
            throw new UncheckedIOException("could not compress a broadcast piece", e);
        }
        return bytes.toByteArray();
    }

    static int rows(byte[] piece) {
        return ByteBuffer.wrap(piece).getInt(0);
    }

    static int uncompressedBytes(byte[] piece) {
        return ByteBuffer.wrap(piece).getInt(4);
    }

    static boolean nullKey(byte[] piece) {
        return piece[8] != 0;
    }

    /** The {@link BatchBlobs} bytes of a piece. */
    static byte[] decompress(byte[] piece, String codec) {
        int length = uncompressedBytes(piece);
        try (InputStream in = codec(codec).compressedInputStream(
                new ByteArrayInputStream(piece, PREFIX_BYTES, piece.length - PREFIX_BYTES))) {
            byte[] blob = in.readNBytes(length);
            if (blob.length != length || in.read() >= 0) {
                throw new IllegalStateException("a broadcast piece announces " + length
                        + " bytes but does not decompress to that many");
            }
            return blob;
        } catch (IOException e) {
            throw new UncheckedIOException("could not decompress a broadcast piece", e);
        }
    }

    private static CompressionCodec codec(String name) {
        SparkEnv env = SparkEnv.get();
        // a codec's settings only shape what it writes; reading needs just its name
        SparkConf conf = env != null ? env.conf() : new SparkConf(false);
        return CompressionCodec$.MODULE$.createCodec(conf, name);
    }
}
