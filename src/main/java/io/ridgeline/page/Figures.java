package io.ridgeline.page;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import io.ridgeline.report.RungSummary;
import io.ridgeline.sweep.Format;
import org.apache.spark.sql.Row;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of a run page, built from its report tables so that what they draw is what the tables
 * hold. Linear families: per α the CV curve (mean ± 1 se of the selecting metric against log₁₀ λ, the
 * {@code min} and {@code one-se} choices marked, the full-data non-zero counts along the top) and the
 * coefficient paths (per class for multinomial); the metric over α × λ; the folds' metric at the
 * chosen point and the fold sizes. MLP: training and validation loss per epoch for every fold of the
 * chosen points, and every point's mean ± se grouped by each swept parameter.
 */
public final class Figures {
  static final int WIDTH = 760;
  static final int HEIGHT = 420;
  /** Coefficient paths drawn at most (the largest by max |β| along the path); the top ones are named. */
  static final int MAX_PATHS = 40;
  static final int NAMED_PATHS = 8;

  private Figures() {}

  public static List<Figure> of(RunTables t) {
    List<Figure> out = new ArrayList<>();
    if (t.isMlp()) {
      RungSummary rungs = t.rungs();
      if (!rungs.isEmpty()) out.add(halving(t, rungs));
      out.addAll(lossCurves(t));
      out.addAll(parameterEffects(t, rungs));
    } else {
      for (double alpha : alphas(t)) {
        out.add(cvCurve(t, alpha));
        out.addAll(coefficientPaths(t, alpha));
      }
      out.add(heatmap(t));
    }
    out.add(foldSpread(t));
    out.add(foldSizes(t));
    return out;
  }

  // ---- linear families ----

  private static List<Double> alphas(RunTables t) {
    TreeSet<Double> a = new TreeSet<>();
    for (Row r : t.metricSummary()) a.add(r.getAs("alpha"));
    return new ArrayList<>(a);
  }

  /** The summary rows of one α, by λ from largest to smallest (the path's order). */
  static List<Row> path(RunTables t, double alpha) {
    return t.metricSummary().stream().filter(r -> alpha == r.<Double>getAs("alpha"))
        .sorted(Comparator.comparingDouble((Row r) -> -r.<Double>getAs("lambda"))).toList();
  }

  /** The CV curve of one α: mean ± se against log₁₀ λ; min and one-se (within this α's path) marked. */
  static Figure cvCurve(RunTables t, double alpha) {
    List<Row> rows = path(t, alpha);
    double[] x = new double[rows.size()];
    double[] y = new double[rows.size()];
    double[] se = new double[rows.size()];
    double top = Double.NEGATIVE_INFINITY;
    double bottom = Double.POSITIVE_INFINITY;
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      x[i] = Math.log10(r.<Double>getAs("lambda"));
      y[i] = value(r, "mean");
      se[i] = Double.isFinite(value(r, "se")) ? value(r, "se") : 0;
      top = Math.max(top, y[i] + se[i]);
      bottom = Math.min(bottom, y[i] - se[i]);
    }
    XYChart chart = xy("CV " + t.metric() + " · α = " + number(alpha), "log₁₀ λ", t.metric() + " (mean ± 1 se over folds)");
    chart.getStyler().setLegendVisible(false);
    XYSeries s = chart.addSeries("mean ± se", x, y, se);
    s.setMarker(SeriesMarkers.CIRCLE);
    double span = top > bottom ? top - bottom : Math.max(Math.abs(top), 1);
    chart.getStyler().setYAxisMax(top + 0.12 * span);
    chart.getStyler().setYAxisMin(bottom - 0.03 * span);
    for (int i = 0; i < rows.size(); i++) {
      Object nz = rows.get(i).getAs("nonzero_full");
      if (nz != null) chart.addAnnotation(new AnnotationText(String.valueOf(nz), x[i], top + 0.07 * span, false));
    }
    Map<String, Double> marks = new LinkedHashMap<>();
    String scope = t.choice("alpha", "min", alpha) != null ? "alpha" : "all";
    for (String rule : List.of("min", "one-se")) {
      Row c = t.choice(scope, rule, alpha);
      if (c == null || alpha != c.<Double>getAs("alpha")) continue;
      marks.put(rule, c.<Double>getAs("lambda"));
      chart.addAnnotation(new AnnotationLine(Math.log10(c.<Double>getAs("lambda")), true, false));
    }
    return new Figure("cv-curve-alpha-" + number(alpha) + ".svg", "CV curve, α = " + number(alpha),
        "Mean " + t.metric() + " over the folds ± 1 standard error at each λ; vertical lines: the "
            + String.join(" and ", marks.keySet()) + " choice" + (marks.size() == 1 ? "" : "s")
            + " on this α's path (" + describe(marks) + "); numbers along the top: non-zero coefficients of the"
            + " full-data fit.", chart, marks);
  }

  /** Coefficient paths of one α (one figure per class for multinomial), the chosen λ marked. */
  static List<Figure> coefficientPaths(RunTables t, double alpha) {
    List<Row> pathRows = path(t, alpha);
    List<Double> lambdas = pathRows.stream().map(r -> r.<Double>getAs("lambda")).toList();
    Map<Integer, Map<String, double[]>> byClass = new TreeMap<>();
    for (Row r : t.coefficients()) {
      if (alpha != r.<Double>getAs("alpha") || "(intercept)".equals(r.getAs("feature"))) continue;
      int at = lambdas.indexOf(r.<Double>getAs("lambda"));
      if (at < 0) continue;
      Integer cls = r.isNullAt(r.fieldIndex("class")) ? -1 : r.<Integer>getAs("class");
      byClass.computeIfAbsent(cls, k -> new TreeMap<>())
          .computeIfAbsent(r.getAs("feature"), k -> new double[lambdas.size()])[at] = r.getAs("value");
    }
    Row chosen = t.refit();
    Double mark = chosen != null && chosen.getAs("alpha") != null && alpha == chosen.<Double>getAs("alpha")
        ? chosen.<Double>getAs("lambda") : null;
    if (mark == null && t.choice("alpha", "min", alpha) != null) mark = t.choice("alpha", "min", alpha).getAs("lambda");
    double[] x = lambdas.stream().mapToDouble(Math::log10).toArray();
    List<Figure> out = new ArrayList<>();
    for (Map.Entry<Integer, Map<String, double[]>> e : byClass.entrySet()) {
      String cls = e.getKey() < 0 ? "" : " · class " + e.getKey();
      XYChart chart = xy("Coefficients · α = " + number(alpha) + cls, "log₁₀ λ", "coefficient");
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      chart.getStyler().setMarkerSize(0);
      List<Map.Entry<String, double[]>> largest = new ArrayList<>(e.getValue().entrySet());
      largest.sort(Comparator.comparingDouble((Map.Entry<String, double[]> f) -> -maxAbs(f.getValue())));
      int drawn = Math.min(MAX_PATHS, largest.size());
      for (int i = drawn - 1; i >= 0; i--) {
        XYSeries s = chart.addSeries(largest.get(i).getKey(), x, largest.get(i).getValue());
        if (i >= NAMED_PATHS) {
          s.setShowInLegend(false);
          s.setLineColor(new Color(170, 170, 170));
        }
      }
      Map<String, Double> marks = new LinkedHashMap<>();
      if (mark != null) {
        marks.put("chosen", mark);
        chart.addAnnotation(new AnnotationLine(Math.log10(mark), true, false));
      }
      String suffix = e.getKey() < 0 ? "" : "-class-" + e.getKey();
      out.add(new Figure("coefficients-alpha-" + number(alpha) + suffix + ".svg",
          "Coefficient paths, α = " + number(alpha) + cls,
          "Full-data coefficients along the λ path (intercept not drawn); the " + Math.min(NAMED_PATHS, drawn)
              + " largest named" + (largest.size() > drawn ? ", " + drawn + " of " + largest.size()
              + " non-zero features drawn" : "") + (mark == null ? "" : "; vertical line: λ = " + number(mark)) + ".",
          chart, marks));
    }
    return out;
  }

  /** The selecting metric over α × λ (λ by its position on each α's path), the chosen cell marked. */
  static Figure heatmap(RunTables t) {
    List<Double> alphas = alphas(t);
    int width = 0;
    for (double a : alphas) width = Math.max(width, path(t, a).size());
    List<String> columns = new ArrayList<>();
    boolean shared = sharedLambdas(t, alphas);
    for (int i = 0; i < width; i++) columns.add(shared ? number(path(t, alphas.get(0)).get(i).getAs("lambda")) : "λ" + (i + 1));
    List<String> rowsLabels = alphas.stream().map(Figures::number).toList();
    List<Number[]> cells = new ArrayList<>();
    Row chosen = t.refit();
    Map<String, Double> marks = new LinkedHashMap<>();
    for (int a = 0; a < alphas.size(); a++) {
      List<Row> p = path(t, alphas.get(a));
      for (int i = 0; i < p.size(); i++) {
        cells.add(new Number[] {i, a, value(p.get(i), "mean")});
        if (chosen != null && chosen.<Integer>getAs("point").equals(p.get(i).getAs("point"))) {
          marks.put("alpha", alphas.get(a));
          marks.put("lambda", p.get(i).getAs("lambda"));
        }
      }
    }
    HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(Math.max(220, 90 + 40 * alphas.size()))
        .title(t.metric() + " over α × λ" + (marks.isEmpty() ? "" : " · chosen: α = " + number(marks.get("alpha"))
            + ", λ = " + number(marks.get("lambda")))).xAxisTitle(shared ? "λ" : "λ (position on each α's path)")
        .yAxisTitle("α").build();
    double largest = cells.stream().mapToDouble(c -> Math.abs(c[2].doubleValue())).filter(Double::isFinite).max().orElse(1);
    chart.getStyler().setShowValue(width <= 10);   // a value in every cell while they fit
    chart.getStyler().setHeatMapValueDecimalPattern(largest >= 100 ? "0.#" : largest >= 1 ? "0.###" : "0.#####");
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.addSeries("mean " + t.metric(), columns, rowsLabels, cells);
    return new Figure("heatmap.svg", "CV " + t.metric() + " over α × λ",
        "Mean " + t.metric() + " over the folds at every grid point"
            + (marks.isEmpty() ? "" : "; the model was refitted at α = " + number(marks.get("alpha")) + ", λ = "
            + number(marks.get("lambda")) + " (" + t.refit().getAs("rule") + ")") + ".", chart, marks);
  }

  private static boolean sharedLambdas(RunTables t, List<Double> alphas) {
    List<Object> first = path(t, alphas.get(0)).stream().map(r -> r.getAs("lambda")).toList();
    for (double a : alphas) {
      if (!path(t, a).stream().map(r -> r.getAs("lambda")).toList().equals(first)) return false;
    }
    return true;
  }

  // ---- every family ----

  /** The selecting metric of each fold at the point the model was refitted at. */
  static Figure foldSpread(RunTables t) {
    Row chosen = t.refit();
    int point = chosen == null ? -1 : chosen.getAs("point");
    // Each fold at the last rung the point reached (one trial per fold outside successive halving).
    Map<Integer, Row> byFold = new TreeMap<>();
    for (Row r : t.trials()) {
      if (r.<Integer>getAs("point") == point) byFold.merge(r.<Integer>getAs("fold"), r, (a, b) -> rung(b) > rung(a) ? b : a);
    }
    List<Row> folds = new ArrayList<>(byFold.values());
    List<String> names = folds.stream().map(r -> "fold " + (r.<Integer>getAs("fold") + 1)).toList();
    List<Double> values = folds.stream().map(r -> value(r, t.metric())).toList();
    CategoryChart chart = category("CV " + t.metric() + " by fold at the chosen point", "fold", t.metric());
    if (!folds.isEmpty()) chart.addSeries(t.metric(), names, values);
    Map<String, Double> marks = new LinkedHashMap<>();
    if (chosen != null) {
      marks.put("mean", chosen.getAs("mean"));
      chart.addAnnotation(new AnnotationLine(chosen.<Double>getAs("mean"), false, false));
    }
    return new Figure("folds.svg", "Fold spread at the chosen point",
        "Each fold's " + t.metric() + " at point " + point + (chosen == null ? "" : " (" + label(chosen) + ")")
            + "; horizontal line: their mean.", chart, marks);
  }

  /** The folds' validation sizes ({@code runs.fold_sizes}). */
  static Figure foldSizes(RunTables t) {
    List<Long> sizes = t.run().getList(t.run().fieldIndex("fold_sizes"));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) names.add("fold " + (i + 1));
    CategoryChart chart = category("Rows in each fold", "fold", "rows");
    chart.addSeries("rows", names, sizes);
    return new Figure("fold-sizes.svg", "Fold sizes", "Rows held out in each fold (" + t.run().getAs("rows")
        + " rows in all).", chart, Map.of());
  }

  // ---- mlp ----

  /** Training and validation loss per epoch, every fold of the min and one-se points. */
  static List<Figure> lossCurves(RunTables t) {
    List<Figure> out = new ArrayList<>();
    if (t.history().isEmpty()) return out;
    Map<Integer, String> points = new LinkedHashMap<>();
    for (String rule : List.of("min", "one-se")) {
      Row c = t.choice("all", rule, null);
      if (c != null) points.merge(c.<Integer>getAs("point"), rule, (a, b) -> a + ", " + b);
    }
    for (Map.Entry<Integer, String> p : points.entrySet()) {
      XYChart chart = xy("Loss per epoch · point " + p.getKey() + " (" + p.getValue() + ")", "epoch", "loss");
      chart.getStyler().setMarkerSize(0);
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      Map<Integer, List<Row>> byFold = new TreeMap<>();
      for (Row r : t.history()) {
        if (r.<Integer>getAs("point").equals(p.getKey())) byFold.computeIfAbsent(r.getAs("fold"), k -> new ArrayList<>()).add(r);
      }
      boolean validation = byFold.values().stream().flatMap(List::stream)
          .anyMatch(r -> Double.isFinite(value(r, "valid_loss")));
      List<String> columns = validation ? List.of("train_loss", "valid_loss") : List.of("train_loss");
      for (Map.Entry<Integer, List<Row>> f : byFold.entrySet()) {
        List<Row> rows = f.getValue().stream().sorted(Comparator.comparingInt((Row r) -> r.getAs("epoch"))).toList();
        double[] epoch = rows.stream().mapToDouble(r -> r.<Integer>getAs("epoch") + 1).toArray();
        for (String column : columns) {
          double[] loss = rows.stream().mapToDouble(r -> value(r, column)).toArray();
          chart.addSeries("fold " + (f.getKey() + 1) + " " + column.replace("_loss", ""), epoch, loss);
        }
      }
      out.add(new Figure("loss-point-" + p.getKey() + ".svg", "Loss per epoch, point " + p.getKey(),
          (validation ? "Training and validation loss" : "Training loss") + " of every fold at the " + p.getValue()
              + " point (" + label(t.choice("all", p.getValue().split(", ")[0], null)) + ")"
              + (validation ? "" : "; no validation loss: model.mlp.validationFraction is 0") + ".", chart, Map.of()));
    }
    return out;
  }

  /**
   * Successive halving: every candidate's mean CV metric at each rung it reached against the rung's
   * epochs (log scale), so a line that ends early is a candidate that stopped there; the candidates of
   * the last rung are named, the chosen one drawn black.
   */
  static Figure halving(RunTables t, RungSummary rungs) {
    Row chosen = t.refit();
    int pick = chosen == null ? -1 : chosen.getAs("point");
    List<Integer> budgets = rungs.rungs().stream().map(RungSummary.Rung::epochs).toList();
    XYChart chart = xy("Successive halving · CV " + t.metric() + " by rung", "epochs (log scale: "
        + budgets.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ")",
        t.metric() + " (mean over folds)");
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    Map<Integer, Integer> stopped = rungs.stoppedAt();
    int last = rungs.rungs().size() - 1;
    // Stopped candidates first (grey, unnamed), then the last rung's (named), the chosen one on top.
    List<Integer> order = new ArrayList<>(stopped.keySet());
    order.sort(Comparator.comparingInt((Integer p) -> stopped.get(p)).thenComparingInt(p -> p == pick ? 1 : 0));
    for (int p : order) {
      int upTo = stopped.get(p);
      double[] x = new double[upTo + 1];
      double[] y = new double[upTo + 1];
      for (int r = 0; r <= upTo; r++) {
        x[r] = rungs.rungs().get(r).epochs();
        y[r] = rungs.rungs().get(r).stats().get(p).mean();
      }
      XYSeries s = chart.addSeries(upTo == last ? "point " + p + (p == pick ? " (chosen)" : "") : "point " + p, x, y);
      s.setMarker(SeriesMarkers.CIRCLE);
      if (p == pick) {
        s.setLineColor(Color.BLACK);
        s.setMarkerColor(Color.BLACK);
      } else if (upTo < last) {
        s.setShowInLegend(false);
        s.setLineColor(new Color(170, 170, 170));
        s.setMarkerColor(new Color(170, 170, 170));
      }
    }
    List<String> kept = new ArrayList<>();
    for (RungSummary.Rung r : rungs.rungs().subList(0, last)) {
      kept.add(r.wentOn().size() + " of " + r.stats().size() + " after " + r.epochs() + " epochs");
    }
    Map<String, Double> marks = new LinkedHashMap<>();
    if (pick >= 0) marks.put("chosen", (double) pick);
    return new Figure("halving.svg", "Successive halving",
        "Each line is a candidate: its mean " + t.metric() + " over the folds at every rung it reached; grey lines "
            + "stopped before the last rung (went on: " + String.join(", ", kept) + "). The selection is made on the "
            + "last rung" + (pick < 0 ? "" : ": point " + pick + " (" + label(chosen) + ")") + ".", chart, marks);
  }

  /**
   * Every point's mean ± se of the selecting metric, grouped by each swept parameter's value. Under
   * successive halving the points are compared where all of them ran alike: at the first rung.
   */
  static List<Figure> parameterEffects(RunTables t, RungSummary rungs) {
    List<Figure> out = new ArrayList<>();
    List<PointStat> rows = new ArrayList<>();
    if (rungs.isEmpty()) {
      for (Row r : t.metricSummary()) {
        rows.add(new PointStat(r.getJavaMap(r.fieldIndex("params")), value(r, "mean"), value(r, "se")));
      }
    } else {
      rungs.rungs().get(0).stats().forEach((p, s) -> rows.add(new PointStat(rungs.params().get(p), s.mean(), s.se())));
    }
    String where = rungs.isEmpty() ? "" : " at the first rung (" + rungs.rungs().get(0).epochs() + " epochs, every "
        + "candidate alike)";
    TreeSet<String> params = new TreeSet<>();
    for (PointStat r : rows) params.addAll(r.params().keySet());
    for (String param : params) {
      List<String> values = new ArrayList<>(new TreeSet<>(rows.stream().map(r -> r.params().get(param)).toList()));
      if (values.size() < 2) continue;
      values.sort(Comparator.comparingDouble((String v) -> numeric(v)).thenComparing(v -> v));
      // Numeric values at their value; others (true/false, layer lists) at their position in sorted order.
      boolean numeric = values.stream().allMatch(v -> Double.isFinite(numeric(v)));
      double range = numeric ? numeric(values.get(values.size() - 1)) - numeric(values.get(0)) : values.size() - 1;
      double[] x = new double[rows.size()];
      double[] y = new double[rows.size()];
      double[] se = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        PointStat r = rows.get(i);
        String v = r.params().get(param);
        x[i] = (numeric ? numeric(v) : values.indexOf(v))
            + 0.1 * range * (i - rows.size() / 2.0) / rows.size();   // side by side within a value
        y[i] = r.mean();
        se[i] = Double.isFinite(r.se()) ? r.se() : 0;
      }
      List<String> legend = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) legend.add(i + " = " + values.get(i));
      XYChart chart = xy("CV " + t.metric() + " by " + param,
          numeric ? param : param + " (" + String.join(", ", legend) + ")", t.metric() + " (mean ± 1 se)");
      chart.getStyler().setLegendVisible(false);
      chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      chart.addSeries("points", x, y, se);
      out.add(new Figure("grid-" + param + ".svg", "Grid points by " + param,
          "Every grid point's mean " + t.metric() + " ± 1 standard error" + where + ", placed at its " + param
              + " (points with the same value side by side).", chart, Map.of()));
    }
    return out;
  }

  /** A point's parameters and its metric's mean and standard error over the folds. */
  private record PointStat(Map<String, String> params, double mean, double se) {}

  // ---- helpers ----

  private static XYChart xy(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setErrorBarsColorSeriesColor(true);
    return chart;
  }

  private static CategoryChart category(String title, String xTitle, String yTitle) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(300).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendVisible(false);
    return chart;
  }

  /** A trial's or summary row's halving rung; 0 outside halving (and in tables from before rungs). */
  static int rung(Row r) {
    int i = java.util.Arrays.asList(r.schema().fieldNames()).indexOf("rung");
    return i < 0 || r.isNullAt(i) ? 0 : r.getInt(i);
  }

  static double value(Row r, String column) {
    int i = r.fieldIndex(column);
    return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) m = Math.max(m, Math.abs(x));
    return m;
  }

  private static double numeric(String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.POSITIVE_INFINITY;
    }
  }

  static String label(Row selection) {
    if (selection == null) return "";
    if (selection.getAs("alpha") != null) {
      return "α = " + number(selection.getAs("alpha")) + ", λ = " + number(selection.getAs("lambda"));
    }
    return String.join(", ", new TreeMap<>(selection.<String, String>getJavaMap(selection.fieldIndex("params")))
        .entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).toList());
  }

  private static String describe(Map<String, Double> marks) {
    List<String> parts = new ArrayList<>();
    marks.forEach((k, v) -> parts.add(k + ": λ = " + number(v)));
    return String.join(", ", parts);
  }

  static String number(double v) {
    return Format.number(v);
  }
}
