package dev.ember.tuner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hand-made "Ember run" logs until the plugin can run queries: a real Spark log rewritten the way an
 * Ember run's log differs (the plugin in spark.plugins, Filter and Project nodes replaced by Ember
 * nodes, optionally the device the plugin chose). Task times stay those of the Spark run.
 */
final class EmberRunLogs {
  private EmberRunLogs() {}

  /**
   * @param device the spark.ember.device value
   * @param chosen the spark.ember.device.chosen value, or null to leave it out
   */
  static void rewrite(Path sparkLog, Path target, String device, String chosen) throws IOException {
    String log = Files.readString(sparkLog, StandardCharsets.UTF_8);
    String properties = "\"spark.plugins\":\"dev.ember.EmberPlugin\",\"spark.ember.device\":\"" + device + "\","
        + (chosen == null ? "" : "\"spark.ember.device.chosen\":\"" + chosen + "\",");
    String rewritten = log.replace("\"Spark Properties\":{", "\"Spark Properties\":{" + properties)
        .replace("\"nodeName\":\"Filter\"", "\"nodeName\":\"EmberFilterExec\"")
        .replace("\"nodeName\":\"Project\"", "\"nodeName\":\"EmberProjectExec\"")
        .replaceFirst("\"App ID\":\"(local-[0-9]+)\"", "\"App ID\":\"$1-ember\"");
    Files.writeString(target, rewritten, StandardCharsets.UTF_8);
  }
}
