package io.ridgeline.glm;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.LabeledData;
import java.util.function.Consumer;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;

/**
 * What MLlib's estimators are given for a training set, so that they answer what glmnet and the fast
 * engines answer on degenerate or offset data, and how their solution maps back to the raw data.
 *
 * <p><b>Constant features.</b> A feature exactly constant over a training set's rows ({@link FeatureStats})
 * is set to 0 in the frame MLlib fits, and its coefficient reported as 0. Justification: with an
 * intercept, a constant column c·1 only adds c·β_j to every η_i, which the intercept absorbs, and MLlib
 * (σ_j = 0) and glmnet hold such a feature at 0; so replacing it by 0 leaves the loss of every other
 * coefficient unchanged. A column of zeros leaves the loss independent of β_j, and the penalty is
 * smallest at β_j = 0, so (β with β_j = 0, b₀) is an optimum with every other coefficient and the
 * intercept as MLlib computed them. MLlib's own answer there is not: its normal-equation solver's
 * variances come from raw moments, and an almost-zero σ_j gives a huge standardized coefficient.
 *
 * <p><b>Offsets.</b> With an intercept the features (dense rows only: a shift would densify sparse ones)
 * and, for linear regression, the label are shifted by the overall means s and t: the optimum's β is
 * invariant to the shift and the intercept maps back as b₀ = t + b₀' − sᵀβ (then re-centred over the
 * classes for multinomial, as MLlib reports it). MLlib's normal equations use raw sums of squares,
 * which an offset c cancels to ~1e−16·c²/σ². Without an intercept a shift would change the problem,
 * so nothing is shifted.
 *
 * <p>One pass gathers the statistics, once per {@link FoldedData}; each fit then costs a projection of
 * the cached frame (a row's work is its stored values). The statistics are 8·k·p doubles per task, so
 * beyond k·p = {@value #MAX_CELLS} (wide data, where MLlib uses L-BFGS and its Summarizer) the frame
 * goes to MLlib as it is, with a note.
 */
final class MllibInput {
  /** Largest folds × features for which the statistics pass runs (8 doubles each: 64 MiB). */
  static final long MAX_CELLS = 1L << 20;
  private final ModelSpec spec;
  private final int p;
  private final int numClasses;
  private FoldedData folded;
  private FeatureStats stats;
  private double[] xShift;
  private double yShift;

  MllibInput(ModelSpec spec, int p, int numClasses) {
    this.spec = spec;
    this.p = p;
    this.numClasses = numClasses;
  }

  /** A training set as MLlib will see it ({@code set} null: not checked, the data as it is). */
  record Prepared(Dataset<Row> rows, FeatureStats.Set set, double[] xShift, double yShift) {
    /** b₀ on raw data from MLlib's b₀' on the shifted rows and the raw β (K'×p row-major). */
    double[] rawIntercepts(double[] shifted, double[] beta) {
      int p = xShift.length;
      double[] b0 = new double[shifted.length];
      for (int c = 0; c < shifted.length; c++) {
        b0[c] = shifted[c] + yShift;
        for (int j = 0; j < p; j++) b0[c] -= xShift[j] * beta[c * p + j];
      }
      if (b0.length > 1) {
        double mean = 0;
        for (double v : b0) mean += v / b0.length;
        for (int c = 0; c < b0.length; c++) b0[c] -= mean;
      }
      return b0;
    }

    /** Zeroes the coefficients of the set's constant features (K'×p row-major), in place. */
    void zeroConstant(double[] beta) {
      if (set == null) return;
      int p = xShift.length;
      for (int i = 0; i < beta.length; i++) if (set.constant[i % p]) beta[i] = 0;
    }
  }

  /**
   * The training set that holds out fold {@code held} (k: all rows), shifted and with its constant
   * features zeroed; the first call for a {@link FoldedData} makes the statistics pass and notes the
   * degenerate training sets.
   */
  Prepared prepare(FoldedData data, int held, Consumer<String> note) {
    FeatureStats.Set set;
    double[] shift;
    double t;
    synchronized (this) {
      if ((long) data.folds() * p > MAX_CELLS) {
        if (folded != data) {
          note.accept(data.folds() + " folds × " + p + " features: the MLlib engine's checks for constant features "
              + "and offsets are skipped (beyond " + MAX_CELLS + " cells)");
          folded = data;
        }
        return new Prepared(held < data.folds() ? data.training(held) : data.frame(), null, new double[p], 0);
      }
      if (folded != data) {
        stats = FeatureStats.of(data.frame(), data.folds(), p, numClasses);
        xShift = new double[p];
        yShift = 0;
        if (spec.intercept()) {
          FeatureStats.Set all = stats.training(data.folds());
          if (!stats.sparseRows()) System.arraycopy(all.mean, 0, xShift, 0, p);
          if (numClasses == 0) yShift = all.labelMean;
        }
        DegenerateSets.note(stats, data.source().featureNames(), note);
        folded = data;
      }
      set = stats.training(held);
      shift = xShift;
      t = yShift;
    }
    Dataset<Row> rows = held < data.folds() ? data.training(held) : data.frame();
    boolean[] constant = set.constant;
    boolean unchanged = true;
    for (int j = 0; j < p; j++) unchanged &= shift[j] == 0 && !constant[j];
    if (unchanged && t == 0) return new Prepared(rows, set, shift, t);
    UserDefinedFunction project = functions.udf((UDF1<Vector, Vector>) v -> project(v, shift, constant),
        SQLDataTypes.VectorType());
    Column features = project.apply(col(LabeledData.FEATURES))
        .as(LabeledData.FEATURES, rows.schema().apply(LabeledData.FEATURES).metadata());
    rows = rows.withColumn(LabeledData.FEATURES, features);
    if (t != 0) {
      rows = rows.withColumn(LabeledData.LABEL, col(LabeledData.LABEL).minus(lit(t))
          .as(LabeledData.LABEL, rows.schema().apply(LabeledData.LABEL).metadata()));
    }
    return new Prepared(rows, set, shift, t);
  }

  /** x − shift with the constant features at 0 (sparse rows keep their sparsity: their shift is 0). */
  private static Vector project(Vector x, double[] shift, boolean[] constant) {
    if (x instanceof DenseVector d) {
      double[] v = d.values();
      double[] out = new double[v.length];
      for (int j = 0; j < v.length; j++) out[j] = constant[j] ? 0 : v[j] - shift[j];
      return Vectors.dense(out);
    }
    SparseVector s = (SparseVector) x;
    int[] idx = s.indices();
    double[] v = s.values();
    int n = 0;
    for (int i : idx) if (!constant[i]) n++;
    if (n == idx.length) return x;
    int[] keptIdx = new int[n];
    double[] kept = new double[n];
    n = 0;
    for (int i = 0; i < idx.length; i++) {
      if (constant[idx[i]]) continue;
      keptIdx[n] = idx[i];
      kept[n++] = v[i];
    }
    return Vectors.sparse(s.size(), keptIdx, kept);
  }
}
