package io.ridgeline.mlp;

import java.io.Serializable;

/**
 * Affine input (and regression target) scaling: x̃_j = (x_j − μ_j)/σ_j, ỹ = (y − μ_y)/σ_y, with the
 * unweighted training mean and 1/n standard deviation (σ = 1 for a constant column, and the identity
 * when standardization is off). The model applies it before its forward pass and maps predictions back
 * with y = μ_y + σ_y ỹ.
 */
public record Standardization(double[] mean, double[] std, double yMean, double yStd) implements Serializable {

  static Standardization of(Stats s, boolean on, boolean classification) {
    int p = s.p;
    double[] mean = new double[p];
    double[] std = new double[p];
    for (int j = 0; j < p; j++) {
      if (on) {
        mean[j] = s.sum[j] / s.n;
        double var = Math.max(0.0, s.sumSq[j] / s.n - mean[j] * mean[j]);
        std[j] = var > 0 ? Math.sqrt(var) : 1.0;
      } else {
        std[j] = 1.0;
      }
    }
    double yMean = 0.0;
    double yStd = 1.0;
    if (on && !classification) {
      yMean = s.sumY / s.n;
      double var = Math.max(0.0, s.sumY2 / s.n - yMean * yMean);
      yStd = var > 0 ? Math.sqrt(var) : 1.0;
    }
    return new Standardization(mean, std, yMean, yStd);
  }

  /** In place: x ← (x − μ)/σ. */
  void features(double[] x) {
    for (int j = 0; j < mean.length; j++) x[j] = (x[j] - mean[j]) / std[j];
  }

  double label(double y) {
    return (y - yMean) / yStd;
  }

  double unlabel(double y) {
    return yMean + yStd * y;
  }

  /** One pass of counts and moments (and the label range for classification checks). */
  static final class Stats implements Serializable {
    private static final long serialVersionUID = 1L;
    long n;
    long validRows;
    int p = -1;
    double[] sum;
    double[] sumSq;
    double sumY;
    double sumY2;
    double minLabel = Double.POSITIVE_INFINITY;
    double maxLabel = Double.NEGATIVE_INFINITY;
    boolean nonInteger;

    void add(double[] x, double y, double w) {
      if (p < 0) {
        p = x.length;
        sum = new double[p];
        sumSq = new double[p];
      } else if (x.length != p) {
        throw new IllegalArgumentException("MlpEstimator: feature vectors of sizes " + p + " and " + x.length);
      }
      if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("MlpEstimator: weight " + w + " is not ≥ 0");
      n++;
      for (int j = 0; j < p; j++) {
        sum[j] += x[j];
        sumSq[j] += x[j] * x[j];
      }
      sumY += y;
      sumY2 += y * y;
      minLabel = Math.min(minLabel, y);
      maxLabel = Math.max(maxLabel, y);
      if (y != Math.rint(y)) nonInteger = true;
    }

    Stats merge(Stats o) {
      if (o.n == 0) return this;
      if (n == 0) return o;
      if (o.p != p) throw new IllegalArgumentException("MlpEstimator: feature vectors of sizes " + p + " and " + o.p);
      n += o.n;
      validRows += o.validRows;
      for (int j = 0; j < p; j++) {
        sum[j] += o.sum[j];
        sumSq[j] += o.sumSq[j];
      }
      sumY += o.sumY;
      sumY2 += o.sumY2;
      minLabel = Math.min(minLabel, o.minLabel);
      maxLabel = Math.max(maxLabel, o.maxLabel);
      nonInteger |= o.nonInteger;
      return this;
    }
  }
}
