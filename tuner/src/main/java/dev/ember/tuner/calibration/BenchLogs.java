package dev.ember.tuner.calibration;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.tuner.io.EventLogException;
import dev.ember.tuner.io.EventLogLocator;
import dev.ember.tuner.io.EventLogReader;
import dev.ember.tuner.io.EventLogSource;
import dev.ember.tuner.io.InputError;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.SqlExecutionModel;
import dev.ember.tuner.model.StageModel;
import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.ExecutionQualification;
import dev.ember.tuner.qualification.NodeAssessment;
import dev.ember.tuner.qualification.OperatorCategory;
import dev.ember.tuner.qualification.Qualifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the event logs of {@code ember bench} runs and pairs each query's Spark-alone run with its
 * Ember run.
 *
 * <p>A bench output directory holds {@code eventlogs/} with one Spark-alone and one Ember application
 * per round; each query's SQL executions carry the job description
 * {@code tpch <query> (<spark|ember>, <iteration label>)}. Warm-up runs are skipped, as are failed
 * executions. One query iteration is the sum of the executions with its description in one
 * application.
 */
public final class BenchLogs {
  /** The bench's job description: query, mode, iteration label. */
  static final Pattern DESCRIPTION = Pattern.compile("tpch (\\S+) \\((spark|ember), ([^)]*)\\)");

  /**
   * What was read.
   *
   * @param samples one per query with both a Spark and an Ember iteration, in query order
   * @param notes what was skipped and why (unpaired queries, unreadable logs, failed runs)
   * @param machine the machine named in the bench's report.json, or "unknown machine"
   * @param scale the scale in report.json, or ""
   * @param startedAt the start time in report.json, or ""
   * @param chosenDevices the values of spark.ember.device.chosen (or spark.ember.device) in the Ember runs
   */
  public record Result(List<QuerySample> samples, List<String> notes, String machine, String scale,
      String startedAt, List<String> chosenDevices) {
    public Result {
      samples = List.copyOf(samples);
      notes = List.copyOf(notes);
      chosenDevices = List.copyOf(chosenDevices);
    }
  }

  private BenchLogs() {}

  /**
   * @param directories bench output directories (or their {@code eventlogs/} directories)
   * @param qualifier splits the Spark runs' task time as qualification does
   * @throws IOException with a message saying what to do when nothing usable was found
   */
  public static Result read(List<Path> directories, Qualifier qualifier) throws IOException {
    requireNonNull(directories, "directories is null");
    requireNonNull(qualifier, "qualifier is null");
    List<Path> logDirectories = new ArrayList<>();
    String machine = "";
    String scale = "";
    String startedAt = "";
    for (Path directory : directories) {
      if (!Files.isDirectory(directory)) {
        throw new IOException(directory + " is not a directory; give the output directory of an ember bench run"
            + " (the one holding eventlogs/ and report.json)");
      }
      Path eventLogs = directory.resolve("eventlogs");
      logDirectories.add(Files.isDirectory(eventLogs) ? eventLogs : directory);
      Path report = directory.resolve("report.json");
      if (Files.isRegularFile(report)) {
        try {
          JsonNode root = new ObjectMapper().readTree(report.toFile());
          machine = join(machine, root.path("machine").asText(""));
          scale = join(scale, root.path("scale").asText(""));
          startedAt = join(startedAt, root.path("started_at").asText(""));
        } catch (IOException e) {
          throw new IOException(report + " is not the JSON report of ember bench (" + e.getMessage().lines()
              .findFirst().orElse("") + "); remove it or give the run's directory as ember bench wrote it", e);
        }
      }
    }

    EventLogLocator.Result located = new EventLogLocator().locate(logDirectories);
    List<String> notes = new ArrayList<>();
    for (InputError error : located.errors()) {
      notes.add("skipped " + error.path() + ": " + error.reason());
    }
    Map<String, List<Iteration>> spark = new LinkedHashMap<>();
    Map<String, List<Double>> ember = new LinkedHashMap<>();
    List<String> chosenDevices = new ArrayList<>();
    EventLogReader reader = new EventLogReader();
    int applications = 0;
    for (EventLogSource source : located.sources()) {
      ApplicationModel app;
      try {
        app = reader.read(source);
      } catch (EventLogException e) {
        notes.add("skipped " + source.location() + ": " + e.getMessage());
        continue;
      }
      applications++;
      if (app.usedEmber()) {
        String chosen = app.sparkProperty("spark.ember.device.chosen", app.sparkProperty("spark.ember.device", ""));
        if (!chosen.isEmpty() && !chosenDevices.contains(chosen)) {
          chosenDevices.add(chosen);
        }
        readEmber(app, ember, notes);
      } else {
        readSpark(app, qualifier.qualify(app), spark, notes);
      }
    }
    if (applications == 0) {
      throw new IOException("no event log could be read under " + logDirectories
          + (notes.isEmpty() ? "" : " (" + notes.get(0) + ")")
          + "; give the output directory of an ember bench run, which holds eventlogs/");
    }

    List<QuerySample> samples = new ArrayList<>();
    TreeSet<String> queries = new TreeSet<>(Comparator.comparing(BenchLogs::queryOrder).thenComparing(q -> q));
    queries.addAll(spark.keySet());
    queries.addAll(ember.keySet());
    for (String query : queries) {
      List<Iteration> sparkRuns = spark.getOrDefault(query, List.of());
      List<Double> emberRuns = ember.getOrDefault(query, List.of());
      if (sparkRuns.isEmpty() || emberRuns.isEmpty()) {
        notes.add("query " + query + " has " + sparkRuns.size() + " Spark and " + emberRuns.size()
            + " Ember iteration(s); a pair needs both, so it is left out");
        continue;
      }
      List<Iteration> sorted = new ArrayList<>(sparkRuns);
      sorted.sort(Comparator.comparingDouble(Iteration::taskTimeMs));
      Iteration median = sorted.get((sorted.size() - 1) / 2);
      samples.add(new QuerySample(query, median.taskTimeMs(), median.unchangedTimeMs(), median.supportedTimeMs(),
          median.transitionRows(), median(emberRuns), sparkRuns.size(), emberRuns.size()));
    }
    if (spark.isEmpty() && ember.isEmpty()) {
      throw new IOException(applications + " application(s) read under " + logDirectories
          + " but no SQL execution is described as 'tpch <query> (<spark|ember>, ...)'; these are not the event"
          + " logs of ember bench (run bin/ember bench, then calibrate on its output directory)");
    }
    return new Result(samples, notes, machine.isEmpty() ? "unknown machine" : machine, scale, startedAt,
        chosenDevices);
  }

  /** One Spark iteration of a query. */
  private record Iteration(double taskTimeMs, double unchangedTimeMs, Map<OperatorCategory, Double> supportedTimeMs,
      long transitionRows) {}

  private static void readSpark(ApplicationModel app, ApplicationQualification qualification,
      Map<String, List<Iteration>> spark, List<String> notes) {
    Map<Long, SqlExecutionModel> byId = new HashMap<>();
    for (SqlExecutionModel execution : app.sqlExecutions()) {
      byId.put(execution.executionId(), execution);
    }
    // query -> iteration label -> running totals
    Map<String, Map<String, double[]>> totals = new LinkedHashMap<>();
    Map<String, Map<String, Map<OperatorCategory, Double>>> supported = new LinkedHashMap<>();
    for (ExecutionQualification execution : qualification.executions()) {
      Matcher matcher = DESCRIPTION.matcher(execution.description());
      if (!matcher.matches() || matcher.group(3).startsWith("warm-up")) {
        continue;
      }
      String query = matcher.group(1);
      if (!matcher.group(2).equals("spark")) {
        notes.add(app.appId() + ": query " + query + " is described as an Ember run but the application did not"
            + " use Ember; left out");
        continue;
      }
      SqlExecutionModel model = byId.get(execution.executionId());
      if (model != null && model.errorMessage() != null) {
        notes.add(app.appId() + ": query " + query + " failed in Spark (" + oneLine(model.errorMessage()) + "); left out");
        continue;
      }
      double[] total = totals.computeIfAbsent(query, q -> new LinkedHashMap<>())
          .computeIfAbsent(matcher.group(3), label -> new double[3]);
      Map<OperatorCategory, Double> categories = supported.computeIfAbsent(query, q -> new LinkedHashMap<>())
          .computeIfAbsent(matcher.group(3), label -> new EnumMap<>(OperatorCategory.class));
      total[0] += execution.taskTimeMs();
      total[2] += execution.transitionRows();
      for (NodeAssessment node : execution.nodes()) {
        if (node.status() == dev.ember.tuner.qualification.NodeStatus.SUPPORTED) {
          categories.merge(node.category(), node.taskTimeMs(), Double::sum);
        } else {
          total[1] += node.taskTimeMs();
        }
      }
    }
    totals.forEach((query, iterations) -> iterations.forEach((label, total) -> {
      if (total[0] > 0) {
        spark.computeIfAbsent(query, q -> new ArrayList<>()).add(new Iteration(total[0], total[1],
            supported.get(query).get(label), (long) total[2]));
      }
    }));
  }

  private static void readEmber(ApplicationModel app, Map<String, List<Double>> ember, List<String> notes) {
    Map<String, Map<String, Double>> totals = new LinkedHashMap<>();
    for (SqlExecutionModel execution : app.sqlExecutions()) {
      Matcher matcher = DESCRIPTION.matcher(execution.description());
      if (!matcher.matches() || matcher.group(3).startsWith("warm-up")) {
        continue;
      }
      String query = matcher.group(1);
      if (!matcher.group(2).equals("ember")) {
        notes.add(app.appId() + ": query " + query + " is described as a Spark run but the application used Ember;"
            + " left out");
        continue;
      }
      if (execution.errorMessage() != null) {
        notes.add(app.appId() + ": query " + query + " failed with Ember (" + oneLine(execution.errorMessage())
            + "); left out");
        continue;
      }
      double taskTime = 0;
      for (StageModel stage : app.stagesOf(execution)) {
        taskTime += stage.taskTimeTotal();
      }
      totals.computeIfAbsent(query, q -> new LinkedHashMap<>()).merge(matcher.group(3), taskTime, Double::sum);
    }
    totals.forEach((query, iterations) -> iterations.values().stream().filter(time -> time > 0)
        .forEach(time -> ember.computeIfAbsent(query, q -> new ArrayList<>()).add(time)));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /** TPC-H queries in numeric order (q2 before q10); other names after them. */
  private static int queryOrder(String query) {
    if (query.matches("q[0-9]+")) {
      return Integer.parseInt(query.substring(1));
    }
    return Integer.MAX_VALUE;
  }

  private static String join(String known, String next) {
    if (next.isEmpty() || known.contains(next)) {
      return known;
    }
    return known.isEmpty() ? next : known + "; " + next;
  }

  private static String oneLine(String text) {
    String line = text.lines().findFirst().orElse("");
    return line.length() > 120 ? line.substring(0, 120) + "..." : line;
  }
}
