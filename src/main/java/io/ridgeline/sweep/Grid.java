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

  /**
   * The points grouped by α (λ paths), in grid order. A named point (mlp) has no λ path: it is a path of
   * its own, so its (fold, point) trials are units of their own (run in parallel, recorded one by one).
   */
  public static List<List<GridPoint>> byAlpha(List<GridPoint> points) {
    java.util.Map<Object, List<GridPoint>> paths = new java.util.LinkedHashMap<>();
    for (GridPoint p : points) {
      Object path = p.isElasticNet() ? (Object) p.alpha() : p;
      paths.computeIfAbsent(path, a -> new ArrayList<>()).add(p);
    }
    return new ArrayList<>(paths.values());
  }

  /** Results made path by path ({@link #byAlpha}), put back in the order of {@code points}. */
  public static <T> List<T> inOrder(List<GridPoint> points, List<List<GridPoint>> paths, List<List<T>> results) {
    java.util.Map<GridPoint, T> byPoint = new java.util.HashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      for (int j = 0; j < paths.get(i).size(); j++) byPoint.put(paths.get(i).get(j), results.get(i).get(j));
    }
    return points.stream().map(byPoint::get).toList();
  }

  /**
   * The MLP's points: {@code sweep.samples} points drawn by the {@link Sampler} from the axes (lists as
   * choices), or else the product of the lists ({@link #named}).
   */
  public static List<GridPoint> mlp(io.ridgeline.config.SweepSpec.GridSpec spec) {
    if (spec.drawn()) return Sampler.draw(spec.mlp(), spec.samples(), spec.seed());
    java.util.Map<String, List<com.fasterxml.jackson.databind.JsonNode>> lists = new java.util.TreeMap<>();
    spec.mlp().forEach((name, axis) -> lists.put(name, ((io.ridgeline.config.MlpAxis.Values) axis).values()));
    return named(lists);
  }

  /**
   * A grid of named parameters: the product of the value lists, parameters in name order, the last
   * varying fastest. Values are kept as JSON text ({@code 0.2}, {@code true}, {@code [64,32]}).
   */
  public static List<GridPoint> named(java.util.Map<String, List<com.fasterxml.jackson.databind.JsonNode>> lists) {
    List<java.util.Map<String, String>> combos = new ArrayList<>();
    combos.add(new java.util.LinkedHashMap<>());
    for (var e : new java.util.TreeMap<>(lists).entrySet()) {
      List<java.util.Map<String, String>> next = new ArrayList<>();
      for (var combo : combos) {
        for (var v : e.getValue()) {
          var m = new java.util.LinkedHashMap<>(combo);
          m.put(e.getKey(), text(v));
          next.add(m);
        }
      }
      combos = next;
    }
    List<GridPoint> points = new ArrayList<>();
    for (var combo : combos) points.add(GridPoint.named(points.size(), combo));
    return points;
  }

  /** A value as a point's params hold it: text as is, anything else as JSON ({@code 0.2}, {@code [64,32]}). */
  static String text(com.fasterxml.jackson.databind.JsonNode v) {
    return v.isTextual() ? v.asText() : v.toString();
  }

  /** "α=0.5" for a λ path; a named point's own label ("dropout=0.2 · batchNorm=true", "" with no axes). */
  public static String pathLabel(List<GridPoint> path) {
    return path.get(0).isElasticNet() ? "α=" + Format.number(path.get(0).alpha()) : path.get(0).label();
  }

  /**
   * λ_max down to λ_max·minRatio on a log scale, each value rounded to {@value #PATH_DIGITS} significant
   * digits. λ_max comes from sums over partitions, whose order Spark does not fix, so it can differ in
   * its last bits (~1e−14 relative) from run to run; rounded, the grid is the same on every run, which a
   * resumed run needs (its points are compared by value with the records of the earlier attempt).
   * λ_max carries a 1e−9 margin above the all-zero boundary, far more than the rounding's 5e−11.
   */
  public static double[] path(double lambdaMax, double minRatio, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      double lambda = count == 1 ? lambdaMax : lambdaMax * Math.pow(minRatio, (double) i / (count - 1));
      out[i] = significant(lambda);
    }
    return out;
  }

  /**
   * x rounded to {@value #PATH_DIGITS} significant digits: a value computed in floating point (a λ, a
   * drawn parameter) then prints, records and compares the same on every run.
   */
  static double significant(double x) {
    return new java.math.BigDecimal(x).round(new java.math.MathContext(PATH_DIGITS)).doubleValue();
  }

  private static final int PATH_DIGITS = 10;
}
