package io.ridgeline.cv;

import io.ridgeline.config.Metric;
import java.io.Serializable;
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
 * </ul>
 * AUC, which needs every score in order, is not a running sum: {@link Auc} computes it distributed.
 * State is a few doubles and the K×K confusion matrix, whatever the rows.
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

  public Evaluation(int numClasses) {
    this.numClasses = numClasses;
    this.confusion = numClasses == 0 ? null : new double[numClasses * numClasses];
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
    return this;
  }

  /** Merges {@code b} into {@code a}, model by model (for {@code treeReduce}). */
  public static Evaluation[] merge(Evaluation[] a, Evaluation[] b) {
    for (int m = 0; m < a.length; m++) a[m].merge(b[m]);
    return a;
  }

  /** Every metric that applies to this task but AUC ({@link Auc}). */
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
}
