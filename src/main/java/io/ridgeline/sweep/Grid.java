package io.ridgeline.sweep;

import io.ridgeline.config.SweepSpec.GridSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * The α × λ grid. With explicit {@code sweep.lambda.values} every α gets the same λ list; with a
 * {@code sweep.lambda.path}, each α gets {@code count} values log-spaced from λ_max(α) down to
 * λ_max(α)·{@code minRatio}: λ_i = λ_max · minRatio^(i/(count−1)), i = 0..count−1.
 */
public final class Grid {
  private Grid() {}

  /** @param lambdaMax λ_max for an α (only called for a path) */
  public static List<GridPoint> build(GridSpec spec, DoubleUnaryOperator lambdaMax) {
    List<GridPoint> points = new ArrayList<>();
    for (double alpha : spec.alphas()) {
      double[] lambdas = spec.lambdaValues() != null
          ? spec.lambdaValues().stream().mapToDouble(Double::doubleValue).toArray()
          : path(lambdaMax.applyAsDouble(alpha), spec.pathMinRatio(), spec.pathCount());
      for (double lambda : lambdas) points.add(new GridPoint(points.size(), alpha, lambda));
    }
    return points;
  }

  public static double[] path(double lambdaMax, double minRatio, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = count == 1 ? lambdaMax : lambdaMax * Math.pow(minRatio, (double) i / (count - 1));
    }
    return out;
  }
}
