package dev.ember.tuner.io;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.ApplicationModelBuilder;
import dev.ember.tuner.model.ReadStatistics;
import dev.ember.tuner.model.TaskRecord;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads one application's event log in a single streaming pass into an {@link ApplicationModel}.
 *
 * <p>Memory stays bounded: lines are parsed one at a time from a reused buffer, task ends go
 * straight into per-stage aggregates, and lines over {@value #MAX_LINE_BYTES} bytes are skipped.
 * Tolerated, with a warning in the model's {@link ReadStatistics}: a truncated last line, a stream
 * that ends inside a compressed block (in-progress logs), lines that are not JSON, unknown event
 * types. A log from which no event at all can be read is a {@link EventLogException} with a one-line
 * message. Not thread safe; use one reader per thread.
 */
public final class EventLogReader {
  /** Longest line parsed; SQL plans of very wide queries reach a few MB. */
  public static final int MAX_LINE_BYTES = 64 << 20;

  private static final String TASK_END = "SparkListenerTaskEnd";
  /** Frequent events the model never uses: skipped without building a tree. */
  private static final Set<String> SKIPPED = Set.of(
      "SparkListenerTaskStart", "SparkListenerTaskGettingResult", "SparkListenerBlockUpdated",
      "SparkListenerSpeculativeTaskSubmitted");

  private final JsonFactory factory;
  private final ObjectMapper mapper;
  private final TaskRecord task = new TaskRecord();

  public EventLogReader() {
    this.factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxStringLength(MAX_LINE_BYTES).maxNestingDepth(10_000).build())
        .build();
    this.mapper = new ObjectMapper(factory);
  }

  /**
   * Reads every file of a source, in order.
   *
   * @throws EventLogException when nothing in the source is a readable event
   */
  public ApplicationModel read(EventLogSource source) throws EventLogException {
    requireNonNull(source, "source is null");
    ApplicationModelBuilder builder = new ApplicationModelBuilder(source.location().toString());
    ReadStatistics statistics = builder.statistics();
    String firstFailure = null;
    for (int i = 0; i < source.files().size(); i++) {
      Path file = source.files().get(i);
      boolean last = i == source.files().size() - 1;
      String failure = readFile(file, last, builder);
      if (failure != null && firstFailure == null) {
        firstFailure = failure;
      }
    }
    if (statistics.events() == 0) {
      if (firstFailure != null) {
        throw new EventLogException(firstFailure);
      }
      if (statistics.lines() == 0 && statistics.compressedBytes() > 0) {
        EventLogCodec codec = EventLogCodec.fromFileName(source.files().get(0).getFileName().toString());
        throw new EventLogException("cannot decompress " + source.files().get(0).getFileName() + " as " + codec.extension()
            + ": " + statistics.compressedBytes() + " bytes gave no data; the file is damaged or not " + codec.extension());
      }
      throw new EventLogException(statistics.lines() == 0 ? "empty file; no events to read"
          : "not a Spark event log: no line is a JSON event with an \"Event\" field");
    }
    if (source.inProgress()) {
      statistics.warn("log is marked in progress: the application was running or died; totals cover what was logged");
    }
    return builder.model();
  }

  /** Reads one file; returns a one-line reason when the file could not be decompressed at all. */
  private String readFile(Path file, boolean last, ApplicationModelBuilder builder) {
    ReadStatistics statistics = builder.statistics();
    EventLogCodec codec = EventLogCodec.fromFileName(file.getFileName().toString());
    long eventsBefore = statistics.events();
    long lineNumber = 0;
    CountingInputStream counting = null;
    try (InputStream raw = Files.newInputStream(file)) {
      counting = new CountingInputStream(raw);
      try (InputStream in = codec.open(counting)) {
        LineReader lines = new LineReader(in, MAX_LINE_BYTES);
        while (lines.next()) {
          lineNumber++;
          statistics.addLine(lines.length());
          if (lines.overLong()) {
            statistics.warn("line " + lineNumber + " of " + file.getFileName() + " is longer than "
                + (MAX_LINE_BYTES >> 20) + " MiB; skipped");
            continue;
          }
          if (lines.length() == 0) {
            continue;
          }
          parseLine(lines.buffer(), lines.length(), lineNumber, !lines.terminated(), builder);
        }
      }
    } catch (IOException | RuntimeException e) {
      String what = describe(e);
      if (statistics.events() == eventsBefore) {
        return codec == EventLogCodec.NONE ? "cannot read " + file.getFileName() + ": " + what
            : "cannot decompress " + file.getFileName() + " as " + codec.extension() + ": " + what;
      }
      statistics.markTruncated(file.getFileName() + " ends early after line " + lineNumber + " (" + what + ")"
          + (last ? "; events up to there are used" : "; continuing with the next file"));
    } finally {
      if (counting != null) {
        statistics.addCompressedBytes(counting.count());
      }
    }
    return null;
  }

  private void parseLine(byte[] buffer, int length, long lineNumber, boolean lastUnterminated,
      ApplicationModelBuilder builder) {
    try (JsonParser parser = factory.createParser(buffer, 0, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        builder.statistics().addBadLine(lineNumber, "does not start with '{'");
        return;
      }
      if (parser.nextToken() == JsonToken.FIELD_NAME && "Event".equals(parser.currentName())
          && parser.nextToken() == JsonToken.VALUE_STRING) {
        String type = parser.getText();
        if (TASK_END.equals(type)) {
          task.clear();
          TaskEndParser.parseRemaining(parser, task);
          builder.onTaskEnd(task);
          return;
        }
        if (SKIPPED.contains(type)) {
          builder.statistics().addEvent();
          builder.statistics().addIgnored(type);
          return;
        }
      }
      // Event is not the first field (other writers) or the event needs a tree: parse it whole.
      JsonNode tree = mapper.readTree(buffer, 0, length);
      JsonNode type = tree == null ? null : tree.get("Event");
      if (type == null || !type.isTextual()) {
        builder.statistics().addBadLine(lineNumber, "no \"Event\" field");
        return;
      }
      if (TASK_END.equals(type.textValue())) {
        task.clear();
        try (JsonParser treeParser = tree.traverse()) {
          treeParser.nextToken();
          TaskEndParser.parseRemaining(treeParser, task);
        }
        builder.onTaskEnd(task);
      } else {
        builder.onEvent(type.textValue(), tree);
      }
    } catch (IOException | RuntimeException e) {
      if (lastUnterminated) {
        builder.statistics().markTruncated("last line " + lineNumber + " is cut off (no newline, incomplete JSON); ignored");
      } else {
        builder.statistics().addBadLine(lineNumber, firstLine(e.getMessage()));
      }
    }
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** Counts compressed bytes for throughput reports. */
  private static final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int value = super.read();
      if (value >= 0) {
        count++;
      }
      return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read = super.read(buffer, offset, length);
      if (read > 0) {
        count += read;
      }
      return read;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }

    long count() {
      return count;
    }
  }
}
