package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.io.EventLogException;
import dev.ember.tuner.io.EventLogLocator;
import dev.ember.tuner.io.EventLogReader;
import dev.ember.tuner.io.EventLogSource;
import dev.ember.tuner.qualification.HardwareModel;
import dev.ember.tuner.qualification.OperatorCategory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ember tune calibrate} end to end on a bench-shaped directory of real Spark and Ember runs
 * ({@link BenchShapedLogs}), and its messages for input it cannot use.
 */
class TestCalibrate {
  private static final Pattern LAST_LINE = Pattern.compile("median leave-one-out error: ([0-9]+\\.[0-9])%");

  @TempDir
  Path directory;

  /** Exit status, standard output, standard error. */
  private record Run(int status, String out, String err) {}

  private static Run calibrate(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] full = Stream.concat(Stream.of("calibrate"), Stream.of(args)).toArray(String[]::new);
    int status = TuneMain.run(full, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void calibratesTheHostDeviceFromABenchRun() throws IOException {
    Path bench = BenchShapedLogs.get();
    Path model = directory.resolve("model.json");
    Run run = calibrate(bench.toString(), "--output", model.toString());
    System.out.println(run.out());
    assertEquals(0, run.status(), run.err() + run.out());

    List<String> lines = run.out().lines().toList();
    Matcher last = LAST_LINE.matcher(lines.get(lines.size() - 1));
    assertTrue(last.matches(), "the last line: " + lines.get(lines.size() - 1));
    int queries = BenchShapedLogs.QUERIES.size();
    assertTrue(run.out().contains(queries + " queries paired (Spark iterations " + BenchShapedLogs.ROUNDS
        + ", Ember iterations " + BenchShapedLogs.ROUNDS + ")"), run.out());
    for (String query : BenchShapedLogs.QUERIES.keySet()) {
      assertTrue(lines.stream().anyMatch(line -> line.matches("  " + query + " +[0-9]+ +[0-9]+ +[0-9.]+x +[0-9.]+x +[0-9.]+%")),
          "a leave-one-out row for " + query);
    }

    // the file is a hardware model: re-read it, the host device ("cpu") is calibrated, the others are not
    HardwareModel read = HardwareModel.fromFile(model);
    HardwareModel.Device cpu = read.device("cpu").orElseThrow();
    assertTrue(cpu.calibrated());
    assertEquals(BenchShapedLogs.MACHINE, cpu.calibration().machine());
    assertEquals(BenchShapedLogs.SCALE, cpu.calibration().scale());
    assertEquals(queries, cpu.calibration().queries());
    assertTrue(cpu.calibration().benchRun().contains(bench.getFileName().toString()));
    assertEquals(Double.parseDouble(last.group(1)) / 100, cpu.calibration().medianLeaveOneOutError(), 0.0006);
    assertTrue(cpu.calibration().p90LeaveOneOutError() >= cpu.calibration().medianLeaveOneOutError());
    for (OperatorCategory category : OperatorCategory.values()) {
      double factor = cpu.factor(category);
      assertTrue(factor > 0 && Double.isFinite(factor), category + " factor " + factor);
    }
    assertTrue(cpu.transitionNanosPerRow() >= 0);
    assertNull(read.device("h100").orElseThrow().calibration(), "devices not calibrated stay estimates");
    assertEquals(HardwareModel.bundled().device("h100").orElseThrow().operatorFactors(),
        read.device("h100").orElseThrow().operatorFactors());
  }

  @Test
  void qualificationAndHistoryUseTheCalibratedModel() throws IOException, EventLogException {
    Path model = directory.resolve("model.json");
    assertEquals(0, calibrate(BenchShapedLogs.get().toString(), "-o", model.toString()).status());
    Path sparkRun = null;
    Path emberRun = null;
    for (EventLogSource source : new EventLogLocator().locate(List.of(BenchShapedLogs.get().resolve("eventlogs")))
        .sources()) {
      if (new EventLogReader().read(source).usedEmber()) {
        emberRun = source.location();
      } else {
        sparkRun = source.location();
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path json = directory.resolve("report.json");
    Path history = directory.resolve("history");
    String[] common = {"--hardware-model", model.toString(), "--device", "cpu", "--history", history.toString(),
        "--job", "bench"};
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertEquals(0, TuneMain.run(Stream.concat(Stream.of(sparkRun.toString(), "--json", json.toString()),
        Stream.of(common)).toArray(String[]::new), print, print));
    String sparkText = out.toString(StandardCharsets.UTF_8);
    // beside the headline prediction: the interval and where the factors were measured
    assertTrue(Pattern.compile("estimated speedup on cpu [0-9.]+x \\([0-9.]+x-[0-9.?x]+\\)").matcher(sparkText).find(),
        sparkText);
    assertTrue(sparkText.contains("calibrated on " + BenchShapedLogs.MACHINE + ", TPC-H scale " + BenchShapedLogs.SCALE),
        sparkText);
    String report = Files.readString(json, StandardCharsets.UTF_8);
    String compact = report.replaceAll("\"\\s*:\\s*", "\":");
    assertTrue(compact.contains("\"calibrated\":true"), "the JSON estimate says calibrated");
    assertTrue(compact.contains("\"basis\":\"estimate: the factors for h100 are not measured with Ember\""),
        "uncalibrated devices are labelled estimates");

    out.reset();
    assertEquals(0, TuneMain.run(Stream.concat(Stream.of(emberRun.toString()), Stream.of(common))
        .toArray(String[]::new), print, print));
    String emberText = out.toString(StandardCharsets.UTF_8);
    assertTrue(emberText.contains("speedup predicted for cpu vs actual"), emberText);
    assertTrue(emberText.contains("predictions: calibrated on " + BenchShapedLogs.MACHINE), emberText);
    // one row per query, paired by query although the descriptions say spark and ember, then the overall line
    for (String query : BenchShapedLogs.QUERIES.keySet()) {
      assertTrue(emberText.contains("\"tpch " + query + " (spark, iteration 1 of 1)\""), query + ": " + emberText);
    }
    assertTrue(Pattern.compile("overall .* predicted [0-9.]+x, actual [0-9.]+x").matcher(emberText).find(), emberText);
  }

  @Test
  void compareShowsPredictedAgainstActualWithoutAHistory() throws IOException {
    Path model = directory.resolve("model.json");
    assertEquals(0, calibrate(BenchShapedLogs.get().toString(), "-o", model.toString()).status());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    // the bench directory holds Spark and Ember applications of every round; they pair by query
    assertEquals(0, TuneMain.run(new String[] {BenchShapedLogs.get().resolve("eventlogs").toString(), "--compare",
        "--hardware-model", model.toString()}, print, print));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("history: job \"compared\""), text);
    assertTrue(Pattern.compile("overall .* predicted [0-9.]+x, actual [0-9.]+x").matcher(text).find(), text);
    assertTrue(text.contains("speedup predicted for cpu vs actual"), text);
  }

  @Test
  void aMissingDirectorySaysWhatToGive() {
    Run run = calibrate(directory.resolve("no-such-run").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("is not a directory; give the output directory of an ember bench run"), run.err());
  }

  @Test
  void logsThatAreNotFromTheBenchAreNamedSo() throws IOException {
    Path logs = directory.resolve("not-bench").resolve("eventlogs");
    Files.createDirectories(logs);
    Path plain = SparkEventLogs.get(SparkEventLogs.Log.PLAIN);
    Files.copy(plain, logs.resolve(plain.getFileName()));
    Run run = calibrate(logs.getParent().toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("no SQL execution is described as 'tpch <query> (<spark|ember>, ...)'"), run.err());
  }

  @Test
  void aBenchDirectoryWithoutPairsSaysHowManyItFound() throws IOException, EventLogException {
    // only the Spark applications of the bench run: every query lacks its Ember half
    Path logs = directory.resolve("spark-only").resolve("eventlogs");
    Files.createDirectories(logs);
    EventLogLocator.Result located = new EventLogLocator().locate(List.of(BenchShapedLogs.get().resolve("eventlogs")));
    int copied = 0;
    for (EventLogSource source : located.sources()) {
      if (!new EventLogReader().read(source).usedEmber()) {
        copyTree(source.location(), logs.resolve(source.location().getFileName()));
        copied++;
      }
    }
    assertEquals(BenchShapedLogs.ROUNDS, copied, "one Spark application per round");
    Run run = calibrate(logs.getParent().toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("found 0 queries with both a Spark and an Ember run"), run.err());
    assertTrue(run.out().contains("note: query q1 has " + BenchShapedLogs.ROUNDS + " Spark and 0 Ember iteration(s)"),
        run.out());
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : paths.toList()) {
        Path destination = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(path, destination);
        }
      }
    }
  }

  @Test
  void corruptLogsAreReportedNotFitted() throws IOException {
    Path logs = directory.resolve("corrupt").resolve("eventlogs");
    Files.createDirectories(logs);
    Files.write(logs.resolve("local-1700000000000.lz4"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Run run = calibrate(logs.getParent().toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("no event log could be read"), run.err());
    assertTrue(run.err().contains("local-1700000000000.lz4"), "names the file: " + run.err());
  }

  @Test
  void aCorruptBaseModelIsNamed() throws IOException {
    Path model = directory.resolve("broken.json");
    Files.writeString(model, "{\"devices\": [", StandardCharsets.UTF_8);
    Run run = calibrate(BenchShapedLogs.get().toString(), "--hardware-model", model.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("broken.json is not a hardware model"), run.err());
  }

  @Test
  void tuneWithoutPathsIsAUsageError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = TuneMain.run(new String[0], new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("give at least one event log file or directory"));
  }
}
