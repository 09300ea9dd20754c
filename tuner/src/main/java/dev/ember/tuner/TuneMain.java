package dev.ember.tuner;

import dev.ember.tuner.history.HistoryStore;
import dev.ember.tuner.qualification.HardwareModel;
import dev.ember.tuner.qualification.Qualifier;
import dev.ember.tuner.qualification.SupportCatalog;
import dev.ember.tuner.report.ConfReport;
import dev.ember.tuner.report.HtmlReport;
import dev.ember.tuner.report.JsonReport;
import dev.ember.tuner.report.TextReport;
import dev.ember.tuner.rules.RuleEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ember tune PATH... [options]}: reads Spark event logs, qualifies CPU runs for Ember and
 * recommends configurations. Exit status: 0 when at least one application was read, 1 when none
 * could be, 2 for usage errors. {@code ember tune calibrate DIR...} is {@link CalibrateCommand}.
 */
@Command(name = "ember tune", mixinStandardHelpOptions = true, version = "ember tune 0.1.0",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Reads Spark event logs (files, .inprogress files, rolling eventlog_v2_* directories, directories of",
        "applications; uncompressed, lz4, lzf, snappy, zstd or .gz), qualifies CPU runs for Ember and",
        "recommends configurations, each with the metrics it read, its threshold, effect and confidence."},
    exitCodeOnInvalidInput = 2, subcommands = CalibrateCommand.class)
public final class TuneMain implements Callable<Integer> {
  // 0..* so that 'ember tune calibrate DIR' parses; call() requires at least one path
  @Parameters(arity = "0..*", paramLabel = "PATH", description = "event log files or directories")
  List<Path> paths;

  @Option(names = "--history", paramLabel = "DIR",
      description = "keep a record per job in DIR; propose the next configuration and compare Spark with Ember runs")
  Path history;

  @Option(names = "--job", paramLabel = "NAME",
      description = "history key for every application read (default: each application's name)")
  String job;

  @Option(names = "--compare",
      description = "treat the applications read as runs of one job and compare Spark with Ember runs per query"
          + " (predicted against actual) without keeping a history")
  boolean compare;

  @Option(names = "--json", paramLabel = "FILE", description = "write the JSON report to FILE ('-' for standard output)")
  Path json;

  @Option(names = "--html", paramLabel = "FILE", description = "write the HTML report with charts to FILE")
  Path html;

  @Option(names = "--conf-out", paramLabel = "FILE", description = "write the recommended settings as a Spark properties file")
  Path confOut;

  @Option(names = "--target-cluster", paramLabel = "FILE",
      description = "JSON describing the cluster to tune for, e.g. {\"device\": \"h100\", \"coresPerExecutor\": 16}")
  Path targetCluster;

  @Option(names = "--device", paramLabel = "NAME", defaultValue = "gb10",
      description = "hardware model device for the headline estimate when no target cluster is given (default: ${DEFAULT-VALUE})")
  String device;

  @Option(names = "--hardware-model", paramLabel = "FILE", description = "hardware model file to use instead of the bundled one")
  Path hardwareModel;

  @Option(names = "--catalog", paramLabel = "FILE", description = "support catalog (docs/supported-ops.json) to use instead of the bundled one")
  Path catalog;

  @Option(names = {"-q", "--quiet"}, description = "do not print the text report")
  boolean quiet;

  private PrintStream out = System.out;
  private PrintStream err = System.err;

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command with the given streams; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    TuneMain command = new TuneMain();
    command.out = out;
    command.err = err;
    CommandLine commandLine = new CommandLine(command);
    commandLine.setOut(new java.io.PrintWriter(out, true));
    commandLine.setErr(new java.io.PrintWriter(err, true));
    commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
      err.println("ember tune: " + exception.getMessage());
      return 1;
    });
    return commandLine.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    if (paths == null || paths.isEmpty()) {
      err.println("ember tune: give at least one event log file or directory (or: ember tune calibrate DIR...)");
      new CommandLine(this).usage(err);
      return 2;
    }
    SupportCatalog supportCatalog = catalog == null ? SupportCatalog.bundled() : SupportCatalog.fromFile(catalog);
    HardwareModel hardware = hardwareModel == null ? HardwareModel.bundled() : HardwareModel.fromFile(hardwareModel);
    TargetCluster target = targetCluster == null ? null : TargetCluster.fromFile(targetCluster);
    String targetDevice = target == null ? device : target.device();
    Qualifier qualifier;
    try {
      qualifier = new Qualifier(supportCatalog, hardware, targetDevice);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage() + " (choose one with --device or in --target-cluster)", e);
    }
    if (job != null && history == null && !compare) {
      throw new IOException("--job names a history record; give --history DIR as well");
    }
    // --compare without --history: a history of this invocation only, deleted afterwards
    Path temporaryHistory = compare && history == null ? Files.createTempDirectory("ember-tune-compare") : null;
    TuneResult result;
    try {
      HistoryStore store = temporaryHistory != null ? new HistoryStore(temporaryHistory, job == null ? "compared" : job)
          : history == null ? null : new HistoryStore(history, compare && job == null ? "compared" : job);
      Tuner tuner = new Tuner(qualifier, hardware, target, new RuleEngine(RuleEngine.defaultRules()), store);
      result = tuner.run(paths);
    } finally {
      if (temporaryHistory != null) {
        try (java.util.stream.Stream<Path> files = Files.list(temporaryHistory)) {
          for (Path file : files.toList()) {
            Files.deleteIfExists(file);
          }
        }
        Files.deleteIfExists(temporaryHistory);
      }
    }
    boolean jsonToStdout = json != null && json.toString().equals("-");
    if (!quiet && !jsonToStdout) {
      TextReport.write(result, out);
    }
    if (json != null) {
      if (jsonToStdout) {
        JsonReport.write(result, new NonClosing(out));
        out.println();
      } else {
        try (OutputStream stream = Files.newOutputStream(json)) {
          JsonReport.write(result, stream);
        }
      }
    }
    if (html != null) {
      HtmlReport.write(result, html);
    }
    if (confOut != null) {
      ConfReport.write(result, confOut);
    }
    if (result.applications().isEmpty()) {
      err.println("ember tune: no event log could be read" + (result.errors().isEmpty() ? "" : ": "
          + result.errors().get(0)));
      return 1;
    }
    return 0;
  }

  /** Lets the JSON writer close its generator without closing standard output. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      out.write(buffer, offset, length);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
