package io.ridgeline.page;

import static org.apache.spark.sql.functions.col;

import io.ridgeline.report.Tables;
import io.ridgeline.sweep.Format;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code <output>/html/index.html}: every run of the output, newest first, each linked to its page;
 * and for every name run more than once (scheduled sweeps) the chosen λ, the chosen point's CV metric
 * and its non-zero count over time, so a drifting model shows at a glance. Rebuilt from the
 * {@code runs} table after each run publishes (and the {@code selection} and {@code summary} tables when
 * it draws runs written before {@code runs} held the chosen point's metric and non-zero count); written beside
 * and renamed over the old one, so a reader never sees half a page.
 */
public final class RunIndex {
  private RunIndex() {}

  /** The drift of one name: by run (oldest first) its end time and chosen λ, CV metric, non-zero count. */
  public record Drift(String name, String metric, List<Date> ended, List<Double> lambda, List<Double> cv,
      List<Double> nonzero) {}

  /** Rebuilds the index of {@code output}; returns its path. */
  public static Path write(SparkSession spark, String output) throws IOException {
    Path root = new Path(output);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    Path html = new Path(root, "html");
    fs.mkdirs(html);
    spark.sparkContext().setJobDescription("read the runs for the index page");
    List<Row> runs = new ArrayList<>(table(spark, fs, root, Tables.RUNS, Tables.RUNS_SCHEMA).collectAsList());
    runs.sort(java.util.Comparator.comparing((Row r) -> r.<java.sql.Timestamp>getAs("ended_at")).reversed()
        .thenComparing(r -> r.<String>getAs("run_id")));
    List<Drift> drifts = drifts(spark, fs, root, runs);
    List<Figure> figures = new ArrayList<>();
    for (Drift d : drifts) figures.addAll(figures(d));

    StringBuilder b = new StringBuilder();
    Html.head(b, "Ridgeline runs · " + output);
    b.append("<h1>Runs <small>").append(Html.escape(output)).append("</small></h1>\n");
    List<String[]> rows = new ArrayList<>();
    for (Row r : runs) {
      String id = r.getAs("run_id");
      rows.add(new String[] {id, r.getAs("name"), r.getAs("status"), String.valueOf(r.<java.sql.Timestamp>getAs("ended_at")),
          r.getAs("family"), r.getAs("metric"), selected(r), Format.duration(r.<Double>getAs("seconds"))});
    }
    b.append(linkedTable(fs, html, rows));
    if (!drifts.isEmpty()) b.append("<h2>Scheduled sweeps over time</h2>\n");
    for (Figure f : figures) Html.figure(b, f);
    b.append("</body>\n</html>\n");

    for (Figure f : figures) replace(spark, fs, new Path(html, f.file()), f.svg());
    Path index = new Path(html, "index.html");
    replace(spark, fs, index, b.toString());
    return fs.makeQualified(index);
  }

  /**
   * All runs of a report table, read with its known schema (and the {@code run_id} partition column):
   * no file's footer is read to infer it, which costs a job that grows with the runs in the output.
   */
  private static Dataset<Row> table(SparkSession spark, FileSystem fs, Path root, String table, StructType schema) {
    return spark.read().schema(schema.add("run_id", DataTypes.StringType))
        .parquet(fs.makeQualified(new Path(root, table)).toString());
  }

  private static String linkedTable(FileSystem fs, Path html, List<String[]> rows) throws IOException {
    StringBuilder t = new StringBuilder();
    Html.table(t, new String[] {"run", "name", "status", "ended", "family", "metric", "selected", "time"}, rows);
    String text = t.toString();
    for (String[] r : rows) {
      if (!fs.exists(new Path(new Path(html, r[0]), "index.html"))) continue;
      String cell = "<td>" + Html.escape(r[0]) + "</td>";
      text = text.replace(cell, "<td><a href=\"" + Html.escape(r[0]) + "/index.html\">" + Html.escape(r[0]) + "</a></td>");
    }
    return text;
  }

  private static String selected(Row r) {
    if (r.getAs("selected_point") == null) return "";
    if (r.getAs("selected_alpha") == null) return "point " + r.getAs("selected_point");
    return "α = " + Format.number(r.<Double>getAs("selected_alpha")) + ", λ = "
        + Format.number(r.<Double>getAs("selected_lambda"));
  }

  /** Names with two or more succeeded runs of the linear families, their runs oldest first (any order in). */
  static List<Drift> drifts(SparkSession spark, FileSystem fs, Path root, List<Row> runs) throws IOException {
    Map<String, List<Row>> byName = new LinkedHashMap<>();
    List<Row> oldestFirst = new ArrayList<>(runs);
    oldestFirst.sort(java.util.Comparator.comparing((Row r) -> r.<java.sql.Timestamp>getAs("ended_at"))
        .thenComparing(r -> r.<String>getAs("run_id")));
    for (Row r : oldestFirst) {
      if ("succeeded".equals(r.getAs("status")) && r.getAs("selected_lambda") != null) {
        byName.computeIfAbsent(r.getAs("name"), k -> new ArrayList<>()).add(r);
      }
    }
    byName.values().removeIf(l -> l.size() < 2);
    if (byName.isEmpty()) return List.of();
    // A run's row holds its chosen point's CV metric and non-zero count; runs written before those
    // columns existed have them in the selection and summary tables, read only when such a run is drawn.
    Map<String, Double> cv = new HashMap<>();
    Map<String, Double> nonzero = new HashMap<>();
    boolean older = byName.values().stream().flatMap(List::stream)
        .anyMatch(r -> r.getAs("selected_mean") == null || r.getAs("selected_nonzero") == null);
    if (older) {
      for (Row s : table(spark, fs, root, Tables.SELECTION, Tables.SELECTION_SCHEMA)
          .where(col("refit")).select("run_id", "mean").collectAsList()) {
        cv.put(s.getString(0), s.getDouble(1));
      }
      for (Row s : table(spark, fs, root, Tables.SUMMARY, Tables.SUMMARY_SCHEMA)
          .where(col("nonzero_full").isNotNull()).select("run_id", "point", "metric", "nonzero_full").collectAsList()) {
        nonzero.put(s.getString(0) + "/" + s.getInt(1) + "/" + s.getString(2), (double) s.getInt(3));
      }
    }
    List<Drift> out = new ArrayList<>();
    for (Map.Entry<String, List<Row>> e : byName.entrySet()) {
      List<Date> ended = new ArrayList<>();
      List<Double> lambda = new ArrayList<>();
      List<Double> metric = new ArrayList<>();
      List<Double> nz = new ArrayList<>();
      for (Row r : e.getValue()) {
        String id = r.getAs("run_id");
        ended.add(new Date(r.<java.sql.Timestamp>getAs("ended_at").getTime()));
        lambda.add(r.getAs("selected_lambda"));
        Double mean = r.getAs("selected_mean");
        Integer count = r.getAs("selected_nonzero");
        metric.add(mean != null ? mean : cv.getOrDefault(id, Double.NaN));
        nz.add(count != null ? (double) count
            : nonzero.getOrDefault(id + "/" + r.getAs("selected_point") + "/" + r.getAs("metric"), Double.NaN));
      }
      out.add(new Drift(e.getKey(), e.getValue().get(0).getAs("metric"), ended, lambda, metric, nz));
    }
    return out;
  }

  static List<Figure> figures(Drift d) {
    String safe = d.name().replaceAll("[^A-Za-z0-9._-]", "_");
    List<Figure> out = new ArrayList<>();
    out.add(over(d, "drift-" + safe + "-lambda.svg", "chosen λ", d.lambda(), true));
    out.add(over(d, "drift-" + safe + "-metric.svg", "CV " + d.metric() + " at the chosen point", d.cv(), false));
    out.add(over(d, "drift-" + safe + "-nonzero.svg", "non-zero coefficients of the chosen model", d.nonzero(), false));
    return out;
  }

  private static Figure over(Drift d, String file, String what, List<Double> values, boolean log) {
    XYChart chart = new XYChartBuilder().width(Figures.WIDTH).height(260).title(d.name() + ": " + what)
        .xAxisTitle("run ended").yAxisTitle(what).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setYAxisLogarithmic(log && values.stream().allMatch(v -> v > 0));
    chart.getStyler().setDatePattern("MM-dd HH:mm");
    chart.addSeries(what, d.ended(), values).setMarker(SeriesMarkers.CIRCLE);
    return new Figure(file, d.name() + ": " + what, "One point per succeeded run named " + d.name()
        + ", oldest first (" + d.ended().size() + " runs).", chart, Map.of());
  }

  /** Writes {@code text} beside {@code target} and renames it over, so the old file is replaced whole. */
  private static void replace(SparkSession spark, FileSystem fs, Path target, String text) throws IOException {
    Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    Html.write(fs, tmp, text);
    FileContext fc = FileContext.getFileContext(fs.getUri(), spark.sparkContext().hadoopConfiguration());
    fc.rename(tmp, target, Options.Rename.OVERWRITE);
  }
}
