package dev.ember.tuner.calibration;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.qualification.HardwareModel;
import dev.ember.tuner.qualification.OperatorCategory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Fits one device's per-category factors and transition cost to bench queries, and measures the
 * fit by leave-one-query-out cross-validation.
 *
 * <p>The model is the qualification's: {@code predicted Ember time = unchanged + Σ_c supported_c × x_c
 * + transitionRows × t}, with {@code x_c = 1 / factor_c}. It is linear in {@code x} and {@code t}, so
 * each query gives one row of a least-squares problem; dividing the row by the measured Ember time
 * makes the residual the relative error, so a 100 ms query counts as much as a 100 s one. Each
 * factor is bounded to [prior / {@value #FACTOR_RANGE}, prior × {@value #FACTOR_RANGE}] (a device is
 * not an order of magnitude off the bandwidth-scaled estimate) and the transition cost to
 * [0, {@value #MAX_TRANSITION_NANOS}] ns per row (a row/columnar conversion, not a network hop), and each variable is pulled toward the prior
 * model's value with weight {@value #PRIOR_WEIGHT} (relative): being 100% off the prior costs as
 * much as a 3% error on one query (the transition cost, whose prior is a guess, 100 times less). The pull decides categories the queries do not tell apart and
 * keeps a category seen in one query from absorbing that query's noise. Categories with no supported
 * time in any query keep the prior's factor.
 *
 * <p>Immutable and thread safe.
 */
public final class Calibrator {
  /** A fitted factor stays within the prior's factor divided or multiplied by this. */
  static final double FACTOR_RANGE = 10;
  static final double MAX_TRANSITION_NANOS = 500;
  static final double PRIOR_WEIGHT = 0.001;
  /** The transition cost's prior is a guess from no measurement at all, so its pull is this much weaker. */
  static final double TRANSITION_PRIOR_WEIGHT = PRIOR_WEIGHT / 100;

  /** The method, for the model file and the docs. */
  public static final String METHOD = "least squares on the relative error of each query's Ember task time,"
      + " unknowns 1/factor per operator category and ns per transition row, each factor bounded to the prior's /"
      + " and x " + FACTOR_RANGE + ", transition cost to [0, " + MAX_TRANSITION_NANOS + "] ns/row, a ridge"
      + " pull of relative weight " + PRIOR_WEIGHT + " (transition cost " + TRANSITION_PRIOR_WEIGHT + ") toward the prior"
      + " model; cyclic coordinate descent";

  /**
   * A fitted device.
   *
   * @param factors every category's factor: fitted ones and, for categories without data, the prior's
   * @param fitted the categories the data determined
   * @param transitionNanosPerRow the fitted transition cost
   */
  public record Fit(Map<OperatorCategory, Double> factors, List<OperatorCategory> fitted, double transitionNanosPerRow) {
    public Fit {
      factors = Map.copyOf(factors);
      fitted = List.copyOf(fitted);
    }

    /** The model's Ember task time for a query. */
    public double predictEmberTimeMs(QuerySample sample) {
      double time = sample.unchangedTimeMs() + sample.transitionRows() * transitionNanosPerRow / 1e6;
      for (Map.Entry<OperatorCategory, Double> supported : sample.supportedTimeMs().entrySet()) {
        time += supported.getValue() / factors.getOrDefault(supported.getKey(), 1.0);
      }
      return time;
    }

    /** The model's speedup for a query: Spark task time over predicted Ember task time. */
    public double predictSpeedup(QuerySample sample) {
      return sample.sparkTaskTimeMs() / predictEmberTimeMs(sample);
    }
  }

  /**
   * One query's cross-validation result.
   *
   * @param predictedSpeedup by a fit on every other query
   * @param error |predicted - measured| / measured
   */
  public record LeftOut(QuerySample sample, double predictedSpeedup, double error) {}

  private final HardwareModel.Device prior;

  /** @param prior the device whose factors and transition cost the fit starts from and is pulled toward */
  public Calibrator(HardwareModel.Device prior) {
    this.prior = requireNonNull(prior, "prior is null");
  }

  /** Fits all samples; at least one is needed. */
  public Fit fit(List<QuerySample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no query to fit");
    }
    List<OperatorCategory> categories = new ArrayList<>();
    for (OperatorCategory category : OperatorCategory.values()) {
      if (samples.stream().anyMatch(sample -> sample.supported(category) > 0)) {
        categories.add(category);
      }
    }
    int variables = categories.size() + 1;
    int transition = categories.size();
    double[][] a = new double[samples.size()][variables];
    double[] b = new double[samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      QuerySample sample = samples.get(i);
      double measured = sample.emberTaskTimeMs();
      for (int j = 0; j < categories.size(); j++) {
        a[i][j] = sample.supported(categories.get(j)) / measured;
      }
      a[i][transition] = sample.transitionRows() / 1e6 / measured;
      b[i] = 1 - sample.unchangedTimeMs() / measured;
    }
    double[] start = new double[variables];
    double[] penalty = new double[variables];
    double[] lower = new double[variables];
    double[] upper = new double[variables];
    for (int j = 0; j < categories.size(); j++) {
      double priorFactor = prior.factor(categories.get(j));
      start[j] = 1 / priorFactor;
      penalty[j] = PRIOR_WEIGHT / (start[j] * start[j]);
      lower[j] = 1 / (priorFactor * FACTOR_RANGE);
      upper[j] = FACTOR_RANGE / priorFactor;
    }
    double priorNanos = Math.min(MAX_TRANSITION_NANOS, Math.max(0, prior.transitionNanosPerRow()));
    start[transition] = priorNanos;
    double scale = Math.max(priorNanos, 1);
    penalty[transition] = TRANSITION_PRIOR_WEIGHT / (scale * scale);
    lower[transition] = 0;
    upper[transition] = MAX_TRANSITION_NANOS;

    double[] x = BoundedLeastSquares.solve(a, b, start, penalty, lower, upper);
    Map<OperatorCategory, Double> factors = new EnumMap<>(OperatorCategory.class);
    for (OperatorCategory category : OperatorCategory.values()) {
      factors.put(category, prior.factor(category));
    }
    for (int j = 0; j < categories.size(); j++) {
      factors.put(categories.get(j), 1 / x[j]);
    }
    return new Fit(factors, categories, x[transition]);
  }

  /** Each query predicted by a fit on all the others; at least two samples are needed. */
  public List<LeftOut> leaveOneOut(List<QuerySample> samples) {
    if (samples.size() < 2) {
      throw new IllegalArgumentException("leave-one-out needs at least 2 queries, got " + samples.size());
    }
    List<LeftOut> result = new ArrayList<>();
    for (int left = 0; left < samples.size(); left++) {
      List<QuerySample> training = new ArrayList<>(samples);
      QuerySample sample = training.remove(left);
      double predicted = fit(training).predictSpeedup(sample);
      double measured = sample.measuredSpeedup();
      result.add(new LeftOut(sample, predicted, Math.abs(predicted - measured) / measured));
    }
    return result;
  }

  /** The q-quantile (0..1) of the errors, by linear interpolation between order statistics. */
  public static double quantile(List<LeftOut> results, double q) {
    double[] errors = results.stream().mapToDouble(LeftOut::error).sorted().toArray();
    if (errors.length == 0) {
      throw new IllegalArgumentException("no errors");
    }
    double position = q * (errors.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(errors.length - 1, below + 1);
    return errors[below] + (position - below) * (errors[above] - errors[below]);
  }
}
