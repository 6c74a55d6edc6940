package io.ridgeline.glm;

import java.io.Serializable;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-fold {@link Gram} statistics of the cached data in one {@code treeAggregate}. A fold's training
 * statistics are the total minus the fold's own. Size: k·(p(p+1)/2 + 2p + 3) doubles, never dependent
 * on the number of rows. A row costs p(p+1)/2 multiply-adds (dense) or nnz(nnz+1)/2 (sparse).
 *
 * <p>The sums are of (x − s, y − t) for a fixed shift (s, t), the overall means from a first pass
 * ({@link FeatureStats}): raw sums of squares of data with an offset c lose the variance to
 * cancellation (relative error ~1e−16·c²/σ²; a label + 1e9 moved diabetes' CV rmse by 2 %), shifted
 * ones keep it. Sparse rows are not shifted (s must be 0 then: a shift would densify them).
 */
final class FoldGrams implements Serializable {
  private final int k;
  private final int p;
  private final int tri;
  private final double[] n;
  private final double[] sy;
  private final double[] syy;
  private final double[] sx;
  private final double[] sxy;
  private final double[] sxx;
  private final double[] xShift;
  private final double yShift;

  FoldGrams(int k, int p, double[] xShift, double yShift) {
    this.xShift = xShift;
    this.yShift = yShift;
    this.k = k;
    this.p = p;
    this.tri = p * (p + 1) / 2;
    n = new double[k];
    sy = new double[k];
    syy = new double[k];
    sx = new double[k * p];
    sxy = new double[k * p];
    sxx = new double[k * tri];
  }

  /** One pass over {@code frame} (columns features, label, weight, fold first, in that order), unshifted. */
  static FoldGrams of(Dataset<Row> frame, int k, int p) {
    return of(frame, k, p, new double[p], 0);
  }

  /** One pass over {@code frame}, summing (x − xShift, y − yShift); xShift must be 0 if any row is sparse. */
  static FoldGrams of(Dataset<Row> frame, int k, int p, double[] xShift, double yShift) {
    return frame.javaRDD().treeAggregate(new FoldGrams(k, p, xShift, yShift),
        (g, r) -> g.add(r.getInt(3), (Vector) r.get(0), r.getDouble(1), r.getDouble(2)),
        FoldGrams::merge);
  }

  FoldGrams add(int fold, Vector x, double yRaw, double w) {
    double y = yRaw - yShift;
    n[fold] += w;
    sy[fold] += w * y;
    syy[fold] += w * y * y;
    int o = fold * p;
    int t = fold * tri;
    if (x instanceof DenseVector d) {
      double[] v = d.values();
      for (int j = 0; j < p; j++) {
        double wx = w * (v[j] - xShift[j]);
        if (wx == 0) continue;
        sx[o + j] += wx;
        sxy[o + j] += wx * y;
        int base = t + j * (j + 1) / 2;
        for (int i = 0; i <= j; i++) sxx[base + i] += wx * (v[i] - xShift[i]);
      }
    } else {
      SparseVector s = (SparseVector) x;
      int[] idx = s.indices();
      double[] v = s.values();
      for (int a = 0; a < idx.length; a++) {
        int j = idx[a];
        double wx = w * v[a];
        sx[o + j] += wx;
        sxy[o + j] += wx * y;
        int base = t + j * (j + 1) / 2;
        for (int b = 0; b <= a; b++) sxx[base + idx[b]] += wx * v[b];
      }
    }
    return this;
  }

  FoldGrams merge(FoldGrams o) {
    for (int f = 0; f < k; f++) {
      n[f] += o.n[f];
      sy[f] += o.sy[f];
      syy[f] += o.syy[f];
    }
    for (int i = 0; i < sx.length; i++) {
      sx[i] += o.sx[i];
      sxy[i] += o.sxy[i];
    }
    for (int i = 0; i < sxx.length; i++) sxx[i] += o.sxx[i];
    return this;
  }

  /** The rows of fold f. */
  Gram fold(int f) {
    return new Gram(p, n[f], sy[f], syy[f], slice(sx, f * p, p), slice(sxy, f * p, p), slice(sxx, f * tri, tri));
  }

  /** All rows. */
  Gram total() {
    Gram t = fold(0);
    for (int f = 1; f < k; f++) t = t.plus(fold(f));
    return t;
  }

  private static double[] slice(double[] a, int from, int length) {
    double[] out = new double[length];
    System.arraycopy(a, from, out, 0, length);
    return out;
  }
}
