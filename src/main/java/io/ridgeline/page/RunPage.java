package io.ridgeline.page;

import io.ridgeline.report.ReportPrinter;
import io.ridgeline.report.RungSummary;
import io.ridgeline.sweep.Format;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * A run's page: {@code index.html} with every figure inline as SVG (no script, no network: it reads
 * the same from a file, a mail attachment or an object store) and each figure also as an SVG file
 * beside it; the selection, the top of the summary and the run's provenance as tables.
 */
public final class RunPage {
  /** Summary rows shown, best first. */
  static final int SUMMARY_ROWS = 15;

  private RunPage() {}

  /** The page's files by name: {@code index.html} and every figure's SVG. */
  public static Map<String, String> render(RunTables t) {
    List<Figure> figures = Figures.of(t);
    Map<String, String> files = new LinkedHashMap<>();
    files.put("index.html", html(t, figures));
    for (Figure f : figures) files.put(f.file(), f.svg());
    return files;
  }

  /**
   * {@link #render} of the tables {@code tables} supplies, both on a daemon thread of its own, so that the
   * caller can write the tables meanwhile and a charting library that stalls never keeps the JVM alive.
   */
  public static java.util.concurrent.Future<Map<String, String>> renderInBackground(
      java.util.function.Supplier<RunTables> tables) {
    java.util.concurrent.FutureTask<Map<String, String>> task =
        new java.util.concurrent.FutureTask<>(() -> render(tables.get()));
    Thread thread = new Thread(task, "ridgeline-page");
    thread.setDaemon(true);
    thread.start();
    return task;
  }

  /** Writes rendered files into {@code dir} (created; files of the same names replaced). */
  public static void write(FileSystem fs, Path dir, Map<String, String> files) throws IOException {
    fs.mkdirs(dir);
    for (Map.Entry<String, String> f : files.entrySet()) Html.write(fs, new Path(dir, f.getKey()), f.getValue());
  }

  static String html(RunTables t, List<Figure> figures) {
    Row run = t.run();
    StringBuilder b = new StringBuilder();
    Html.head(b, "Ridgeline · " + t.runId());
    b.append("<p class=\"nav\"><a href=\"../index.html\">all runs</a></p>\n");
    b.append("<h1>").append(Html.escape(t.runId())).append(" <small>").append(Html.escape(run.getAs("name")))
        .append("</small></h1>\n");
    b.append("<p>").append(Html.escape(run.getAs("status"))).append(" · ").append(Html.escape(run.getAs("family")))
        .append(" · engine ").append(Html.escape(run.getAs("engine"))).append(" · metric ")
        .append(Html.escape(t.metric())).append(" · rule ").append(Html.escape(run.getAs("rule"))).append(" · ")
        .append(Format.duration(run.<Double>getAs("seconds"))).append(" (").append(Html.escape(run.getAs("ended_at").toString()))
        .append(")</p>\n");

    b.append("<h2>Selection</h2>\n");
    List<String[]> rows = new ArrayList<>();
    for (Row r : t.selection()) {
      rows.add(new String[] {r.getAs("scope"), r.getAs("rule"), r.<Boolean>getAs("refit") ? "refit" : "",
          String.valueOf(r.<Integer>getAs("point")), Figures.label(r), num(r, "mean"), num(r, "se")});
    }
    Html.table(b, new String[] {"scope", "rule", "model", "point", "parameters", t.metric(), "se"}, rows);

    RungSummary rungs = t.rungs();
    if (!rungs.isEmpty()) {
      b.append("<h2>Successive halving</h2>\n<p>Every candidate ran on every fold for a rung's epochs; the best by mean ")
          .append(Html.escape(t.metric())).append(" over the folds went on, continued from where they stopped, and the ")
          .append("selection was made on the last rung. ");
      String epochs = ReportPrinter.epochs(t.run());
      if (!epochs.isEmpty()) b.append(Html.escape(epochs.substring(0, 1).toUpperCase() + epochs.substring(1))).append('.');
      b.append("</p>\n");
      Html.table(b, rungs.header(), rungs.table());
    }

    b.append("<h2>Figures</h2>\n");
    for (Figure f : figures) Html.figure(b, f);

    b.append("<h2>Summary</h2>\n<p>The ").append(SUMMARY_ROWS).append(" best of ").append(t.metricSummary().size())
        .append(" grid points by mean ").append(Html.escape(t.metric()))
        .append(rungs.isEmpty() ? "" : ", each at the last rung it reached, the last rung's first")
        .append(" (all of them are in the summary table).</p>\n");
    boolean higherIsBetter = io.ridgeline.config.Metric.valueOf(t.metric().toUpperCase(java.util.Locale.ROOT)).higherIsBetter();
    List<Row> best = t.metricSummary().stream().filter(r -> Double.isFinite(Figures.value(r, "mean")))
        .sorted(Comparator.comparingInt((Row r) -> -Figures.rung(r))
            .thenComparingDouble(r -> (higherIsBetter ? -1 : 1) * Figures.value(r, "mean")))
        .limit(SUMMARY_ROWS).toList();
    rows = new ArrayList<>();
    for (Row r : best) {
      Object nz = r.getAs("nonzero_full");
      String[] row = {String.valueOf(r.<Integer>getAs("point")), Figures.label(r), num(r, "mean"), num(r, "std"),
          num(r, "se"), nz == null ? "" : nz.toString()};
      rows.add(rungs.isEmpty() ? row : new String[] {row[0], row[1], (Figures.rung(r) + 1) + " (" + r.getAs("epochs")
          + " epochs)", row[2], row[3], row[4], row[5]});
    }
    Html.table(b, rungs.isEmpty() ? new String[] {"point", "parameters", "mean", "std", "se", "non-zero"}
        : new String[] {"point", "parameters", "rung", "mean", "std", "se", "non-zero"}, rows);

    b.append("<h2>Provenance</h2>\n");
    rows = new ArrayList<>();
    for (String c : List.of("data_path", "data_format", "rows", "features", "classes", "folds", "fold_sizes",
        "data_fingerprint", "seed", "grid_points", "engine", "model_path", "config_source", "config_sha256",
        "started_at", "ended_at", "seconds", "spark_version", "java_version", "app_version", "master")) {
      Object v = c.equals("fold_sizes") ? run.getList(run.fieldIndex(c)) : run.get(run.fieldIndex(c));
      rows.add(new String[] {c, v == null ? "" : v.toString()});
    }
    for (String c : List.of("search", "epochs_spent", "epochs_full_grid")) {
      Object v = t.runValue(c);   // absent from runs before them
      if (v != null) rows.add(new String[] {c, v.toString()});
    }
    Html.table(b, new String[] {"", ""}, rows);
    b.append("<h3>Config</h3>\n<pre>").append(Html.escape(run.getAs("config_text"))).append("</pre>\n");
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  private static String num(Row r, String column) {
    double v = Figures.value(r, column);
    return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.6g", v);
  }

}
