package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.io.EventLogCodec;
import dev.ember.tuner.io.EventLogLocator;
import dev.ember.tuner.io.EventLogSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestEventLogLocator {
  @TempDir
  Path directory;

  @Test
  void findsEveryLayoutInADirectoryOfApplications() throws IOException {
    Files.writeString(directory.resolve("app-1.lz4"), "x");
    Files.writeString(directory.resolve("app-2.zstd.inprogress"), "x");
    Files.writeString(directory.resolve(".app-1.lz4.crc"), "x");
    Path rolling = Files.createDirectory(directory.resolve("eventlog_v2_app-3"));
    Files.writeString(rolling.resolve("events_2_app-3.zstd"), "x");
    Files.writeString(rolling.resolve("events_10_app-3.zstd"), "x");
    Files.writeString(rolling.resolve("events_1_app-3.zstd"), "x");
    Files.writeString(rolling.resolve("appstatus_app-3.inprogress"), "");

    EventLogLocator.Result result = new EventLogLocator().locate(List.of(directory));

    assertEquals(List.of(), result.errors());
    assertEquals(3, result.sources().size());
    EventLogSource single = result.sources().get(0);
    assertEquals("app-1.lz4", single.location().getFileName().toString());
    assertFalse(single.inProgress());
    assertTrue(result.sources().get(1).inProgress(), "the .inprogress suffix marks a running app");
    EventLogSource roll = result.sources().get(2);
    assertTrue(roll.rolling());
    assertTrue(roll.inProgress(), "appstatus_*.inprogress marks a running app");
    assertEquals(List.of("events_1_app-3.zstd", "events_2_app-3.zstd", "events_10_app-3.zstd"),
        roll.files().stream().map(path -> path.getFileName().toString()).toList(), "numeric order, not text order");
  }

  @Test
  void startsARollingLogAtItsLastCompactedFile() throws IOException {
    Path rolling = Files.createDirectory(directory.resolve("eventlog_v2_app-9_1"));
    Files.writeString(rolling.resolve("events_1_app-9_1.lz4.compact"), "x");
    Files.writeString(rolling.resolve("events_2_app-9_1.lz4.compact"), "x");
    Files.writeString(rolling.resolve("events_3_app-9_1.lz4"), "x");
    Files.writeString(rolling.resolve("appstatus_app-9_1"), "");

    EventLogSource source = new EventLogLocator().locate(List.of(rolling)).sources().get(0);

    assertEquals(List.of("events_2_app-9_1.lz4.compact", "events_3_app-9_1.lz4"),
        source.files().stream().map(path -> path.getFileName().toString()).toList());
    assertFalse(source.inProgress());
    assertEquals(EventLogCodec.LZ4, EventLogCodec.fromFileName("events_2_app-9_1.lz4.compact"));
  }

  @Test
  void reportsMissingPathsAndEmptyDirectoriesWithoutThrowing() throws IOException {
    Path empty = Files.createDirectory(directory.resolve("empty"));
    Path rolling = Files.createDirectory(directory.resolve("eventlog_v2_app-5"));

    EventLogLocator.Result result = new EventLogLocator().locate(
        List.of(directory.resolve("missing.lz4"), empty, rolling));

    assertEquals(List.of(), result.sources());
    assertEquals(3, result.errors().size());
    assertTrue(result.errors().get(0).reason().contains("no such file"), result.errors().get(0).reason());
    assertTrue(result.errors().get(1).reason().contains("holds no Spark event logs"), result.errors().get(1).reason());
    assertTrue(result.errors().get(2).reason().contains("no events_* files"), result.errors().get(2).reason());
  }

  @Test
  void choosesTheCodecFromTheFileName() {
    assertEquals(EventLogCodec.NONE, EventLogCodec.fromFileName("local-1795489012543"));
    assertEquals(EventLogCodec.NONE, EventLogCodec.fromFileName("local-1795489012543.inprogress"));
    assertEquals(EventLogCodec.LZF, EventLogCodec.fromFileName("app-1.lzf.inprogress"));
    assertEquals(EventLogCodec.SNAPPY, EventLogCodec.fromFileName("events_1_app.snappy"));
    assertEquals(EventLogCodec.GZIP, EventLogCodec.fromFileName("app-1.GZ"));
  }
}
