package io.ridgeline.config;

/** How a grid point is chosen from cross-validated means: {@code cv.rule}. */
public enum SelectionRule {
  /** The best mean metric. */
  MIN("min"),
  /** The largest λ whose mean is within one standard error of the best mean (glmnet's lambda.1se). */
  ONE_SE("one-se");

  private final String key;

  SelectionRule(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }
}
