package io.ridgeline.config;

import java.util.Locale;

/** The model family a sweep trains: {@code model.family}. */
public enum Family {
  /** Squared loss, MLlib {@code LinearRegression}. */
  LINEAR,
  /** Log loss, MLlib {@code LogisticRegression}: binomial for labels {0, 1}, multinomial for 0..K−1. */
  LOGISTIC,
  /** Ridgeline's data-parallel multilayer perceptron: classification or regression ({@code model.task}). */
  MLP;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether λ and α are its grid (linear and logistic) rather than named parameters (mlp). */
  public boolean isElasticNet() {
    return this != MLP;
  }
}
