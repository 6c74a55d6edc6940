package io.ridgeline.glm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GramKernel} on the Vector API: the chunk's rows scaled once (z_i = v_i·x_i), then H is
 * swept in tiles of 4 rows × 2 vectors of columns, each tile's 8 accumulators held in registers over
 * the whole chunk (8 fused multiply-adds per 2 vector loads and 4 broadcasts), and added to H once.
 * Tiles that reach past the diagonal are computed whole and only their lower part is added. Loaded
 * only through {@link GramKernel#get} when the {@code jdk.incubator.vector} module is present.
 */
final class VectorGramKernel extends GramKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  String name() {
    return "vector (" + S.vectorBitSize() + "-bit)";
  }

  @Override
  void add(double[] x, int p, int[] rows, double[] v, int m, double[] acc, int at, double[] z) {
    for (int i = 0; i < m; i++) {
      int r = rows[i];
      double vi = v[i];
      for (int j = 0; j < p; j++) z[i * p + j] = vi * x[r + j];
    }
    double[] tile = new double[4 * L];
    for (int j0 = 0; j0 < p; j0 += 4) {
      int jn = Math.min(4, p - j0);
      int q = 0;
      for (; q + 2 * L <= j0 + 1; q += 2 * L) fullTile(x, p, rows, m, z, j0, jn, q, acc, at);
      for (; q < j0 + jn; q += L) diagonalTile(x, p, rows, m, z, j0, jn, q, acc, at, tile);
    }
  }

  @Override
  double dot(double[] a, int ao, double[] b, int bo, int p) {
    DoubleVector s0 = DoubleVector.zero(S);
    DoubleVector s1 = s0;
    int j = 0;
    for (; j + 2 * L <= p; j += 2 * L) {
      s0 = DoubleVector.fromArray(S, a, ao + j).fma(DoubleVector.fromArray(S, b, bo + j), s0);
      s1 = DoubleVector.fromArray(S, a, ao + j + L).fma(DoubleVector.fromArray(S, b, bo + j + L), s1);
    }
    double sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
    for (; j < p; j++) sum += a[ao + j] * b[bo + j];
    return sum;
  }

  @Override
  void axpy(double c, double[] x, int xo, double[] y, int yo, int p) {
    DoubleVector cv = DoubleVector.broadcast(S, c);
    int j = 0;
    for (; j + L <= p; j += L) {
      DoubleVector.fromArray(S, x, xo + j).fma(cv, DoubleVector.fromArray(S, y, yo + j)).intoArray(y, yo + j);
    }
    for (; j < p; j++) y[yo + j] += c * x[xo + j];
  }

  /** Rows j0 .. j0+jn−1, columns q .. q+2L−1, all at or below the diagonal: added in place. */
  private static void fullTile(double[] x, int p, int[] rows, int m, double[] z, int j0, int jn, int q,
      double[] acc, int at) {
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector b0 = a0;
    DoubleVector a1 = a0;
    DoubleVector b1 = a0;
    DoubleVector a2 = a0;
    DoubleVector b2 = a0;
    DoubleVector a3 = a0;
    DoubleVector b3 = a0;
    if (jn == 4) {
      for (int i = 0; i < m; i++) {
        int r = rows[i] + q;
        DoubleVector x0 = DoubleVector.fromArray(S, x, r);
        DoubleVector x1 = DoubleVector.fromArray(S, x, r + L);
        int zr = i * p + j0;
        DoubleVector z0 = DoubleVector.broadcast(S, z[zr]);
        DoubleVector z1 = DoubleVector.broadcast(S, z[zr + 1]);
        DoubleVector z2 = DoubleVector.broadcast(S, z[zr + 2]);
        DoubleVector z3 = DoubleVector.broadcast(S, z[zr + 3]);
        a0 = z0.fma(x0, a0);
        b0 = z0.fma(x1, b0);
        a1 = z1.fma(x0, a1);
        b1 = z1.fma(x1, b1);
        a2 = z2.fma(x0, a2);
        b2 = z2.fma(x1, b2);
        a3 = z3.fma(x0, a3);
        b3 = z3.fma(x1, b3);
      }
    } else {
      for (int i = 0; i < m; i++) {
        int r = rows[i] + q;
        DoubleVector x0 = DoubleVector.fromArray(S, x, r);
        DoubleVector x1 = DoubleVector.fromArray(S, x, r + L);
        int zr = i * p + j0;
        DoubleVector z0 = DoubleVector.broadcast(S, z[zr]);
        a0 = z0.fma(x0, a0);
        b0 = z0.fma(x1, b0);
        if (jn > 1) {
          DoubleVector z1 = DoubleVector.broadcast(S, z[zr + 1]);
          a1 = z1.fma(x0, a1);
          b1 = z1.fma(x1, b1);
        }
        if (jn > 2) {
          DoubleVector z2 = DoubleVector.broadcast(S, z[zr + 2]);
          a2 = z2.fma(x0, a2);
          b2 = z2.fma(x1, b2);
        }
      }
    }
    addRow(acc, at, j0, q, a0, b0);
    if (jn > 1) addRow(acc, at, j0 + 1, q, a1, b1);
    if (jn > 2) addRow(acc, at, j0 + 2, q, a2, b2);
    if (jn > 3) addRow(acc, at, j0 + 3, q, a3, b3);
  }

  private static void addRow(double[] acc, int at, int j, int q, DoubleVector a, DoubleVector b) {
    int o = at + j * (j + 1) / 2 + q;
    a.add(DoubleVector.fromArray(S, acc, o)).intoArray(acc, o);
    b.add(DoubleVector.fromArray(S, acc, o + L)).intoArray(acc, o + L);
  }

  /**
   * Rows j0 .. j0+jn−1, columns q .. q+L−1 (masked at p) crossing the diagonal: computed whole in
   * registers, then only the entries with column ≤ row added.
   */
  private static void diagonalTile(double[] x, int p, int[] rows, int m, double[] z, int j0, int jn, int q,
      double[] acc, int at, double[] tile) {
    VectorMask<Double> inside = q + L <= p ? null : S.indexInRange(q, p);   // masked loads only at the edge
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    for (int i = 0; i < m; i++) {
      DoubleVector x0 = inside == null ? DoubleVector.fromArray(S, x, rows[i] + q)
          : DoubleVector.fromArray(S, x, rows[i] + q, inside);
      int zr = i * p + j0;
      a0 = DoubleVector.broadcast(S, z[zr]).fma(x0, a0);
      if (jn > 1) a1 = DoubleVector.broadcast(S, z[zr + 1]).fma(x0, a1);
      if (jn > 2) a2 = DoubleVector.broadcast(S, z[zr + 2]).fma(x0, a2);
      if (jn > 3) a3 = DoubleVector.broadcast(S, z[zr + 3]).fma(x0, a3);
    }
    a0.intoArray(tile, 0);
    a1.intoArray(tile, L);
    a2.intoArray(tile, 2 * L);
    a3.intoArray(tile, 3 * L);
    for (int jj = 0; jj < jn; jj++) {
      int j = j0 + jj;
      int base = at + j * (j + 1) / 2;
      for (int c = 0; c < L && q + c <= j; c++) acc[base + q + c] += tile[jj * L + c];
    }
  }
}
