package dev.ember.exec.spill;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spill files of one operator in one task, in Spark's local directories.
 *
 * <p>Files are named by Spark's {@code DiskBlockManager} as temporary local blocks, so they live where
 * Spark's own spills live ({@code spark.local.dir}); on a discrete GPU a file's bytes may stay in host memory
 * under its name instead ({@link HostSpillTier}). Each file is deleted when its owner is done with it
 * ({@link #delete}) and, at the latest, when the task completes, successfully or not: {@link #forTask}
 * registers a task completion listener that closes this registry. Outside a Spark task (unit tests) the
 * files go to the JVM's temporary directory.
 *
 * <p>Thread-safe: besides the task's thread, another task's thread may add a file while it asks one of
 * this task's consumers to spill ({@link dev.ember.memory.Spillable}); {@link #forTask} must be called in
 * the owning task's thread.
 */
public final class SpillFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpillFiles.class);

    private final Set<File> live = new LinkedHashSet<>();
    private long bytesWritten;
    private boolean closed;

    private SpillFiles() {}

    /** A registry whose files are deleted when the running task completes (or on {@link #close}). */
    public static SpillFiles forTask() {
        SpillFiles files = new SpillFiles();
        TaskContext context = TaskContext.get();
        if (context != null) {
            context.addTaskCompletionListener((TaskCompletionListener) completed -> files.close());
        }
        return files;
    }

    /** A new, not yet existing file path for a spill; deleted with this registry. */
    public synchronized File newFile() {
        if (closed) {
            throw new IllegalStateException("spill files were already released");
        }
        File file;
        SparkEnv env = SparkEnv.get();
        if (env != null && env.blockManager() != null) {
            file = env.blockManager().diskBlockManager().createTempLocalBlock()._2();
        } else {
            try {
                file = File.createTempFile("ember-spill-", ".arrows");
            } catch (IOException e) {
                throw new UncheckedIOException("Ember could not create a spill file in java.io.tmpdir", e);
            }
        }
        live.add(file);
        return file;
    }

    /** Counts bytes written to this registry's files, for metrics. */
    synchronized void addBytesWritten(long bytes) {
        bytesWritten += bytes;
    }

    /** Bytes written to all files of this registry so far. */
    public synchronized long bytesWritten() {
        return bytesWritten;
    }

    /** How many files exist now. */
    public synchronized int liveFileCount() {
        return live.size();
    }

    /** Deletes one file of this registry now, from disk or from the host spill tier. */
    public synchronized void delete(File file) {
        if (live.remove(file)) {
            deleteQuietly(file);
        }
    }

    /** Deletes every remaining file; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (File file : live) {
            deleteQuietly(file);
        }
        live.clear();
    }

    private static void deleteQuietly(File file) {
        HostSpillTier.current().remove(file);
        if (file.exists() && !file.delete()) {
            LOG.warn("Ember could not delete spill file {}; delete it by hand", file);
        }
    }
}
