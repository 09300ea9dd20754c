package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes batches of columns to one spill file (on disk, or in host memory: {@link HostSpillTier}) in Arrow's
 * IPC stream format: a schema message (from the
 * first batch's fields), one record batch message per {@link #write}, and the end-of-stream marker on
 * {@link #finish}. Every batch must have the same column types as the first.
 *
 * <p>The writer keeps a CRC32C of every byte it writes: {@link #part()} records it with the file's length,
 * and a {@link SpillReader} opened on that part checks both before it reads a row, so a damaged or
 * truncated file fails with {@link CorruptSpillFileException} instead of giving wrong rows.
 *
 * <p>Columns are borrowed: their buffers are written as they are, without a copy. The writer holds a
 * heap buffer of {@link #BUFFER_BYTES} bytes, which its owner counts in its memory context. Used by one
 * thread.
 */
public final class SpillWriter implements AutoCloseable {
    /** The heap buffer of one open writer. */
    public static final int BUFFER_BYTES = 8 << 10;

    private final File file;
    private final OutputStream out;
    private final CRC32C checksum = new CRC32C();
    private final WriteChannel channel;
    private boolean started;
    private boolean finished;
    private long rowCount;

    /**
     * Opens the spill named {@code file} for writing: in the executor's {@link HostSpillTier} while it has
     * room, else in the file (created or truncated).
     */
    public SpillWriter(File file) {
        this.file = requireNonNull(file, "file is null");
        this.out = new BufferedOutputStream(new CheckedOutputStream(HostSpillTier.current().create(file), checksum),
                BUFFER_BYTES);
        this.channel = new WriteChannel(Channels.newChannel(out));
    }

    /** Appends {@code rows} rows of {@code columns} (each holding at least that many values). */
    public void write(List<FieldVector> columns, int rows) {
        requireNonNull(columns, "columns is null");
        if (finished) {
            throw new IllegalStateException("spill file " + file + " is already finished");
        }
        if (rows == 0) {
            return;
        }
        List<Field> fields = new ArrayList<>(columns.size());
        for (FieldVector column : columns) {
            fields.add(column.getField());
        }
        try {
            if (!started) {
                MessageSerializer.serialize(channel, new Schema(fields));
                started = true;
            }
            // a root over borrowed vectors: never closed, so the vectors stay with their owner
            VectorSchemaRoot root = new VectorSchemaRoot(fields, columns, rows);
            try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
                MessageSerializer.serialize(channel, batch);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Ember could not write spill file " + file
                    + "; check that spark.local.dir has space", e);
        }
        rowCount += rows;
    }

    /** Rows written so far. */
    public long rowCount() {
        return rowCount;
    }

    /** Bytes written so far (buffered bytes included). */
    public long bytes() {
        return channel.getCurrentPosition();
    }

    /**
     * The finished file as a part: its rows, length and checksum.
     *
     * @throws IllegalStateException before {@link #finish}
     */
    public SpilledPart part() {
        if (!finished) {
            throw new IllegalStateException("spill file " + file + " is not finished");
        }
        return new SpilledPart(file, rowCount, bytes(), checksum.getValue());
    }

    public File file() {
        return file;
    }

    /** Ends the stream and closes the file; a writer that wrote nothing leaves an empty file. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        try (OutputStream stream = out) {
            if (started) {
                ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Ember could not finish spill file " + file
                    + "; check that spark.local.dir has space", e);
        }
    }

    /** Closes the file without finishing it, when the spill is abandoned. */
    @Override
    public void close() {
        if (!finished) {
            finished = true;
            try {
                out.close();
            } catch (IOException e) {
                // the file is abandoned and deleted by its registry
            }
        }
    }
}
