package io.ridgeline.glm;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The cached data as compressed sparse row (CSR) blocks of primitive arrays, for the wide engines: memory
 * ∝ the non-zeros, never the number of features, and a pass is a tight loop with no per-row objects.
 *
 * <p>A block of n ≤ {@value #ROWS} rows stores row i's entries at {@code rowStart[i]..rowStart[i+1]}
 * (feature {@code index}, value {@code value}, features ascending), its label, weight and fold. Values
 * are stored around a shift: {@code value} = x_ij − shift_j and the label y_i − yShift; an entry absent
 * means x_ij − shift_j = 0. The shift is non-zero only for columns present in every row (dense columns,
 * where it is their mean: sums of squares then accumulate around the mean, so a large offset does not
 * cost precision) and, for regression, for the label; a sparse column is never shifted, so it stays
 * sparse.
 */
final class SparseBlocks {
  static final int ROWS = 4096;

  /** n rows in CSR form, around the shift. */
  record Block(int n, int[] rowStart, int[] index, double[] value, double[] y, double[] w, int[] fold)
      implements Serializable {}

  /**
   * What the first pass over the frame finds: per feature the weighted mean and the number of rows
   * storing it, the weighted label mean and the rows.
   */
  record Layout(int p, double[] mean, long[] stored, double yMean, long rows) implements Serializable {
    /** Shift x_j by its mean where every row stores it (a dense column), else 0. */
    double[] shift() {
      double[] s = new double[p];
      for (int j = 0; j < p; j++) if (stored[j] == rows) s[j] = mean[j];
      return s;
    }

    /** Stored entries over all rows. */
    long nonzeros() {
      long n = 0;
      for (long s : stored) n += s;
      return n;
    }
  }

  private final JavaRDD<Block> rdd;
  final int p;
  final double[] shift;
  final double yShift;

  private SparseBlocks(JavaRDD<Block> rdd, int p, double[] shift, double yShift) {
    this.rdd = rdd;
    this.p = p;
    this.shift = shift;
    this.yShift = yShift;
  }

  /** One pass over {@code frame} (columns features, label, weight, fold first): the {@link Layout}. */
  static Layout layout(Dataset<Row> frame, int p) {
    double[] acc = frame.javaRDD().mapPartitions(rows -> {
      // [Σw, Σw·y, rows, Σw·x_j (p), stored_j (p)]
      double[] a = new double[3 + 2 * p];
      while (rows.hasNext()) {
        Row r = rows.next();
        double w = r.getDouble(2);
        a[0] += w;
        a[1] += w * r.getDouble(1);
        a[2] += 1;
        Vector v = (Vector) r.get(0);
        if (v instanceof DenseVector d) {
          double[] x = d.values();
          for (int j = 0; j < p; j++) {
            a[3 + j] += w * x[j];
            a[3 + p + j] += 1;
          }
        } else {
          SparseVector s = (SparseVector) v;
          int[] idx = s.indices();
          double[] x = s.values();
          for (int e = 0; e < idx.length; e++) {
            a[3 + idx[e]] += w * x[e];
            a[3 + p + idx[e]] += 1;
          }
        }
      }
      return List.of(a).iterator();
    }).treeReduce(SparseBlocks::sum, 2);
    double[] mean = new double[p];
    long[] stored = new long[p];
    for (int j = 0; j < p; j++) {
      mean[j] = acc[0] > 0 ? acc[3 + j] / acc[0] : 0;
      stored[j] = Math.round(acc[3 + p + j]);
    }
    return new Layout(p, mean, stored, acc[0] > 0 ? acc[1] / acc[0] : 0, Math.round(acc[2]));
  }

  static double[] sum(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) a[i] += b[i];
    return a;
  }

  /**
   * The blocks of {@code frame}, persisted until {@link #release}, in at most as many partitions as the
   * cluster runs tasks at once (coalesced, no shuffle): every task of a pass returns a result of
   * O(models·p) doubles whatever its rows, so more partitions than cores only add results to merge.
   */
  static SparseBlocks of(Dataset<Row> frame, int p, double[] shift, double yShift) {
    JavaRDD<Row> rows = frame.javaRDD();
    int cores = Math.max(1, frame.sparkSession().sparkContext().defaultParallelism());
    if (rows.getNumPartitions() > cores) rows = rows.coalesce(cores);
    JavaRDD<Block> rdd = rows.mapPartitions(it -> blocks(it, p, shift, yShift))
        .persist(StorageLevel.MEMORY_AND_DISK());
    rdd.setName("ridgeline: sparse row blocks");
    return new SparseBlocks(rdd, p, shift, yShift);
  }

  JavaRDD<Block> rdd() {
    return rdd;
  }

  void release() {
    rdd.unpersist(false);
  }

  /**
   * Per fold: {@link Moments} of the stored (shifted) values — Σw, Σw², Σw·x̃_j, Σw·x̃_j², Σw·ỹ, Σw·x̃_j·ỹ,
   * class weights — and Σw·ỹ², in one pass. A training set's are the sums over its folds.
   */
  record FoldMoments(Moments[] folds, double[] labelSquares) implements Serializable {
    FoldMoments merge(FoldMoments o) {
      for (int f = 0; f < folds.length; f++) folds[f].merge(o.folds[f]);
      sum(labelSquares, o.labelSquares);
      return this;
    }

    /** The rows of every fold but {@code held} (held ≥ k: all rows), and their Σw·ỹ² at {@code [0]}. */
    Moments training(int held, double[] labelSquare) {
      Moments t = new Moments(folds[0].p, folds[0].numClasses);
      labelSquare[0] = 0;
      for (int f = 0; f < folds.length; f++) {
        if (f == held) continue;
        t.merge(folds[f]);
        labelSquare[0] += labelSquares[f];
      }
      return t;
    }
  }

  FoldMoments moments(int k, int numClasses) {
    int pp = p;
    return rdd.mapPartitions(it -> {
      Moments[] m = new Moments[k];
      for (int f = 0; f < k; f++) m[f] = new Moments(pp, numClasses);
      double[] squares = new double[k];
      while (it.hasNext()) {
        Block b = it.next();
        for (int i = 0; i < b.n; i++) {
          Moments t = m[b.fold[i]];
          double w = b.w[i];
          double y = b.y[i];
          t.sumW += w;
          t.sumW2 += w * w;
          t.sumWY += w * y;
          squares[b.fold[i]] += w * y * y;
          if (numClasses > 0) t.classW[(int) y] += w;
          for (int e = b.rowStart[i]; e < b.rowStart[i + 1]; e++) {
            int j = b.index[e];
            double wx = w * b.value[e];
            t.sumWX[j] += wx;
            t.sumWX2[j] += wx * b.value[e];
            t.sumWXY[j] += wx * y;
          }
        }
      }
      return List.of(new FoldMoments(m, squares)).iterator();
    }).treeReduce(FoldMoments::merge, 2);
  }

  private static Iterator<Block> blocks(Iterator<Row> rows, int p, double[] shift, double yShift) {
    List<Block> out = new ArrayList<>();
    int[] start = new int[ROWS + 1];
    int[] index = new int[1024];
    double[] value = new double[1024];
    double[] y = new double[ROWS];
    double[] w = new double[ROWS];
    int[] fold = new int[ROWS];
    int n = 0;
    int e = 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      Vector v = (Vector) r.get(0);
      int[] idx = v instanceof SparseVector s ? s.indices() : null;
      double[] x = v instanceof SparseVector s ? s.values() : ((DenseVector) v).values();
      int entries = idx == null ? p : idx.length;
      if (e + entries > index.length) {
        int size = Math.max(index.length * 2, e + entries);
        index = Arrays.copyOf(index, size);
        value = Arrays.copyOf(value, size);
      }
      for (int a = 0; a < entries; a++) {
        int j = idx == null ? a : idx[a];
        double stored = x[a] - shift[j];
        if (stored == 0) continue;
        index[e] = j;
        value[e] = stored;
        e++;
      }
      y[n] = r.getDouble(1) - yShift;
      w[n] = r.getDouble(2);
      fold[n] = r.getInt(3);
      start[++n] = e;
      if (n == ROWS) {
        out.add(new Block(n, start.clone(), Arrays.copyOf(index, e), Arrays.copyOf(value, e), y.clone(), w.clone(),
            fold.clone()));
        n = 0;
        e = 0;
      }
    }
    if (n > 0) {
      out.add(new Block(n, Arrays.copyOf(start, n + 1), Arrays.copyOf(index, e), Arrays.copyOf(value, e),
          Arrays.copyOf(y, n), Arrays.copyOf(w, n), Arrays.copyOf(fold, n)));
    }
    return out.iterator();
  }
}
