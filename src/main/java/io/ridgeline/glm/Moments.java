package io.ridgeline.glm;

import java.io.Serializable;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * Weighted first and second moments of the features and their cross-moments with the label (or with
 * each class indicator), gathered in one {@code treeAggregate}: Σw, Σw², Σw·x_j, Σw·x_j², Σw·y,
 * Σw·x_j·y and, for K classes, Σw·[y=k] and Σw·x_j·[y=k]. Memory is O(K·p), independent of the rows.
 */
final class Moments implements Serializable {
  final int p;
  final int numClasses;
  double sumW;
  double sumW2;
  double sumWY;
  final double[] sumWX;
  final double[] sumWX2;
  final double[] sumWXY;
  final double[] classW;
  /** K × p, row-major. */
  final double[] sumWXClass;

  Moments(int p, int numClasses) {
    this.p = p;
    this.numClasses = numClasses;
    sumWX = new double[p];
    sumWX2 = new double[p];
    sumWXY = new double[p];
    classW = new double[numClasses];
    sumWXClass = new double[numClasses > 2 ? numClasses * p : 0];
  }

  Moments add(Vector x, double y, double w) {
    int k = addRow(y, w);
    boolean perClass = numClasses > 2;
    if (x instanceof DenseVector d) {
      double[] v = d.values();
      for (int j = 0; j < p; j++) accumulate(j, v[j], y, w, k, perClass);
    } else {
      SparseVector s = (SparseVector) x;
      int[] idx = s.indices();
      double[] v = s.values();
      for (int i = 0; i < idx.length; i++) accumulate(idx[i], v[i], y, w, k, perClass);
    }
    return this;
  }

  /**
   * Adds the row (x − s, y, w) for a shift s stored sparsely (indices ascending, values): x's entries and
   * s's merged, so a sparse row's implicit zeros become −s_j where s_j ≠ 0 and stay implicit elsewhere.
   */
  Moments addShifted(Vector x, int[] shiftIndex, double[] shiftValue, double y, double w) {
    if (shiftIndex.length == 0) return add(x, y, w);
    int k = addRow(y, w);
    boolean perClass = numClasses > 2;
    int[] idx = x instanceof SparseVector sv ? sv.indices() : null;
    double[] v = x instanceof SparseVector sv ? sv.values() : ((DenseVector) x).values();
    int stored = idx == null ? p : idx.length;
    int a = 0;
    int b = 0;
    while (a < stored || b < shiftIndex.length) {
      int ja = a < stored ? (idx == null ? a : idx[a]) : Integer.MAX_VALUE;
      int jb = b < shiftIndex.length ? shiftIndex[b] : Integer.MAX_VALUE;
      if (ja < jb) {
        accumulate(ja, v[a++], y, w, k, perClass);
      } else if (jb < ja) {
        accumulate(jb, -shiftValue[b++], y, w, k, perClass);
      } else {
        double d = v[a++] - shiftValue[b++];
        if (d != 0) accumulate(ja, d, y, w, k, perClass);
      }
    }
    return this;
  }

  /** The row's weight and label sums; returns its class (−1 for regression). */
  private int addRow(double y, double w) {
    sumW += w;
    sumW2 += w * w;
    sumWY += w * y;
    int k = numClasses > 0 ? (int) y : -1;
    if (k >= 0) classW[k] += w;
    return k;
  }

  private void accumulate(int j, double xj, double y, double w, int k, boolean perClass) {
    double wx = w * xj;
    sumWX[j] += wx;
    sumWX2[j] += wx * xj;
    sumWXY[j] += wx * y;
    if (perClass) sumWXClass[k * p + j] += wx;
  }

  Moments merge(Moments o) {
    sumW += o.sumW;
    sumW2 += o.sumW2;
    sumWY += o.sumWY;
    add(sumWX, o.sumWX);
    add(sumWX2, o.sumWX2);
    add(sumWXY, o.sumWXY);
    add(classW, o.classW);
    add(sumWXClass, o.sumWXClass);
    return this;
  }

  private static void add(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) a[i] += b[i];
  }

  double mean(int j) {
    return sumWX[j] / sumW;
  }

  /** Σw(x_j − x̄_j)²/Σw: the population (1/n) variance, as MLlib's normal-equation solver uses. */
  double populationVariance(int j) {
    double m = mean(j);
    return Math.max(0, sumWX2[j] / sumW - m * m);
  }

  /** Σw(x_j − x̄_j)²/(Σw − Σw²/Σw): the unbiased weighted variance, as MLlib's Summarizer. */
  double unbiasedVariance(int j) {
    double m = mean(j);
    return Math.max(0, (sumWX2[j] - sumW * m * m) / (sumW - sumW2 / sumW));
  }
}
