package io.ridgeline.job;

import io.ridgeline.config.Family;
import io.ridgeline.config.Metric;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.cv.FoldPlan;
import io.ridgeline.cv.FoldStatistics;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.cv.Scorer;
import io.ridgeline.cv.Selection;
import io.ridgeline.cv.Selection.Choice;
import io.ridgeline.cv.Selection.Scored;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.data.LabeledData;
import io.ridgeline.linear.LambdaMax;
import io.ridgeline.linear.LinearRegressionTrainer;
import io.ridgeline.linear.LogisticRegressionTrainer;
import io.ridgeline.report.ReportWriter;
import io.ridgeline.report.RunInfo;
import io.ridgeline.report.Tables;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.Format;
import io.ridgeline.sweep.Grid;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.Progress;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.Trainer;
import io.ridgeline.sweep.TrialResult;
import io.ridgeline.sweep.WorkUnit;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One sweep, end to end: load and check the data → assign folds and cache once → build the grid →
 * for every (fold, α) concurrently, fit the λ path on the fold's training rows and score all its models
 * in one pass over the validation rows → fold statistics and selection → fit the grid on all data
 * (the coefficient path and the selected model) → publish the reports and the model.
 */
public final class SweepJob {
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final SparkSession spark;
  private final SweepSpec spec;
  private final PrintStream log;

  public SweepJob(SparkSession spark, SweepSpec spec, PrintStream log) {
    this.spark = spark;
    this.spec = spec;
    this.log = log;
  }

  /** What a finished sweep tells its caller. */
  public record Outcome(String runId, Choice refit, Choice oneSe, Metric metric, int folds,
      String reports, String model) {}

  /** A fresh run id: UTC time and four random hex digits. */
  public static String newRunId() {
    return RUN_ID_TIME.format(Instant.now()) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
  }

  /** Loads and checks the data and the folds; trains nothing and writes nothing. */
  public String validate() {
    LabeledData data = DatasetLoader.load(spark, spec);
    FoldedData folded = FoldPlan.assign(spark, data, spec.cv(), spec.run().partitions());
    try {
      int points = spec.sweep().alphas().size()
          * (spec.sweep().lambdaValues() != null ? spec.sweep().lambdaValues().size() : spec.sweep().pathCount());
      return describe(folded) + "\ngrid: " + points + " points × " + folded.folds() + " folds = "
          + points * folded.folds() + " trials";
    } finally {
      folded.release();
    }
  }

  /** Loads the data, assigns folds and runs the sweep. */
  public Outcome run(String runId) throws IOException {
    checkRunId(runId);
    FoldedData folded = FoldPlan.assign(spark, DatasetLoader.load(spark, spec), spec.cv(), spec.run().partitions());
    try {
      return run(folded, runId);
    } finally {
      folded.release();
    }
  }

  /** Runs the sweep on data already loaded and folded (and cached), e.g. by a benchmark. */
  public Outcome run(FoldedData folded, String runId) throws IOException {
    checkRunId(runId);
    Instant started = Instant.now();
    ReportWriter writer = new ReportWriter(spark, spec.run().output(), runId);
    try {
      writer.open();
      log.println(describe(folded));
      return sweep(runId, started, writer, folded);
    } catch (RuntimeException | IOException e) {
      writer.close();
      throw e;
    }
  }

  private void checkRunId(String runId) throws IOException {
    if (!runId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("run id '" + runId + "' may hold only letters, digits, '.', '_' and '-'");
    }
    if (new ReportWriter(spark, spec.run().output(), runId).published()) {
      throw new IllegalArgumentException("run id '" + runId + "' already has reports in " + spec.run().output());
    }
  }

  private Outcome sweep(String runId, Instant started, ReportWriter writer, FoldedData folded) throws IOException {
    LabeledData data = folded.source();
    Family family = spec.model().family();
    Metric metric = spec.cv().metric();
    if (!metric.appliesTo(data.numClasses())) {
      throw new IllegalArgumentException("cv.metric " + metric.key() + " needs a binary label, but '"
          + spec.data().label() + "' has " + data.numClasses() + " classes");
    }
    List<GridPoint> grid = buildGrid(folded);
    Trainer trainer = family == Family.LINEAR
        ? new LinearRegressionTrainer(spec.model(), data.numFeatures())
        : new LogisticRegressionTrainer(spec.model(), data.numFeatures(), data.numClasses());
    int k = folded.folds();
    boolean fullPath = spec.report().coefficients();
    Progress progress = new Progress(grid.size() * k + (fullPath ? grid.size() : 1), log);
    SweepRunner runner = new SweepRunner(spark, spec.run().parallelism(), "ridgeline-" + runId, progress);

    // Cross-validation: one unit per (fold, α) path; each fits its λ values and scores them in one pass.
    List<List<GridPoint>> paths = byAlpha(grid);
    List<WorkUnit<List<TrialResult>>> cvUnits = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      for (List<GridPoint> path : paths) {
        int fold = f;
        String label = "fold " + (f + 1) + "/" + k + " · α=" + Format.number(path.get(0).alpha());
        cvUnits.add(new WorkUnit<>(label, path.size(),
            () -> crossValidatePath(runner, trainer, folded, fold, label, path),
            trials -> best(trials, metric)));
      }
    }
    List<TrialResult> results = runner.run(cvUnits).stream().flatMap(List::stream).toList();

    // Fold statistics and selection.
    List<Scored> scored = new ArrayList<>();
    EnumMap<Metric, FoldStatistics[]> stats = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      if (!m.appliesTo(data.numClasses())) continue;
      FoldStatistics[] perPoint = new FoldStatistics[grid.size()];
      for (GridPoint p : grid) {
        double[] values = new double[k];
        for (TrialResult t : results) if (t.point().id() == p.id()) values[t.fold()] = t.metrics().get(m);
        perPoint[p.id()] = FoldStatistics.of(values);
      }
      stats.put(m, perPoint);
    }
    for (GridPoint p : grid) {
      FoldStatistics s = stats.get(metric)[p.id()];
      scored.add(new Scored(p.id(), p.alpha(), p.lambda(), s.mean(), s.se()));
    }
    List<Choice> choices = Selection.choose(scored, metric);
    Choice refit = choices.stream()
        .filter(c -> c.scope().equals("all") && c.rule() == spec.cv().rule()).findFirst().orElseThrow();
    Choice oneSe = choices.get(1);
    GridPoint chosen = grid.get(refit.point().point());

    // Full-data fits: the whole grid for the coefficient path, or just the chosen point.
    List<List<GridPoint>> fullPaths = fullPath ? paths : List.of(List.of(chosen));
    List<WorkUnit<List<FittedModel>>> fullUnits = new ArrayList<>();
    for (List<GridPoint> path : fullPaths) {
      String label = "all data · α=" + Format.number(path.get(0).alpha());
      fullUnits.add(new WorkUnit<>(label, path.size(), () -> fitPath(runner, trainer, folded.frame(), label, path),
          models -> models.get(models.size() - 1).nonzero() + " non-zero at the smallest λ"));
    }
    List<FittedModel> models = runner.run(fullUnits).stream().flatMap(List::stream).toList();
    List<GridPoint> fullPoints = fullPaths.stream().flatMap(List::stream).toList();
    Integer[] nonzeroFull = new Integer[grid.size()];
    for (int i = 0; i < fullPoints.size(); i++) nonzeroFull[fullPoints.get(i).id()] = models.get(i).nonzero();
    FittedModel chosenModel = models.get(fullPoints.indexOf(chosen));

    // Reports.
    spark.sparkContext().setJobDescription("save the selected model");
    chosenModel.save(writer.stagedModelPath());
    List<Row> trialRows = results.stream().map(Tables::trial).toList();
    List<Row> summaryRows = new ArrayList<>();
    for (GridPoint p : grid) {
      stats.forEach((m, perPoint) -> summaryRows.add(Tables.summary(p, m, perPoint[p.id()], nonzeroFull[p.id()])));
    }
    List<Row> selectionRows = choices.stream()
        .map(c -> Tables.selection(c, grid.get(c.point().point()), metric, c == refit)).toList();
    List<Row> coefficientRows = new ArrayList<>();
    if (fullPath) {
      for (int i = 0; i < fullPoints.size(); i++) {
        GridPoint p = fullPoints.get(i);
        models.get(i).coefficients(data.featureNames()).forEach(c -> coefficientRows.add(Tables.coefficient(p, c)));
      }
    }
    writer.stageTable(Tables.TRIALS, trialRows, Tables.TRIALS_SCHEMA);
    writer.stageTable(Tables.SUMMARY, summaryRows, Tables.SUMMARY_SCHEMA);
    writer.stageTable(Tables.SELECTION, selectionRows, Tables.SELECTION_SCHEMA);
    writer.stageTable(Tables.COEFFICIENTS, coefficientRows, Tables.COEFFICIENTS_SCHEMA);
    RunInfo info = runInfo(runId, started, folded, grid.size(), chosen, writer.modelPath().toString());
    writer.stageTable(Tables.RUNS, List.of(Tables.run(info)), Tables.RUNS_SCHEMA);
    writer.publish();
    return new Outcome(runId, refit, oneSe, metric, k, spec.run().output(), writer.modelPath().toString());
  }

  /**
   * Fits a fold's λ path on its training rows, then scores every model of the path in one pass over the
   * validation rows. A trial's seconds are its fit plus its share of the scoring pass.
   */
  private List<TrialResult> crossValidatePath(SweepRunner runner, Trainer trainer, FoldedData folded, int fold,
      String label, List<GridPoint> path) {
    long start = System.nanoTime();
    List<FittedModel> models = fitPath(runner, trainer, folded.training(fold), label.substring(0, label.indexOf(" · α")), path);
    long scoring = System.nanoTime();
    runner.label(label + " · score " + path.size() + " models");
    List<EnumMap<Metric, Double>> metrics =
        Scorer.score(folded.validation(fold), models.stream().map(FittedModel::predictor).toList());
    double scoreShare = (System.nanoTime() - scoring) / 1e9 / path.size();
    double fitShare = (scoring - start) / 1e9 / path.size();
    long nValid = folded.foldSizes()[fold];
    List<TrialResult> out = new ArrayList<>(path.size());
    for (int i = 0; i < path.size(); i++) {
      FittedModel m = models.get(i);
      out.add(new TrialResult(path.get(i), fold, folded.rows() - nValid, nValid, m.iterations(),
          fitShare + scoreShare, m.nonzero(), metrics.get(i)));
    }
    return out;
  }

  /** Fits the points of a path in order (λ decreasing), labelling each fit's Spark jobs. */
  private static List<FittedModel> fitPath(SweepRunner runner, Trainer trainer, Dataset<Row> rows, String label,
      List<GridPoint> path) {
    List<FittedModel> models = new ArrayList<>(path.size());
    for (GridPoint p : path) {
      runner.label(label + " · " + p.label());
      models.add(trainer.fit(rows, p));
    }
    return models;
  }

  /** The grid's points grouped by α, in grid order. */
  private static List<List<GridPoint>> byAlpha(List<GridPoint> grid) {
    Map<Double, List<GridPoint>> paths = new LinkedHashMap<>();
    for (GridPoint p : grid) paths.computeIfAbsent(p.alpha(), a -> new ArrayList<>()).add(p);
    return new ArrayList<>(paths.values());
  }

  /** "best rmse 54.3 at λ=0.09" for a progress line. */
  private static String best(List<TrialResult> trials, Metric metric) {
    TrialResult best = trials.get(0);
    for (TrialResult t : trials) if (metric.better(t.metrics().get(metric), best.metrics().get(metric))) best = t;
    return "best " + metric.key() + " " + Format.number(best.metrics().get(metric)) + " at λ="
        + Format.number(best.point().lambda());
  }

  private List<GridPoint> buildGrid(FoldedData folded) {
    if (spec.sweep().lambdaValues() != null) return Grid.build(spec.sweep(), alpha -> Double.NaN);
    spark.sparkContext().setJobDescription("λ_max: feature and label moments");
    LabeledData data = folded.source();
    LambdaMax lambdaMax = LambdaMax.of(folded.frame(), spec.model(), data.numFeatures(), data.numClasses());
    spark.sparkContext().setJobDescription(null);
    if (!(lambdaMax.at(1) > 0)) {
      throw new IllegalArgumentException("λ_max is 0: no feature varies with the label; give sweep.lambda.values");
    }
    return Grid.build(spec.sweep(), lambdaMax::at);
  }

  private String describe(FoldedData folded) {
    LabeledData d = folded.source();
    return String.format(Locale.ROOT, "data: %s · %d rows × %d features%s · %d folds of %s rows",
        d.path(), d.rows(), d.numFeatures(), d.numClasses() > 0 ? " · " + d.numClasses() + " classes" : "",
        folded.folds(), Arrays.toString(folded.foldSizes()));
  }

  private RunInfo runInfo(String runId, Instant started, FoldedData folded, int points, GridPoint chosen,
      String modelPath) {
    LabeledData d = folded.source();
    List<Long> sizes = Arrays.stream(folded.foldSizes()).boxed().toList();
    return new RunInfo(runId, spec.name(), "succeeded", started, Instant.now(),
        spec.model().family().key(), spec.cv().metric().key(), spec.cv().rule().key(), "mllib",
        spec.source(), spec.text(), spec.sha256(),
        spec.data().path(), spec.data().format().key(), d.rows(), d.numFeatures(), d.numClasses(),
        folded.folds(), sizes, spec.cv().seed(), points,
        chosen.id(), chosen.alpha(), chosen.lambda(), modelPath,
        spark.version(), System.getProperty("java.version"), appVersion(), spark.sparkContext().master(), null);
  }

  /** The application version, from the build. */
  public static String appVersion() {
    try (InputStream in = SweepJob.class.getResourceAsStream("/ridgeline.properties")) {
      Properties p = new Properties();
      if (in != null) p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
