package io.ridgeline.glm;

import java.io.Serializable;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-fold statistics of the features and the label, gathered in one {@code treeAggregate} without
 * raw sums of squares, so that a training set (any union of folds) gets exact answers to two questions
 * every engine asks: which features and whether the label are <em>exactly</em> constant in it, and
 * their means and variances unaffected by an offset.
 *
 * <p>Per fold f and feature j, over the rows with w &gt; 0 that store a value of j (every row for a
 * dense vector, the stored entries for a sparse one): min, max, their count, and the weighted mean and
 * centred second moment M2 = Σw(x − x̄)² by West's weighted update (1979):
 * <pre>
 *   W' = W + w,  x̄' = x̄ + (w/W')(x − x̄),  M2' = M2 + w(x − x̄)(x − x̄')
 * </pre>
 * (the first value sets x̄ = x exactly: x − x̄' would be a rounding error, and times x in M2 it is
 * ~1e−16·x², the very cancellation this class avoids).
 * Sets are combined by Chan, Golub &amp; LeVeque's rule (1979), with δ = x̄_B − x̄_A:
 * x̄ = x̄_A + δ·W_B/W, M2 = M2_A + M2_B + δ²·W_A·W_B/W. A sparse row's implicit zeros join at the end
 * as one block of weight W − W_stored, mean 0 and M2 0 (as MLlib's Summarizer does), so a sparse row
 * costs its non-zeros. The label gets the same (mean, M2, min, max), and for K classes Σw per class.
 *
 * <p>A feature is constant in a set iff its min equals its max there, an implicit zero counting as a
 * value: an exact test, where a variance from sums is ~1e−16 of x̄² instead of 0. Memory is O(k·p),
 * independent of the rows.
 */
public final class FeatureStats implements Serializable {
  private final int k;
  private final int p;
  private final int numClasses;
  private final double[] rows;
  private final double[] weight;
  private final double[] weight2;
  private final double[] yMean;
  private final double[] yM2;
  private final double[] yMin;
  private final double[] yMax;
  private final double[] classW;
  /** k × p, fold-major. */
  private final double[] stored;
  private final double[] storedW;
  private final double[] mean;
  private final double[] m2;
  private final double[] min;
  private final double[] max;
  private boolean sparseRows;

  FeatureStats(int k, int p, int numClasses) {
    this.k = k;
    this.p = p;
    this.numClasses = numClasses;
    rows = new double[k];
    weight = new double[k];
    weight2 = new double[k];
    yMean = new double[k];
    yM2 = new double[k];
    yMin = filled(k, Double.POSITIVE_INFINITY);
    yMax = filled(k, Double.NEGATIVE_INFINITY);
    classW = new double[k * Math.max(numClasses, 1)];
    stored = new double[k * p];
    storedW = new double[k * p];
    mean = new double[k * p];
    m2 = new double[k * p];
    min = filled(k * p, Double.POSITIVE_INFINITY);
    max = filled(k * p, Double.NEGATIVE_INFINITY);
  }

  /** One pass over {@code frame} (columns features, label, weight, fold first, in that order). */
  public static FeatureStats of(Dataset<Row> frame, int k, int p, int numClasses) {
    return frame.javaRDD().treeAggregate(new FeatureStats(k, p, numClasses),
        (s, r) -> s.add(r.getInt(3), (Vector) r.get(0), r.getDouble(1), r.getDouble(2)),
        FeatureStats::merge);
  }

  FeatureStats add(int fold, Vector x, double y, double w) {
    if (!(w > 0)) return this;
    update(rows, weight, yMean, yM2, yMin, yMax, fold, y, w);
    weight2[fold] += w * w;
    if (numClasses > 0) classW[fold * numClasses + (int) y] += w;
    int o = fold * p;
    if (x instanceof DenseVector dv) {
      double[] v = dv.values();
      for (int j = 0; j < p; j++) update(stored, storedW, mean, m2, min, max, o + j, v[j], w);
    } else {
      sparseRows = true;
      SparseVector s = (SparseVector) x;
      int[] idx = s.indices();
      double[] v = s.values();
      for (int i = 0; i < idx.length; i++) update(stored, storedW, mean, m2, min, max, o + idx[i], v[i], w);
    }
    return this;
  }

  /** West's weighted update of (count, Σw, mean, M2, min, max) at index {@code at} by value x of weight w. */
  private static void update(double[] count, double[] sw, double[] mean, double[] m2, double[] min, double[] max,
      int at, double x, double w) {
    count[at] += 1;
    if (sw[at] == 0) {
      mean[at] = x;   // the first value: exactly (x − x̄' would be rounding, times x in M2)
    } else {
      double total = sw[at] + w;
      double d = x - mean[at];
      mean[at] += d * w / total;
      m2[at] += w * d * (x - mean[at]);
    }
    sw[at] += w;
    if (x < min[at]) min[at] = x;
    if (x > max[at]) max[at] = x;
  }

  FeatureStats merge(FeatureStats o) {
    for (int f = 0; f < k; f++) {
      double[] label = chan(weight[f], yMean[f], yM2[f], o.weight[f], o.yMean[f], o.yM2[f]);
      yMean[f] = label[0];
      yM2[f] = label[1];
      rows[f] += o.rows[f];
      weight[f] += o.weight[f];
      weight2[f] += o.weight2[f];
      yMin[f] = Math.min(yMin[f], o.yMin[f]);
      yMax[f] = Math.max(yMax[f], o.yMax[f]);
    }
    for (int i = 0; i < classW.length; i++) classW[i] += o.classW[i];
    for (int i = 0; i < stored.length; i++) {
      double[] c = chan(storedW[i], mean[i], m2[i], o.storedW[i], o.mean[i], o.m2[i]);
      mean[i] = c[0];
      m2[i] = c[1];
      storedW[i] += o.storedW[i];
      stored[i] += o.stored[i];
      min[i] = Math.min(min[i], o.min[i]);
      max[i] = Math.max(max[i], o.max[i]);
    }
    sparseRows |= o.sparseRows;
    return this;
  }

  /** (mean, M2) of two sets of weights wa and wb: Chan, Golub &amp; LeVeque's pairwise rule. */
  private static double[] chan(double wa, double ma, double m2a, double wb, double mb, double m2b) {
    double w = wa + wb;
    if (wb == 0) return new double[] {ma, m2a};
    if (wa == 0) return new double[] {mb, m2b};
    double d = mb - ma;
    return new double[] {ma + d * wb / w, m2a + m2b + d * d * wa * wb / w};
  }

  /** Whether some row holds a sparse vector (then a shift of the features would densify it). */
  public boolean sparseRows() {
    return sparseRows;
  }

  public int folds() {
    return k;
  }

  /** The training set that holds out fold {@code held} ({@code held} = k or more: all rows). */
  public Set training(int held) {
    return new Set(held, false);
  }

  /** The rows of fold f alone. */
  public Set fold(int f) {
    return new Set(f, true);
  }

  /** The statistics of a union of folds, combined without cancellation. */
  public final class Set {
    private final double rowCount;
    /** Σw and Σw². */
    public final double weight;
    public final double weight2;
    public final double labelMean;
    /** Σw(y − ȳ)². */
    public final double labelM2;
    public final double labelMin;
    public final double labelMax;
    /** Σw per class (empty for regression). */
    public final double[] classWeight;
    public final double[] mean = new double[p];
    /** Σw(x_j − x̄_j)². */
    public final double[] m2 = new double[p];
    /** Feature j is exactly constant (min = max, implicit zeros included) over the set's rows. */
    public final boolean[] constant = new boolean[p];

    /** The folds other than {@code fold}, or ({@code only}) fold {@code fold} alone. */
    private Set(int fold, boolean only) {
      double w2 = 0;
      Union label = new Union();
      classWeight = new double[numClasses];
      for (int f = 0; f < k; f++) {
        if ((f == fold) != only) continue;
        label.join(rows[f], FeatureStats.this.weight[f], yMean[f], yM2[f], yMin[f], yMax[f]);
        w2 += FeatureStats.this.weight2[f];
        for (int c = 0; c < numClasses; c++) classWeight[c] += classW[f * numClasses + c];
      }
      rowCount = label.count;
      weight = label.weight;
      weight2 = w2;
      labelMean = label.mean;
      labelM2 = label.m2;
      labelMin = label.min;
      labelMax = label.max;
      for (int j = 0; j < p; j++) {
        Union u = new Union();
        for (int f = 0; f < k; f++) {
          if ((f == fold) != only) continue;
          int i = f * p + j;
          u.join(stored[i], storedW[i], FeatureStats.this.mean[i], FeatureStats.this.m2[i], min[i], max[i]);
        }
        if (u.count < rowCount) u.join(rowCount - u.count, weight - u.weight, 0, 0, 0, 0);   // implicit zeros
        mean[j] = u.mean;
        m2[j] = u.m2;
        constant[j] = !(u.min < u.max);
      }
    }

    /** The label takes one value over the set's rows. */
    public boolean labelConstant() {
      return !(labelMin < labelMax);
    }

    /** Σw(x − x̄)²/Σw: the population variance (MLlib's normal-equation solver); 0 for a constant feature. */
    public double populationVariance(int j) {
      return constant[j] ? 0 : m2[j] / weight;
    }

    /** Σw(x − x̄)²/(Σw − Σw²/Σw): the unbiased weighted variance (MLlib's Summarizer); 0 if constant. */
    public double unbiasedVariance(int j) {
      return constant[j] ? 0 : m2[j] / (weight - weight2 / weight);
    }

  }

  /** A union of sets of values, joined one set at a time. */
  private static final class Union {
    double count;
    double weight;
    double mean;
    double m2;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;

    void join(double n, double w, double m, double s2, double lo, double hi) {
      double[] c = chan(weight, mean, m2, w, m, s2);
      mean = c[0];
      m2 = c[1];
      count += n;
      weight += w;
      min = Math.min(min, lo);
      max = Math.max(max, hi);
    }
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
