package dev.ember.bench.run;

/** Which of the two applications of a benchmark run: Spark alone, or Spark with Ember. */
public enum RunMode {
  /** Spark alone: no plugin loaded. */
  SPARK("spark"),
  /** Spark with {@code spark.plugins=dev.ember.EmberPlugin}. */
  EMBER("ember");

  private final String label;

  RunMode(String label) {
    this.label = label;
  }

  /** The lower-case name used in application names, event log names and progress lines. */
  public String label() {
    return label;
  }
}
