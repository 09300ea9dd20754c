package dev.ember.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test file system sets the permissions Hadoop's own local file system sets, without a process. */
class TestForklessLocalFileSystem {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void permissionsMatchHadoopsLocalFileSystem() throws Exception {
        Configuration conf = new Configuration(false);
        try (FileSystem forkless = new ForklessLocalFileSystem(); FileSystem hadoop = new LocalFileSystem()) {
            forkless.initialize(FileSystem.getDefaultUri(conf), conf);
            hadoop.initialize(FileSystem.getDefaultUri(conf), conf);
            for (short mode : new short[] {0750, 0700, 0644, 0604, 0777, 0000, 0511}) {
                FsPermission permission = new FsPermission(mode);
                Path ours = new Path(dir.toUri().toString(), "ours-" + Integer.toOctalString(mode));
                Path theirs = new Path(dir.toUri().toString(), "theirs-" + Integer.toOctalString(mode));
                forkless.mkdirs(ours);
                hadoop.mkdirs(theirs);
                forkless.setPermission(ours, permission);
                hadoop.setPermission(theirs, permission);
                assertEquals(posix(theirs), posix(ours), permission::toString);
                assertEquals(permission.toString(), posix(ours), "mode " + Integer.toOctalString(mode));
            }
        }
    }

    @Test
    void aDirectoryMadeWithAPermissionHasIt() throws Exception {
        Configuration conf = new Configuration(false);
        try (FileSystem forkless = new ForklessLocalFileSystem()) {
            forkless.initialize(FileSystem.getDefaultUri(conf), conf);
            Path made = new Path(dir.toUri().toString(), "a/b");
            forkless.mkdirs(made, new FsPermission((short) 0751));
            assertEquals("rwxr-x--x", posix(made));
        }
    }

    private static String posix(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(java.nio.file.Path.of(path.toUri())));
    }
}
