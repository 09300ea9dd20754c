package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.io.EventLogCodec;
import dev.ember.tuner.io.EventLogException;
import dev.ember.tuner.io.EventLogReader;
import dev.ember.tuner.io.EventLogSource;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.StageModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hand-made damaged logs: truncated, corrupt, odd lines, older field shapes. */
class TestDamagedEventLogs {
  private static final int TASKS = 400;

  @TempDir
  Path directory;

  /** A small complete log: one stage of {@value #TASKS} tasks. */
  static byte[] smallLog() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SyntheticEventLog log = new SyntheticEventLog(bytes, 1_000_000)) {
      log.header("app-damaged", "damaged", Map.of("spark.master", "yarn"));
      log.stageSubmitted(0, TASKS, 10);
      for (int i = 0; i < TASKS; i++) {
        log.task(0, i, 20, SyntheticEventLog.Task.simple(100 + i));
      }
      log.stageCompleted(0, TASKS, 10, 5_000).applicationEnd(6_000);
    }
    return bytes.toByteArray();
  }

  private ApplicationModel read(Path file) throws EventLogException {
    return new EventLogReader().read(new EventLogSource(file, List.of(file), false, false));
  }

  @Test
  void toleratesATruncatedLastLine() throws Exception {
    byte[] log = smallLog();
    Path file = directory.resolve("app-truncated");
    Files.write(file, Arrays.copyOf(log, log.length - 40));

    ApplicationModel app = read(file);

    assertTrue(app.readStatistics().truncated());
    assertFalse(app.completed(), "the end event was cut off");
    assertEquals(TASKS, app.stages().iterator().next().taskCount());
    assertTrue(app.readStatistics().warnings().stream().anyMatch(warning -> warning.contains("cut off")));
  }

  @Test
  void skipsLinesThatAreNotEventsAndCountsUnknownEventTypes() throws Exception {
    String log = new String(smallLog(), StandardCharsets.UTF_8);
    int middle = log.indexOf("{\"Event\":\"SparkListenerTaskEnd\"");
    String damaged = log.substring(0, middle) + "this line is garbage\n{\"no event\":1}\n"
        + "{\"Event\":\"com.example.CustomListenerEvent\",\"payload\":[1,2,3]}\n" + log.substring(middle);
    Path file = directory.resolve("app-garbage");
    Files.writeString(file, damaged);

    ApplicationModel app = read(file);

    assertEquals(2, app.readStatistics().badLines());
    assertEquals(1L, app.readStatistics().ignoredEventTypes().get("com.example.CustomListenerEvent"));
    assertTrue(app.completed());
    assertEquals(TASKS, app.stages().iterator().next().taskCount());
  }

  @Test
  void readsOlderFieldShapes() throws Exception {
    // Spark 2.x wrote some numbers as strings; other writers put "Event" last.
    String log = "{\"Event\":\"SparkListenerApplicationStart\",\"App Name\":\"old\",\"App ID\":\"app-old\",\"Timestamp\":\"1000\"}\n"
        + "{\"Stage ID\":\"3\",\"Stage Attempt ID\":0,\"Task Info\":{\"Launch Time\":1000,\"Finish Time\":\"1500\","
        + "\"Executor ID\":\"7\"},\"Task Metrics\":{\"Executor Run Time\":\"450\",\"JVM GC Time\":50,"
        + "\"Shuffle Read Metrics\":{\"Remote Bytes Read\":100,\"Local Bytes Read\":\"20\"}},\"Event\":\"SparkListenerTaskEnd\"}\n"
        + "{\"Event\":\"SparkListenerApplicationEnd\",\"Timestamp\":3000}\n";
    Path file = directory.resolve("app-old");
    Files.writeString(file, log);

    ApplicationModel app = read(file);

    StageModel stage = app.stages().iterator().next();
    assertEquals(3, stage.stageId());
    assertEquals(500, stage.taskTimeTotal());
    assertEquals(450, stage.executorRunTime());
    assertEquals(120, stage.shuffleReadBytes());
    assertEquals(2000, app.duration());
  }

  @ParameterizedTest
  @EnumSource(value = EventLogCodec.class, names = {"LZ4", "LZF", "SNAPPY", "ZSTD", "GZIP"})
  void readsWhatATruncatedCompressedLogHolds(EventLogCodec codec) throws Exception {
    Path whole = directory.resolve("whole." + codec.extension());
    TestFiles.write(whole, codec, smallLog());
    byte[] compressed = Files.readAllBytes(whole);
    Path cut = directory.resolve("app-cut." + codec.extension() + ".inprogress");
    Files.write(cut, Arrays.copyOf(compressed, compressed.length * 2 / 3));

    ApplicationModel app = new EventLogReader().read(new EventLogSource(cut, List.of(cut), false, true));

    assertTrue(app.readStatistics().truncated(), () -> codec + ": " + app.readStatistics().warnings());
    assertFalse(app.completed());
    long tasks = app.stages().stream().mapToLong(StageModel::taskCount).sum();
    assertTrue(tasks > 0 && tasks < TASKS, codec + " read " + tasks + " tasks");
  }

  @ParameterizedTest
  @EnumSource(value = EventLogCodec.class, names = {"LZ4", "LZF", "SNAPPY", "ZSTD", "GZIP"})
  void reportsACorruptCompressedFileInOneLine(EventLogCodec codec) throws Exception {
    long seed = 42 + codec.ordinal();
    System.out.println("random bytes seed " + seed);
    byte[] garbage = new byte[4096];
    new Random(seed).nextBytes(garbage);
    Path file = directory.resolve("app-corrupt." + codec.extension());
    Files.write(file, garbage);

    EventLogException error = assertThrows(EventLogException.class, () -> read(file));

    assertFalse(error.getMessage().contains("\n"), error.getMessage());
    assertTrue(error.getMessage().startsWith("cannot decompress app-corrupt." + codec.extension()), error.getMessage());
  }

  @Test
  void reportsEmptyAndNonLogFiles() throws Exception {
    Path empty = Files.createFile(directory.resolve("app-empty"));
    Path text = directory.resolve("notes.txt");
    Files.writeString(text, "hello\nworld\n");

    assertEquals("empty file; no events to read", assertThrows(EventLogException.class, () -> read(empty)).getMessage());
    assertTrue(assertThrows(EventLogException.class, () -> read(text)).getMessage().startsWith("not a Spark event log"));
  }

  @Test
  void readsTheGoodLogsNextToACorruptOne() throws Exception {
    Files.write(directory.resolve("app-good"), smallLog());
    Files.write(directory.resolve("app-bad.zstd"), "definitely not zstd".getBytes(StandardCharsets.UTF_8));

    TuneResult result = TestTuners.tuner(null).run(List.of(directory));

    assertEquals(1, result.applications().size());
    assertEquals("damaged", result.applications().get(0).app().name());
    assertEquals(1, result.errors().size());
    assertTrue(result.errors().get(0).path().endsWith("app-bad.zstd"));
  }
}
