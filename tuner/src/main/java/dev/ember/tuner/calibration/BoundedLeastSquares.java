package dev.ember.tuner.calibration;

import static java.util.Objects.requireNonNull;

/**
 * Box-constrained linear least squares with a ridge pull toward prior values:
 *
 * <pre>
 *   minimise  Σ_i (Σ_j a[i][j] x[j] - b[i])²  +  Σ_j penalty[j] (x[j] - prior[j])²
 *   subject to lower[j] <= x[j] <= upper[j]
 * </pre>
 *
 * solved by cyclic coordinate descent: each step minimises the objective exactly in one variable and
 * clamps it to its bounds. The objective is a convex quadratic and the constraints are a box, so the
 * sweeps converge to the global minimum (for positive penalties the minimum is unique). The tuner
 * ships without Spark and so without Apache commons-math3; a dozen variables and a few dozen rows
 * need no more than this.
 *
 * <p>Stateless; {@link #solve} allocates what it needs.
 */
public final class BoundedLeastSquares {
  private static final int MAX_SWEEPS = 100_000;
  private static final double TOLERANCE = 1e-12;

  private BoundedLeastSquares() {}

  /**
   * @param a rows × variables, not modified
   * @param b one target per row
   * @param prior the value each variable is pulled toward, and the start; clamped into its bounds
   * @param penalty the weight of that pull per variable, at least 0
   * @param lower lower bounds
   * @param upper upper bounds, at least the lower ones
   * @return the minimiser
   */
  public static double[] solve(double[][] a, double[] b, double[] prior, double[] penalty, double[] lower,
      double[] upper) {
    requireNonNull(a, "a is null");
    requireNonNull(b, "b is null");
    int variables = prior.length;
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " rows but " + b.length + " targets");
    }
    if (penalty.length != variables || lower.length != variables || upper.length != variables) {
      throw new IllegalArgumentException("prior, penalty and bounds must have one entry per variable");
    }
    for (int j = 0; j < variables; j++) {
      if (!(lower[j] <= upper[j]) || !(penalty[j] >= 0)) {
        throw new IllegalArgumentException("variable " + j + ": bounds [" + lower[j] + ", " + upper[j]
            + "] or penalty " + penalty[j] + " invalid");
      }
    }
    for (double[] row : a) {
      if (row.length != variables) {
        throw new IllegalArgumentException("a row has " + row.length + " entries, expected " + variables);
      }
    }
    double[] x = new double[variables];
    double[] columnNorm = new double[variables];
    for (int j = 0; j < variables; j++) {
      x[j] = Math.min(upper[j], Math.max(lower[j], prior[j]));
      for (double[] row : a) {
        columnNorm[j] += row[j] * row[j];
      }
    }
    double[] residual = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      residual[i] = b[i];
      for (int j = 0; j < variables; j++) {
        residual[i] -= a[i][j] * x[j];
      }
    }
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double largestStep = 0;
      for (int j = 0; j < variables; j++) {
        double curvature = columnNorm[j] + penalty[j];
        if (curvature <= 0) {
          continue;
        }
        double gradient = penalty[j] * prior[j];
        for (int i = 0; i < b.length; i++) {
          gradient += a[i][j] * (residual[i] + a[i][j] * x[j]);
        }
        double next = Math.min(upper[j], Math.max(lower[j], gradient / curvature));
        double step = next - x[j];
        if (step != 0) {
          for (int i = 0; i < b.length; i++) {
            residual[i] -= a[i][j] * step;
          }
          x[j] = next;
        }
        largestStep = Math.max(largestStep, Math.abs(step) / Math.max(Math.abs(x[j]), 1e-9));
      }
      if (largestStep < TOLERANCE) {
        break;
      }
    }
    return x;
  }
}
