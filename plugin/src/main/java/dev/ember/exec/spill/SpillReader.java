package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.memory.MemoryContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.AbstractIterator;

/**
 * Reads a spill of {@link SpillWriter} back as Ember batches, from disk or from the {@link HostSpillTier}, one record batch at a time, with buffers
 * from the memory context's allocator (so the reader's memory counts against the limit; running out
 * of it raises the context's clear error).
 *
 * <p>Ownership follows Ember's columnar rule: the reader owns each batch it hands out until the next
 * {@code hasNext}/{@code next} call or {@link #close}, which releases it. An empty file reads as no
 * batches. Used by one thread; close is idempotent.
 *
 * <p>Opened on a {@link SpilledPart}, the reader first checks the file against what its writer recorded:
 * the length, the CRC32C of every byte (when recorded) and, at the end, the row count. A file that fails a
 * check, or that Arrow cannot parse, raises {@link CorruptSpillFileException} before any of its rows is
 * handed out (a truncated stream could otherwise read as a shorter, valid one).
 */
public final class SpillReader extends AbstractIterator<ColumnarBatch> implements AutoCloseable {
    private final HostSpillTier.Stored stored;
    private final MemoryContext memory;
    private final ArrowStreamReader reader;
    private final long expectedRows;
    private long rowsRead;
    private ColumnarBatch current;
    private ColumnarBatch pending;
    private boolean done;
    private boolean closed;

    /**
     * A reader of a part, checked against its writer's record (see the class comment). The part stays
     * where it is (host memory or disk) until the reader is closed.
     */
    public SpillReader(SpilledPart part, MemoryContext memory) {
        this.memory = requireNonNull(memory, "memory is null");
        this.expectedRows = part.rowCount();
        this.stored = HostSpillTier.current().open(part.file());
        try {
            verify(stored, part);
            if (stored.length() == 0) {
                this.reader = null;
                this.done = true;
                return;
            }
            this.reader = new ArrowStreamReader(stored.newInputStream(), memory.allocator());
        } catch (IOException e) {
            stored.close();
            throw new UncheckedIOException("Ember could not open " + stored.describe(), e);
        } catch (RuntimeException e) {
            stored.close();
            throw e;
        }
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        releaseCurrent();
        if (done) {
            return false;
        }
        pending = load();
        if (pending == null) {
            close();
            return false;
        }
        return true;
    }

    @Override
    public ColumnarBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more spilled batches in " + stored.describe());
        }
        current = pending;
        pending = null;
        return current;
    }

    /** Checks the spill's length and checksum against the part's record. */
    private static void verify(HostSpillTier.Stored stored, SpilledPart part) throws IOException {
        long length = stored.length();
        if (length != part.bytes()) {
            throw corrupt(stored, "it holds " + length + " bytes where " + part.bytes() + " were written", null);
        }
        if (part.checksum() == SpilledPart.NO_CHECKSUM) {
            return;
        }
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = stored.newInputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                crc.update(buffer, 0, read);
            }
        }
        if (crc.getValue() != part.checksum()) {
            throw corrupt(stored, "its CRC32C is " + Long.toHexString(crc.getValue()) + " where "
                    + Long.toHexString(part.checksum()) + " was written", null);
        }
    }

    private static CorruptSpillFileException corrupt(HostSpillTier.Stored stored, String what, Throwable cause) {
        return new CorruptSpillFileException("Ember's " + stored.describe() + " is damaged: " + what + ". Something"
                + " changed it after Ember wrote it (check the disks of spark.local.dir); Spark retries the task,"
                + " which writes its spill files again.", cause);
    }

    private ColumnarBatch load() {
        try {
            if (!reader.loadNextBatch()) {
                if (expectedRows >= 0 && rowsRead != expectedRows) {
                    throw corrupt(stored, "it holds " + rowsRead + " rows where " + expectedRows + " were written", null);
                }
                return null;
            }
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            rowsRead += root.getRowCount();
            List<FieldVector> out = new ArrayList<>(root.getFieldVectors().size());
            try {
                for (FieldVector vector : root.getFieldVectors()) {
                    TransferPair pair = vector.getTransferPair(memory.allocator());
                    pair.transfer();
                    out.add((FieldVector) pair.getTo());
                }
                return ArrowBatches.toSpark(out, root.getRowCount());
            } catch (RuntimeException e) {
                ArrowBatches.closeAll(out);
                throw e;
            }
        } catch (OutOfMemoryException e) {
            throw memory.limitExceeded(0, e);
        } catch (IOException | IllegalArgumentException | IndexOutOfBoundsException e) {
            // Arrow's reader reports damaged messages with any of these
            throw corrupt(stored, "Arrow cannot read it (" + e + ")", e);
        }
    }

    private void releaseCurrent() {
        if (current != null) {
            ColumnarBatch batch = current;
            current = null;
            batch.close();
        }
    }

    /** Releases the batch handed out last, any loaded one, and the spill (which may then move to disk). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        done = true;
        releaseCurrent();
        if (pending != null) {
            ColumnarBatch batch = pending;
            pending = null;
            batch.close();
        }
        try (HostSpillTier.Stored spill = stored) {
            if (reader != null) {
                reader.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Ember could not close " + stored.describe(), e);
        }
    }
}
