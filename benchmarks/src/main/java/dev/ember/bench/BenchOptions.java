package dev.ember.bench;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options of {@code bin/ember bench [tpch|tpcds]}, parsed and checked.
 *
 * @param suite the benchmark: TPC-H-like or TPC-DS-like
 * @param scale the scale factor
 * @param queries the query names to run ({@code q1}, {@code q14a}), in order
 * @param iterations timed runs per query and mode; the median is reported
 * @param warmups untimed runs per query and mode before the timed ones
 * @param device the Ember device: {@code auto}, {@code host}, {@code emulator} or {@code cuda}
 * @param master the Spark master URL
 * @param output the directory that receives the reports and event logs
 * @param dataDirectory the data cache root (a path or a Hadoop file system URI)
 * @param sparkConf extra Spark settings applied to both runs, in the order given
 */
public record BenchOptions(
    Suite suite,
    BigDecimal scale,
    List<String> queries,
    int iterations,
    int warmups,
    String device,
    String master,
    Path output,
    String dataDirectory,
    Map<String, String> sparkConf) {

  /** TPC-H's default scale factor: the whole first run, build included, fits in ~10 minutes on 2 cores. */
  public static final BigDecimal DEFAULT_SCALE = Suite.TPCH.defaultScale();
  public static final int DEFAULT_ITERATIONS = Suite.TPCH.defaultIterations();
  public static final int DEFAULT_WARMUPS = Suite.TPCH.defaultWarmups();
  public static final String DEFAULT_MASTER = "local[*]";
  public static final List<String> DEVICES = List.of("auto", "host", "emulator", "cuda");

  private static final List<String> OPTIONS_WITH_VALUES =
      List.of("--scale", "--queries", "--iterations", "--warmups", "--device", "--master", "--output",
          "--data-dir", "--conf");

  /** The text {@code bin/ember bench --help} prints. */
  public static final String USAGE =
      String.join(
          "\n",
          "usage: bin/ember bench [tpch|tpcds] [options]",
          "       bin/ember bench kernels [options]   each device primitive's GB/s (--help for its options)",
          "",
          "Generates the TPC-H-like (default) or TPC-DS-like data (cached), runs the queries with",
          "Ember off and on, checks that the answers match, and writes DIR/report.json, report.md",
          "and report.html.",
          "",
          "  --scale S            scale factor (default: tpch " + Suite.TPCH.defaultScale().toPlainString()
              + ", tpcds " + Suite.TPCDS.defaultScale().toPlainString() + ")",
          "  --queries 1,3,...    query numbers to run (default: all); ranges like 1-5 work; tpcds",
          "                       also takes 14a, and 14 stands for 14a and 14b",
          "  --iterations N       timed runs per query and mode, median kept (default: tpch "
              + Suite.TPCH.defaultIterations() + ", tpcds " + Suite.TPCDS.defaultIterations() + ")",
          "  --warmups N          untimed runs before the timed ones (default: tpch " + Suite.TPCH.defaultWarmups()
              + ", tpcds " + Suite.TPCDS.defaultWarmups() + ")",
          "  --device D           auto|host|emulator|cuda, Ember's device (default auto)",
          "  --master URL         Spark master (default " + DEFAULT_MASTER + "), e.g. spark://host:7077",
          "  --output DIR         report directory (default ./work/bench/<timestamp>)",
          "  --data-dir DIR       data cache root (default $EMBER_DATA_DIR or ~/.cache/ember/<benchmark>);",
          "                       on a cluster, a path every executor can reach",
          "  --conf KEY=VALUE     extra Spark setting for both runs (repeatable)",
          "  -h, --help           print this text");

  public BenchOptions {
    requireNonNull(suite, "suite is null");
    requireNonNull(scale, "scale is null");
    queries = List.copyOf(requireNonNull(queries, "queries is null"));
    requireNonNull(device, "device is null");
    requireNonNull(master, "master is null");
    requireNonNull(output, "output is null");
    requireNonNull(dataDirectory, "dataDirectory is null");
    sparkConf = Map.copyOf(requireNonNull(sparkConf, "sparkConf is null"));
    if (scale.signum() <= 0) {
      throw new UsageException("--scale must be positive, got " + scale.toPlainString());
    }
    if (queries.isEmpty()) {
      throw new UsageException("--queries must name at least one query");
    }
    if (iterations < 1) {
      throw new UsageException("--iterations must be at least 1, got " + iterations);
    }
    if (warmups < 0) {
      throw new UsageException("--warmups must not be negative, got " + warmups);
    }
    if (!DEVICES.contains(device)) {
      throw new UsageException("--device must be one of " + String.join("|", DEVICES) + ", got '" + device + "'");
    }
  }

  /** Whether the master runs the whole application inside this JVM. */
  public boolean isLocalMaster() {
    return master.startsWith("local");
  }

  /**
   * Parses the arguments after {@code bench}. An optional leading {@code tpch} or {@code tpcds} names
   * the benchmark ({@code tpch} when none); environment lookups use {@code environment} so tests can
   * pass their own.
   *
   * @throws UsageException for an unknown option, a missing or malformed value
   */
  public static BenchOptions parse(List<String> arguments, Map<String, String> environment) {
    requireNonNull(arguments, "arguments is null");
    requireNonNull(environment, "environment is null");
    List<String> rest = new ArrayList<>(arguments);
    Suite suite = Suite.TPCH;
    if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
      String name = rest.remove(0);
      suite = Suite.fromLabel(name).orElseThrow(() -> new UsageException(
          "unknown benchmark '" + name + "'; the benchmarks are 'tpch' and 'tpcds'"));
    }
    BigDecimal scale = suite.defaultScale();
    List<String> queries = suite.allQueries();
    int iterations = suite.defaultIterations();
    int warmups = suite.defaultWarmups();
    String device = "auto";
    String master = DEFAULT_MASTER;
    Path output = null;
    String dataDirectory = defaultDataDirectory(suite, environment);
    Map<String, String> sparkConf = new LinkedHashMap<>();
    for (OptionValues.OptionValue pair : OptionValues.of(rest, OPTIONS_WITH_VALUES)) {
      String option = pair.option();
      String value = pair.value();
      switch (option) {
        case "--scale" -> scale = parseScale(value);
        case "--queries" -> queries = parseQueries(suite, value);
        case "--iterations" -> iterations = parseCount(option, value);
        case "--warmups" -> warmups = parseCount(option, value);
        case "--device" -> device = value.toLowerCase(Locale.ROOT);
        case "--master" -> master = value;
        case "--output" -> output = Path.of(value);
        case "--data-dir" -> dataDirectory = value;
        case "--conf" -> {
          int separator = value.indexOf('=');
          if (separator <= 0) {
            throw new UsageException("--conf needs KEY=VALUE, got '" + value + "'");
          }
          sparkConf.put(value.substring(0, separator), value.substring(separator + 1));
        }
        default -> throw new UsageException("unknown option '" + option + "'");
      }
    }
    if (output == null) {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
      output = Path.of("work", "bench", stamp);
    }
    return new BenchOptions(suite, scale, queries, iterations, warmups, device, master, output, dataDirectory, sparkConf);
  }

  /** Thrown by {@link #parse} (and {@code KernelBenchOptions.parse}) for {@code -h} or {@code --help}. */
  public static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HelpRequested() {
      super("help requested");
    }
  }

  private static String defaultDataDirectory(Suite suite, Map<String, String> environment) {
    String fromEnvironment = environment.get("EMBER_DATA_DIR");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    return Path.of(System.getProperty("user.home"), ".cache", "ember", suite.label()).toString();
  }

  private static BigDecimal parseScale(String value) {
    try {
      return new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--scale needs a number like 0.1 or 1, got '" + value + "'");
    }
  }

  private static int parseCount(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a whole number, got '" + value + "'");
    }
  }

  private static List<String> parseQueries(Suite suite, String value) {
    List<String> names = new ArrayList<>();
    for (String item : value.split(",")) {
      String text = item.strip().toLowerCase(Locale.ROOT);
      if (text.startsWith("q")) {
        text = text.substring(1);
      }
      int dash = text.indexOf('-');
      try {
        if (dash > 0) {
          int first = Integer.parseInt(text.substring(0, dash));
          int last = Integer.parseInt(text.substring(dash + 1));
          for (int number = first; number <= last; number++) {
            checkNumber(suite, number, item);
            // a range skips the TPC-DS queries not written yet; the report lists them
            names.addAll(suite.queriesOf(number));
          }
        } else if (suite == Suite.TPCDS && (text.endsWith("a") || text.endsWith("b"))) {
          String name = "q" + text;
          if (!suite.allQueries().contains(name)) {
            throw new UsageException("--queries: " + missingText(suite, item));
          }
          names.add(name);
        } else {
          int number = Integer.parseInt(text);
          checkNumber(suite, number, item);
          List<String> written = suite.queriesOf(number);
          if (written.isEmpty()) {
            throw new UsageException("--queries: " + missingText(suite, item));
          }
          names.addAll(written);
        }
      } catch (NumberFormatException e) {
        throw new UsageException("--queries needs numbers like 1,3,5-7, got '" + item.strip() + "'");
      }
    }
    if (names.isEmpty()) {
      throw new UsageException("--queries '" + value + "' names no query this project has written");
    }
    return names;
  }

  private static String missingText(Suite suite, String item) {
    return "TPC-DS query '" + item.strip() + "' is not written yet; written: " + String.join(",", suite.allQueries());
  }

  private static void checkNumber(Suite suite, int number, String item) {
    if (number < 1 || number > suite.lastNumber()) {
      String name = suite == Suite.TPCH ? "TPC-H" : "TPC-DS";
      throw new UsageException(
          "--queries: " + name + " has queries 1 to " + suite.lastNumber() + ", got '" + item.strip() + "'");
    }
  }
}
