package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GramKernelTest {
  /**
   * Both kernels against Σ_i v_i·x_i x_iᵀ summed naively, for widths around the tile edges (1 to 50 and
   * 300), chunks of 1 to 64 rows taken out of order from a block (the last row of the block included:
   * a load past p there would leave the array), into a triangle at an offset inside a larger
   * array whose other entries must stay untouched. Error relative to Σ|terms| (the sum's own rounding
   * scale): measured ≤ 8.5e−16.
   */
  @Test
  void bothKernelsEqualTheNaiveSum() {
    Random rnd = new Random(11);
    GramKernel[] kernels = {new GramKernel(), new VectorGramKernel()};
    for (int p : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 23, 29, 30, 31, 32, 33, 37, 50, 300}) {
      int n = 70;
      double[] x = new double[n * p];
      for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian() * (1 + i % 5);
      for (int m : new int[] {1, 3, 4, 5, 63, 64}) {
        int[] rows = new int[m];
        double[] v = new double[m];
        for (int i = 0; i < m; i++) {
          rows[i] = (i == 0 ? n - 1 : rnd.nextInt(n)) * p;
          v[i] = rnd.nextDouble();
        }
        int tri = p * (p + 1) / 2;
        double[] expected = new double[tri];
        double[] scale = new double[tri];   // Σ|terms|: the sum's rounding is relative to it
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < p; j++) {
            for (int q = 0; q <= j; q++) {
              double term = v[i] * x[rows[i] + j] * x[rows[i] + q];
              expected[j * (j + 1) / 2 + q] += term;
              scale[j * (j + 1) / 2 + q] += Math.abs(term);
            }
          }
        }
        for (GramKernel kernel : kernels) {
          int at = 5;
          double[] acc = new double[at + tri + 9];
          java.util.Arrays.fill(acc, 1.0);
          kernel.add(x, p, rows, v, m, acc, at, kernel.scratch(p));
          double worst = 0;
          for (int e = 0; e < tri; e++) {
            double d = Math.abs(acc[at + e] - 1.0 - expected[e]) / (1 + scale[e]);
            worst = Math.max(worst, d);
          }
          assertTrue(worst < 2e-15, kernel.name() + " p=" + p + " m=" + m + ": " + worst);
          for (int e = 0; e < at; e++) assertEquals(1.0, acc[e], kernel.name() + " wrote before the triangle");
          for (int e = at + tri; e < acc.length; e++) assertEquals(1.0, acc[e], kernel.name() + " wrote after it");
        }
      }
    }
  }

  /**
   * The row kernels: dot products and axpys at offsets, for lengths around the vector width, against
   * the plain loops (error relative to Σ|terms|; measured ≤ 2.2e−16), nothing written outside the range.
   */
  @Test
  void dotAndAxpyEqualThePlainLoops() {
    Random rnd = new Random(5);
    GramKernel[] kernels = {new GramKernel(), new VectorGramKernel()};
    for (int p : new int[] {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 300}) {
      double[] a = new double[p + 7];
      double[] b = new double[p + 11];
      for (int i = 0; i < a.length; i++) a[i] = rnd.nextGaussian();
      for (int i = 0; i < b.length; i++) b[i] = rnd.nextGaussian();
      double expected = 0;
      double scale = 0;
      for (int j = 0; j < p; j++) {
        expected += a[3 + j] * b[5 + j];
        scale += Math.abs(a[3 + j] * b[5 + j]);
      }
      for (GramKernel kernel : kernels) {
        double got = kernel.dot(a, 3, b, 5, p);
        assertTrue(Math.abs(got - expected) <= 1e-15 * (1 + scale), kernel.name() + " dot p=" + p);
        double[] y = b.clone();
        kernel.axpy(0.37, a, 3, y, 5, p);
        for (int i = 0; i < y.length; i++) {
          double want = i >= 5 && i < 5 + p ? b[i] + 0.37 * a[3 + i - 5] : b[i];
          assertEquals(want, y[i], 1e-15 * (1 + Math.abs(want)), kernel.name() + " axpy p=" + p + " at " + i);
        }
      }
    }
  }

  /**
   * The chunk kernels: margins of m rows under one coefficient vector, and Σ_i c_i·x_i added into y, for
   * widths around the vector length and chunk sizes around the groups of four, rows taken out of order
   * from a block (its last row included), against the plain loops (error relative to Σ|terms|; measured
   * ≤ 2.5e−16 for the margins and 2.9e−16 for the sums), nothing written outside the outputs' ranges.
   */
  @Test
  void marginsAndCombineEqualThePlainLoops() {
    Random rnd = new Random(17);
    GramKernel[] kernels = {new GramKernel(), new VectorGramKernel()};
    for (int p : new int[] {1, 3, 4, 7, 8, 9, 15, 16, 17, 30, 33, 300}) {
      int n = 70;
      double[] x = new double[n * p];
      for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian() * (1 + i % 3);
      double[] a = new double[p + 6];
      for (int i = 0; i < a.length; i++) a[i] = rnd.nextGaussian();
      for (int m : new int[] {1, 3, 4, 5, 8, 63, 64}) {
        int[] rows = new int[m];
        double[] c = new double[m];
        for (int i = 0; i < m; i++) {
          rows[i] = (i == m - 1 ? n - 1 : rnd.nextInt(n)) * p;
          c[i] = rnd.nextGaussian();
        }
        double[] y0 = new double[p + 9];
        for (int i = 0; i < y0.length; i++) y0[i] = rnd.nextGaussian();
        for (GramKernel kernel : kernels) {
          double[] out = new double[m + 2];
          out[m] = 7;
          out[m + 1] = 7;
          kernel.margins(a, 4, x, rows, m, p, out);
          double[] y = y0.clone();
          kernel.combine(c, x, rows, m, p, y, 5);
          for (int i = 0; i < m; i++) {
            double want = 0;
            double scale = 0;
            for (int j = 0; j < p; j++) {
              want += a[4 + j] * x[rows[i] + j];
              scale += Math.abs(a[4 + j] * x[rows[i] + j]);
            }
            assertEquals(want, out[i], 1e-15 * (1 + scale), kernel.name() + " margins p=" + p + " m=" + m + " row " + i);
          }
          assertEquals(7.0, out[m], kernel.name() + " margins wrote past m");
          assertEquals(7.0, out[m + 1], kernel.name() + " margins wrote past m");
          for (int e = 0; e < y.length; e++) {
            if (e < 5 || e >= 5 + p) {
              assertEquals(y0[e], y[e], kernel.name() + " combine wrote outside its range at " + e);
              continue;
            }
            double want = y0[e];
            double scale = Math.abs(y0[e]);
            for (int i = 0; i < m; i++) {
              want += c[i] * x[rows[i] + e - 5];
              scale += Math.abs(c[i] * x[rows[i] + e - 5]);
            }
            assertEquals(want, y[e], 1e-15 * (1 + scale), kernel.name() + " combine p=" + p + " m=" + m + " at " + e);
          }
        }
      }
    }
  }

  /** The tests' JVM has the module (pom.xml's spark.jvm.flags), so the engines run the vector kernel here. */
  @Test
  void theVectorKernelIsChosenWhereTheModuleIsPresent() {
    assertTrue(GramKernel.get().name().startsWith("vector"), GramKernel.get().name());
  }
}
