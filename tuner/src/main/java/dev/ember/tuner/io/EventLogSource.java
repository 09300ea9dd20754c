package dev.ember.tuner.io;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * One application attempt's event log as found on disk: a single file, or the ordered files of a
 * rolling {@code eventlog_v2_*} directory.
 *
 * @param location the file or rolling directory the user's path resolved to; used in messages
 * @param files the files to read, in order (for rolling logs: from the last compacted file on)
 * @param rolling whether the log came from a rolling directory
 * @param inProgress whether Spark marked the log as still being written ({@code .inprogress} name or
 *     an {@code appstatus_*.inprogress} file); such logs usually end with a partial line
 */
public record EventLogSource(Path location, List<Path> files, boolean rolling, boolean inProgress) {
  public EventLogSource {
    requireNonNull(location, "location is null");
    files = List.copyOf(requireNonNull(files, "files is null"));
    if (files.isEmpty()) {
      throw new IllegalArgumentException("an event log source needs at least one file: " + location);
    }
  }

  /** Total bytes on disk of all files (compressed size). */
  public long sizeOnDisk() {
    long total = 0;
    for (Path file : files) {
      total += file.toFile().length();
    }
    return total;
  }
}
