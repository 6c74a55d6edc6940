package io.ridgeline.linear;

import io.ridgeline.config.SweepSpec.ModelSpec;

/**
 * Solves MLlib's elastic-net least-squares problem exactly from {@link Gram} statistics, for a whole λ
 * path at once.
 *
 * <p>The objective is the one MLlib's normal-equation solver ({@code WeightedLeastSquares}) minimizes,
 * written in the original coordinates:
 * <pre>
 *   F(β, b₀) = 1/(2n)·Σw(y − b₀ − xᵀβ)² + λα·Σ_j π_j|β_j| + ½·λ(1−α)/σ_y·Σ_j π_j²β_j²
 * </pre>
 * with π_j = σ_j under standardization and 1 without; σ_j and σ_y are the weighted population (1/n)
 * standard deviations, centred (also without an intercept, as MLlib). With an intercept, b₀ = ȳ − x̄ᵀβ
 * and the loss is ½βᵀAβ − cᵀβ + const with A = Cov_w(x), c = Cov_w(x, y); without, A = E_w[xxᵀ],
 * c = E_w[xy]. Features with σ_j = 0 keep β_j = 0.
 *
 * <p>For α·λ = 0 (ridge): Cholesky on (A + diag(l2))β = c. Otherwise coordinate descent in covariance
 * mode (Friedman, Hastie &amp; Tibshirani 2010, §2.2): with g = Aβ kept up to date,
 * <pre>
 *   β_j ← S(c_j − g_j + A_jjβ_j, l1_j) / (A_jj + l2_j),   S(z, t) = sign(z)·max(|z| − t, 0),
 * </pre>
 * l1_j = λαπ_j, l2_j = λ(1−α)π_j²/σ_y; each change δ costs one column update g += δA_{·j}. Warm
 * starts down the λ path; after each full sweep only the active set (non-zero β_j) is swept until it
 * settles, then a full sweep confirms the KKT conditions. Converged when no coordinate moves the fit by
 * more than 1e−13·σ_y (|δ_j|·σ_j, in units of y).
 */
final class GaussianSolver {
  private static final double TOLERANCE = 1e-13;
  private static final int MAX_SWEEPS = 1_000_000;

  /** A solution and the coordinate-descent sweeps it took (0 for Cholesky). */
  record Solution(double[] beta, double intercept, int sweeps) {}

  private final int p;
  private final boolean intercept;
  private final boolean standardize;
  /** p × p, row-major. */
  private final double[] a;
  private final double[] c;
  private final double[] sigma;
  private final double[] mean;
  private final double yMean;
  private final double ySigma;

  GaussianSolver(Gram g, ModelSpec spec) {
    p = g.p();
    intercept = spec.intercept();
    standardize = spec.standardize();
    double n = g.n();
    yMean = g.sy() / n;
    ySigma = Math.sqrt(Math.max(0, g.syy() / n - yMean * yMean));
    mean = new double[p];
    sigma = new double[p];
    c = new double[p];
    a = new double[p * p];
    for (int j = 0; j < p; j++) {
      mean[j] = g.sx()[j] / n;
      sigma[j] = Math.sqrt(Math.max(0, g.sxx()[Gram.packed(j, j)] / n - mean[j] * mean[j]));
    }
    for (int j = 0; j < p; j++) {
      c[j] = g.sxy()[j] / n - (intercept ? mean[j] * yMean : 0);
      for (int i = 0; i <= j; i++) {
        double v = g.sxx()[Gram.packed(i, j)] / n - (intercept ? mean[i] * mean[j] : 0);
        a[i * p + j] = v;
        a[j * p + i] = v;
      }
    }
    if (!(ySigma > 0)) {
      throw new IllegalArgumentException("the label is constant in a training set: MLlib cannot regularize it");
    }
  }

  /** Solutions for the given λ (in the given order, warm-started from one to the next). */
  Solution[] path(double alpha, double[] lambdas) {
    Solution[] out = new Solution[lambdas.length];
    double[] beta = new double[p];
    double[] g = new double[p];
    for (int l = 0; l < lambdas.length; l++) {
      double lambda = lambdas[l];
      int sweeps;
      if (alpha * lambda == 0) {
        beta = ridge(lambda * (1 - alpha));
        g = multiply(beta);
        sweeps = 0;
      } else {
        sweeps = descend(beta, g, alpha, lambda);
      }
      out[l] = new Solution(beta.clone(), interceptFor(beta), sweeps);
    }
    return out;
  }

  /**
   * MLlib's objective at β (the intercept at its optimum b₀ = ȳ − x̄ᵀβ, or 0), up to a constant that
   * does not depend on β: ½βᵀAβ − cᵀβ + Σ_j (λαπ_j|β_j| + ½λ(1−α)π_j²β_j²/σ_y).
   */
  double objective(double alpha, double lambda, double[] beta) {
    double f = 0;
    for (int j = 0; j < p; j++) {
      double pi = penaltyScale(j);
      double s = 0;
      for (int i = 0; i < p; i++) s += a[j * p + i] * beta[i];
      f += 0.5 * beta[j] * s - c[j] * beta[j]
          + lambda * alpha * pi * Math.abs(beta[j]) + 0.5 * lambda * (1 - alpha) * pi * pi * beta[j] * beta[j] / ySigma;
    }
    return f;
  }

  private double interceptFor(double[] beta) {
    if (!intercept) return 0;
    double b0 = yMean;
    for (int j = 0; j < p; j++) b0 -= beta[j] * mean[j];
    return b0;
  }

  private double penaltyScale(int j) {
    return standardize ? sigma[j] : 1;
  }

  /** Coordinate descent from the current β (g = Aβ on entry and exit); returns the sweeps made. */
  private int descend(double[] beta, double[] g, double alpha, double lambda) {
    double[] l1 = new double[p];
    double[] denominator = new double[p];
    for (int j = 0; j < p; j++) {
      double pi = penaltyScale(j);
      l1[j] = lambda * alpha * pi;
      denominator[j] = a[j * p + j] + lambda * (1 - alpha) * pi * pi / ySigma;
    }
    boolean[] active = new boolean[p];
    int sweeps = 0;
    while (sweeps < MAX_SWEEPS) {
      sweeps++;
      if (sweep(beta, g, l1, denominator, null) <= TOLERANCE * ySigma) return sweeps;
      for (int j = 0; j < p; j++) active[j] = beta[j] != 0;
      while (sweeps < MAX_SWEEPS) {
        sweeps++;
        if (sweep(beta, g, l1, denominator, active) <= TOLERANCE * ySigma) break;
      }
    }
    return sweeps;
  }

  /** One pass over the coordinates (all, or those marked in {@code only}); returns the largest |δ_j|·σ_j. */
  private double sweep(double[] beta, double[] g, double[] l1, double[] denominator, boolean[] only) {
    double largest = 0;
    for (int j = 0; j < p; j++) {
      if (only != null && !only[j]) continue;
      if (!(sigma[j] > 0)) continue;
      double old = beta[j];
      double z = c[j] - g[j] + a[j * p + j] * old;
      double updated = Math.abs(z) <= l1[j] ? 0 : (z - Math.signum(z) * l1[j]) / denominator[j];
      double delta = updated - old;
      if (delta == 0) continue;
      beta[j] = updated;
      int row = j * p;
      for (int i = 0; i < p; i++) g[i] += delta * a[row + i];
      largest = Math.max(largest, Math.abs(delta) * sigma[j]);
    }
    return largest;
  }

  /** (A + diag(l2))β = c by Cholesky, over the features that vary. */
  private double[] ridge(double l2) {
    int[] keep = java.util.stream.IntStream.range(0, p).filter(j -> sigma[j] > 0).toArray();
    int m = keep.length;
    double[] l = new double[m * m];
    for (int r = 0; r < m; r++) {
      for (int s = 0; s <= r; s++) {
        double v = a[keep[r] * p + keep[s]];
        if (r == s) {
          double pi = penaltyScale(keep[r]);
          v += l2 * pi * pi / ySigma;
        }
        l[r * m + s] = v;
      }
    }
    // In place: L Lᵀ = M (lower triangle).
    for (int j = 0; j < m; j++) {
      double d = l[j * m + j];
      for (int q = 0; q < j; q++) d -= l[j * m + q] * l[j * m + q];
      if (!(d > 0)) throw new IllegalStateException("the ridge system is not positive definite");
      d = Math.sqrt(d);
      l[j * m + j] = d;
      for (int r = j + 1; r < m; r++) {
        double v = l[r * m + j];
        for (int q = 0; q < j; q++) v -= l[r * m + q] * l[j * m + q];
        l[r * m + j] = v / d;
      }
    }
    double[] z = new double[m];
    for (int r = 0; r < m; r++) {
      double v = c[keep[r]];
      for (int q = 0; q < r; q++) v -= l[r * m + q] * z[q];
      z[r] = v / l[r * m + r];
    }
    double[] x = new double[m];
    for (int r = m - 1; r >= 0; r--) {
      double v = z[r];
      for (int q = r + 1; q < m; q++) v -= l[q * m + r] * x[q];
      x[r] = v / l[r * m + r];
    }
    double[] beta = new double[p];
    for (int r = 0; r < m; r++) beta[keep[r]] = x[r];
    return beta;
  }

  private double[] multiply(double[] beta) {
    double[] g = new double[p];
    for (int j = 0; j < p; j++) {
      if (beta[j] == 0) continue;
      for (int i = 0; i < p; i++) g[i] += beta[j] * a[j * p + i];
    }
    return g;
  }
}
