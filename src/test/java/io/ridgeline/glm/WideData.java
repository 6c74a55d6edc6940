package io.ridgeline.glm;

import io.ridgeline.TestSpark;
import io.ridgeline.config.Family;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.LabeledData;
import io.ridgeline.sweep.Checkpoints;
import io.ridgeline.sweep.Progress;
import io.ridgeline.sweep.SweepRunner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small sparse data for the wide engines' tests, with the objective MLlib minimizes evaluated directly
 * on it: n rows × p features, {@code perRow} random features stored a row (values of scales 0.3 to 3),
 * feature 0 dense (present in every row, mean {@code offset}), weights in [0.2, 3], k folds by row
 * index; a linear label from 12 features with noise, or a binary label drawn from the logistic model.
 * Rows may draw their features from the first {@code pool} only (the rest: constant zero columns, which
 * keep a coefficient of 0, and enough rows per feature for a unique lasso solution).
 */
final class WideData {
  final int n;
  final int p;
  final int k;
  final boolean binomial;
  /** Per row: stored indices and values, label, weight, fold. */
  final int[][] index;
  final double[][] value;
  final double[] y;
  final double[] w;
  final int[] fold;
  final Dataset<Row> frame;

  WideData(SparkSession spark, int n, int p, int perRow, int k, boolean binomial, double offset, double yOffset,
      long seed) {
    this(spark, n, p, p, perRow, k, binomial, offset, yOffset, seed);
  }

  /** Rows store features from the first {@code pool} only; the others are constant zero columns. */
  WideData(SparkSession spark, int n, int p, int pool, int perRow, int k, boolean binomial, double offset,
      double yOffset, long seed) {
    this.n = n;
    this.p = p;
    this.k = k;
    this.binomial = binomial;
    Random r = new Random(seed);
    double[] scale = new double[p];
    double[] truth = new double[p];
    for (int j = 0; j < p; j++) scale[j] = 0.3 + 2.7 * r.nextDouble();
    for (int j = 0; j < 12; j++) truth[r.nextInt(pool)] = (r.nextBoolean() ? 1 : -1) * (0.5 + r.nextDouble());
    truth[0] = 0.7;
    index = new int[n][];
    value = new double[n][];
    y = new double[n];
    w = new double[n];
    fold = new int[n];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TreeSet<Integer> features = new TreeSet<>();
      features.add(0);
      while (features.size() < perRow) features.add(1 + r.nextInt(pool - 1));
      index[i] = features.stream().mapToInt(Integer::intValue).toArray();
      value[i] = new double[index[i].length];
      double eta = 0;
      for (int e = 0; e < index[i].length; e++) {
        int j = index[i][e];
        double x = j == 0 ? offset + r.nextGaussian() : scale[j] * r.nextGaussian();
        value[i][e] = x;
        eta += truth[j] * (j == 0 ? x - offset : x / scale[j]);
      }
      y[i] = binomial ? (r.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0) : yOffset + 3 + eta + r.nextGaussian();
      w[i] = 0.2 + 2.8 * r.nextDouble();
      fold[i] = i % k;
      rows.add(RowFactory.create(Vectors.sparse(p, index[i], value[i]), y[i], w[i], fold[i]));
    }
    StructType schema = new StructType()
        .add(LabeledData.FEATURES, SQLDataTypes.VectorType())
        .add(LabeledData.LABEL, DataTypes.DoubleType)
        .add(LabeledData.WEIGHT, DataTypes.DoubleType)
        .add(FoldedData.FOLD, DataTypes.IntegerType);
    frame = spark.createDataFrame(rows, schema).repartition(2).cache();
  }

  FoldedData folded() {
    long[] sizes = new long[k];
    for (int f : fold) sizes[f]++;
    List<String> names = new ArrayList<>();
    for (int j = 0; j < p; j++) names.add("x" + j);
    LabeledData data = new LabeledData(frame, names, binomial ? 2 : 0, n, "memory", "label");
    return new FoldedData(frame, data, k, sizes, unknownWeights(k), 0L);
  }

  static ModelSpec spec(boolean binomial, boolean standardize, boolean intercept) {
    return new ModelSpec(binomial ? Family.LOGISTIC : Family.LINEAR, binomial, standardize, intercept, 100000, 1e-12,
        Map.of());
  }

  static SweepRunner runner(String name) {
    return runner(name, new PrintStream(OutputStream.nullOutputStream()));
  }

  /** A runner whose progress lines go to {@code progress}. */
  static SweepRunner runner(String name, PrintStream progress) {
    try {
      return new SweepRunner(TestSpark.session(), 1, name, new Progress(1000, progress),
          new Checkpoints(FileSystem.getLocal(new Configuration()),
              new org.apache.hadoop.fs.Path(TestSpark.tempDir(name).toString())));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The rows of every fold but {@code held} (held ≥ k: all). */
  boolean in(int i, int held) {
    return fold[i] != held;
  }

  /** A training set's σ_j (MLlib's convention at this p and family) and σ_y (1 for binomial). */
  private record Scales(double weight, double[] sigma, double ySigma) {}

  private Scales scales(int held) {
    double sw = 0;
    double sw2 = 0;
    double sy = 0;
    double[] sx = new double[p];
    for (int i = 0; i < n; i++) {
      if (!in(i, held)) continue;
      sw += w[i];
      sw2 += w[i] * w[i];
      sy += w[i] * y[i];
      for (int e = 0; e < index[i].length; e++) sx[index[i][e]] += w[i] * value[i][e];
    }
    boolean unbiased = binomial || p > WidePath.NORMAL_EQUATIONS;
    double denominator = unbiased ? sw - sw2 / sw : sw;
    double[] ss = new double[p];
    double yy = 0;
    for (int i = 0; i < n; i++) {
      if (!in(i, held)) continue;
      yy += w[i] * (y[i] - sy / sw) * (y[i] - sy / sw);
      for (int e = 0; e < index[i].length; e++) {
        int j = index[i][e];
        double m = sx[j] / sw;
        // Σw(x − x̄)² over stored entries; each absent (zero) entry adds w·x̄², added below as Σw·x̄².
        ss[j] += w[i] * ((value[i][e] - m) * (value[i][e] - m) - m * m);
      }
    }
    double[] sigma = new double[p];
    for (int j = 0; j < p; j++) {
      double m = sx[j] / sw;
      sigma[j] = Math.sqrt(Math.max(0, (ss[j] + sw * m * m) / denominator));
    }
    return new Scales(sw, sigma, binomial ? 1 : Math.sqrt(yy / denominator));
  }

  private double eta(int i, double[] beta, double b0) {
    double eta = b0;
    for (int e = 0; e < index[i].length; e++) eta += beta[index[i][e]] * value[i][e];
    return eta;
  }

  /**
   * MLlib's objective on the training set: gaussian 1/(2W)Σw(y − η)² + λ[αΣπ|β| + ½(1−α)/σ_y·Σπ²β²]
   * (σ population up to 4096 features, unbiased beyond, as MLlib's two solvers), binomial
   * (1/W)Σw·logloss + λ[αΣπ|β| + ½(1−α)Σπ²β²] (σ unbiased); π = σ under standardization, else 1;
   * constant features excluded.
   */
  double objective(int held, double alpha, double lambda, boolean standardize, double[] beta, double b0) {
    Scales s = scales(held);
    double loss = 0;
    for (int i = 0; i < n; i++) {
      if (!in(i, held)) continue;
      double eta = eta(i, beta, b0);
      loss += binomial ? w[i] * (Math.log1p(Math.exp(-Math.abs(eta))) + Math.max(eta, 0) - y[i] * eta)
          : 0.5 * w[i] * (y[i] - eta) * (y[i] - eta);
    }
    double l1 = 0;
    double l2 = 0;
    for (int j = 0; j < p; j++) {
      if (!(s.sigma[j] > 0)) continue;
      double pi = standardize ? s.sigma[j] : 1;
      l1 += pi * Math.abs(beta[j]);
      l2 += pi * pi * beta[j] * beta[j];
    }
    return loss / s.weight + lambda * (alpha * l1 + 0.5 * (1 - alpha) * l2 / s.ySigma);
  }

  /**
   * The largest violation of the optimality conditions of that objective, each in units of a fitted
   * value: per feature |∂F/∂β_j| (β_j ≠ 0) or its excess over λαπ_j (β_j = 0), over σ_j·σ_y; the
   * intercept's |Σw·r|/W over σ_y.
   */
  double kkt(int held, double alpha, double lambda, boolean standardize, boolean intercept, double[] beta, double b0) {
    Scales s = scales(held);
    double[] g = new double[p];
    double sr = 0;
    for (int i = 0; i < n; i++) {
      if (!in(i, held)) continue;
      double eta = eta(i, beta, b0);
      double r = w[i] * (binomial ? y[i] - 1 / (1 + Math.exp(-eta)) : y[i] - eta);
      sr += r;
      for (int e = 0; e < index[i].length; e++) g[index[i][e]] -= r * value[i][e] / s.weight;
    }
    double worst = intercept ? Math.abs(sr / s.weight) / s.ySigma : 0;
    for (int j = 0; j < p; j++) {
      if (!(s.sigma[j] > 0)) continue;
      double pi = standardize ? s.sigma[j] : 1;
      double smooth = g[j] + lambda * (1 - alpha) * pi * pi * beta[j] / s.ySigma;
      double l1 = lambda * alpha * pi;
      double v = beta[j] != 0 ? Math.abs(smooth + l1 * Math.signum(beta[j])) : Math.max(0, Math.abs(smooth) - l1);
      worst = Math.max(worst, v / (s.sigma[j] * s.ySigma));
    }
    return worst;
  }

  /** The training set's rows as a frame. */
  Dataset<Row> training(int held) {
    return frame.where(frame.col(FoldedData.FOLD).notEqual(held));
  }

  static double[] dense(Vector v) {
    return v instanceof SparseVector s ? s.toArray() : v.toArray();
  }

  static double largest(double[] a) {
    return Arrays.stream(a).map(Math::abs).max().orElse(0);
  }

  /** Fold weights of a frame built by hand: the engines never read them (only the sweep's zero-weight check). */
  static double[] unknownWeights(int k) {
    double[] w = new double[k];
    java.util.Arrays.fill(w, Double.NaN);
    return w;
  }
}
