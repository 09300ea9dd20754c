package dev.ember.tuner.io;

import static java.util.Objects.requireNonNull;

/** The file and directory names Spark's event log writers use, in one place. */
public final class EventLogNames {
  /** Suffix of a log that is still being written (or whose application died). */
  public static final String IN_PROGRESS = ".inprogress";
  /** Prefix of a rolling event log directory ({@code eventlog_v2_<appId>[_<attemptId>]}). */
  public static final String ROLLING_DIRECTORY_PREFIX = "eventlog_v2_";
  /** Prefix of each file of a rolling log ({@code events_<index>_<appId>[_<attemptId>][.<codec>]}). */
  public static final String ROLLING_FILE_PREFIX = "events_";
  /** Prefix of the status file of a rolling log; {@code .inprogress} while the app runs. */
  public static final String APP_STATUS_PREFIX = "appstatus_";
  /** Suffix of a file written by Spark's event log compaction. */
  public static final String COMPACT = ".compact";

  private EventLogNames() {}

  /** The name without a trailing {@code .inprogress}. */
  public static String stripInProgress(String name) {
    requireNonNull(name, "name is null");
    return name.endsWith(IN_PROGRESS) ? name.substring(0, name.length() - IN_PROGRESS.length()) : name;
  }

  /**
   * The index of a rolling events file, or -1 when {@code name} is not one. The index is the number
   * after {@code events_}.
   */
  public static long rollingIndex(String name) {
    requireNonNull(name, "name is null");
    if (!name.startsWith(ROLLING_FILE_PREFIX)) {
      return -1;
    }
    int start = ROLLING_FILE_PREFIX.length();
    int end = start;
    while (end < name.length() && Character.isDigit(name.charAt(end))) {
      end++;
    }
    if (end == start || end >= name.length() || name.charAt(end) != '_') {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(start, end));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** True for names that are never event data: checksums, hidden files, status markers. */
  public static boolean isIgnorable(String name) {
    requireNonNull(name, "name is null");
    return name.startsWith(".") || name.endsWith(".crc") || name.startsWith(APP_STATUS_PREFIX)
        || name.startsWith("_");
  }
}
