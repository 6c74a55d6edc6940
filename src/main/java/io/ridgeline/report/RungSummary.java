package io.ridgeline.report;

import io.ridgeline.config.Metric;
import io.ridgeline.cv.FoldStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * Successive halving's rungs read back from a run's {@code trials}: per rung its epoch budget, every
 * candidate's CV statistics over the folds ({@link FoldStatistics}, as the summary takes them), and
 * which candidates went on to the next rung. What the run page and the {@code report} command show
 * about a halving run.
 *
 * @param rungs  in order; empty for a run without rungs
 * @param params each point's parameters
 */
public record RungSummary(Metric metric, List<Rung> rungs, Map<Integer, Map<String, String>> params) {
  /**
   * @param stats  point → its metric's statistics over the folds at this rung
   * @param wentOn the points that reached the next rung (empty at the last)
   */
  public record Rung(int rung, int epochs, Map<Integer, FoldStatistics> stats, Set<Integer> wentOn) {
    /** The best mean of the rung. */
    public double best(Metric metric) {
      return stats.values().stream().map(FoldStatistics::mean).filter(m -> !Double.isNaN(m))
          .reduce((a, b) -> metric.better(b, a) ? b : a).orElse(Double.NaN);
    }

    /** The worst mean among the candidates that went on (the rung's cut), NaN at the last rung. */
    public double cut(Metric metric) {
      return wentOn.stream().map(p -> stats.get(p).mean()).reduce((a, b) -> metric.better(a, b) ? b : a)
          .orElse(Double.NaN);
    }
  }

  /** From the trials' rows ({@link Tables#TRIALS_SCHEMA}); no rungs for runs without them. */
  public static RungSummary of(List<Row> trials, String metricKey) {
    Metric metric = Metric.valueOf(metricKey.toUpperCase(Locale.ROOT));
    int folds = 0;
    for (Row t : trials) folds = Math.max(folds, t.<Integer>getAs("fold") + 1);
    Map<Integer, Integer> epochs = new TreeMap<>();
    Map<Integer, Map<Integer, double[]>> values = new TreeMap<>();   // rung → point → value per fold
    Map<Integer, Map<String, String>> params = new TreeMap<>();
    for (Row t : trials) {
      int at = Arrays.asList(t.schema().fieldNames()).indexOf("rung");
      if (at < 0 || t.isNullAt(at)) continue;
      int rung = t.getInt(at);
      int k = folds;
      epochs.put(rung, t.getAs("epochs"));
      double[] v = values.computeIfAbsent(rung, r -> new TreeMap<>()).computeIfAbsent(t.getAs("point"), p -> {
        double[] nan = new double[k];
        Arrays.fill(nan, Double.NaN);
        return nan;
      });
      int m = t.fieldIndex(metric.key());
      v[t.<Integer>getAs("fold")] = t.isNullAt(m) ? Double.NaN : t.getDouble(m);
      params.put(t.getAs("point"), t.getJavaMap(t.fieldIndex("params")));
    }
    List<Rung> rungs = new ArrayList<>();
    for (Map.Entry<Integer, Map<Integer, double[]>> e : values.entrySet()) {
      Map<Integer, FoldStatistics> stats = new TreeMap<>();
      e.getValue().forEach((p, v) -> stats.put(p, FoldStatistics.of(v)));
      Map<Integer, double[]> next = values.get(e.getKey() + 1);
      rungs.add(new Rung(e.getKey(), epochs.get(e.getKey()), stats,
          next == null ? Set.of() : new TreeSet<>(next.keySet())));
    }
    return new RungSummary(metric, rungs, params);
  }

  public boolean isEmpty() {
    return rungs.isEmpty();
  }

  /** The rung each point stopped at (the last it reached). */
  public Map<Integer, Integer> stoppedAt() {
    Map<Integer, Integer> out = new TreeMap<>();
    for (Rung r : rungs) for (Integer p : r.stats().keySet()) out.put(p, r.rung());
    return out;
  }

  /** The table's header. */
  public String[] header() {
    return new String[] {"rung", "epochs", "candidates", "went on", "best " + metric.key(), "cut (worst that went on)"};
  }

  /** The table both the page and the {@code report} command show: one row per rung. */
  public List<String[]> table() {
    List<String[]> rows = new ArrayList<>();
    for (Rung r : rungs) {
      boolean last = r.rung() == rungs.size() - 1;
      rows.add(new String[] {String.valueOf(r.rung() + 1), String.valueOf(r.epochs()), String.valueOf(r.stats().size()),
          last ? "" : String.valueOf(r.wentOn().size()), format(r.best(metric)), last ? "" : format(r.cut(metric))});
    }
    return rows;
  }

  private static String format(double x) {
    return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.6g", x);
  }
}
