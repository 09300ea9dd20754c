package dev.ember.bench.run;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.BenchOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Starts the Spark applications of a benchmark run, one at a time, in this JVM.
 *
 * <p>Every application gets the same master and the user's {@code --conf} settings (applied last, so
 * they win). With a local master the driver binds to 127.0.0.1 and {@code spark.sql.shuffle.partitions}
 * is {@link #localShufflePartitions()}. The Spark and Ember applications write event logs (for
 * {@code bin/ember tune}); the Ember application also loads the plugin. With a cluster master, the
 * jars the executors need (the generator, the benchmark classes, the plugin) are shipped with
 * {@code spark.jars}.
 *
 * <p>Callers stop each session with {@link #stop(SparkSession)} before starting the next.
 */
public final class BenchSessions {
  /** The plugin class that turns Ember on. */
  public static final String PLUGIN_CLASS = "dev.ember.EmberPlugin";

  private final BenchOptions options;
  private final List<Path> executorJars;

  /**
   * @param options the run's options
   * @param executorJars jars to ship to a cluster's executors; ignored with a local master
   */
  public BenchSessions(BenchOptions options, List<Path> executorJars) {
    this.options = requireNonNull(options, "options is null");
    this.executorJars = List.copyOf(requireNonNull(executorJars, "executorJars is null"));
  }

  /** Whether the Ember plugin is on this JVM's classpath. */
  public static boolean pluginAvailable() {
    try {
      Class.forName(PLUGIN_CLASS, false, BenchSessions.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Starts the application that generates data: no plugin, no event log. */
  public SparkSession startGenerator() {
    return builder("ember-bench-" + options.suite().label() + "-datagen").config("spark.eventLog.enabled", "false").getOrCreate();
  }

  /**
   * Starts the application of {@code mode}, writing its event log into {@code eventLogDirectory}
   * (which must exist).
   */
  public SparkSession start(RunMode mode, Path eventLogDirectory) {
    requireNonNull(mode, "mode is null");
    requireNonNull(eventLogDirectory, "eventLogDirectory is null");
    SparkSession.Builder builder =
        builder("ember-bench-" + options.suite().label() + "-" + mode.label())
            .config("spark.eventLog.enabled", "true")
            .config("spark.eventLog.dir", eventLogDirectory.toAbsolutePath().toUri().toString());
    switch (mode) {
      case SPARK -> { }
      case EMBER -> {
        if (!pluginAvailable()) {
          throw new IllegalStateException(
              "the Ember plugin (" + PLUGIN_CLASS + ") is not on the classpath; rebuild with "
                  + "EMBER_REBUILD=1 bin/ember bench, or add the ember-spark-plugin jar");
        }
        builder
            .config("spark.plugins", PLUGIN_CLASS)
            .config("spark.ember.enabled", "true")
            .config("spark.ember.device", options.device())
            // the bench measures Ember: its auto is "CUDA when usable, else the host", where a user's auto
            // leaves queries to Spark without a GPU; the report names the device that ran
            .config("spark.ember.device.autoWithoutGpu", "host")
            // the report lists every fallback with its reason; --conf spark.ember.explain=... overrides
            .config("spark.ember.explain", "NONE");
      }
    }
    return builder.getOrCreate();
  }

  /** Stops {@code session} and its context, so the next application starts fresh. */
  public static void stop(SparkSession session) {
    requireNonNull(session, "session is null");
    session.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** The shuffle partitions of a local run: twice the cores, at least 4. */
  public static int localShufflePartitions() {
    return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
  }

  private SparkSession.Builder builder(String applicationName) {
    SparkSession.Builder builder =
        SparkSession.builder().master(options.master()).appName(applicationName)
            .config("spark.ui.enabled", "false");
    if (options.isLocalMaster()) {
      builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
      // Spark's default of 200 shuffle partitions makes every map task of a small local run write 200
      // files; both applications get the same smaller number (--conf overrides it)
      builder.config("spark.sql.shuffle.partitions", Integer.toString(localShufflePartitions()));
    } else if (!executorJars.isEmpty()) {
      builder.config(
          "spark.jars",
          String.join(",", executorJars.stream().map(jar -> jar.toAbsolutePath().toString()).toList()));
    }
    for (Map.Entry<String, String> entry : options.sparkConf().entrySet()) {
      builder.config(entry.getKey(), entry.getValue());
    }
    return builder;
  }
}
