package dev.ember.bench.run;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/** The median of a list of measurements. */
public final class Median {
  private Median() {}

  /**
   * Returns the middle value of {@code values} (the mean of the two middle values for an even
   * count), or NaN when the list is empty.
   */
  public static double of(List<Double> values) {
    requireNonNull(values, "values is null");
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int middle = sorted.size() / 2;
    if (sorted.size() % 2 == 1) {
      return sorted.get(middle);
    }
    return (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
