package io.ridgeline.glm;

/**
 * Anderson extrapolation of coordinate descent's iterates on a fixed support (skglm's acceleration of
 * working-set solvers; Bertrand &amp; Massias, "Anderson acceleration of coordinate descent", AISTATS 2021).
 * On a fixed support a sweep of descent is a linear map x ↦ Tx + b, so its iterates converge linearly at
 * the rate of T's largest eigenvalue, slowly when the problem is ill-conditioned. From the last K + 1
 * iterates x₀…x_K with differences U = [x₁ − x₀, …, x_K − x_{K−1}],
 * <pre>
 *   c = argmin ‖U c‖  subject to Σc = 1   (c = z / Σz, (UᵀU) z = 1),     x̂ = Σ_{i=1..K} c_i x_i
 * </pre>
 * is the point a degree-K polynomial in T reaches; the caller keeps it only if it lowers the objective.
 * The buffer is allocated once per support size and reused.
 */
final class AndersonExtrapolation {
  /** Iterates combined per extrapolation, minus one (skglm's default). */
  static final int DEPTH = 5;

  /** K: this buffer's depth. */
  final int depth;
  private double[][] iterates;
  private int stored;
  private final double[] gram;
  private final double[] z;

  AndersonExtrapolation(int depth) {
    this.depth = depth;
    iterates = new double[depth + 1][0];
    gram = new double[depth * depth];
    z = new double[depth];
  }

  /** Forgets the stored iterates (the support changed, or an extrapolation was tried). */
  void clear() {
    stored = 0;
  }

  /** Stores β over {@code support[0..count)}; whether K + 1 iterates are now stored. */
  boolean record(double[] beta, int[] support, int count) {
    if (iterates[0].length < count) iterates = new double[depth + 1][count];
    double[] x = iterates[stored++];
    for (int a = 0; a < count; a++) x[a] = beta[support[a]];
    return stored == depth + 1;
  }

  /**
   * The extrapolated point over the support written into β; false (β untouched) when UᵀU is singular
   * to working precision.
   */
  boolean extrapolate(double[] beta, int[] support, int count) {
    int k = depth;
    for (int i = 0; i < k; i++) {
      for (int l = i; l < k; l++) {
        double s = 0;
        double[] xi1 = iterates[i + 1];
        double[] xi0 = iterates[i];
        double[] xl1 = iterates[l + 1];
        double[] xl0 = iterates[l];
        for (int a = 0; a < count; a++) s += (xi1[a] - xi0[a]) * (xl1[a] - xl0[a]);
        gram[i * k + l] = s;
        gram[l * k + i] = s;
      }
    }
    if (!choleskySolveOnes(k)) return false;
    double total = 0;
    for (int i = 0; i < k; i++) total += z[i];
    if (!(Math.abs(total) > 0) || !Double.isFinite(total)) return false;
    for (int a = 0; a < count; a++) {
      double x = 0;
      for (int i = 0; i < k; i++) x += z[i] / total * iterates[i + 1][a];
      beta[support[a]] = x;
    }
    return true;
  }

  /** Solves (UᵀU) z = 1 by Cholesky; false if a pivot is not positive beyond rounding. */
  private boolean choleskySolveOnes(int k) {
    double scale = 0;
    for (int i = 0; i < k; i++) scale = Math.max(scale, gram[i * k + i]);
    if (!(scale > 0)) return false;
    double[] g = gram;
    for (int i = 0; i < k; i++) {
      for (int l = 0; l <= i; l++) {
        double s = g[i * k + l];
        for (int m = 0; m < l; m++) s -= g[i * k + m] * g[l * k + m];
        if (i == l) {
          if (!(s > 1e-14 * scale)) return false;
          g[i * k + i] = Math.sqrt(s);
        } else {
          g[i * k + l] = s / g[l * k + l];
        }
      }
    }
    for (int i = 0; i < k; i++) {
      double s = 1;
      for (int m = 0; m < i; m++) s -= g[i * k + m] * z[m];
      z[i] = s / g[i * k + i];
    }
    for (int i = k - 1; i >= 0; i--) {
      double s = z[i];
      for (int m = i + 1; m < k; m++) s -= g[m * k + i] * z[m];
      z[i] = s / g[i * k + i];
    }
    return true;
  }
}
