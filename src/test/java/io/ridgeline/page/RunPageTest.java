package io.ridgeline.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.cli.Main;
import io.ridgeline.job.SweepJob;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The run page and the index over runs (issue 10): the figures draw exactly the report tables (checked
 * through the figure model: series against {@code summary}, {@code coefficients}, {@code trials},
 * {@code history}; marks against {@code selection}), the page refers to no URL, {@code report --html}
 * renders the same page, and the index lists every run with the drift of runs that share a name.
 */
@Tag("slow")
class RunPageTest {
  private static final SparkSession spark = TestSpark.session();
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static Path linear;

  /** A diabetes sweep: 2 α × 6 λ, 3 folds (shared by the tests that read a linear page). */
  @BeforeAll
  static void linearRun() throws IOException {
    linear = TestSpark.tempDir("page-linear");
    sweep(Samples.DIABETES, linear, "page-linear", "sweep.alpha=[0.5, 1]", "sweep.lambda.path.count=6");
  }

  static SweepJob.Outcome sweep(String yaml, Path out, String runId, String... overrides) throws IOException {
    List<String> all = new ArrayList<>(List.of(overrides));
    all.add("cv.folds=3");
    all.add("run.output=" + out);
    return new SweepJob(spark, Samples.spec(yaml, all.toArray(String[]::new)), QUIET).run(runId);
  }

  static Path page(Path out, String runId) {
    return out.resolve("html").resolve(runId).resolve("index.html");
  }

  @Test
  void linearFiguresDrawTheTables() throws IOException {
    RunTables t = RunTables.read(spark, linear.toString(), "page-linear");
    RunPage.render(t);   // warm
    long start = System.nanoTime();
    RunPage.render(t);
    System.out.printf("run page (7 figures, 12 points): drawn in %.0f ms%n", (System.nanoTime() - start) / 1e6);
    List<Figure> figures = Figures.of(t);
    List<String> files = figures.stream().map(Figure::file).toList();
    assertEquals(List.of("cv-curve-alpha-0.5.svg", "coefficients-alpha-0.5.svg", "cv-curve-alpha-1.svg",
        "coefficients-alpha-1.svg", "heatmap.svg", "folds.svg", "fold-sizes.svg"), files);
    for (String f : files) assertTrue(Files.size(page(linear, "page-linear").resolveSibling(f)) > 1000, f);

    for (double alpha : new double[] {0.5, 1}) {
      // The CV curve's points and bars are the summary rows of the selecting metric, its marks the selection.
      List<Row> summary = t.summary().stream().filter(r -> r.getAs("metric").equals("rmse")
          && alpha == r.<Double>getAs("alpha")).sorted(Comparator.comparingDouble(r -> -r.<Double>getAs("lambda"))).toList();
      assertEquals(6, summary.size());
      Figure curve = figures.get(files.indexOf("cv-curve-alpha-" + Figures.number(alpha) + ".svg"));
      XYSeries s = ((XYChart) curve.chart()).getSeriesMap().get("mean ± se");
      for (int i = 0; i < 6; i++) {
        assertEquals(Math.log10(summary.get(i).<Double>getAs("lambda")), s.getXData()[i], 0);
        assertEquals(summary.get(i).<Double>getAs("mean"), s.getYData()[i], 0);
        assertEquals(summary.get(i).<Double>getAs("se"), s.getExtraValues()[i], 0);
      }
      Map<String, Double> expected = new TreeMap<>();
      for (Row r : t.selection()) {
        if (r.getAs("scope").equals("alpha") && alpha == r.<Double>getAs("alpha")) expected.put(r.getAs("rule"), r.getAs("lambda"));
      }
      assertEquals(2, expected.size());
      assertEquals(expected, new TreeMap<>(curve.marks()));

      // The coefficient paths are the coefficients table along the path.
      Figure paths = figures.get(files.indexOf("coefficients-alpha-" + Figures.number(alpha) + ".svg"));
      Map<String, XYSeries> series = ((XYChart) paths.chart()).getSeriesMap();
      assertEquals(10, series.size(), "the 10 diabetes features");
      for (Row r : t.coefficients()) {
        if (alpha != r.<Double>getAs("alpha") || r.getAs("feature").equals("(intercept)")) continue;
        int at = 0;
        while (summary.get(at).<Double>getAs("lambda") != r.<Double>getAs("lambda").doubleValue()) at++;
        assertEquals(r.<Double>getAs("value"), series.get(r.<String>getAs("feature")).getYData()[at], 0);
      }
    }

    // The heatmap marks the refitted point; the fold spread is the trials' metric there; the sizes the runs row's.
    Row refit = t.selection().stream().filter(r -> r.<Boolean>getAs("refit")).findFirst().orElseThrow();
    Figure heatmap = figures.get(files.indexOf("heatmap.svg"));
    assertEquals(Map.of("alpha", refit.<Double>getAs("alpha"), "lambda", refit.<Double>getAs("lambda")), heatmap.marks());
    CategorySeries folds = ((CategoryChart) figures.get(files.indexOf("folds.svg")).chart()).getSeriesMap().get("rmse");
    List<Double> perFold = t.trials().stream().filter(r -> r.getAs("point").equals(refit.getAs("point")))
        .sorted(Comparator.comparingInt(r -> r.getAs("fold"))).map(r -> r.<Double>getAs("rmse")).toList();
    assertEquals(perFold, new ArrayList<>(folds.getYData()));
    CategorySeries sizes = ((CategoryChart) figures.get(files.indexOf("fold-sizes.svg")).chart()).getSeriesMap().get("rows");
    assertEquals(t.run().getList(t.run().fieldIndex("fold_sizes")), new ArrayList<>(sizes.getYData()));
  }

  @Test
  void thePageIsSelfContainedAndReportHtmlRendersTheSame() throws IOException {
    String html = Files.readString(page(linear, "page-linear"));
    assertFalse(html.contains("http://") || html.contains("https://"), "the page refers to a URL");
    assertFalse(html.contains("<script"), "the page needs no script");
    assertEquals(7, count(html, "<svg"), "every figure inline");
    for (String table : List.of("<h2>Selection</h2>", "<h2>Summary</h2>", "<h2>Provenance</h2>", "<h3>Config</h3>")) {
      assertTrue(html.contains(table), table);
    }
    assertTrue(html.contains("label: progression"), "the config text");

    Path dir = TestSpark.tempDir("page-render").resolve("page");
    assertEquals(0, Main.execute(new String[] {"report", linear.toString(), "--run-id", "page-linear", "--html",
        dir.toString()}));
    assertEquals(html, Files.readString(dir.resolve("index.html")), "report --html draws the sweep's page");
    for (String f : List.of("heatmap.svg", "cv-curve-alpha-1.svg")) {
      assertEquals(Files.readString(page(linear, "page-linear").resolveSibling(f)), Files.readString(dir.resolve(f)), f);
    }
  }

  @Test
  void logisticAndMultinomialPages() throws IOException {
    Path out = TestSpark.tempDir("page-logistic");
    sweep(Samples.BREAST_CANCER, out, "page-binomial", "sweep.alpha=[1]", "sweep.lambda.path.count=4");
    sweep(Samples.WINE, out, "page-multinomial", "sweep.alpha=[1]", "sweep.lambda.values=[0.1, 0.03]");
    assertTrue(Files.exists(page(out, "page-binomial").resolveSibling("cv-curve-alpha-1.svg")));
    assertTrue(Files.exists(page(out, "page-binomial").resolveSibling("coefficients-alpha-1.svg")));
    for (int k = 0; k < 3; k++) {
      assertTrue(Files.exists(page(out, "page-multinomial").resolveSibling("coefficients-alpha-1-class-" + k + ".svg")),
          "class " + k);
    }
    RunTables t = RunTables.read(spark, out.toString(), "page-multinomial");
    Figure class2 = Figures.of(t).stream().filter(f -> f.file().equals("coefficients-alpha-1-class-2.svg")).findFirst()
        .orElseThrow();
    for (Row r : t.coefficients()) {
      if (r.isNullAt(r.fieldIndex("class")) || r.<Integer>getAs("class") != 2 || r.getAs("feature").equals("(intercept)")) continue;
      int at = r.<Double>getAs("lambda") == 0.1 ? 0 : 1;
      assertEquals(r.<Double>getAs("value"), ((XYChart) class2.chart()).getSeriesMap().get(r.<String>getAs("feature"))
          .getYData()[at], 0);
    }
  }

  @Test
  void mlpPageDrawsTheHistory() throws IOException {
    Path out = TestSpark.tempDir("page-mlp");
    String yaml = "data:\n  path: data-samples/wine.csv\n  label: cultivar\nmodel:\n  family: mlp\n  mlp:\n"
        + "    hiddenLayers: [8]\n    maxEpochs: 4\n    batchSize: 32\n";
    sweep(yaml, out, "page-mlp", "sweep.mlp.dropout=[0.0, 0.2]", "sweep.mlp.learningRate=[0.01, 0.03]",
        "model.mlp.validationFraction=0.2", "cv.metric=accuracy");
    RunTables t = RunTables.read(spark, out.toString(), "page-mlp");
    List<Figure> figures = Figures.of(t);
    Row chosen = t.refit();
    int point = chosen.getAs("point");
    assertEquals(List.of("loss-point-" + point + ".svg", "grid-dropout.svg", "grid-learningRate.svg", "folds.svg",
        "fold-sizes.svg"), figures.stream().map(Figure::file).toList());
    XYChart loss = (XYChart) figures.get(0).chart();
    assertEquals(3 * 2, loss.getSeriesMap().size(), "train and validation loss of 3 folds");
    assertTrue(t.history().stream().anyMatch(h -> !h.isNullAt(h.fieldIndex("valid_loss"))), "validation losses");
    for (Row h : t.history()) {
      if (h.<Integer>getAs("point") != point) continue;
      int epoch = h.getAs("epoch");
      String fold = "fold " + (h.<Integer>getAs("fold") + 1);
      for (String column : List.of("train_loss", "valid_loss")) {
        double expected = h.isNullAt(h.fieldIndex(column)) ? Double.NaN : h.<Double>getAs(column);
        assertEquals(expected, loss.getSeriesMap().get(fold + " " + column.replace("_loss", "")).getYData()[epoch], 0);
      }
    }
    XYSeries grid = ((XYChart) figures.get(1).chart()).getSeriesMap().get("points");
    List<Row> summary = t.metricSummary();
    assertEquals(4, summary.size());
    for (int i = 0; i < 4; i++) assertEquals(summary.get(i).<Double>getAs("mean"), grid.getYData()[i], 0);
    assertFalse(Files.readString(page(out, "page-mlp")).contains("http"), "self-contained");
  }

  @Test
  void theIndexListsEveryRunNewestFirstWithTheDriftOfScheduledSweeps() throws IOException {
    Path out = TestSpark.tempDir("page-index");
    for (String id : List.of("day-1", "day-2", "day-3")) {
      sweep(Samples.DIABETES, out, id, "sweep.alpha=[1]", "sweep.lambda.path.count=4", "name=nightly",
          "cv.seed=" + id.hashCode());
    }
    sweep(Samples.BREAST_CANCER, out, "other", "sweep.alpha=[1]", "sweep.lambda.path.count=3");
    String index = Files.readString(out.resolve("html").resolve("index.html"));
    List<String> order = new ArrayList<>();
    Matcher m = Pattern.compile("<a href=\"([^\"/]+)/index.html\">").matcher(index);
    while (m.find()) order.add(m.group(1));
    assertEquals(List.of("other", "day-3", "day-2", "day-1"), order, "every run linked, newest first");
    assertFalse(index.contains("http://") || index.contains("https://"));

    List<Row> runs = spark.read().parquet(out.resolve("runs").toString()).collectAsList();
    List<RunIndex.Drift> drifts = RunIndex.drifts(spark,
        org.apache.hadoop.fs.FileSystem.getLocal(spark.sparkContext().hadoopConfiguration()),
        new org.apache.hadoop.fs.Path(out.toString()), runs);
    assertEquals(1, drifts.size(), "only the name run more than once");
    RunIndex.Drift d = drifts.get(0);
    assertEquals("nightly", d.name());
    // The same drift for runs written before runs.selected_mean and selected_nonzero: from selection, summary.
    List<Row> older = spark.read().parquet(out.resolve("runs").toString())
        .withColumn("selected_mean", org.apache.spark.sql.functions.lit(null).cast("double"))
        .withColumn("selected_nonzero", org.apache.spark.sql.functions.lit(null).cast("int")).collectAsList();
    RunIndex.Drift fromTables = RunIndex.drifts(spark,
        org.apache.hadoop.fs.FileSystem.getLocal(spark.sparkContext().hadoopConfiguration()),
        new org.apache.hadoop.fs.Path(out.toString()), older).get(0);
    assertEquals(d.cv(), fromTables.cv());
    assertEquals(d.nonzero(), fromTables.nonzero());
    for (int i = 0; i < 3; i++) {
      String id = "day-" + (i + 1);
      Row run = runs.stream().filter(r -> r.getAs("run_id").equals(id)).findFirst().orElseThrow();
      assertEquals(run.<Double>getAs("selected_lambda"), d.lambda().get(i), 0);
      Row refit = spark.read().parquet(out.resolve("selection").toString()).where("refit and run_id = '" + id + "'").first();
      assertEquals(refit.<Double>getAs("mean"), d.cv().get(i), 0);
      assertEquals(refit.<Double>getAs("mean"), run.<Double>getAs("selected_mean"), 0);
      Row chosen = spark.read().parquet(out.resolve("summary").toString()).where("run_id = '" + id + "' and point = "
          + run.<Integer>getAs("selected_point") + " and metric = '" + run.<String>getAs("metric") + "'").first();
      assertEquals(chosen.<Integer>getAs("nonzero_full"), run.<Integer>getAs("selected_nonzero"));
      assertEquals((double) chosen.<Integer>getAs("nonzero_full"), d.nonzero().get(i), 0);
    }
    for (String what : List.of("lambda", "metric", "nonzero")) {
      assertTrue(Files.exists(out.resolve("html").resolve("drift-nightly-" + what + ".svg")), what);
    }
    assertEquals(3, count(index, "<svg"), "the three drift figures inline");
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
    return n;
  }
}
