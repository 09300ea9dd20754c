package dev.ember.exec.broadcast;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * One chunk of a broadcast build side as bytes: an Arrow IPC stream holding the schema and exactly one
 * record batch. Chunks are independent, so a build side larger than one Java array travels as several.
 */
public final class ArrowIpcChunks {
    private ArrowIpcChunks() {}

    /** The columns read back from one chunk; the caller owns the vectors. */
    public record Columns(List<FieldVector> vectors, int rowCount) {}

    /**
     * Writes {@code rowCount} rows of {@code vectors} as one chunk. The vectors are borrowed: they stay
     * the caller's and are unchanged.
     */
    static byte[] write(List<FieldVector> vectors, int rowCount) {
        requireNonNull(vectors, "vectors is null");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // the root only lends the vectors to the writer: it must not close them
        VectorSchemaRoot root = new VectorSchemaRoot(List.copyOf(vectors));
        root.setRowCount(rowCount);
        try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
            writer.start();
            writer.writeBatch();
            writer.end();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a broadcast build side as Arrow", e);
        }
        return bytes.toByteArray();
    }

    /** A copy of {@code vector} whose buffers are fresh allocations of {@code allocator}. */
    private static FieldVector alignedCopy(FieldVector vector, int rowCount, BufferAllocator allocator) {
        List<ArrowBuf> copies = new ArrayList<>();
        try {
            for (ArrowBuf buffer : vector.getFieldBuffers()) {
                long size = buffer.capacity();
                ArrowBuf copy = allocator.buffer(size);
                copies.add(copy);
                copy.setBytes(0, buffer, 0, size);
                copy.writerIndex(size);
            }
            FieldVector owned = vector.getField().createVector(allocator);
            try {
                owned.loadFieldBuffers(new ArrowFieldNode(rowCount, vector.getNullCount()), copies);
                owned.setValueCount(rowCount);
            } catch (RuntimeException e) {
                owned.close();
                throw e;
            }
            return owned;
        } finally {
            // the vector holds its own references now
            ArrowBatches.closeAll(copies);
        }
    }

    /**
     * Reads one chunk into vectors of {@code allocator}; the caller owns them. Each buffer is copied into
     * its own allocation: the reader's vectors are slices of one message body, aligned to 8 bytes only,
     * and device kernels load 16-byte values (decimals) that must be 16-byte aligned.
     */
    public static Columns read(byte[] chunk, BufferAllocator allocator) {
        requireNonNull(chunk, "chunk is null");
        requireNonNull(allocator, "allocator is null");
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(chunk), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            if (!reader.loadNextBatch()) {
                throw new IllegalStateException("a broadcast chunk holds no record batch");
            }
            int rowCount = root.getRowCount();
            List<FieldVector> vectors = new ArrayList<>(root.getFieldVectors().size());
            try {
                for (FieldVector vector : root.getFieldVectors()) {
                    vectors.add(alignedCopy(vector, rowCount, allocator));
                }
            } catch (RuntimeException e) {
                ArrowBatches.closeAll(vectors);
                throw e;
            }
            return new Columns(vectors, rowCount);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read a broadcast build side from Arrow", e);
        }
    }
}
