package io.ridgeline.cv;

import io.ridgeline.config.Metric;
import java.io.Serializable;
import java.util.Arrays;
import java.util.EnumMap;

/**
 * Running sums for every metric of one model on one set of rows; partitions build one each and the
 * driver merges them. All sums are weighted by the instance weight w.
 *
 * <ul>
 *   <li>Regression: mse = Σw(y−ŷ)²/Σw, rmse = √mse, mae = Σw|y−ŷ|/Σw,
 *       r2 = 1 − Σw(y−ŷ)² / Σw(y−ȳ)².
 *   <li>Classification: logloss = −Σw·log max(p_y, 1e−15)/Σw (MLlib's clamp); the prediction is the
 *       most probable class (lowest index on ties, so p = 0.5 predicts 0 as MLlib's threshold does);
 *       accuracy and F1 from the weighted confusion matrix (F1 of class 1 for binomial, the
 *       true-class-weighted mean F1 for multinomial, as MLlib's "f1").
 *   <li>AUC (binomial): the weighted Mann–Whitney statistic with ties counted one half, which is the
 *       exact area under the ROC curve; it keeps every (score, label, weight) of its rows.
 * </ul>
 */
public final class Evaluation implements Serializable {
  private static final double LOG_EPS = 1e-15;

  private final int numClasses;
  private double sumW;
  // regression
  private double sumWErr2;
  private double sumWAbsErr;
  /** ȳ and Σw(y − ȳ)² by West's update (raw Σwy² would cancel to nothing under a label offset). */
  private double meanY;
  private double m2Y;
  // classification
  private double sumWLogLoss;
  private final double[] confusion;
  // binomial AUC
  private double[] scores = new double[0];
  private double[] positive = new double[0];
  private double[] weights = new double[0];
  private int n;

  public Evaluation(int numClasses) {
    this.numClasses = numClasses;
    this.confusion = numClasses == 0 ? null : new double[numClasses * numClasses];
    if (numClasses == 2) {
      scores = new double[256];
      positive = new double[256];
      weights = new double[256];
    }
  }

  /** Adds one row: its label, weight and the predictor's output. */
  public void add(double y, double w, double[] out) {
    sumW += w;
    if (numClasses == 0) {
      double e = y - out[0];
      sumWErr2 += w * e * e;
      sumWAbsErr += w * Math.abs(e);
      if (sumW == w) {
        meanY = y;   // the first row: exactly (y − ȳ = 0 would come out as rounding times y)
      } else if (w > 0) {
        double d = y - meanY;
        meanY += d * w / sumW;
        m2Y += w * d * (y - meanY);
      }
      return;
    }
    int label = (int) y;
    sumWLogLoss -= w * Math.log(Math.max(out[label], LOG_EPS));
    int predicted = 0;
    for (int k = 1; k < numClasses; k++) if (out[k] > out[predicted]) predicted = k;
    confusion[label * numClasses + predicted] += w;
    if (numClasses == 2) {
      if (n == scores.length) grow();
      scores[n] = out[1];
      positive[n] = label;
      weights[n] = w;
      n++;
    }
  }

  public Evaluation merge(Evaluation o) {
    double total = sumW + o.sumW;
    if (o.sumW > 0) {   // Chan, Golub & LeVeque's pairwise rule
      double d = o.meanY - meanY;
      m2Y += o.m2Y + d * d * sumW * o.sumW / total;
      meanY += d * o.sumW / total;
    }
    sumW = total;
    sumWErr2 += o.sumWErr2;
    sumWAbsErr += o.sumWAbsErr;
    sumWLogLoss += o.sumWLogLoss;
    if (confusion != null) for (int i = 0; i < confusion.length; i++) confusion[i] += o.confusion[i];
    if (numClasses == 2) {
      while (scores.length < n + o.n) grow();
      System.arraycopy(o.scores, 0, scores, n, o.n);
      System.arraycopy(o.positive, 0, positive, n, o.n);
      System.arraycopy(o.weights, 0, weights, n, o.n);
      n += o.n;
    }
    return this;
  }

  private void grow() {
    int size = Math.max(256, scores.length * 2);
    scores = Arrays.copyOf(scores, size);
    positive = Arrays.copyOf(positive, size);
    weights = Arrays.copyOf(weights, size);
  }

  /** Every metric that applies to this task. */
  public EnumMap<Metric, Double> metrics() {
    EnumMap<Metric, Double> m = new EnumMap<>(Metric.class);
    if (numClasses == 0) {
      double mse = sumWErr2 / sumW;
      double sst = m2Y;
      m.put(Metric.MSE, mse);
      m.put(Metric.RMSE, Math.sqrt(mse));
      m.put(Metric.MAE, sumWAbsErr / sumW);
      m.put(Metric.R2, sst > 0 ? 1 - sumWErr2 / sst : Double.NaN);   // undefined for a constant label
      return m;
    }
    m.put(Metric.LOGLOSS, sumWLogLoss / sumW);
    double correct = 0;
    for (int k = 0; k < numClasses; k++) correct += confusion[k * numClasses + k];
    m.put(Metric.ACCURACY, correct / sumW);
    if (numClasses == 2) {
      m.put(Metric.F1, f1(1));
      m.put(Metric.AUC, auc());
    } else {
      double weighted = 0;
      for (int k = 0; k < numClasses; k++) weighted += trueWeight(k) / sumW * f1(k);
      m.put(Metric.F1, weighted);
    }
    return m;
  }

  private double trueWeight(int k) {
    double s = 0;
    for (int j = 0; j < numClasses; j++) s += confusion[k * numClasses + j];
    return s;
  }

  private double f1(int k) {
    double tp = confusion[k * numClasses + k];
    double predicted = 0;
    for (int i = 0; i < numClasses; i++) predicted += confusion[i * numClasses + k];
    double denominator = predicted + trueWeight(k);
    return denominator == 0 ? 0 : 2 * tp / denominator;
  }

  /**
   * AUC = Σ_{s} W⁺(s)·(W⁻(&lt;s) + ½W⁻(s)) / (W⁺·W⁻) over the distinct scores s, computed with one sort
   * of the scores and a binary search per row (no boxing).
   */
  private double auc() {
    double[] distinct = Arrays.copyOf(scores, n);
    Arrays.sort(distinct);
    int d = 0;
    for (int i = 0; i < n; i++) if (i == 0 || distinct[i] != distinct[d - 1]) distinct[d++] = distinct[i];
    double[] pos = new double[d];
    double[] neg = new double[d];
    double wPos = 0;
    double wNeg = 0;
    for (int i = 0; i < n; i++) {
      int at = Arrays.binarySearch(distinct, 0, d, scores[i]);
      if (positive[i] > 0) {
        pos[at] += weights[i];
        wPos += weights[i];
      } else {
        neg[at] += weights[i];
        wNeg += weights[i];
      }
    }
    if (wPos == 0 || wNeg == 0) return Double.NaN;
    double area = 0;
    double negBelow = 0;
    for (int s = 0; s < d; s++) {
      area += pos[s] * (negBelow + 0.5 * neg[s]);
      negBelow += neg[s];
    }
    return area / (wPos * wNeg);
  }
}
