package io.ridgeline.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of the hyperparameter grid.
 *
 * @param id     stable index: α in the configured order, then λ from largest to smallest
 * @param alpha  elastic-net mixing (MLlib {@code elasticNetParam}): 0 = ridge, 1 = lasso
 * @param lambda regularization strength (MLlib {@code regParam})
 */
public record GridPoint(int id, double alpha, double lambda) {
  /** The point's parameters as text, for the {@code params} column of every report. */
  public Map<String, String> params() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("alpha", Double.toString(alpha));
    m.put("lambda", Double.toString(lambda));
    return m;
  }

  /** A short label: "α=0.5 · λ=0.0123". */
  public String label() {
    return "α=" + Format.number(alpha) + " · λ=" + Format.number(lambda);
  }
}
