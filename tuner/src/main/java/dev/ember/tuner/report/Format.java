package dev.ember.tuner.report;

import java.util.Locale;

/** Number formatting shared by the reports. */
final class Format {
  private Format() {}

  static String millis(double ms) {
    if (ms < 1000) {
      return Math.round(ms) + " ms";
    }
    if (ms < 120_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }
    if (ms < 7_200_000) {
      return String.format(Locale.ROOT, "%.1f min", ms / 60_000);
    }
    return String.format(Locale.ROOT, "%.1f h", ms / 3_600_000);
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  static String factor(double value) {
    return String.format(Locale.ROOT, "%.2fx", value);
  }

  /** The speedup with its interval when the device is calibrated, e.g. {@code 0.62x (0.51x-0.79x)}. */
  static String estimate(dev.ember.tuner.qualification.SpeedupEstimate estimate) {
    double[] interval = estimate.interval();
    if (interval == null) {
      return factor(estimate.speedup());
    }
    return factor(estimate.speedup()) + " (" + factor(interval[0]) + "-"
        + (Double.isInfinite(interval[1]) ? "?" : factor(interval[1])) + ")";
  }

  /** One line of user text (queries, descriptions): newlines flattened, long text cut. */
  static String oneLine(String text, int max) {
    String line = text == null ? "" : text.replaceAll("\\s+", " ").trim();
    return line.length() > max ? line.substring(0, max - 3) + "..." : line;
  }
}
