package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.io.EventLogException;
import dev.ember.tuner.io.EventLogLocator;
import dev.ember.tuner.io.EventLogReader;
import dev.ember.tuner.io.EventLogSource;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.SqlExecutionModel;
import dev.ember.tuner.model.StageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reads the logs real Spark runs wrote, for every codec and with rolling on and off. */
class TestSparkEventLogs {
  @ParameterizedTest
  @EnumSource(SparkEventLogs.Log.class)
  void readsEveryCodecAndLayout(SparkEventLogs.Log log) throws EventLogException {
    Path path = SparkEventLogs.get(log);
    String fileName = path.getFileName().toString();
    if (log.rolling) {
      assertTrue(Files.isDirectory(path), "rolling log must be a directory: " + path);
    } else if (!log.codec.equals("none")) {
      assertTrue(fileName.endsWith("." + log.codec), "Spark names the file after its codec: " + fileName);
    }
    EventLogLocator.Result located = new EventLogLocator().locate(List.of(path));
    assertEquals(List.of(), located.errors());
    assertEquals(1, located.sources().size());
    EventLogSource source = located.sources().get(0);
    assertEquals(log.rolling, source.rolling());
    assertFalse(source.inProgress(), "the application ended cleanly");

    ApplicationModel app = new EventLogReader().read(source);
    assertEquals("tuner-test-" + log.name().toLowerCase(), app.name());
    assertTrue(app.appId().startsWith("local-"), app.appId());
    assertEquals("4.1.3", app.sparkVersion());
    assertTrue(app.completed());
    assertTrue(app.duration() > 0);
    assertEquals(0, app.readStatistics().badLines(), () -> app.readStatistics().warnings().toString());
    assertFalse(app.readStatistics().truncated());
    assertFalse(app.executors().isEmpty());
    assertFalse(app.sqlExecutions().isEmpty());
    long tasks = app.stages().stream().mapToLong(StageModel::taskCount).sum();
    assertTrue(tasks > 0);
    for (SqlExecutionModel execution : app.sqlExecutions()) {
      assertTrue(execution.plan() != null, "every execution has a plan");
    }
    assertEquals("local[2]", app.sparkProperty("spark.master", ""));
  }
}
