package io.ridgeline.config;

import java.util.Locale;

/**
 * Validation metrics. Every trial reports all metrics of its task; {@code cv.metric} names the one
 * that selects, and its direction decides whether the best mean is the smallest or the largest.
 */
public enum Metric {
  RMSE(Task.REGRESSION, false),
  MSE(Task.REGRESSION, false),
  MAE(Task.REGRESSION, false),
  R2(Task.REGRESSION, true),
  /** Area under the ROC curve, binomial only. */
  AUC(Task.BINOMIAL, true),
  LOGLOSS(Task.CLASSIFICATION, false),
  ACCURACY(Task.CLASSIFICATION, true),
  /** F1 of class 1 for binomial; the class-frequency-weighted F1 for multinomial (as MLlib's "f1"). */
  F1(Task.CLASSIFICATION, true);

  /** Which labels a metric applies to. */
  public enum Task { REGRESSION, CLASSIFICATION, BINOMIAL }

  private final Task task;
  private final boolean higherIsBetter;

  Metric(Task task, boolean higherIsBetter) {
    this.task = task;
    this.higherIsBetter = higherIsBetter;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** True when this metric is defined for the family with {@code numClasses} classes (0 = regression). */
  public boolean appliesTo(int numClasses) {
    return switch (task) {
      case REGRESSION -> numClasses == 0;
      case CLASSIFICATION -> numClasses >= 2;
      case BINOMIAL -> numClasses == 2;
    };
  }

  /** True when this metric can be defined for some data of a classification (or regression) task. */
  public boolean appliesToTask(boolean classification) {
    return classification ? task != Task.REGRESSION : task == Task.REGRESSION;
  }

  /** Whether {@code a} is a better value than {@code b}. */
  public boolean better(double a, double b) {
    return higherIsBetter ? a > b : a < b;
  }
}
