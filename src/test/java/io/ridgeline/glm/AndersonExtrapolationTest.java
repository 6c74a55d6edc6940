package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AndersonExtrapolationTest {
  /**
   * On a linear fixed-point iteration x ← Tx + b (40 dimensions, T symmetric with eigenvalues spread
   * over [0.05, 0.95]): the extrapolation of K + 1 iterates is Σc_i x_{i+1} with c minimizing
   * ‖Σc_i (x_{i+1} − x_i)‖ subject to Σc = 1, checked against that least-squares problem solved here
   * independently (its KKT system by elimination), and it is closer to the fixed point than the last
   * iterate (the best degree-K polynomial of T against T^K).
   */
  @Test
  void extrapolationIsTheMinimalResidualCombination() {
    int depth = AndersonExtrapolation.DEPTH;
    int k = 40;
    Random rnd = new Random(7);
    double[][] q = orthogonal(k, rnd);
    double[][] m = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        for (int l = 0; l < k; l++) m[i][j] += q[i][l] * (0.05 + 0.9 * l / (k - 1.0)) * q[j][l];
      }
    }
    double[] b = new double[k];
    for (int i = 0; i < k; i++) b[i] = rnd.nextGaussian();
    double[] fixed = solve(identityMinus(m), b.clone());
    int[] support = new int[k];   // a reversed support: coordinates are addressed through it
    for (int a = 0; a < k; a++) support[a] = k - 1 - a;
    double[][] x = new double[depth + 1][k];
    double[] beta = new double[k];
    AndersonExtrapolation anderson = new AndersonExtrapolation(depth);
    boolean full = anderson.record(beta, support, k);
    for (int it = 1; it <= depth; it++) {
      for (int i = 0; i < k; i++) {
        x[it][i] = b[i];
        for (int j = 0; j < k; j++) x[it][i] += m[i][j] * x[it - 1][j];
        beta[support[i]] = x[it][i];
      }
      full = anderson.record(beta, support, k);
    }
    assertTrue(full);
    // The reference: [2UᵀU 1; 1ᵀ 0][c; μ] = [0; 1].
    double[][] kkt = new double[depth + 1][depth + 1];
    double[] rhs = new double[depth + 1];
    for (int r = 0; r < depth; r++) {
      for (int c = 0; c < depth; c++) {
        for (int i = 0; i < k; i++) kkt[r][c] += 2 * (x[r + 1][i] - x[r][i]) * (x[c + 1][i] - x[c][i]);
      }
      kkt[r][depth] = 1;
      kkt[depth][r] = 1;
    }
    rhs[depth] = 1;
    double[] c = solve(kkt, rhs);
    double[] reference = new double[k];
    for (int r = 0; r < depth; r++) for (int i = 0; i < k; i++) reference[i] += c[r] * x[r + 1][i];
    assertTrue(anderson.extrapolate(beta, support, k));
    double[] got = new double[k];
    for (int a = 0; a < k; a++) got[a] = beta[support[a]];
    double worst = 0;
    for (int i = 0; i < k; i++) worst = Math.max(worst, Math.abs(got[i] - reference[i]) / (1 + Math.abs(reference[i])));
    double last = distance(x[depth], fixed);
    double extrapolated = distance(got, fixed);
    System.out.printf("Anderson on a linear iteration: %.2g from the reference combination; last iterate %.3g from"
        + " the fixed point, extrapolation %.3g%n", worst, last, extrapolated);
    assertTrue(worst <= 5e-12, "differs from the minimal-residual combination by " + worst);   // measured 6.4e-13
    assertTrue(extrapolated < 0.7 * last, extrapolated + " vs " + last);   // measured 15.7 vs 26.3
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
    return Math.sqrt(s);
  }

  @Test
  void repeatedIteratesAreRefused() {
    AndersonExtrapolation anderson = new AndersonExtrapolation(3);
    double[] beta = {1, 2};
    int[] support = {0, 1};
    for (int i = 0; i < 4; i++) anderson.record(beta, support, 2);
    assertFalse(anderson.extrapolate(beta, support, 2));
    assertArrayEquals(new double[] {1, 2}, beta);
  }

  private static double[][] orthogonal(int k, Random rnd) {
    double[][] q = new double[k][k];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < k; i++) q[i][c] = rnd.nextGaussian();
      for (int d = 0; d < c; d++) {
        double dot = 0;
        for (int i = 0; i < k; i++) dot += q[i][c] * q[i][d];
        for (int i = 0; i < k; i++) q[i][c] -= dot * q[i][d];
      }
      double norm = 0;
      for (int i = 0; i < k; i++) norm += q[i][c] * q[i][c];
      for (int i = 0; i < k; i++) q[i][c] /= Math.sqrt(norm);
    }
    return q;
  }

  private static double[][] identityMinus(double[][] m) {
    int k = m.length;
    double[][] a = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) a[i][j] = (i == j ? 1 : 0) - m[i][j];
    }
    return a;
  }

  /** Gaussian elimination with partial pivoting. */
  private static double[] solve(double[][] a, double[] b) {
    int k = b.length;
    for (int c = 0; c < k; c++) {
      int pivot = c;
      for (int r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
      double[] row = a[c];
      a[c] = a[pivot];
      a[pivot] = row;
      double bb = b[c];
      b[c] = b[pivot];
      b[pivot] = bb;
      for (int r = c + 1; r < k; r++) {
        double f = a[r][c] / a[c][c];
        for (int j = c; j < k; j++) a[r][j] -= f * a[c][j];
        b[r] -= f * b[c];
      }
    }
    double[] x = new double[k];
    for (int r = k - 1; r >= 0; r--) {
      double s = b[r];
      for (int j = r + 1; j < k; j++) s -= a[r][j] * x[j];
      x[r] = s / a[r][r];
    }
    return x;
  }
}
