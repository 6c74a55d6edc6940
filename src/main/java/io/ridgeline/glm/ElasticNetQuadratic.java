package io.ridgeline.glm;

import java.util.stream.IntStream;

/**
 * The penalized quadratic problem both fast engines reduce to: least squares from {@link Gram}
 * statistics ({@link GaussianSolver}) and each Newton step of logistic regression
 * ({@link LogisticEngine}):
 * <pre>
 *   Q(β) = ½βᵀAβ − cᵀβ + l1·Σ_j π_j|β_j| + ½·l2·Σ_j π_j²β_j²
 * </pre>
 * over the features with σ_j &gt; 0; the others stay at 0 (MLlib's convention for constant features).
 * π_j is the per-feature penalty scale (σ_j under standardization, else 1).
 *
 * <p>For l1 = 0 (ridge): Cholesky on (A + diag(l2·π²))β = c. Otherwise coordinate descent in covariance
 * mode (Friedman, Hastie &amp; Tibshirani 2010, §2.2): with g = Aβ kept up to date,
 * <pre>
 *   β_j ← S(c_j − g_j + A_jjβ_j, l1·π_j) / (A_jj + l2·π_j²),   S(z, t) = sign(z)·max(|z| − t, 0),
 * </pre>
 * each change δ costs one column update g += δA_{·j}. From the warm start given; after each full
 * sweep only the active set (non-zero β_j) is swept until it settles, then a full sweep confirms the
 * KKT conditions. Converged when no coordinate moves the fit by more than {@code tolerance}
 * (|δ_j|·σ_j, in the units of the fitted values); a descent stopped by the sweep cap says so. Once the
 * support and signs are known (a warm start, or a loose descent) the minimizer is one linear solve on
 * the support, checked against the KKT conditions ({@link #minimize}).
 */
final class ElasticNetQuadratic {
  static final int MAX_SWEEPS = 1_000_000;
  /** The descent's tolerance before the exact solve on its support is tried. */
  private static final double LOOSE = 1e-6;

  /** The sweeps a minimization made (0 for Cholesky) and whether it met the tolerance within the cap. */
  record Descent(int sweeps, boolean converged) {}

  private final int p;
  /** p × p, row-major, symmetric. */
  private final double[] a;
  private final double[] c;
  private final double[] penalty;
  private final double[] sigma;
  private final double tolerance;
  private final int maxSweeps;

  /**
   * @param a         p × p row-major, symmetric positive semi-definite
   * @param penalty   π_j
   * @param sigma     σ_j: the unit of convergence; σ_j = 0 keeps β_j at 0
   * @param tolerance largest coordinate move |δ_j|·σ_j at convergence
   */
  ElasticNetQuadratic(int p, double[] a, double[] c, double[] penalty, double[] sigma, double tolerance) {
    this(p, a, c, penalty, sigma, tolerance, MAX_SWEEPS);
  }

  /** As above, with a cap on the coordinate-descent sweeps. */
  ElasticNetQuadratic(int p, double[] a, double[] c, double[] penalty, double[] sigma, double tolerance,
      int maxSweeps) {
    this.maxSweeps = maxSweeps;
    this.p = p;
    this.a = a;
    this.c = c;
    this.penalty = penalty;
    this.sigma = sigma;
    this.tolerance = tolerance;
  }

  /**
   * Minimizes Q in place, from the β given. With l1 &gt; 0: first the exact solve on the warm start's
   * support and signs ({@link #onSupport}); else coordinate descent to a loose tolerance (1e−6, or the
   * tolerance if looser) and the exact solve on the support it found; else descent to the tolerance.
   */
  Descent minimize(double[] beta, double l1, double l2) {
    if (l1 == 0) {
      System.arraycopy(ridge(l2), 0, beta, 0, p);
      return new Descent(0, true);
    }
    if (onSupport(beta, l1, l2)) return new Descent(0, true);
    Descent loose = descend(beta, multiply(beta), l1, l2, Math.max(tolerance, LOOSE), maxSweeps);
    if (!loose.converged() || onSupport(beta, l1, l2)) return loose;   // the cap ended it, or solved
    Descent tight = descend(beta, multiply(beta), l1, l2, tolerance, maxSweeps - loose.sweeps());
    return new Descent(loose.sweeps() + tight.sweeps(), tight.converged());
  }

  /**
   * The exact minimizer if β's support S and signs s are the optimum's: β_S solves
   * (A_SS + l2·diag(π²))β_S = c_S − l1·π_S∘s_S, kept if every sign holds and every j ∉ S meets its KKT
   * condition |c_j − (Aβ)_j| ≤ l1·π_j (to 1e−12 relative); whether it was kept.
   */
  boolean onSupport(double[] beta, double l1, double l2) {
    int[] support = IntStream.range(0, p).filter(j -> sigma[j] > 0 && beta[j] != 0).toArray();
    double[] rhs = new double[support.length];
    for (int r = 0; r < support.length; r++) {
      int j = support[r];
      rhs[r] = c[j] - l1 * penalty[j] * Math.signum(beta[j]);
    }
    double[] x = choleskySolve(support, l2, rhs);
    if (x == null) return false;
    for (int r = 0; r < support.length; r++) {
      if (Math.signum(x[r]) != Math.signum(beta[support[r]])) return false;
    }
    double[] candidate = new double[p];
    for (int r = 0; r < support.length; r++) candidate[support[r]] = x[r];
    double[] g = multiply(candidate);
    for (int j = 0; j < p; j++) {
      if (!(sigma[j] > 0) || candidate[j] != 0) continue;
      double z = c[j] - g[j];
      if (Math.abs(z) > l1 * penalty[j] * (1 + 1e-12)) return false;
    }
    System.arraycopy(candidate, 0, beta, 0, p);
    return true;
  }

  /** Q(β). */
  double value(double[] beta, double l1, double l2) {
    double f = 0;
    for (int j = 0; j < p; j++) {
      double s = 0;
      for (int i = 0; i < p; i++) s += a[j * p + i] * beta[i];
      f += 0.5 * beta[j] * s - c[j] * beta[j] + l1 * penalty[j] * Math.abs(beta[j])
          + 0.5 * l2 * penalty[j] * penalty[j] * beta[j] * beta[j];
    }
    return f;
  }

  /** Coordinate descent from the current β (g = Aβ on entry and exit), to the tolerance, at most {@code cap} sweeps. */
  private Descent descend(double[] beta, double[] g, double l1, double l2, double tolerance, int cap) {
    double[] l1j = new double[p];
    double[] denominator = new double[p];
    for (int j = 0; j < p; j++) {
      l1j[j] = l1 * penalty[j];
      denominator[j] = a[j * p + j] + l2 * penalty[j] * penalty[j];
    }
    boolean[] active = new boolean[p];
    int sweeps = 0;
    while (sweeps < cap) {
      sweeps++;
      if (sweep(beta, g, l1j, denominator, null) <= tolerance) return new Descent(sweeps, true);
      for (int j = 0; j < p; j++) active[j] = beta[j] != 0;
      while (sweeps < cap) {
        sweeps++;
        if (sweep(beta, g, l1j, denominator, active) <= tolerance) break;
      }
    }
    return new Descent(sweeps, false);
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

  /** (A + diag(l2·π²))β = c by Cholesky, over the features that vary. */
  private double[] ridge(double l2) {
    int[] keep = IntStream.range(0, p).filter(j -> sigma[j] > 0).toArray();
    double[] rhs = new double[keep.length];
    for (int r = 0; r < keep.length; r++) rhs[r] = c[keep[r]];
    double[] x = choleskySolve(keep, l2, rhs);
    if (x == null) throw new IllegalStateException("the ridge system is not positive definite");
    double[] beta = new double[p];
    for (int r = 0; r < keep.length; r++) beta[keep[r]] = x[r];
    return beta;
  }

  /** (A_KK + diag(l2·π_K²))x = rhs by Cholesky over the features {@code keep}; null if not positive definite. */
  private double[] choleskySolve(int[] keep, double l2, double[] rhs) {
    int m = keep.length;
    double[] l = new double[m * m];
    for (int r = 0; r < m; r++) {
      for (int s = 0; s <= r; s++) {
        double v = a[keep[r] * p + keep[s]];
        if (r == s) v += l2 * penalty[keep[r]] * penalty[keep[r]];
        l[r * m + s] = v;
      }
    }
    // In place: L Lᵀ = M (lower triangle).
    for (int j = 0; j < m; j++) {
      double d = l[j * m + j];
      for (int q = 0; q < j; q++) d -= l[j * m + q] * l[j * m + q];
      if (!(d > 0)) return null;
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
      double v = rhs[r];
      for (int q = 0; q < r; q++) v -= l[r * m + q] * z[q];
      z[r] = v / l[r * m + r];
    }
    double[] x = new double[m];
    for (int r = m - 1; r >= 0; r--) {
      double v = z[r];
      for (int q = r + 1; q < m; q++) v -= l[q * m + r] * x[q];
      x[r] = v / l[r * m + r];
    }
    return x;
  }

  /** Aβ. */
  double[] multiply(double[] beta) {
    double[] g = new double[p];
    for (int j = 0; j < p; j++) {
      if (beta[j] == 0) continue;
      for (int i = 0; i < p; i++) g[i] += beta[j] * a[j * p + i];
    }
    return g;
  }
}
