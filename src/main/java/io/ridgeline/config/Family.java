package io.ridgeline.config;

import java.util.Locale;

/** The model family a sweep trains: {@code model.family}. */
public enum Family {
  /** Squared loss, MLlib {@code LinearRegression}. */
  LINEAR,
  /** Log loss, MLlib {@code LogisticRegression}: binomial for labels {0, 1}, multinomial for 0..K−1. */
  LOGISTIC;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isClassification() {
    return this == LOGISTIC;
  }
}
