package io.ridgeline.glm;

import io.ridgeline.cv.Predictor;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * A generalized linear predictor: margins m_k = b_k + β_kᵀx for k = 0..K'−1, with K' = 1 for
 * regression and binomial and K' = K for multinomial. Regression returns m_0; binomial returns
 * (1 − σ(m_0), σ(m_0)); multinomial the softmax of the margins.
 */
final class LinearPredictor implements Predictor {
  private final int numClasses;
  private final int p;
  /** K' × p, row-major. */
  private final double[] coef;
  private final double[] intercept;

  LinearPredictor(int numClasses, int p, double[] coef, double[] intercept) {
    this.numClasses = numClasses;
    this.p = p;
    this.coef = coef;
    this.intercept = intercept;
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public void predict(Vector x, double[] out) {
    int rows = intercept.length;
    for (int k = 0; k < rows; k++) out[k] = intercept[k] + dot(k * p, x);
    if (numClasses == 2) {
      double p1 = 1 / (1 + Math.exp(-out[0]));
      out[0] = 1 - p1;
      out[1] = p1;
    } else if (numClasses > 2) {
      softmax(out, rows);
    }
  }

  /** The first {@code k} margins in {@code out} become class probabilities (softmax, shifted by their max). */
  static void softmax(double[] out, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) max = Math.max(max, out[c]);
    double sum = 0;
    for (int c = 0; c < k; c++) {
      out[c] = Math.exp(out[c] - max);
      sum += out[c];
    }
    for (int c = 0; c < k; c++) out[c] /= sum;
  }

  private double dot(int offset, Vector x) {
    double s = 0;
    if (x instanceof DenseVector d) {
      double[] v = d.values();
      for (int j = 0; j < p; j++) s += coef[offset + j] * v[j];
    } else {
      SparseVector sv = (SparseVector) x;
      int[] idx = sv.indices();
      double[] v = sv.values();
      for (int i = 0; i < idx.length; i++) s += coef[offset + idx[i]] * v[i];
    }
    return s;
  }
}
