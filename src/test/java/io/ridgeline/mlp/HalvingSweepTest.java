package io.ridgeline.mlp;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.ConfigException;
import io.ridgeline.config.Metric;
import io.ridgeline.cv.FoldPlan;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.cv.Scorer;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import java.util.EnumMap;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.job.SweepJob;
import io.ridgeline.report.Tables;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import io.ridgeline.page.Figure;
import io.ridgeline.page.Figures;
import io.ridgeline.page.RunTables;
import io.ridgeline.report.ReportPrinter;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.junit.jupiter.api.Test;

/**
 * Successive halving over epochs in a sweep: rungs of 1, 3 and 9 epochs over 9 grid points (η = 3), each
 * rung keeping the best third by mean CV accuracy; warm-started rungs; reports; resume mid-rung.
 */
@Tag("slow")
class HalvingSweepTest {
  private static final SparkSession spark = TestSpark.session();
  private static final String WINE_HALVING = "data:\n  path: data-samples/wine.csv\n  label: cultivar\n"
      + "model:\n  family: mlp\n  mlp:\n    hiddenLayers: [8]\n    batchSize: 32\n    mode: local-sgd\n"
      + "    localSteps: 100\n"
      + "sweep:\n  search: halving\n  halving: {eta: 3, minEpochs: 1, maxEpochs: 9}\n  mlp:\n"
      + "    learningRate: [0.003, 0.01, 0.03]\n    dropout: [0.0, 0.2, 0.4]\n"
      + "cv:\n  folds: 3\n  metric: accuracy\n";

  private static List<Row> table(Path out, String name) {
    return spark.read().parquet(out.resolve(name).toString()).collectAsList();
  }

  private static int rung(Row r) {
    return r.getAs("rung");
  }

  /** Point → mean accuracy over the folds of one rung's trials. */
  private static Map<Integer, Double> means(List<Row> trials, int rung) {
    Map<Integer, List<Double>> byPoint = new TreeMap<>();
    for (Row t : trials) {
      if (rung(t) == rung) byPoint.computeIfAbsent(t.getAs("point"), p -> new ArrayList<>()).add(t.getAs("accuracy"));
    }
    Map<Integer, Double> out = new TreeMap<>();
    byPoint.forEach((p, v) -> out.put(p, v.stream().mapToDouble(Double::doubleValue).sum() / v.size()));
    return out;
  }

  /** The best ⌈n/3⌉ by mean accuracy, ties to the smaller point, written out here from the table's rows. */
  private static TreeSet<Integer> top(Map<Integer, Double> means) {
    List<Integer> order = new ArrayList<>(means.keySet());
    order.sort(Comparator.comparingDouble((Integer p) -> -means.get(p)).thenComparing(p -> p));
    return new TreeSet<>(order.subList(0, (means.size() + 2) / 3));
  }

  private static PrintStream log(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  /** One halving run (9 points, rungs of 1, 3, 9 epochs, 3 folds) shared by the tests that read it. */
  private static Path out;
  private static SweepJob.Outcome outcome;
  private static String logText;

  @BeforeAll
  static void halvingRun() throws IOException {
    out = TestSpark.tempDir("halving");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    outcome = new SweepJob(spark, Samples.spec(WINE_HALVING, "run.output=" + out), log(text)).run("h");
    logText = text.toString(StandardCharsets.UTF_8);
  }

  @Test
  void rungsKeepTheBestThirdAndTheSelectionIsMadeOnTheLast() {
    assertTrue(logText.contains("successive halving, η = 3: 1, 3, 9 epochs for 9, 3, 1 candidates"), logText);
    assertTrue(logText.contains("halving: rung 1/3 (1 epochs): 3 of 9 candidates go on to 3 epochs"), logText);

    List<Row> trials = table(out, Tables.TRIALS);
    assertEquals((9 + 3 + 1) * 3, trials.size(), "(9 + 3 + 1) candidates × 3 folds");
    int[] budgets = {1, 3, 9};
    for (Row t : trials) {
      assertEquals(budgets[rung(t)], (int) t.getAs("epochs"));
      assertEquals(budgets[rung(t)], (int) t.getAs("iterations"), "epochs run (no early stopping)");
    }
    // Each rung's candidates are exactly the best third of the rung before, by the trials' own means.
    TreeSet<Integer> rung1 = top(means(trials, 0));
    assertEquals(rung1, new TreeSet<>(means(trials, 1).keySet()));
    TreeSet<Integer> rung2 = top(means(trials, 1));
    assertEquals(rung2, new TreeSet<>(means(trials, 2).keySet()));
    assertEquals(1, rung2.size());
    int finalist = rung2.first();

    // The selection is the last rung's point, at its mean over the folds of that rung.
    Row selected = table(out, Tables.SELECTION).get(0);
    assertEquals(finalist, (int) selected.getAs("point"));
    assertEquals(finalist, outcome.refitPoint().id());
    assertEquals(means(trials, 2).get(finalist), selected.getAs("mean"), 1e-15);

    // Every point's summary is at the last rung it reached.
    for (Row s : table(out, Tables.SUMMARY)) {
      if (!"accuracy".equals(s.getAs("metric"))) continue;
      int p = s.getAs("point");
      int last = p == finalist ? 2 : rung1.contains(p) ? 1 : 0;
      assertEquals(last, (int) s.getAs("rung"), "point " + p);
      assertEquals(budgets[last], (int) s.getAs("epochs"));
      assertEquals(means(trials, last).get(p), (double) s.getAs("mean"), 1e-15, "point " + p);
    }

    // History keeps every curve, the stopped ones ending at their rung: 6·3·1 + 2·3·3 + 1·3·9 rows.
    List<Row> history = table(out, Tables.HISTORY);
    assertEquals(6 * 3 + 2 * 3 * 3 + 3 * 9, history.size());
    Map<Integer, Integer> lastEpoch = new HashMap<>();
    for (Row h : history) lastEpoch.merge(h.getAs("point"), (Integer) h.getAs("epoch"), Math::max);
    for (int p = 0; p < 9; p++) {
      int last = p == finalist ? 2 : rung1.contains(p) ? 1 : 0;
      assertEquals(budgets[last] - 1, (int) lastEpoch.get(p), "point " + p + "'s curve ends at its rung");
    }

    // Epochs spent against the full grid's 9 points × 3 folds × 9 epochs.
    Row run = table(out, Tables.RUNS).get(0);
    assertEquals("halving", run.getAs("search"));
    assertEquals(3L * (9 * 1 + 3 * (3 - 1) + (9 - 3)), (long) run.getAs("epochs_spent"));
    assertEquals(3L * 9 * 9, (long) run.getAs("epochs_full_grid"));
    assertTrue(logText.contains("halving: 63 epochs over every (point, fold), against 243 for the full grid (25.9 %)"),
        logText);
  }

  /**
   * The finalist's last rung went on from its rung-1 state, which went on from its rung-0 state; with the
   * default constant learning rate it equals a plain grid sweep of that point with maxEpochs = 9: the same
   * metrics on every fold, bit for bit (measured max |Δ| = 0).
   */
  @Test
  void theFinalistsWarmStartedRungEqualsAFreshFitOfTheFullBudget() throws IOException {
    List<Row> last = table(out, Tables.TRIALS).stream().filter(t -> rung(t) == 2)
        .sorted(Comparator.comparingInt((Row t) -> t.getAs("fold"))).toList();
    scala.collection.Map<String, String> params = last.get(0).getAs("params");

    Path plain = TestSpark.tempDir("halving-plain");
    SweepSpec grid = Samples.spec(WINE_HALVING, "run.output=" + plain, "sweep.search=grid", "sweep.halving=null",
        "model.mlp.maxEpochs=9", "sweep.mlp.learningRate=[" + params.apply("learningRate") + "]",
        "sweep.mlp.dropout=[" + params.apply("dropout") + "]");
    new SweepJob(spark, grid, log(new ByteArrayOutputStream())).run("g");
    List<Row> fresh = table(plain, Tables.TRIALS).stream()
        .sorted(Comparator.comparingInt((Row t) -> t.getAs("fold"))).toList();
    assertEquals(3, fresh.size());
    for (int f = 0; f < 3; f++) {
      assertTrue(fresh.get(f).isNullAt(fresh.get(f).fieldIndex("rung")), "no rung outside halving");
      for (String m : List.of("accuracy", "logloss", "f1")) {
        assertEquals((double) fresh.get(f).getAs(m), (double) last.get(f).getAs(m), 0.0, "fold " + f + " " + m);
      }
    }
    // Both sweeps fit on each fold's rows as stacked once for all its fits; a fit that stacks its own
    // rows (the estimator's plain fit) gives the same model: the same metrics on fold 1, bit for bit.
    FoldedData folded = FoldPlan.assign(spark, DatasetLoader.load(spark, grid), grid.cv(), grid.run().partitions());
    try {
      GridPoint point = GridPoint.named(0, Map.of("learningRate", params.apply("learningRate"), "dropout",
          params.apply("dropout")));
      FittedModel own = new MlpTrainer(grid.model(), grid.cv().seed()).fit(folded.training(0), point);
      EnumMap<Metric, Double> metrics = Scorer.score(folded.validation(0), List.of(own.predictor())).get(0);
      assertEquals((double) fresh.get(0).getAs("accuracy"), metrics.get(Metric.ACCURACY), 0.0);
      assertEquals((double) fresh.get(0).getAs("logloss"), metrics.get(Metric.LOGLOSS), 0.0);
    } finally {
      folded.release();
    }
  }

  /**
   * The run page draws every candidate's mean accuracy at each rung it reached (a line ending at the rung
   * it stopped at), the grid effects at the first rung and the fold spread at the chosen point's last
   * rung; the page and the {@code report} command show the rung table and the epochs spent.
   */
  @Test
  void thePageAndTheReportShowTheRungs() throws IOException {
    RunTables t = RunTables.read(spark, out.toString(), "h");
    List<Figure> figures = Figures.of(t);
    int chosen = t.refit().getAs("point");
    assertEquals(List.of("halving.svg", "loss-point-" + chosen + ".svg", "grid-dropout.svg", "grid-learningRate.svg",
        "folds.svg", "fold-sizes.svg"), figures.stream().map(Figure::file).toList());
    List<Row> trials = table(out, Tables.TRIALS);
    Map<Integer, XYSeries> lines = new HashMap<>();
    ((XYChart) figures.get(0).chart()).getSeriesMap().values().forEach(s -> lines.put(Integer.parseInt(
        s.getName().split(" ")[1]), s));
    assertEquals(9, lines.size(), "a line per candidate");
    assertEquals("point " + chosen + " (chosen)", lines.get(chosen).getName());
    double[] budgets = {1, 3, 9};
    for (int p = 0; p < 9; p++) {
      int reached = 0;
      while (reached < 2 && means(trials, reached + 1).containsKey(p)) reached++;
      XYSeries line = lines.get(p);
      assertArrayEquals(Arrays.copyOf(budgets, reached + 1), line.getXData(), 0.0, "point " + p + " ends at its rung");
      for (int r = 0; r <= reached; r++) assertEquals(means(trials, r).get(p), line.getYData()[r], 1e-15);
      assertEquals(reached == 2, line.isShowInLegend(), "the last rung's candidates are named");
    }
    XYSeries effects = ((XYChart) figures.get(2).chart()).getSeriesMap().get("points");
    for (int p = 0; p < 9; p++) assertEquals(means(trials, 0).get(p), effects.getYData()[p], 1e-15, "rung 1's means");
    List<Number> folds = new ArrayList<>(((CategoryChart) figures.get(4).chart()).getSeriesMap().get("accuracy")
        .getYData());
    List<Double> lastRung = trials.stream().filter(r -> rung(r) == 2)
        .sorted(Comparator.comparingInt((Row r) -> r.getAs("fold"))).map(r -> r.<Double>getAs("accuracy")).toList();
    assertEquals(lastRung, folds.stream().map(Number::doubleValue).toList(), "the fold spread at the chosen point's last rung");

    String page = Files.readString(out.resolve("html/h/index.html"));
    assertTrue(page.contains("<h2>Successive halving</h2>"), "rung table on the page");
    assertTrue(page.contains("63 epochs over every (point, fold), 26 % of the full grid's 243"), "epochs on the page");
    String report = ReportPrinter.render(spark, out.toString(), "h");
    assertTrue(report.contains("successive halving (63 epochs over every (point, fold), 26 % of the full grid's 243)"),
        report);
    assertTrue(report.lines().anyMatch(l -> l.trim().matches("1\\s+1\\s+9\\s+3\\s+\\S+\\s+\\S+")), report);
    assertTrue(report.lines().anyMatch(l -> l.trim().matches("3\\s+9\\s+1\\s+\\S+")), report);
  }

  /**
   * A run killed in rung 2 of 3 (simulated: an attempt whose publishing failed, with the records of two
   * rung-2 units, all of rung 3 and their states taken away) resumes: every recorded unit is reused, no
   * rung-1 unit is trained again, and the units computed anew from the recorded rung states give the
   * metrics the first attempt recorded for them.
   */
  @Test
  void aHalvingRunKilledMidRungResumesFromItsRecordedUnits() throws IOException {
    Path killed = TestSpark.tempDir("halving-resume");
    SweepSpec spec = Samples.spec(WINE_HALVING, "run.output=" + killed);
    Path blocker = Files.writeString(killed.resolve("models"), "in the way\n");
    assertThrows(Exception.class, () -> new SweepJob(spark, spec, log(new ByteArrayOutputStream())).run("k"));
    Path units = killed.resolve("_staging/k/units");
    Path states = killed.resolve("_staging/k/states");
    List<Path> rung1;
    List<Path> rung2;
    try (var files = Files.list(units)) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertEquals(39, all.size(), "a record per (rung, fold, point)");
      rung1 = all.stream().filter(p -> p.getFileName().toString().startsWith("rung-1-")).toList();
      rung2 = all.stream().filter(p -> p.getFileName().toString().startsWith("rung-2-")).toList();
    }
    assertEquals(9, rung1.size());
    assertEquals(3, rung2.size());
    // What the first attempt recorded for the units about to be taken away.
    ObjectMapper json = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();   // NaN history
    Map<String, JsonNode> recorded = new TreeMap<>();
    List<Path> gone = new ArrayList<>(rung1.subList(0, 2));
    gone.addAll(rung2);
    for (Path p : gone) {
      recorded.put(p.getFileName().toString(), json.readTree(p.toFile()).get("trials").get(0));
      Files.delete(p);
      Files.deleteIfExists(states.resolve(p.getFileName().toString().replace(".json", ".bin")));
    }
    Files.delete(blocker);

    ByteArrayOutputStream again = new ByteArrayOutputStream();
    new SweepJob(spark, spec, log(again)).run("k");
    String text = again.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("resume: reused 34 recorded units (34 of 39 trials); computed the rest"), text);
    assertFalse(text.contains("rung 1/3 (1 epochs) · fold"), "no rung-1 unit trained again:\n" + text);
    assertEquals(2 + 3, text.lines().filter(l -> l.contains("] ") && l.contains(" · rung ")).count(),
        "progress lines for the five computed units only:\n" + text);

    List<Row> trials = table(killed, Tables.TRIALS);
    assertEquals(39, trials.size());
    for (JsonNode before : recorded.values()) {
      Row now = trials.stream().filter(t -> rung(t) == before.get("rung").asInt()
          && (int) t.getAs("fold") == before.get("fold").asInt() && (int) t.getAs("point") == before.get("point").asInt())
          .findFirst().orElseThrow();
      for (String m : List.of("ACCURACY", "LOGLOSS")) {
        assertEquals(before.get("metrics").get(m).asDouble(), (double) now.getAs(m.toLowerCase()), 0.0,
            "recomputed " + before + " " + m);
      }
    }
  }

  @Test
  void halvingEpochsAreTheHalvingsToSet() {
    SweepSpec swept = Samples.spec(WINE_HALVING, "sweep.mlp.maxEpochs=[5, 9]", "data.path=target/never-read.csv");
    assertEquals(List.of("sweep.mlp.maxEpochs: halving sets the epochs (sweep.halving.minEpochs and maxEpochs), so "
        + "they are not swept"), assertThrows(ConfigException.class, () -> new SweepJob(spark, swept,
            log(new ByteArrayOutputStream())).run("x")).problems());
    SweepSpec clash = Samples.spec(WINE_HALVING, "model.mlp.maxEpochs=20", "data.path=target/never-read.csv");
    assertEquals(List.of("sweep.halving.maxEpochs: 9 differs from model.mlp.maxEpochs 20: give one of them"),
        assertThrows(ConfigException.class, () -> new SweepJob(spark, clash, log(new ByteArrayOutputStream()))
            .run("x")).problems());
    // Defaults: maxEpochs from model.mlp.maxEpochs, minEpochs ⌊maxEpochs/η²⌋.
    SweepSpec defaults = Samples.spec(WINE_HALVING, "sweep.halving=null", "model.mlp.maxEpochs=27");
    assertEquals(List.of(3, 9, 27), MlpTrainer.halving(defaults).budgets());
    assertEquals(List.of(5, 15, 50), MlpTrainer.halving(Samples.spec(WINE_HALVING, "sweep.halving=null")).budgets(),
        "the estimator's 50 epochs: 50/9 → 5");
  }
}
