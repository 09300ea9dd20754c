package dev.ember.tuner.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What reading one log met: lines, bytes, lines that were not JSON, event types the model ignores,
 * and warnings (truncated tail, damaged lines), at most {@value #MAX_WARNINGS} kept.
 */
public final class ReadStatistics {
  /** Warnings kept per log; later ones are counted only. */
  public static final int MAX_WARNINGS = 20;

  private long lines;
  private long uncompressedBytes;
  private long compressedBytes;
  private long badLines;
  private long events;
  private final Map<String, Long> ignoredEventTypes = new TreeMap<>();
  private final List<String> warnings = new ArrayList<>();
  private long droppedWarnings;
  private boolean truncated;

  public void addLine(int bytes) {
    lines++;
    uncompressedBytes += bytes + 1;
  }

  public void addEvent() {
    events++;
  }

  public void addBadLine(long lineNumber, String reason) {
    badLines++;
    warn("line " + lineNumber + " is not a JSON event (" + reason + "); skipped");
  }

  public void addIgnored(String eventType) {
    ignoredEventTypes.merge(eventType, 1L, Long::sum);
  }

  public void addCompressedBytes(long bytes) {
    compressedBytes += bytes;
  }

  public void markTruncated(String warning) {
    truncated = true;
    warn(warning);
  }

  public void warn(String warning) {
    if (warnings.size() < MAX_WARNINGS) {
      warnings.add(warning);
    } else {
      droppedWarnings++;
    }
  }

  public long lines() {
    return lines;
  }

  public long uncompressedBytes() {
    return uncompressedBytes;
  }

  public long compressedBytes() {
    return compressedBytes;
  }

  public long badLines() {
    return badLines;
  }

  public long events() {
    return events;
  }

  /** Event types the model does not use, with counts (tolerated, not errors). */
  public Map<String, Long> ignoredEventTypes() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(ignoredEventTypes));
  }

  public List<String> warnings() {
    List<String> all = new ArrayList<>(warnings);
    if (droppedWarnings > 0) {
      all.add(droppedWarnings + " more warnings not shown");
    }
    return all;
  }

  /** True when the log ended inside an event or a compressed block. */
  public boolean truncated() {
    return truncated;
  }
}
