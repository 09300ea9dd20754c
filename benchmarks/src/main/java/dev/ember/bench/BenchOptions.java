package dev.ember.bench;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.query.TpchQueries;
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
 * The options of {@code bin/ember bench tpch}, parsed and checked.
 *
 * @param scale the TPC-H scale factor
 * @param queries the query numbers to run, in order
 * @param iterations timed runs per query and mode; the median is reported
 * @param warmups untimed runs per query and mode before the timed ones
 * @param device the Ember device: {@code auto}, {@code host}, {@code emulator} or {@code cuda}
 * @param master the Spark master URL
 * @param output the directory that receives the reports and event logs
 * @param dataDirectory the data cache root (a path or a Hadoop file system URI)
 * @param sparkConf extra Spark settings applied to both runs, in the order given
 */
public record BenchOptions(
    BigDecimal scale,
    List<Integer> queries,
    int iterations,
    int warmups,
    String device,
    String master,
    Path output,
    String dataDirectory,
    Map<String, String> sparkConf) {

  /** The default scale factor: the whole first run, build included, fits in ~10 minutes on 2 cores. */
  public static final BigDecimal DEFAULT_SCALE = new BigDecimal("0.1");
  public static final int DEFAULT_ITERATIONS = 3;
  public static final int DEFAULT_WARMUPS = 1;
  public static final String DEFAULT_MASTER = "local[*]";
  public static final List<String> DEVICES = List.of("auto", "host", "emulator", "cuda");

  private static final List<String> OPTIONS_WITH_VALUES =
      List.of("--scale", "--queries", "--iterations", "--warmups", "--device", "--master", "--output",
          "--data-dir", "--conf");

  /** The text {@code bin/ember bench --help} prints. */
  public static final String USAGE =
      String.join(
          "\n",
          "usage: bin/ember bench [tpch] [options]",
          "",
          "Generates the TPC-H-like data (cached), runs the 22 queries with Ember off and on,",
          "checks that the answers match, and writes DIR/report.json, report.md and report.html.",
          "",
          "  --scale S            TPC-H scale factor (default " + DEFAULT_SCALE.toPlainString() + ")",
          "  --queries 1,3,...    query numbers to run (default: all 22); ranges like 1-5 work",
          "  --iterations N       timed runs per query and mode, median kept (default " + DEFAULT_ITERATIONS + ")",
          "  --warmups N          untimed runs before the timed ones (default " + DEFAULT_WARMUPS + ")",
          "  --device D           auto|host|emulator|cuda, Ember's device (default auto)",
          "  --master URL         Spark master (default " + DEFAULT_MASTER + "), e.g. spark://host:7077",
          "  --output DIR         report directory (default ./work/bench/<timestamp>)",
          "  --data-dir DIR       data cache root (default $EMBER_DATA_DIR or ~/.cache/ember/tpch);",
          "                       on a cluster, a path every executor can reach",
          "  --conf KEY=VALUE     extra Spark setting for both runs (repeatable)",
          "  -h, --help           print this text");

  public BenchOptions {
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
   * Parses the arguments after {@code bench}. An optional leading {@code tpch} names the benchmark
   * (the only one); environment lookups use {@code environment} so tests can pass their own.
   *
   * @throws UsageException for an unknown option, a missing or malformed value
   */
  public static BenchOptions parse(List<String> arguments, Map<String, String> environment) {
    requireNonNull(arguments, "arguments is null");
    requireNonNull(environment, "environment is null");
    List<String> rest = new ArrayList<>(arguments);
    if (!rest.isEmpty() && rest.get(0).equals("tpch")) {
      rest.remove(0);
    } else if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
      throw new UsageException("unknown benchmark '" + rest.get(0) + "'; the only one is 'tpch'");
    }
    BigDecimal scale = DEFAULT_SCALE;
    List<Integer> queries = allQueries();
    int iterations = DEFAULT_ITERATIONS;
    int warmups = DEFAULT_WARMUPS;
    String device = "auto";
    String master = DEFAULT_MASTER;
    Path output = null;
    String dataDirectory = defaultDataDirectory(environment);
    Map<String, String> sparkConf = new LinkedHashMap<>();
    for (int index = 0; index < rest.size(); index++) {
      String option = rest.get(index);
      String value = null;
      int equals = option.indexOf('=');
      if (option.startsWith("--") && equals > 0) {
        value = option.substring(equals + 1);
        option = option.substring(0, equals);
      }
      if (option.equals("-h") || option.equals("--help")) {
        throw new HelpRequested();
      }
      if (!OPTIONS_WITH_VALUES.contains(option)) {
        throw new UsageException("unknown option '" + option + "'");
      }
      if (value == null) {
        if (index + 1 >= rest.size()) {
          throw new UsageException(option + " needs a value");
        }
        value = rest.get(++index);
      }
      switch (option) {
        case "--scale" -> scale = parseScale(value);
        case "--queries" -> queries = parseQueries(value);
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
    return new BenchOptions(scale, queries, iterations, warmups, device, master, output, dataDirectory, sparkConf);
  }

  /** Thrown by {@link #parse} for {@code -h} or {@code --help}. */
  public static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help requested");
    }
  }

  private static String defaultDataDirectory(Map<String, String> environment) {
    String fromEnvironment = environment.get("EMBER_DATA_DIR");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    return Path.of(System.getProperty("user.home"), ".cache", "ember", "tpch").toString();
  }

  private static List<Integer> allQueries() {
    List<Integer> all = new ArrayList<>();
    for (int number = 1; number <= TpchQueries.COUNT; number++) {
      all.add(number);
    }
    return all;
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

  private static List<Integer> parseQueries(String value) {
    List<Integer> numbers = new ArrayList<>();
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
            numbers.add(checkQuery(number, item));
          }
        } else {
          numbers.add(checkQuery(Integer.parseInt(text), item));
        }
      } catch (NumberFormatException e) {
        throw new UsageException("--queries needs numbers like 1,3,5-7, got '" + item.strip() + "'");
      }
    }
    return numbers;
  }

  private static int checkQuery(int number, String item) {
    if (number < 1 || number > TpchQueries.COUNT) {
      throw new UsageException("--queries: TPC-H has queries 1 to 22, got '" + item.strip() + "'");
    }
    return number;
  }
}
