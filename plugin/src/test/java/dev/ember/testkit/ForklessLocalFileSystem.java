package dev.ember.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
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
            Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
            add(set, permission.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE);
            add(set, permission.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE);
            add(set, permission.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(pathToFile(path).toPath(), set);
        }

        private static void add(Set<PosixFilePermission> set, FsAction action, PosixFilePermission read,
                PosixFilePermission write, PosixFilePermission execute) {
            if (action.implies(FsAction.READ)) {
                set.add(read);
            }
            if (action.implies(FsAction.WRITE)) {
                set.add(write);
            }
            if (action.implies(FsAction.EXECUTE)) {
                set.add(execute);
            }
        }
    }
}
