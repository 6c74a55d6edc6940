package io.ridgeline.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of the hyperparameter grid.
 *
 * @param id     stable index: α in the configured order, then λ from largest to smallest (mlp: the
 *               product of the {@code sweep.mlp} lists, parameters in name order, values as listed)
 * @param alpha  elastic-net mixing (MLlib {@code elasticNetParam}): 0 = ridge, 1 = lasso; NaN for mlp
 * @param lambda regularization strength (MLlib {@code regParam}); NaN for mlp
 * @param params the point's parameters as text, for the {@code params} column of every report
 */
public record GridPoint(int id, double alpha, double lambda, Map<String, String> params) {
  /** An elastic-net point. */
  public GridPoint(int id, double alpha, double lambda) {
    this(id, alpha, lambda, elasticNet(alpha, lambda));
  }

  /** A point given by named parameters only (mlp). */
  public static GridPoint named(int id, Map<String, String> params) {
    return new GridPoint(id, Double.NaN, Double.NaN, Map.copyOf(params));
  }

  private static Map<String, String> elasticNet(double alpha, double lambda) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("alpha", Double.toString(alpha));
    m.put("lambda", Double.toString(lambda));
    return m;
  }

  public boolean isElasticNet() {
    return !Double.isNaN(alpha);
  }

  /** A short label: "α=0.5 · λ=0.0123", or "dropout=0.2 · batchNorm=true". */
  public String label() {
    if (isElasticNet()) return "α=" + Format.number(alpha) + " · λ=" + Format.number(lambda);
    if (params.isEmpty()) return "the single grid point (no sweep.mlp axes)";
    return String.join(" · ", new java.util.TreeMap<>(params).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).toList());
  }
}
