package dev.ember.tuner;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Event logs written by real local Spark runs, generated once per test JVM (one short-lived
 * {@code local[2]} session per log, bound to 127.0.0.1) under {@code target/spark-event-logs}. Each
 * log comes from its own application so its codec, rolling mode and workload are its own; the
 * workloads are built to trigger the tuner's rules (spill, skew, GC pressure, tiny partitions) or
 * to be clean.
 */
public final class SparkEventLogs {
  /** Every generated log, by label, in generation order. */
  public enum Log {
    /** Uncompressed, single file, a clean mixed workload (scan, filter, project, aggregate, join). */
    PLAIN("none", false),
    /** lz4, single file, a sort forced to spill. */
    SPILL_LZ4("lz4", false),
    /** lzf, single file, a sort-merge join on a skewed key (AQE skew join off). */
    SKEW_LZF("lzf", false),
    /** snappy, single file, tasks that spend their time in garbage collection. */
    GC_SNAPPY("snappy", false),
    /** zstd, single file, 200 shuffle partitions for a few KB of data (AQE coalescing off). */
    TINY_PARTITIONS_ZSTD("zstd", false),
    /** lz4, rolling directory, the clean workload. */
    ROLLING_LZ4("lz4", true),
    /** zstd, rolling directory, the clean workload. */
    ROLLING_ZSTD("zstd", true),
    /** zstd, single file, the clean workload with the Ember plugin on the host device. */
    EMBER_ZSTD("zstd", false);

    public final String codec;
    public final boolean rolling;

    Log(String codec, boolean rolling) {
      this.codec = codec;
      this.rolling = rolling;
    }
  }

  private static Map<Log, Path> logs;

  private SparkEventLogs() {}

  /** The directory holding one sub-directory of logs per {@link Log}. */
  public static Path root() {
    String projectRoot = System.getProperty("ember.project.root", "..");
    return Paths.get(projectRoot, "tuner", "target", "spark-event-logs").toAbsolutePath().normalize();
  }

  /** The log file (or rolling directory) of one run, generating all runs on first use. */
  public static synchronized Path get(Log log) {
    if (logs == null) {
      logs = generateAll();
    }
    return logs.get(log);
  }

  private static Map<Log, Path> generateAll() {
    Path root = root();
    deleteRecursively(root);
    warmUp(root.resolve("warm-up"));
    Map<Log, Path> result = new LinkedHashMap<>();
    for (Log log : Log.values()) {
      Path directory = root.resolve(log.name().toLowerCase()).resolve("logs");
      result.put(log, run(log, directory));
    }
    return result;
  }

  /**
   * Runs the clean workload once without an event log, so that class loading, code generation and JIT
   * warm-up garbage do not land in the first logged run's tasks.
   */
  private static void warmUp(Path directory) {
    SparkSession session = SparkSession.builder()
        .master("local[2]")
        .appName("tuner-test-warm-up")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    try {
      cleanWorkload(session, directory.resolve("logs"));
    } finally {
      session.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  private static Path run(Log log, Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SparkSession.Builder builder = SparkSession.builder()
        .master("local[2]")
        .appName("tuner-test-" + log.name().toLowerCase())
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", directory.toUri().toString())
        .config("spark.eventLog.compress", String.valueOf(!log.codec.equals("none")))
        .config("spark.eventLog.rolling.enabled", String.valueOf(log.rolling))
        .config("spark.eventLog.rolling.maxFileSize", "10m");
    if (!log.codec.equals("none")) {
      builder.config("spark.eventLog.compression.codec", log.codec);
    }
    Consumer<SparkSession> workload = switch (log) {
      case PLAIN, ROLLING_LZ4, ROLLING_ZSTD -> session -> cleanWorkload(session, directory);
      case EMBER_ZSTD -> {
        builder.config("spark.plugins", "dev.ember.EmberPlugin")
            .config("spark.ember.device", "host")
            .config("spark.ember.explain", "NONE")
            .config("spark.ember.test.strict", "true");
        yield session -> cleanWorkload(session, directory);
      }
      case SPILL_LZ4 -> {
        builder.config("spark.shuffle.spill.numElementsForceSpillThreshold", "2000");
        yield SparkEventLogs::spillWorkload;
      }
      case SKEW_LZF -> {
        builder.config("spark.sql.autoBroadcastJoinThreshold", "-1")
            .config("spark.sql.adaptive.skewJoin.enabled", "false")
            .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8");
        yield SparkEventLogs::skewWorkload;
      }
      case GC_SNAPPY -> SparkEventLogs::garbageWorkload;
      case TINY_PARTITIONS_ZSTD -> {
        builder.config("spark.sql.shuffle.partitions", "200")
            .config("spark.sql.adaptive.coalescePartitions.enabled", "false");
        yield SparkEventLogs::tinyPartitionsWorkload;
      }
    };
    SparkSession session = builder.getOrCreate();
    try {
      // the garbage of earlier runs and of starting the session is collected before the logged tasks run:
      // in local mode a collection counts as GC time of every task running then, and on a loaded
      // machine one leftover collection put the clean run over the GC rule's 10% (CI, 2026-12-02)
      System.gc();
      workload.accept(session);
    } finally {
      session.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
    try (Stream<Path> children = Files.list(directory)) {
      return children
          .filter(path -> path.getFileName().toString().startsWith(log.rolling ? "eventlog_v2_" : "local-"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("Spark wrote no event log into " + directory));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parquet scan, filter, project, aggregate and a broadcast join: the shapes qualification reads. */
  private static void cleanWorkload(SparkSession session, Path directory) {
    Path parquet = directory.resolveSibling(directory.getFileName() + "-data").resolve("data.parquet");
    session.range(0, 50_000).selectExpr("id", "id % 100 as key", "cast(id * 1.5 as double) as amount")
        .write().mode("overwrite").parquet(parquet.toString());
    Dataset<Row> facts = session.read().parquet(parquet.toString());
    facts.filter(col("amount").gt(10)).selectExpr("key", "amount * 2 as doubled")
        .groupBy("key").sum("doubled").collect();
    Dataset<Row> dimension = session.range(0, 100).selectExpr("id as key", "concat('k', id) as label");
    facts.join(dimension, "key").groupBy("label").count().collect();
  }

  private static void spillWorkload(SparkSession session) {
    // The noop sink consumes every sorted row, so the optimizer cannot drop the sort.
    session.range(0, 200_000).selectExpr("id", "(id * 7919) % 100003 as shuffled")
        .orderBy("shuffled").write().format("noop").mode("overwrite").save();
  }

  private static void skewWorkload(SparkSession session) {
    Dataset<Row> facts = session.range(0, 1_000_000)
        .selectExpr("case when id % 20 = 0 then id % 1000 else 0 end as key", "id as value");
    Dataset<Row> dimension = session.range(0, 1000).selectExpr("id as key", "id * 2 as weight");
    facts.join(dimension, "key").selectExpr("sum(value + weight)").collect();
  }

  private static void garbageWorkload(SparkSession session) {
    session.udf().register("collectGarbage", (UDF1<Long, Long>) value -> {
      if (value % 1_000 == 0) {
        System.gc();
      }
      return value;
    }, DataTypes.LongType);
    session.range(0, 12_000, 1, 4).selectExpr("collectGarbage(id) as id").selectExpr("sum(id)").collect();
  }

  private static void tinyPartitionsWorkload(SparkSession session) {
    session.range(0, 5_000).selectExpr("id % 50 as key", "id").groupBy("key").count().collect();
  }

  private static void deleteRecursively(Path root) {
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
