package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.memory.MemoryContext;
import java.io.BufferedInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.AbstractIterator;

/**
 * Reads a file of {@link SpillWriter} back as Ember batches, one record batch at a time, with buffers
 * from the memory context's allocator (so the reader's memory counts against the limit; running out
 * of it raises the context's clear error).
 *
 * <p>Ownership follows Ember's columnar rule: the reader owns each batch it hands out until the next
 * {@code hasNext}/{@code next} call or {@link #close}, which releases it. An empty file reads as no
 * batches. Used by one thread; close is idempotent.
 */
public final class SpillReader extends AbstractIterator<ColumnarBatch> implements AutoCloseable {
    private final File file;
    private final MemoryContext memory;
    private final ArrowStreamReader reader;
    private ColumnarBatch current;
    private ColumnarBatch pending;
    private boolean done;
    private boolean closed;

    public SpillReader(File file, MemoryContext memory) {
        this.file = requireNonNull(file, "file is null");
        this.memory = requireNonNull(memory, "memory is null");
        if (file.length() == 0) {
            this.reader = null;
            this.done = true;
            return;
        }
        try {
            this.reader = new ArrowStreamReader(new BufferedInputStream(new FileInputStream(file), 64 << 10),
                    memory.allocator());
        } catch (IOException e) {
            throw new UncheckedIOException("Ember could not open spill file " + file, e);
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
            throw new NoSuchElementException("no more spilled batches in " + file);
        }
        current = pending;
        pending = null;
        return current;
    }

    private ColumnarBatch load() {
        try {
            if (!reader.loadNextBatch()) {
                return null;
            }
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
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
        } catch (IOException e) {
            throw new UncheckedIOException("Ember could not read spill file " + file, e);
        }
    }

    private void releaseCurrent() {
        if (current != null) {
            ColumnarBatch batch = current;
            current = null;
            batch.close();
        }
    }

    /** Releases the batch handed out last, any loaded one, and the file. */
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
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Ember could not close spill file " + file, e);
            }
        }
    }
}
