package dev.ember.tuner.rules;

import java.util.Locale;

/** Spark's size strings ({@code 512m}, {@code 1g}, {@code 10485760}) to bytes and back. */
public final class Sizes {
  public static final long MIB = 1L << 20;
  public static final long GIB = 1L << 30;

  private Sizes() {}

  /** Parses a size; unsuffixed numbers are bytes. Returns the fallback for null or bad text. */
  public static long parseBytes(String text, long fallback) {
    return parse(text, 1, fallback);
  }

  /** Parses a size whose unsuffixed numbers are MiB ({@code spark.executor.memory} style). */
  public static long parseMemory(String text, long fallback) {
    return parse(text, MIB, fallback);
  }

  private static long parse(String text, long unit, long fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    String value = text.trim().toLowerCase(Locale.ROOT);
    long multiplier = unit;
    String digits = value;
    char last = value.charAt(value.length() - 1);
    if (value.endsWith("b") && value.length() > 1 && Character.isLetter(value.charAt(value.length() - 2))) {
      digits = value.substring(0, value.length() - 1);
      last = digits.charAt(digits.length() - 1);
    }
    switch (last) {
      case 'k' -> multiplier = 1L << 10;
      case 'm' -> multiplier = MIB;
      case 'g' -> multiplier = GIB;
      case 't' -> multiplier = 1L << 40;
      case 'b' -> multiplier = 1;
      default -> { }
    }
    if (Character.isLetter(last)) {
      digits = digits.substring(0, digits.length() - 1);
    }
    try {
      return Long.parseLong(digits.trim()) * multiplier;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** Bytes as a Spark size string, rounded to whole MiB ({@code 64m}) or GiB when exact ({@code 2g}). */
  public static String toSpark(long bytes) {
    long mib = Math.max(1, (bytes + MIB - 1) / MIB);
    return mib % 1024 == 0 ? (mib / 1024) + "g" : mib + "m";
  }

  /** Bytes for humans: {@code 1.5 GiB}, {@code 12.0 MiB}, {@code 300 B}. */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
