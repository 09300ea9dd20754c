package dev.ember.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}), less its {@code chmod} processes: permissions are set through
 * {@code java.nio} instead. Without Hadoop's native library (which Spark does not ship) {@link
 * RawLocalFileSystem#setPermission} starts a {@code chmod} process for every directory and file a write
 * creates. Under qemu-user, which runs the aarch64 JVM of {@code kernels/test-aarch64.sh}, starting a process
 * from a JVM with many threads sometimes never returns (2026-12-06: a Parquet write of
 * {@code TestFilterProjectSql} waited 35 minutes in {@code ProcessImpl.forkAndExec} under Hadoop's
 * {@code FileOutputCommitter.setupJob}). {@link SharedSpark} installs it as {@code spark.hadoop.fs.file.impl}
 * when the system property {@code ember.test.forklessLocalFs} is {@code true}; the sticky bit, which
 * {@code java.nio} cannot set, is left as the file system made it.
 */
public final class ForklessLocalFileSystem extends LocalFileSystem {
    public ForklessLocalFileSystem() {
        super(new NioPermissions());
    }

    /** The raw local file system with {@link #setPermission} through {@code java.nio}. */
    private static final class NioPermissions extends RawLocalFileSystem {
        @Override
        public void setPermission(Path path, FsPermission permission) throws IOException {
            // FsAction's symbols ("rwx", "r-x", ...) are the nine characters PosixFilePermissions reads
            String symbolic = permission.getUserAction().SYMBOL + permission.getGroupAction().SYMBOL
                    + permission.getOtherAction().SYMBOL;
            Files.setPosixFilePermissions(pathToFile(path).toPath(), PosixFilePermissions.fromString(symbolic));
        }
    }
}
