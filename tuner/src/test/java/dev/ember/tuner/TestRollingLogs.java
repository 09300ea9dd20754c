package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.io.EventLogCodec;
import dev.ember.tuner.io.EventLogLocator;
import dev.ember.tuner.io.EventLogReader;
import dev.ember.tuner.io.EventLogSource;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.StageModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rolling logs split over several files. Spark rolls only past 10 MiB, more than a test run writes,
 * so the real single-file rolling logs are re-split here at a line boundary, each part compressed
 * with the same codec, next to the original's appstatus file.
 */
class TestRollingLogs {
  @ParameterizedTest
  @EnumSource(value = SparkEventLogs.Log.class, names = {"ROLLING_LZ4", "ROLLING_ZSTD"})
  void readsARollingLogSplitOverFiles(SparkEventLogs.Log log) throws Exception {
    Path original = SparkEventLogs.get(log);
    Path events;
    try (Stream<Path> files = Files.list(original)) {
      events = files.filter(file -> file.getFileName().toString().startsWith("events_1_")).findFirst().orElseThrow();
    }
    String appId = original.getFileName().toString().substring("eventlog_v2_".length());
    EventLogCodec codec = EventLogCodec.fromFileName(events.getFileName().toString());
    String[] lines = new String(TestFiles.decompress(events), StandardCharsets.UTF_8).split("\n");
    int half = lines.length / 2;

    Path split = Files.createDirectories(original.getParent().resolveSibling("split-" + log.name().toLowerCase())
        .resolve("eventlog_v2_" + appId));
    TestFiles.write(split.resolve("events_1_" + appId + "." + codec.extension()), codec, join(lines, 0, half));
    TestFiles.write(split.resolve("events_2_" + appId + "." + codec.extension()), codec, join(lines, half, lines.length));
    Files.writeString(split.resolve("appstatus_" + appId), "");

    EventLogReader reader = new EventLogReader();
    ApplicationModel whole = reader.read(new EventLogLocator().locate(List.of(original)).sources().get(0));
    EventLogSource source = new EventLogLocator().locate(List.of(split.getParent())).sources().get(0);
    assertEquals(2, source.files().size());
    ApplicationModel parts = reader.read(source);

    assertEquals(whole.appId(), parts.appId());
    assertTrue(parts.completed());
    assertFalse(parts.readStatistics().truncated());
    assertEquals(whole.stages().size(), parts.stages().size());
    assertEquals(tasks(whole), tasks(parts));
    assertEquals(whole.sqlExecutions().size(), parts.sqlExecutions().size());
    assertEquals(whole.readStatistics().lines(), parts.readStatistics().lines());

    // While Spark writes, the status file carries .inprogress: the log is read and flagged.
    Files.move(split.resolve("appstatus_" + appId), split.resolve("appstatus_" + appId + ".inprogress"));
    EventLogSource running = new EventLogLocator().locate(List.of(split)).sources().get(0);
    assertTrue(running.inProgress());
    assertTrue(reader.read(running).readStatistics().warnings().stream().anyMatch(w -> w.contains("in progress")));
  }

  private static long tasks(ApplicationModel app) {
    return app.stages().stream().mapToLong(StageModel::taskCount).sum();
  }

  private static byte[] join(String[] lines, int from, int to) throws IOException {
    return (String.join("\n", Arrays.asList(lines).subList(from, to)) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
