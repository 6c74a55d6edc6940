package io.ridgeline.glm;

/**
 * Weighted sufficient statistics of a set of rows for squared loss: n = Σw, Σw·y, Σw·y², Σw·x (p),
 * Σw·x·y (p) and Σw·x·xᵀ (upper triangle packed column by column: element (i, j), i ≤ j, at
 * j(j+1)/2 + i). Sums of the data as given, or shifted by a constant (see {@link FoldGrams}).
 */
record Gram(int p, double n, double sy, double syy, double[] sx, double[] sxy, double[] sxx) {
  static int packed(int i, int j) {
    return i <= j ? j * (j + 1) / 2 + i : i * (i + 1) / 2 + j;
  }

  /** this − o: the statistics of the rows of this set that are not in {@code o}. */
  Gram minus(Gram o) {
    return combine(o, -1);
  }

  /** this + o: the statistics of both sets. */
  Gram plus(Gram o) {
    return combine(o, 1);
  }

  private Gram combine(Gram o, double sign) {
    return new Gram(p, n + sign * o.n, sy + sign * o.sy, syy + sign * o.syy,
        combine(sx, o.sx, sign), combine(sxy, o.sxy, sign), combine(sxx, o.sxx, sign));
  }

  private static double[] combine(double[] a, double[] b, double sign) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i] + sign * b[i];
    return out;
  }

  /**
   * Weighted sum of squared errors of ŷ = b₀ + βᵀx over these rows, from the statistics alone:
   * Σw(y − b₀ − βᵀx)² = Σwy² − 2b₀Σwy − 2βᵀΣwxy + b₀²n + 2b₀βᵀΣwx + βᵀ(Σwxxᵀ)β.
   */
  double sse(double[] beta, double intercept) {
    double bSxy = 0;
    double bSx = 0;
    double quad = 0;
    for (int j = 0; j < p; j++) {
      double bj = beta[j];
      if (bj == 0) continue;
      bSxy += bj * sxy[j];
      bSx += bj * sx[j];
      int base = j * (j + 1) / 2;
      double s = 0;
      for (int i = 0; i < j; i++) s += beta[i] * sxx[base + i];
      quad += bj * (2 * s + bj * sxx[base + j]);
    }
    double sse = syy - 2 * intercept * sy - 2 * bSxy + intercept * intercept * n + 2 * intercept * bSx + quad;
    return Math.max(0, sse);
  }
}
