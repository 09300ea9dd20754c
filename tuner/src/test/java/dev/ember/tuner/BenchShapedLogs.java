package dev.ember.tuner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * A directory shaped like the output of {@code ember bench}, written by real local Spark runs once per
 * test JVM under {@code target/bench-shaped-logs/run}: {@code eventlogs/} with a Spark-alone and an
 * Ember (host device) application per round, {@value #ROUNDS} rounds, every query run under the bench's
 * job description {@code tpch <query> (<spark|ember>, <label>)} (a warm-up in round 1, then one
 * iteration), and a {@code report.json} with the fields calibration reads. The queries are small
 * TPC-H-like shapes over one generated Parquet table, distinct enough to tell operator categories apart.
 */
final class BenchShapedLogs {
  static final int ROUNDS = 2;
  static final String MACHINE = "bench-shaped test fixture (local[2])";
  static final String SCALE = "0.0001";

  /** Query name → SQL, over the views {@code facts} and {@code dimension}. */
  static final Map<String, String> QUERIES = new LinkedHashMap<>();

  static {
    QUERIES.put("q1", "select key, sum(amount * 2) as doubled, count(*) as n from facts where amount > 10 group by key");
    QUERIES.put("q2", "select count(*) from facts where amount between 100 and 90000 and key <> 7");
    QUERIES.put("q3", "select d.label, sum(f.amount) from facts f join dimension d on f.key = d.key group by d.label");
    QUERIES.put("q4", "select id, amount from facts where key < 50 order by amount desc limit 20");
    QUERIES.put("q5", "select key, max(amount) - min(amount) from facts group by key order by key");
    QUERIES.put("q6", "select amount * 3 + key as value from facts where id % 3 = 0 order by value limit 5");
  }

  private static Path directory;

  private BenchShapedLogs() {}

  /** The bench-shaped output directory, generated on first use. */
  static synchronized Path get() {
    if (directory == null) {
      directory = generate(SparkEventLogs.root().resolveSibling("bench-shaped-logs").resolve("run"));
    }
    return directory;
  }

  private static Path generate(Path output) {
    deleteRecursively(output);
    Path eventLogs = output.resolve("eventlogs");
    Path data = output.resolveSibling("data");
    try {
      Files.createDirectories(eventLogs);
      String startedAt = Instant.now().toString();
      for (int round = 1; round <= ROUNDS; round++) {
        // alternate the order as ember bench does
        boolean[] modes = round % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false};
        for (boolean ember : modes) {
          runRound(ember, round, eventLogs, data);
        }
      }
      Files.writeString(output.resolve("report.json"), "{\"queries\": [], \"machine\": \"" + MACHINE
          + "\", \"scale\": \"" + SCALE + "\", \"started_at\": \"" + startedAt + "\", \"iterations\": " + ROUNDS
          + ", \"event_logs\": \"" + eventLogs + "\"}\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return output;
  }

  private static void runRound(boolean ember, int round, Path eventLogs, Path data) {
    SparkSession.Builder builder = SparkSession.builder()
        .master("local[2]")
        .appName("tpch-" + (ember ? "ember" : "spark"))
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", eventLogs.toUri().toString());
    if (ember) {
      builder.config("spark.plugins", "dev.ember.EmberPlugin")
          .config("spark.ember.device", "host")
          .config("spark.ember.explain", "NONE");
    }
    SparkSession session = builder.getOrCreate();
    try {
      Path parquet = data.resolve("facts.parquet");
      if (!Files.exists(parquet)) {
        session.range(0, 200_000).selectExpr("id", "id % 100 as key", "cast(id * 1.5 as double) as amount")
            .write().mode("overwrite").parquet(parquet.toString());
      }
      session.read().parquet(parquet.toString()).createOrReplaceTempView("facts");
      session.range(0, 100).selectExpr("id as key", "concat('k', id) as label").createOrReplaceTempView("dimension");
      String mode = ember ? "ember" : "spark";
      for (Map.Entry<String, String> query : QUERIES.entrySet()) {
        if (round == 1) {
          session.sparkContext().setJobDescription("tpch " + query.getKey() + " (" + mode + ", warm-up 1 of 1)");
          session.sql(query.getValue()).collectAsList();
        }
        session.sparkContext().setJobDescription("tpch " + query.getKey() + " (" + mode + ", iteration 1 of 1)");
        session.sql(query.getValue()).collectAsList();
      }
      session.sparkContext().setJobDescription(null);
    } finally {
      session.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
