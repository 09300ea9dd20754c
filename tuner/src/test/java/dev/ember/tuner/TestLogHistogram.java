package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.model.LogHistogram;
import dev.ember.tuner.rules.Sizes;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestLogHistogram {
  @Test
  void estimatesQuantilesWithinTheBucketError() {
    long seed = 20261124L;
    System.out.println("seed " + seed);
    Random random = new Random(seed);
    LogHistogram histogram = new LogHistogram();
    long[] values = new long[10_001];
    for (int i = 0; i < values.length; i++) {
      values[i] = (long) Math.exp(random.nextDouble() * 20);
      histogram.add(values[i]);
    }
    Arrays.sort(values);
    for (double quantile : new double[] {0.1, 0.5, 0.9, 0.99}) {
      long exact = values[(int) Math.ceil(quantile * values.length) - 1];
      long estimate = histogram.quantile(quantile);
      assertTrue(Math.abs(estimate - exact) <= 0.2 * exact + 1, quantile + ": " + estimate + " vs " + exact);
    }
    assertEquals(values[0], histogram.min());
    assertEquals(values[values.length - 1], histogram.max());
    assertEquals(values.length, histogram.count());
  }

  @Test
  void handlesEmptyZeroAndSingleValues() {
    LogHistogram histogram = new LogHistogram();
    assertEquals(0, histogram.median());
    histogram.add(0);
    histogram.add(-5);
    assertEquals(0, histogram.median());
    LogHistogram one = new LogHistogram();
    one.add(12345);
    assertEquals(12345, one.median(), "clamped to the exact min and max");
  }

  @Test
  void parsesAndPrintsSparkSizes() {
    assertEquals(512 * Sizes.MIB, Sizes.parseMemory("512", 0), "executor memory without a unit is MiB");
    assertEquals(512, Sizes.parseBytes("512", 0), "byte sizes without a unit are bytes");
    assertEquals(2 * Sizes.GIB, Sizes.parseMemory("2g", 0));
    assertEquals(10 * Sizes.MIB, Sizes.parseBytes("10MB", 0));
    assertEquals(-1, Sizes.parseBytes("-1", 0));
    assertEquals(7, Sizes.parseBytes("lots", 7));
    assertEquals("2g", Sizes.toSpark(2 * Sizes.GIB));
    assertEquals("1536m", Sizes.toSpark(1536 * Sizes.MIB));
    assertEquals("1.5 KiB", Sizes.human(1536));
  }
}
