package dev.ember.tuner.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns the paths a user names into event log sources: single files, {@code .inprogress} files,
 * rolling {@code eventlog_v2_*} directories, and directories holding many of these (searched
 * {@value #MAX_DEPTH} levels deep). Paths that do not exist or hold no log become {@link InputError}s;
 * the search never throws for a bad input.
 */
public final class EventLogLocator {
  /** How deep a directory of applications is searched. */
  public static final int MAX_DEPTH = 3;

  /** What a search found: the logs to read and the inputs that could not be used. */
  public record Result(List<EventLogSource> sources, List<InputError> errors) {
    public Result {
      sources = List.copyOf(sources);
      errors = List.copyOf(errors);
    }
  }

  /** Finds every application log under the given paths, in path order then name order. */
  public Result locate(List<Path> paths) {
    requireNonNull(paths, "paths is null");
    List<EventLogSource> sources = new ArrayList<>();
    List<InputError> errors = new ArrayList<>();
    for (Path path : paths) {
      if (!Files.exists(path)) {
        errors.add(new InputError(path.toString(), "no such file or directory; check the path"));
        continue;
      }
      if (!Files.isReadable(path)) {
        errors.add(new InputError(path.toString(), "not readable; check its permissions"));
        continue;
      }
      int before = sources.size();
      visit(path, 0, sources, errors);
      if (sources.size() == before && Files.isDirectory(path) && errors.stream().noneMatch(
          error -> error.path().startsWith(path.toString()))) {
        errors.add(new InputError(path.toString(),
            "directory holds no Spark event logs (expected app-* files or eventlog_v2_* directories)"));
      }
    }
    return new Result(sources, errors);
  }

  private void visit(Path path, int depth, List<EventLogSource> sources, List<InputError> errors) {
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    if (Files.isDirectory(path)) {
      if (name.startsWith(EventLogNames.ROLLING_DIRECTORY_PREFIX)) {
        rolling(path, sources, errors);
        return;
      }
      if (depth >= MAX_DEPTH) {
        return;
      }
      for (Path child : list(path, errors)) {
        String childName = child.getFileName().toString();
        if (!EventLogNames.isIgnorable(childName)) {
          visit(child, depth + 1, sources, errors);
        }
      }
      return;
    }
    if (Files.isRegularFile(path)) {
      if (depth > 0 && EventLogNames.isIgnorable(name)) {
        return;
      }
      sources.add(new EventLogSource(path, List.of(path), false, name.endsWith(EventLogNames.IN_PROGRESS)));
    }
  }

  private void rolling(Path directory, List<EventLogSource> sources, List<InputError> errors) {
    List<Path> events = new ArrayList<>();
    boolean inProgress = false;
    boolean sawStatus = false;
    for (Path child : list(directory, errors)) {
      String childName = child.getFileName().toString();
      if (childName.startsWith(EventLogNames.APP_STATUS_PREFIX)) {
        sawStatus = true;
        inProgress |= childName.endsWith(EventLogNames.IN_PROGRESS);
      } else if (EventLogNames.rollingIndex(childName) >= 0 && !childName.endsWith(".crc")) {
        events.add(child);
      }
    }
    if (events.isEmpty()) {
      errors.add(new InputError(directory.toString(), "rolling event log directory holds no events_* files"));
      return;
    }
    events.sort(Comparator.comparingLong(
        (Path file) -> EventLogNames.rollingIndex(file.getFileName().toString())));
    // Spark's compaction folds every file up to index N into events_N_*.compact; read from the last one.
    int start = 0;
    for (int i = 0; i < events.size(); i++) {
      if (EventLogNames.stripInProgress(events.get(i).getFileName().toString()).endsWith(EventLogNames.COMPACT)) {
        start = i;
      }
    }
    // No appstatus file at all means Spark never finished setting the directory up: treat as running.
    sources.add(new EventLogSource(directory, events.subList(start, events.size()), true, inProgress || !sawStatus));
  }

  private static List<Path> list(Path directory, List<InputError> errors) {
    try (Stream<Path> children = Files.list(directory)) {
      return children.sorted().toList();
    } catch (IOException e) {
      errors.add(new InputError(directory.toString(), "cannot list directory: " + e.getMessage()));
      return List.of();
    }
  }
}
