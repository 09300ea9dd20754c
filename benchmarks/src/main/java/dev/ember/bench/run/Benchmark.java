package dev.ember.bench.run;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.BenchOptions;
import dev.ember.bench.compare.AnswerComparison;
import dev.ember.bench.compare.Comparison;
import dev.ember.bench.compare.ExpectedAnswerCheck;
import dev.ember.bench.plan.NodeShare;
import dev.ember.bench.Suite;
import dev.ember.bench.data.GeneratedDataSet;
import dev.ember.bench.query.ExpectedAnswer;
import dev.ember.bench.query.BenchQuery;
import dev.ember.bench.query.TpchQuery;
import dev.ember.bench.report.BenchReport;
import dev.ember.bench.report.HtmlReport;
import dev.ember.bench.report.JsonReport;
import dev.ember.bench.report.MarkdownReport;
import dev.ember.bench.report.QueryResult;
import dev.ember.bench.report.SummaryTable;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The whole {@code bin/ember bench tpch|tpcds} run: generate (or reuse) the data, run the queries as a
 * Spark-alone application and then as a Spark-with-Ember application on the same master, compare
 * the answers, and write {@code report.json}, {@code report.md}, {@code report.html} and the event
 * logs into the output directory.
 *
 * <p>Each of the {@code --iterations} rounds starts both applications afresh, one after the other, in
 * alternating order, and times every query once in each; the warm-ups run in the first round. The
 * median over the rounds is reported.
 *
 * <p>For TPC-H at scale 0.01 both modes are also checked against the answers bundled with the tpch jar.
 * Progress goes to {@code progress}, one line per query and mode, and the summary table at the end.
 * Runs on the calling thread; starts and stops its Spark applications itself.
 */
public final class Benchmark {
  private final BenchOptions options;
  private final PrintStream progress;

  public Benchmark(BenchOptions options, PrintStream progress) {
    this.options = requireNonNull(options, "options is null");
    this.progress = requireNonNull(progress, "progress is null");
  }

  /** Runs the benchmark and returns its report (also written to the output directory). */
  public BenchReport run() throws IOException {
    if (!BenchSessions.pluginAvailable()) {
      throw new IllegalStateException(
          "the Ember plugin (" + BenchSessions.PLUGIN_CLASS + ") is not on the classpath, so the "
              + "Ember half of the benchmark cannot run; rebuild with EMBER_REBUILD=1 bin/ember bench");
    }
    String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Path output = options.output().toAbsolutePath();
    Path eventLogs = output.resolve("eventlogs");
    Files.createDirectories(eventLogs);
    List<Path> executorJars = options.isLocalMaster() ? List.of() : ExecutorJars.collect(output.resolve("jars"));
    BenchSessions sessions = new BenchSessions(options, executorJars);
    Suite suite = options.suite();
    GeneratedDataSet data = suite.dataSet(options.dataDirectory(), options.scale());
    List<BenchQuery> queries = suite.queries(options.queries());

    generate(sessions, data);
    // Rounds alternate the order of the two applications (Spark, Ember; then Ember, Spark; ...), so a
    // machine whose load drifts during the run weighs on both modes alike.
    Phase spark = null;
    Phase ember = null;
    for (int round = 1; round <= options.iterations(); round++) {
      List<RunMode> order = round % 2 == 1 ? List.of(RunMode.SPARK, RunMode.EMBER) : List.of(RunMode.EMBER, RunMode.SPARK);
      for (RunMode mode : order) {
        Phase phase = runRound(sessions, mode, round, eventLogs, data, queries);
        if (mode == RunMode.SPARK) {
          spark = spark == null ? phase : spark.then(phase);
        } else {
          ember = ember == null ? phase : ember.then(phase);
        }
      }
    }

    boolean checkBundled =
        suite == Suite.TPCH && options.scale().compareTo(new BigDecimal(ExpectedAnswer.SCALE)) == 0;
    List<QueryResult> results = new ArrayList<>();
    for (int index = 0; index < queries.size(); index++) {
      Optional<ExpectedAnswer> bundled = checkBundled && queries.get(index) instanceof TpchQuery tpch
          ? ExpectedAnswer.bundled(tpch.number()) : Optional.empty();
      results.add(compare(queries.get(index), spark.runs().get(index), ember.runs().get(index), bundled));
    }
    BenchReport report =
        new BenchReport(
            suite.title(), suite.missingQueries(), results, options.device(), ember.deviceUsed(), data.scaleText(), ember.sparkVersion(), machine(),
            options.master(),
            options.iterations(), options.warmups(), startedAt, eventLogs.toString());
    JsonReport.write(report, output.resolve("report.json"));
    MarkdownReport.write(report, output.resolve("report.md"));
    HtmlReport.write(report, output.resolve("report.html"));
    progress.println();
    progress.print(SummaryTable.render(report));
    progress.println("ember bench: reports in " + output + " (report.json, report.md, report.html)");
    return report;
  }

  /**
   * Builds the report line of one query from its two runs. The answers match only when both runs
   * succeeded, agree with each other, and (when {@code bundled} is there) both agree with it; or when
   * both runs failed with the same error (the detail says so, and the report lists the query).
   */
  public static QueryResult compare(
      BenchQuery query, QueryRun spark, QueryRun ember, Optional<ExpectedAnswer> bundled) {
    requireNonNull(query, "query is null");
    requireNonNull(spark, "spark is null");
    requireNonNull(ember, "ember is null");
    requireNonNull(bundled, "bundled is null");
    Optional<Boolean> sparkExpected = Optional.empty();
    Optional<Boolean> emberExpected = Optional.empty();
    List<String> problems = new ArrayList<>();
    if (spark.error().isPresent() && spark.error().equals(ember.error())) {
      // a query Spark cannot answer either (an ANSI error on this data) is no wrong answer of Ember's
      return new QueryResult(
          query.name(), spark.medianMillis(), ember.medianMillis(), true,
          "fails the same way in both modes: " + spark.error().get(), ember.plan().distinctEmberNodes(),
          ember.plan().distinctFallbacks(), ember.plan().rowToColumnar(), ember.plan().columnarToRow(),
          Optional.empty(), Optional.empty(), spark.error(), ember.error(), spark.iterationMillis(),
          ember.iterationMillis(), 0, 0, Map.of(), ember.plan().nodeShare(), Map.of());
    }
    spark.error().ifPresent(error -> problems.add("Ember off failed: " + error));
    ember.error().ifPresent(error -> problems.add("Ember on failed: " + error));
    if (spark.succeeded() && ember.succeeded()) {
      if (!spark.schema().equals(ember.schema())) {
        problems.add("schemas differ: " + spark.schema() + " with Ember off, " + ember.schema() + " with Ember on");
      }
      Comparison comparison = AnswerComparison.compare(spark.rows(), ember.rows());
      if (!comparison.matches()) {
        problems.add(comparison.detail());
      }
    }
    if (bundled.isPresent()) {
      if (spark.succeeded()) {
        Comparison check = ExpectedAnswerCheck.check(bundled.get(), spark.rows());
        sparkExpected = Optional.of(check.matches());
        if (!check.matches()) {
          problems.add("Ember off differs from the tpch jar's answer: " + check.detail());
        }
      }
      if (ember.succeeded()) {
        Comparison check = ExpectedAnswerCheck.check(bundled.get(), ember.rows());
        emberExpected = Optional.of(check.matches());
        if (!check.matches()) {
          problems.add("Ember on differs from the tpch jar's answer: " + check.detail());
        }
      }
    }
    return new QueryResult(
        query.name(), spark.medianMillis(), ember.medianMillis(), problems.isEmpty(), String.join("; ", problems),
        ember.plan().distinctEmberNodes(), ember.plan().distinctFallbacks(), ember.plan().rowToColumnar(),
        ember.plan().columnarToRow(), sparkExpected, emberExpected, spark.error(), ember.error(),
        spark.iterationMillis(), ember.iterationMillis(), spark.plan().metrics().shuffleBytes(),
        ember.plan().metrics().shuffleBytes(), millis(ember.plan().metrics().operatorNanos()),
        ember.plan().nodeShare(), ember.plan().metrics().hostPrimitiveCalls());
  }

  private static Map<String, Double> millis(Map<String, Long> nanos) {
    Map<String, Double> millis = new java.util.LinkedHashMap<>();
    nanos.forEach((node, value) -> millis.put(node, value / 1e6));
    return millis;
  }

  private void generate(BenchSessions sessions, GeneratedDataSet data) {
    progress.printf(
        Locale.ROOT, "ember bench: %s data at scale %s in %s%n", options.suite().title(), data.scaleText(),
        data.scaleDirectory());
    SparkSession spark = sessions.startGenerator();
    try {
      data.ensureGenerated(spark, progress);
    } finally {
      BenchSessions.stop(spark);
    }
  }

  /** The runs of one mode so far, with the facts only its application can tell. */
  private record Phase(List<QueryRun> runs, String sparkVersion, String deviceUsed) {
    /** This phase followed by {@code later}: iterations appended, the later answer and plan kept. */
    Phase then(Phase later) {
      List<QueryRun> combined = new ArrayList<>();
      for (int index = 0; index < runs.size(); index++) {
        combined.add(runs.get(index).then(later.runs().get(index)));
      }
      return new Phase(combined, sparkVersion, deviceUsed);
    }
  }

  /**
   * Runs every query once (after the warm-ups, in round 1 only) in a fresh application of
   * {@code mode}.
   */
  private Phase runRound(
      BenchSessions sessions, RunMode mode, int round, Path eventLogs, GeneratedDataSet data,
      List<BenchQuery> queries) {
    int warmups = round == 1 ? options.warmups() : 0;
    progress.printf(
        Locale.ROOT, "ember bench: round %d of %d: %d queries with Ember %s (%d warm-up, 1 timed each)%n",
        round, options.iterations(), queries.size(),
        mode == RunMode.EMBER ? "on (device " + options.device() + ")" : "off", warmups);
    SparkSession spark = sessions.start(mode, eventLogs);
    try {
      String deviceUsed = "none (Ember off)";
      if (mode == RunMode.EMBER) {
        deviceUsed = DeviceProbe.chosenDevice(spark);
        progress.println("ember bench: Ember's device: " + deviceUsed);
      }
      data.registerViews(spark);
      QueryRunner runner = new QueryRunner(spark, options.suite().label(), mode, warmups, 1);
      List<QueryRun> runs = new ArrayList<>();
      for (int index = 0; index < queries.size(); index++) {
        BenchQuery query = queries.get(index);
        QueryRun run = runner.run(query);
        runs.add(run);
        progress.printf(
            Locale.ROOT, "ember bench: [%-5s %2d/%d] %-4s %s%n", mode.label(), index + 1, queries.size(),
            query.name(),
            run.succeeded()
                ? String.format(Locale.ROOT, "%8.0f ms, %d rows%s", run.medianMillis(), run.rows().size(),
                    mode == RunMode.EMBER ? ", Ember nodes: " + describeNodes(run) : "")
                : "FAILED: " + run.error().orElse(""));
      }
      return new Phase(runs, spark.version(), deviceUsed);
    } finally {
      BenchSessions.stop(spark);
    }
  }

  private static String describeNodes(QueryRun run) {
    List<String> nodes = run.plan().distinctEmberNodes();
    NodeShare share = run.plan().nodeShare();
    return (nodes.isEmpty() ? "none" : String.join(", ", nodes))
        + ", fallbacks: " + run.plan().fallbacks().size()
        + String.format(Locale.ROOT, ", node share %d/%d", share.emberNodes(), share.operatorNodes());
  }

  /** A one-line description of this machine: OS, architecture, cores, Java, heap. */
  public static String machine() {
    Runtime runtime = Runtime.getRuntime();
    return String.format(
        Locale.ROOT, "%s %s, %d cores, Java %s, %.1f GiB max heap",
        System.getProperty("os.name"), System.getProperty("os.arch"), runtime.availableProcessors(),
        System.getProperty("java.version"), runtime.maxMemory() / (1024.0 * 1024 * 1024));
  }
}
