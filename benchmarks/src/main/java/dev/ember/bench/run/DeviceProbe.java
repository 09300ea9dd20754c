package dev.ember.bench.run;

import static java.util.Objects.requireNonNull;

import dev.ember.device.selection.Devices;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * Asks an executor which device Ember chose there ({@code spark.ember.device=auto} resolves per
 * executor), so the report names the device that really ran rather than the one asked for.
 *
 * <p>Runs one one-task Spark job; call on the Ember application only.
 */
public final class DeviceProbe implements Function<Integer, String> {
  private static final long serialVersionUID = 1L;

  /** Returns the device description of the executor that ran the probe's task. */
  public static String chosenDevice(SparkSession spark) {
    requireNonNull(spark, "spark is null");
    spark.sparkContext().setJobDescription("ember bench: which device Ember chose");
    try {
      List<String> answers =
          JavaSparkContext.fromSparkContext(spark.sparkContext())
              .parallelize(List.of(0), 1)
              .map(new DeviceProbe())
              .collect();
      return answers.isEmpty() ? "unknown" : oneLine(answers.get(0));
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  /**
   * The plugin's description can carry a multi-line native-library error; a report line keeps its
   * first line (what was chosen) and its last line (what to do).
   */
  static String oneLine(String description) {
    String[] lines = description.strip().split("\\R");
    if (lines.length <= 1) {
      return description.strip();
    }
    return lines[0].strip() + " ... " + lines[lines.length - 1].strip();
  }

  @Override
  public String call(Integer ignored) {
    return Devices.describe();
  }
}
