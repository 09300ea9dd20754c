package dev.ember.tuner.model;

import java.util.Arrays;

/**
 * A bounded-memory histogram of non-negative longs with logarithmic buckets (four per power of two,
 * so any quantile it reports is within about 19% of the true value). Used for per-stage task
 * distributions so that no task is ever kept. Exact count, sum, minimum and maximum are kept too.
 *
 * <p>Not thread safe.
 */
public final class LogHistogram {
  private static final int SUB_BUCKETS = 4;

  private int[] counts = new int[0];
  private long count;
  private long sum;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;

  /** Records one value; negative values count as zero. */
  public void add(long value) {
    long v = Math.max(0, value);
    int bucket = bucketOf(v);
    if (bucket >= counts.length) {
      counts = Arrays.copyOf(counts, bucket + 1);
    }
    counts[bucket]++;
    count++;
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }

  public long count() {
    return count;
  }

  public long sum() {
    return sum;
  }

  /** The smallest value recorded, 0 when empty. */
  public long min() {
    return count == 0 ? 0 : min;
  }

  /** The largest value recorded, 0 when empty. */
  public long max() {
    return count == 0 ? 0 : max;
  }

  /** The mean, 0 when empty. */
  public double mean() {
    return count == 0 ? 0 : (double) sum / count;
  }

  /**
   * An estimate of the given quantile: the geometric middle of the bucket holding it, clamped to the
   * exact minimum and maximum. 0 when empty.
   *
   * @param quantile between 0 and 1
   */
  public long quantile(double quantile) {
    if (quantile < 0 || quantile > 1) {
      throw new IllegalArgumentException("quantile must be within [0, 1]: " + quantile);
    }
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * count));
    long seen = 0;
    for (int bucket = 0; bucket < counts.length; bucket++) {
      seen += counts[bucket];
      if (seen >= rank) {
        long estimate = middleOf(bucket);
        return Math.max(min, Math.min(max, estimate));
      }
    }
    return max;
  }

  /** The median estimate; see {@link #quantile(double)}. */
  public long median() {
    return quantile(0.5);
  }

  static int bucketOf(long value) {
    if (value < 1) {
      return 0;
    }
    int log = 63 - Long.numberOfLeadingZeros(value);
    int fraction = log >= 2 ? (int) ((value >>> (log - 2)) & (SUB_BUCKETS - 1)) : (int) ((value << (2 - log)) & (SUB_BUCKETS - 1));
    return 1 + log * SUB_BUCKETS + fraction;
  }

  private static long middleOf(int bucket) {
    if (bucket == 0) {
      return 0;
    }
    int log = (bucket - 1) / SUB_BUCKETS;
    int fraction = (bucket - 1) % SUB_BUCKETS;
    double low = Math.pow(2, log) * (1 + fraction / (double) SUB_BUCKETS);
    double high = Math.pow(2, log) * (1 + (fraction + 1) / (double) SUB_BUCKETS);
    return Math.round(Math.sqrt(low * high));
  }
}
