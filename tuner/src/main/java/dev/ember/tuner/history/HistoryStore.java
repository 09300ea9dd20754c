package dev.ember.tuner.history;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.SqlExecutionModel;
import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.ExecutionQualification;
import dev.ember.tuner.qualification.SpeedupEstimate;
import dev.ember.tuner.qualification.UnsupportedOperator;
import dev.ember.tuner.rules.Confidence;
import dev.ember.tuner.rules.EmberConfigs;
import dev.ember.tuner.rules.Recommendation;
import dev.ember.tuner.rules.RunMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The tuner's memory across runs ({@code --history DIR}): one JSON file per job (keyed by application
 * name) holding each run's tracked configuration, duration, spill, GC share, fallbacks and per-SQL
 * times. Recording the same application again replaces its record.
 *
 * <p>From the history it proposes the next configuration to try: when the last change made the job
 * more than {@value #WORSE}x slower, the changed settings are reverted (and not retried); otherwise the
 * settings of up to {@value #MAX_KNOBS} recommendations, most confident first, are proposed as the next
 * change. It also compares a Spark run with an Ember run of the same job per SQL execution, predicted
 * against actual. Not thread safe; one tuner process per directory at a time.
 */
public final class HistoryStore {
  /** Recommendations (knobs: one rule's settings) applied per step, so that effects can be told apart. */
  public static final int MAX_KNOBS = 2;
  /** The value that asks to remove a setting the previous run did not have. */
  public static final String UNSET = "(remove: unset before)";
  /** A run slower than this factor of the previous counts as worse. */
  public static final double WORSE = 1.05;
  /** Spark's settings the history tracks even when no rule recommended them in this run. */
  private static final List<String> TRACKED_SPARK = List.of(
      "spark.executor.cores", "spark.executor.memory", "spark.executor.memoryOverhead", "spark.memory.fraction",
      "spark.sql.shuffle.partitions", "spark.sql.adaptive.enabled", "spark.sql.adaptive.advisoryPartitionSizeInBytes",
      "spark.sql.adaptive.coalescePartitions.enabled", "spark.sql.adaptive.skewJoin.enabled",
      "spark.sql.adaptive.skewJoin.skewedPartitionFactor", "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes",
      "spark.sql.files.maxPartitionBytes", "spark.sql.autoBroadcastJoinThreshold", "spark.executor.extraJavaOptions",
      "spark.plugins");
  /** Settings the history tracks: Spark's above and every key the plugin declares (from its generated list). */
  static final List<String> TRACKED = tracked();

  private static List<String> tracked() {
    List<String> all = new ArrayList<>(TRACKED_SPARK);
    all.addAll(EmberConfigs.bundled().keys());
    return List.copyOf(all);
  }

  private final Path directory;
  private final String job;
  private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A store keyed by application name. */
  public HistoryStore(Path directory) throws IOException {
    this(directory, null);
  }

  /**
   * @param job the job key for every run recorded through this store (e.g. a Spark run and an Ember run
   *     of the same job under different application names), or null to key by application name
   */
  public HistoryStore(Path directory, String job) throws IOException {
    this.directory = requireNonNull(directory, "directory is null");
    this.job = job == null || job.isBlank() ? null : job;
    Files.createDirectories(directory);
    if (!Files.isWritable(directory)) {
      throw new IOException("history directory " + directory + " is not writable");
    }
  }

  /** Records a run and returns what the history says about it. */
  public HistoryReport record(ApplicationModel app, RunMetrics metrics, ApplicationQualification qualification,
      List<Recommendation> recommendations) throws IOException {
    String job = this.job != null ? this.job : app.name().isEmpty() ? app.appId() : app.name();
    Path file = directory.resolve(fileName(job));
    JobHistory history = Files.exists(file) ? mapper.readValue(file.toFile(), JobHistory.class)
        : new JobHistory(job, List.of(), List.of());
    RunRecord current = toRecord(app, metrics, qualification, recommendations);
    List<RunRecord> runs = new ArrayList<>();
    for (RunRecord run : history.runs()) {
      if (!run.appId().equals(current.appId())) {
        runs.add(run);
      }
    }
    runs.add(current);
    runs.sort(Comparator.comparingLong(RunRecord::startTime));

    RunRecord previous = null;
    for (RunRecord run : runs) {
      if (run.ember() == current.ember() && run.startTime() < current.startTime()) {
        previous = run;
      }
    }
    List<String> notes = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    Set<String> reverted = new LinkedHashSet<>(history.reverted());
    Map<String, String> next = new LinkedHashMap<>();
    double change = 0;
    boolean worse = previous != null && current.durationMs() > previous.durationMs() * WORSE;
    if (previous != null) {
      change = previous.durationMs() > 0 ? (double) current.durationMs() / previous.durationMs() - 1 : 0;
      Set<String> keys = new LinkedHashSet<>(previous.configuration().keySet());
      keys.addAll(current.configuration().keySet());
      for (String key : keys) {
        String before = previous.configuration().get(key);
        String after = current.configuration().get(key);
        if (!Objects.equals(before, after)) {
          changed.add(key + ": " + (before == null ? "unset" : before) + " -> " + (after == null ? "unset" : after));
          if (worse) {
            reverted.add(key + "=" + after);
            next.put(key, before == null ? UNSET : before);
          }
        }
      }
      String percent = Math.round(Math.abs(change) * 1000) / 10.0 + "%";
      if (changed.isEmpty()) {
        notes.add("no tracked setting changed since " + previous.appId() + "; duration " + (change > 0 ? "+" : "-") + percent);
      } else if (worse) {
        notes.add("slower by " + percent + " than " + previous.appId() + " after changing " + changed
            + ": reverting those settings");
      } else {
        notes.add((change <= 0 ? "faster by " : "within noise, +") + percent + " than " + previous.appId()
            + ": keeping " + changed);
      }
    }
    if (!worse || changed.isEmpty()) {
      List<Recommendation> ordered = new ArrayList<>(recommendations);
      ordered.sort(Comparator.comparing(Recommendation::confidence, Comparator.comparingInt(Confidence::ordinal)));
      int applied = 0;
      for (Recommendation recommendation : ordered) {
        if (applied == MAX_KNOBS) {
          break;
        }
        Map<String, String> step = new LinkedHashMap<>();
        for (Map.Entry<String, String> setting : recommendation.settings().entrySet()) {
          String key = setting.getKey();
          if (!setting.getValue().equals(current.configuration().get(key)) && !next.containsKey(key)
              && !reverted.contains(key + "=" + setting.getValue())) {
            step.put(key, setting.getValue());
          }
        }
        if (!step.isEmpty()) {
          next.putAll(step);
          notes.add("try " + step + " (" + recommendation.ruleId() + ", confidence " + recommendation.confidence() + ")");
          applied++;
        }
      }
      if (applied == 0) {
        notes.add("nothing new to try: the configuration stays as it is");
      }
    }
    Comparison comparison = compare(runs, current, qualification.targetDevice());
    mapper.writeValue(temporary(file).toFile(), new JobHistory(job, runs, new ArrayList<>(reverted)));
    Files.move(temporary(file), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new HistoryReport(job, runs.size(), previous == null ? null : previous.appId(), change, changed, next, notes,
        comparison.rows(), comparison.overall(), comparison.device(), comparison.basis());
  }

  private record Comparison(List<HistoryReport.ExecutionComparison> rows, HistoryReport.ExecutionComparison overall,
      String device, String basis) {
    static final Comparison NONE = new Comparison(List.of(), null, null, "");
  }

  /**
   * The description with the bench's engine label removed ({@code "tpch q1 (spark, iteration 1 of 1)"} and
   * {@code "tpch q1 (ember, iteration 1 of 1)"} are the same query), so the runs pair by query.
   */
  static String query(String description) {
    return description.replaceFirst("\\((spark|ember), ", "(");
  }

  /** The hardware model device an Ember run's device corresponds to: the host device is {@code cpu}. */
  private static String modelDevice(String emberDevice, java.util.Set<String> known, String fallback) {
    if (emberDevice == null) {
      return fallback;
    }
    String name = emberDevice.equalsIgnoreCase("host") ? "cpu" : emberDevice.toLowerCase(java.util.Locale.ROOT);
    return known.contains(name) ? name : fallback;
  }

  /**
   * This run against the latest run of the other engine, per SQL execution: paired by description (with
   * the bench's engine label removed) and occurrence when every Ember execution finds its Spark one, else
   * by position. Predictions are those the Spark run's qualification made for the device the Ember run used.
   */
  private static Comparison compare(List<RunRecord> runs, RunRecord current, String targetDevice) {
    RunRecord other = null;
    for (RunRecord run : runs) {
      if (run.ember() != current.ember()) {
        other = run;
      }
    }
    if (other == null) {
      return Comparison.NONE;
    }
    RunRecord spark = current.ember() ? other : current;
    RunRecord ember = current.ember() ? current : other;
    java.util.Set<String> known = new java.util.HashSet<>();
    spark.executions().forEach(execution -> known.addAll(execution.predictedSpeedups().keySet()));
    String device = modelDevice(ember.emberDevice(), known, targetDevice);
    List<int[]> pairs = pairByQuery(spark.executions(), ember.executions());
    List<HistoryReport.ExecutionComparison> result = new ArrayList<>();
    double sparkTotal = 0;
    double emberTotal = 0;
    double predictedEmberTotal = 0;
    for (int[] pair : pairs) {
      RunRecord.ExecutionRecord cpu = spark.executions().get(pair[0]);
      RunRecord.ExecutionRecord gpu = ember.executions().get(pair[1]);
      if (cpu.taskTimeMs() <= 0 && gpu.taskTimeMs() <= 0) {
        continue; // no task ran on either side (a view's creation, a command): nothing to compare
      }
      double predicted = cpu.predictedSpeedups().getOrDefault(device, 1.0);
      double actual = gpu.taskTimeMs() <= 0 ? 0 : (double) cpu.taskTimeMs() / gpu.taskTimeMs();
      result.add(new HistoryReport.ExecutionComparison(pair[0], cpu.description(), cpu.taskTimeMs(), gpu.taskTimeMs(),
          predicted, actual));
      sparkTotal += cpu.taskTimeMs();
      emberTotal += gpu.taskTimeMs();
      predictedEmberTotal += predicted > 0 ? cpu.taskTimeMs() / predicted : cpu.taskTimeMs();
    }
    HistoryReport.ExecutionComparison overall = result.isEmpty() ? null : new HistoryReport.ExecutionComparison(-1,
        "all " + result.size() + " compared executions", Math.round(sparkTotal), Math.round(emberTotal),
        predictedEmberTotal <= 0 ? 1 : sparkTotal / predictedEmberTotal, emberTotal <= 0 ? 0 : sparkTotal / emberTotal);
    String basis = spark.predictionBasis() == null ? "" : spark.predictionBasis().getOrDefault(device, "");
    return new Comparison(result, overall, device, basis);
  }

  /** Index pairs (Spark, Ember): by query description and occurrence when all match, else by position. */
  private static List<int[]> pairByQuery(List<RunRecord.ExecutionRecord> spark, List<RunRecord.ExecutionRecord> ember) {
    Map<String, List<Integer>> sparkByQuery = new LinkedHashMap<>();
    for (int i = 0; i < spark.size(); i++) {
      sparkByQuery.computeIfAbsent(query(spark.get(i).description()), key -> new ArrayList<>()).add(i);
    }
    Map<String, Integer> used = new java.util.HashMap<>();
    List<int[]> byQuery = new ArrayList<>();
    for (int j = 0; j < ember.size(); j++) {
      String key = query(ember.get(j).description());
      List<Integer> candidates = sparkByQuery.getOrDefault(key, List.of());
      int occurrence = used.merge(key, 1, Integer::sum) - 1;
      if (occurrence >= candidates.size()) {
        byQuery = null;
        break;
      }
      byQuery.add(new int[] {candidates.get(occurrence), j});
    }
    if (byQuery != null) {
      return byQuery;
    }
    List<int[]> byPosition = new ArrayList<>();
    for (int i = 0; i < Math.min(spark.size(), ember.size()); i++) {
      byPosition.add(new int[] {i, i});
    }
    return byPosition;
  }

  private static RunRecord toRecord(ApplicationModel app, RunMetrics metrics, ApplicationQualification qualification,
      List<Recommendation> recommendations) {
    Set<String> keys = new LinkedHashSet<>(TRACKED);
    for (Recommendation recommendation : recommendations) {
      keys.addAll(recommendation.settings().keySet());
    }
    Map<String, String> configuration = new LinkedHashMap<>();
    for (String key : keys) {
      String value = app.sparkProperty(key, null);
      if (value != null) {
        configuration.put(key, value);
      }
    }
    Map<Long, ExecutionQualification> byId = new LinkedHashMap<>();
    for (ExecutionQualification execution : qualification.executions()) {
      byId.put(execution.executionId(), execution);
    }
    List<RunRecord.ExecutionRecord> executions = new ArrayList<>();
    for (SqlExecutionModel execution : app.sqlExecutions()) {
      ExecutionQualification verdict = byId.get(execution.executionId());
      Map<String, Double> predicted = new LinkedHashMap<>();
      long taskTime = 0;
      if (verdict != null) {
        taskTime = Math.round(verdict.taskTimeMs());
        for (SpeedupEstimate estimate : verdict.estimates().values()) {
          predicted.put(estimate.device(), Math.round(estimate.speedup() * 1000) / 1000.0);
        }
      }
      executions.add(new RunRecord.ExecutionRecord(execution.executionId(), execution.description(), execution.duration(),
          taskTime, predicted));
    }
    long fallback = 0;
    for (UnsupportedOperator operator : qualification.topUnsupported()) {
      fallback += Math.round(operator.taskTimeMs());
    }
    String appId = app.attemptId() == null ? app.appId() : app.appId() + "_" + app.attemptId();
    String emberDevice = qualification.emberRun() ? app.sparkProperty("spark.ember.device.chosen",
        app.sparkProperty("spark.ember.device", null)) : null;
    Map<String, String> basis = new LinkedHashMap<>();
    for (SpeedupEstimate estimate : qualification.estimates().values()) {
      basis.put(estimate.device(), estimate.basis());
    }
    return new RunRecord(appId, app.startTime(), app.duration(), qualification.emberRun(), configuration,
        metrics.taskTime(), metrics.diskSpilled(), metrics.gcShare(), fallback, executions,
        dev.ember.tuner.rules.RuleEngine.mergedSettings(recommendations), emberDevice, basis);
  }

  private static Path temporary(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  /** A file name safe on every file system for any application name. */
  static String fileName(String job) {
    StringBuilder name = new StringBuilder();
    for (char c : job.toCharArray()) {
      name.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
    }
    String base = name.length() > 80 ? name.substring(0, 80) : name.toString();
    return base + "-" + Integer.toHexString(job.hashCode()) + ".json";
  }
}
