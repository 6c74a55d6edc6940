package io.ridgeline.glm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GramKernel} on the Vector API: the chunk's rows copied once, plain and scaled (z_i = v_i·x_i),
 * into zero-padded rows of whole vectors; then H is swept in tiles of 4 rows × 2 vectors of columns,
 * each tile's 8 accumulators held in registers over the whole chunk (8 fused multiply-adds per 2
 * vector loads and 4 broadcasts), and added to H once. Tiles that reach past the diagonal are computed
 * whole and only their lower part is added. The padding keeps every load whole: JDK 17 does not compile
 * masked loads to vector instructions, and one masked tile per chunk made this kernel several times
 * slower whenever p was not a multiple of the vector length ({@code GramKernelBench} before the padding:
 * p = 30, 2.2 GFLOP/s, below the scalar kernel's 5.1; p = 32, 18.8). Loaded only through
 * {@link GramKernel#get} when the {@code jdk.incubator.vector} module is present.
 */
final class VectorGramKernel extends GramKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** The padded row stride's unit: whole vectors, and whole groups of 4 rows of H. */
  private static final int PAD = Math.max(L, 4);

  @Override
  String name() {
    return "vector (" + S.vectorBitSize() + "-bit)";
  }

  @Override
  double[] scratch(int p) {
    return new double[2 * CHUNK * padded(p)];
  }

  /** The row stride P of the chunk's padded copies. */
  private static int padded(int p) {
    return (p + PAD - 1) / PAD * PAD;
  }

  /**
   * Copies the chunk into two zero-padded m × P matrices in {@code scratch} (the rows, and the rows
   * scaled by v), so every tile below is whole: no masked or out-of-range loads, and H's rows
   * are taken four at a time (the padding rows of z are zero and never added).
   */
  @Override
  void add(double[] x, int p, int[] rows, double[] v, int m, double[] acc, int at, double[] scratch) {
    int stride = padded(p);
    int zs = m * stride;
    for (int i = 0; i < m; i++) {
      int r = rows[i];
      int o = i * stride;
      double vi = v[i];
      for (int j = 0; j < p; j++) {
        double xj = x[r + j];
        scratch[o + j] = xj;
        scratch[zs + o + j] = vi * xj;
      }
      for (int j = p; j < stride; j++) {
        scratch[o + j] = 0;
        scratch[zs + o + j] = 0;
      }
    }
    double[] tile = new double[4 * L];
    for (int j0 = 0; j0 < p; j0 += 4) {
      int q = 0;
      for (; q + 2 * L <= j0 + 1; q += 2 * L) fullTile(scratch, stride, m, zs, j0, Math.min(4, p - j0), q, acc, at);
      for (; q < j0 + 4 && q < p; q += L) {
        diagonalTile(scratch, stride, m, zs, j0, q, tile);
        for (int j = j0; j < Math.min(j0 + 4, p); j++) {
          int base = at + j * (j + 1) / 2;
          for (int c = q; c < q + L && c <= j; c++) acc[base + c] += tile[(j - j0) * L + c - q];
        }
      }
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

  /** Four rows at once over whole vectors of columns; the last p mod L columns as the scalar kernel. */
  @Override
  void margins(double[] a, int ao, double[] x, int[] rows, int m, int p, double[] out) {
    int whole = S.loopBound(p);
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      int r0 = rows[i];
      int r1 = rows[i + 1];
      int r2 = rows[i + 2];
      int r3 = rows[i + 3];
      DoubleVector s0 = DoubleVector.zero(S);
      DoubleVector s1 = s0;
      DoubleVector s2 = s0;
      DoubleVector s3 = s0;
      for (int j = 0; j < whole; j += L) {
        DoubleVector aj = DoubleVector.fromArray(S, a, ao + j);
        s0 = DoubleVector.fromArray(S, x, r0 + j).fma(aj, s0);
        s1 = DoubleVector.fromArray(S, x, r1 + j).fma(aj, s1);
        s2 = DoubleVector.fromArray(S, x, r2 + j).fma(aj, s2);
        s3 = DoubleVector.fromArray(S, x, r3 + j).fma(aj, s3);
      }
      out[i] = s0.reduceLanes(VectorOperators.ADD);
      out[i + 1] = s1.reduceLanes(VectorOperators.ADD);
      out[i + 2] = s2.reduceLanes(VectorOperators.ADD);
      out[i + 3] = s3.reduceLanes(VectorOperators.ADD);
      margins4(a, ao, x, rows, i, whole, p, out);
    }
    for (; i < m; i++) out[i] = dot(a, ao, x, rows[i], p);
  }

  /** Four rows at once, one load and store of y per vector of columns; the rest as the scalar kernel. */
  @Override
  void combine(double[] c, double[] x, int[] rows, int m, int p, double[] y, int yo) {
    int whole = S.loopBound(p);
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      DoubleVector v0 = DoubleVector.broadcast(S, c[i]);
      DoubleVector v1 = DoubleVector.broadcast(S, c[i + 1]);
      DoubleVector v2 = DoubleVector.broadcast(S, c[i + 2]);
      DoubleVector v3 = DoubleVector.broadcast(S, c[i + 3]);
      int r0 = rows[i];
      int r1 = rows[i + 1];
      int r2 = rows[i + 2];
      int r3 = rows[i + 3];
      for (int j = 0; j < whole; j += L) {
        DoubleVector.fromArray(S, x, r0 + j).fma(v0, DoubleVector.fromArray(S, y, yo + j))
            .add(DoubleVector.fromArray(S, x, r1 + j).mul(v1))
            .add(DoubleVector.fromArray(S, x, r2 + j).fma(v2, DoubleVector.fromArray(S, x, r3 + j).mul(v3)))
            .intoArray(y, yo + j);
      }
      combine4(c, x, rows, i, whole, p, y, yo);
    }
    for (; i < m; i++) axpy(c[i], x, rows[i], y, yo, p);
  }

  /**
   * Rows j0 .. j0+3, columns q .. q+2L−1, all at or below the diagonal: 8 accumulators over the chunk
   * (padded rows at {@code s[i·P..]}, scaled rows at {@code s[zs + i·P..]}), then the jn rows that
   * exist added in place.
   */
  private static void fullTile(double[] s, int stride, int m, int zs, int j0, int jn, int q, double[] acc,
      int at) {
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector b0 = a0;
    DoubleVector a1 = a0;
    DoubleVector b1 = a0;
    DoubleVector a2 = a0;
    DoubleVector b2 = a0;
    DoubleVector a3 = a0;
    DoubleVector b3 = a0;
    for (int i = 0; i < m; i++) {
      int r = i * stride + q;
      DoubleVector x0 = DoubleVector.fromArray(S, s, r);
      DoubleVector x1 = DoubleVector.fromArray(S, s, r + L);
      int zr = zs + i * stride + j0;
      DoubleVector z0 = DoubleVector.broadcast(S, s[zr]);
      DoubleVector z1 = DoubleVector.broadcast(S, s[zr + 1]);
      DoubleVector z2 = DoubleVector.broadcast(S, s[zr + 2]);
      DoubleVector z3 = DoubleVector.broadcast(S, s[zr + 3]);
      a0 = z0.fma(x0, a0);
      b0 = z0.fma(x1, b0);
      a1 = z1.fma(x0, a1);
      b1 = z1.fma(x1, b1);
      a2 = z2.fma(x0, a2);
      b2 = z2.fma(x1, b2);
      a3 = z3.fma(x0, a3);
      b3 = z3.fma(x1, b3);
    }
    // Row j of the packed triangle starts at j(j+1)/2; every row here has at least q + 2L entries.
    // Unrolled, not a helper per row: C2 did not always inline the helper (-XX:+PrintInlining: "callee
    // is too large"), and a vector passed to a call that is not inlined is boxed.
    int o = at + j0 * (j0 + 1) / 2 + q;
    a0.add(DoubleVector.fromArray(S, acc, o)).intoArray(acc, o);
    b0.add(DoubleVector.fromArray(S, acc, o + L)).intoArray(acc, o + L);
    if (jn < 2) return;
    o += j0 + 1;
    a1.add(DoubleVector.fromArray(S, acc, o)).intoArray(acc, o);
    b1.add(DoubleVector.fromArray(S, acc, o + L)).intoArray(acc, o + L);
    if (jn < 3) return;
    o += j0 + 2;
    a2.add(DoubleVector.fromArray(S, acc, o)).intoArray(acc, o);
    b2.add(DoubleVector.fromArray(S, acc, o + L)).intoArray(acc, o + L);
    if (jn < 4) return;
    o += j0 + 3;
    a3.add(DoubleVector.fromArray(S, acc, o)).intoArray(acc, o);
    b3.add(DoubleVector.fromArray(S, acc, o + L)).intoArray(acc, o + L);
  }

  /**
   * Rows j0 .. j0+3, columns q .. q+L−1 (crossing the diagonal, or the padding) into {@code tile}, row
   * by row; the caller adds only the entries inside the triangle.
   */
  private static void diagonalTile(double[] s, int stride, int m, int zs, int j0, int q, double[] tile) {
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    for (int i = 0; i < m; i++) {
      DoubleVector x0 = DoubleVector.fromArray(S, s, i * stride + q);
      int zr = zs + i * stride + j0;
      a0 = DoubleVector.broadcast(S, s[zr]).fma(x0, a0);
      a1 = DoubleVector.broadcast(S, s[zr + 1]).fma(x0, a1);
      a2 = DoubleVector.broadcast(S, s[zr + 2]).fma(x0, a2);
      a3 = DoubleVector.broadcast(S, s[zr + 3]).fma(x0, a3);
    }
    a0.intoArray(tile, 0);
    a1.intoArray(tile, L);
    a2.intoArray(tile, 2 * L);
    a3.intoArray(tile, 3 * L);
  }
}
