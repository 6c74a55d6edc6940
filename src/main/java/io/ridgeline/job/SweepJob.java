package io.ridgeline.job;

import io.ridgeline.config.BadInputException;
import io.ridgeline.config.EngineChoice;
import io.ridgeline.config.ConfigException;
import io.ridgeline.config.Family;
import io.ridgeline.config.Metric;
import io.ridgeline.config.Search;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.cv.FoldPlan;
import io.ridgeline.cv.FoldStatistics;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.cv.Selection;
import io.ridgeline.cv.Selection.Choice;
import io.ridgeline.cv.Selection.Scored;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.data.LabeledData;
import io.ridgeline.glm.EnginePlan;
import io.ridgeline.glm.GaussianEngine;
import io.ridgeline.glm.LambdaMax;
import io.ridgeline.glm.LinearRegressionTrainer;
import io.ridgeline.glm.LogisticEngine;
import io.ridgeline.glm.LogisticRegressionTrainer;
import io.ridgeline.glm.WideEngine;
import io.ridgeline.mlp.MlpTrainer;
import io.ridgeline.report.ReportWriter;
import io.ridgeline.report.ReportWriter.Table;
import io.ridgeline.report.RunLock;
import io.ridgeline.sweep.Checkpoints;
import io.ridgeline.sweep.Checkpoints.Manifest;
import io.ridgeline.report.RunInfo;
import io.ridgeline.report.Tables;
import io.ridgeline.sweep.Engine;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.Grid;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.Halving;
import io.ridgeline.sweep.HalvingEngine;
import io.ridgeline.sweep.Rungs;
import io.ridgeline.sweep.Progress;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.Trainer;
import io.ridgeline.sweep.TrainerEngine;
import io.ridgeline.sweep.TrialResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One sweep, end to end: load and check the data → assign folds and cache once → choose the engine →
 * build the grid (λ_max from the engine's statistics where they hold it) → the engine trains and
 * scores every (fold, point) → fold statistics and selection → the engine fits
 * the grid on all data (the coefficient path and the selected model) → publish the reports and model.
 */
public final class SweepJob {
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /**
   * Up to this many features the {@code coefficients} table holds every coefficient; beyond it only the
   * non-zero ones and every intercept, so the table grows with the model's support, not with p.
   */
  public static final int DENSE_COEFFICIENTS = 1000;

  /** The run page is drawn within this, or the run publishes without it (with a warning). */
  static final int PAGE_SECONDS = 120;

  /** The phases of {@link PhaseTimes}, in the order they run. */
  static final String LOAD = "load and checks";
  static final String FOLDS = "folds";
  /**
   * The checks of the run id and weights, the engine's plan, λ_max (with the Gaussian engine, its
   * per-fold statistics, from which λ_max comes), the grid, the lock and manifest.
   */
  static final String GRID = "grid and plan";
  /** The label of λ_max's own pass, made when the engine's statistics do not hold it. */
  static final String MOMENTS_JOB = "λ_max: feature and label moments";
  static final String CROSS_VALIDATION = "cross-validation";
  static final String FULL_DATA = "full-data fits";
  static final String REPORTS = "reports";

  private final SparkSession spark;
  private final SweepSpec spec;
  private final PrintStream log;
  private final PhaseTimes times = new PhaseTimes();

  public SweepJob(SparkSession spark, SweepSpec spec, PrintStream log) {
    this.spark = spark;
    this.spec = spec;
    this.log = log;
  }

  /**
   * What a finished sweep tells its caller.
   *
   * @param oneSe the one-standard-error choice over all α, or null where there is none (mlp)
   * @param page  the run page's {@code index.html}, or null when it could not be drawn
   * @param times where the run's time went
   */
  public record Outcome(String runId, Choice refit, GridPoint refitPoint, Choice oneSe, GridPoint oneSePoint,
      Metric metric, int folds, String reports, List<String> tables, String model, String page, PhaseTimes times) {}

  /** A fresh run id: UTC time and four random hex digits. */
  public static String newRunId() {
    return RUN_ID_TIME.format(Instant.now()) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

  /**
   * A run id from a template: {@code {date}} (yyyy-MM-dd), {@code {time}} (HHmmss), both UTC at
   * {@code now}, and {@code {name}} (the config's name) are replaced; e.g. {@code nightly-{date}}.
   */
  public static String expandRunId(String template, String name, Instant now) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = switch (m.group(1)) {
        case "date" -> DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(now);
        case "time" -> DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC).format(now);
        case "name" -> name;
        default -> throw new BadInputException("--run-id " + template + ": unknown placeholder {" + m.group(1)
            + "} (known: {date}, {time}, {name})");
      };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }

  /** Loads and checks the data and the folds; trains nothing and writes nothing. */
  public String validate() {
    checkFamilyParameters();
    LabeledData data = DatasetLoader.load(spark, spec);
    FoldedData folded = FoldPlan.assign(spark, data, spec.cv(), spec.run().partitions());
    try {
      checkFoldWeights(folded);
      int points = spec.model().family() == Family.MLP ? Grid.mlp(spec.sweep()).size()
          : spec.sweep().alphas().size()
              * (spec.sweep().lambdaValues() != null ? spec.sweep().lambdaValues().size() : spec.sweep().pathCount());
      if (spec.sweep().search() == Search.HALVING) {
        Halving halving = MlpTrainer.halving(spec);
        return describe(folded) + "\ngrid: " + points + " points × " + folded.folds() + " folds, successive halving "
            + "over " + halving.budgets() + " epochs for " + Arrays.toString(halving.candidates(points))
            + " candidates = " + halving.trials(points, folded.folds()) + " trials";
      }
      return describe(folded) + "\ngrid: " + points + " points × " + folded.folds() + " folds = "
          + points * folded.folds() + " trials";
    } finally {
      folded.release();
    }
  }

  /** Loads the data, assigns folds and runs the sweep. */
  public Outcome run(String runId) throws IOException {
    return run(runId, false);
  }

  /**
   * Loads the data, assigns folds and runs the sweep; {@code breakLock} first removes a lock a dead
   * attempt of this run id left behind.
   */
  public Outcome run(String runId, boolean breakLock) throws IOException {
    checkFamilyParameters();
    checkRunId(runId);
    times.restart();
    LabeledData data = DatasetLoader.load(spark, spec);
    times.end(LOAD);
    FoldedData folded = FoldPlan.assign(spark, data, spec.cv(), spec.run().partitions());
    times.end(FOLDS);
    try {
      return run(folded, runId, breakLock, true);
    } finally {
      folded.release();
    }
  }

  /**
   * Runs the sweep on data already loaded and folded (and cached), e.g. by a benchmark; the folded
   * frame stays cached for the caller.
   */
  public Outcome run(FoldedData folded, String runId) throws IOException {
    return run(folded, runId, false, false);
  }

  /**
   * The sweep under the run id's lock. Everything that can be refused — config, data, metric, grid,
   * run id — is checked before anything is written. An earlier attempt's unit records are reused if
   * it ran the same config on the same data (and refused otherwise); a failure after that is recorded
   * in {@code runs} as failed, keeping the records for the next attempt.
   */
  private Outcome run(FoldedData folded, String runId, boolean breakLock, boolean ownsFolds) throws IOException {
    checkRunId(runId);
    checkFoldWeights(folded);
    Instant started = Instant.now();
    LabeledData data = folded.source();
    Metric metric = spec.cv().metric();
    if (!metric.appliesTo(data.numClasses())) {
      throw new BadInputException("cv.metric " + metric.key() + " needs a binary label, but '"
          + spec.data().label() + "' has " + data.numClasses() + " classes");
    }
    ReportWriter writer = new ReportWriter(spark, spec.run().output(), runId);
    Checkpoints checkpoints = writer.checkpoints();
    Training training = training(folded, runId, checkpoints, ownsFolds);
    training.engine().inspect(folded);
    List<GridPoint> grid = buildGrid(folded, training.engine());
    try (RunLock lock = writer.lock(breakLock)) {
      checkNotFinished(writer, runId);
      Optional<Manifest> earlier = checkpoints.manifest();
      if (earlier.isPresent()) grid = resumedGrid(earlier.get(), folded, grid, runId);
      writer.open();
      if (earlier.isEmpty()) {
        checkpoints.writeManifest(new Manifest(spec.sha256(), folded.rows(), boxed(folded.foldSizes()),
            folded.fingerprintHex(), grid));
      } else {
        log.println("resuming run " + runId + " from the unit records of an earlier attempt");
      }
      log.println(describe(folded));
      try {
        return sweep(runId, started, writer, checkpoints, folded, grid, training);
      } catch (RuntimeException | IOException | Error e) {
        recordFailure(writer, runId, started, folded, grid.size(), e);
        throw e;
      }
    }
  }

  /** Records a failed attempt in {@code runs}; a failure to do so is added to the original error. */
  private void recordFailure(ReportWriter writer, String runId, Instant started, FoldedData folded, int points,
      Throwable error) {
    try {
      RunInfo info = runInfo(runId, "failed", started, folded, points, null, null, null, null, null,
          DatasetLoader.rootMessage(error), null, null);
      writer.fail(new Table(Tables.RUNS, List.of(Tables.run(info)), Tables.RUNS_SCHEMA));
      log.println("recorded run " + runId + " as failed; running it again resumes it");
      refreshIndex();
    } catch (Exception | Error e) {
      error.addSuppressed(e);
    }
  }

  /**
   * The grid of the earlier attempt, whose records are to be reused: only if it ran the same config on
   * the same data (the same rows in the same folds — same sizes and fingerprint — and the same λ path
   * to 1e-9).
   */
  private List<GridPoint> resumedGrid(Manifest earlier, FoldedData folded, List<GridPoint> grid, String runId) {
    if (!earlier.configSha256().equals(spec.sha256())) {
      throw new BadInputException("run id '" + runId + "' was started with a different config (sha256 "
          + earlier.configSha256().substring(0, 12) + "…, this one " + spec.sha256().substring(0, 12)
          + "…): run it with the same config and overrides, or use a new --run-id");
    }
    boolean sameData = earlier.rows() == folded.rows() && earlier.foldSizes().equals(boxed(folded.foldSizes()))
        && earlier.grid().size() == grid.size();
    for (int i = 0; sameData && i < grid.size(); i++) {
      sameData = close(earlier.grid().get(i).lambda(), grid.get(i).lambda())
          && close(earlier.grid().get(i).alpha(), grid.get(i).alpha());
    }
    if (!sameData) {
      throw new BadInputException("run id '" + runId + "': the data changed since its earlier attempt ("
          + earlier.rows() + " rows in folds of " + earlier.foldSizes() + ", now " + folded.rows() + " in "
          + boxed(folded.foldSizes()) + "): use a new --run-id");
    }
    // A manifest from before fingerprints (empty) is judged by the checks above alone.
    if (!earlier.dataFingerprint().isEmpty() && !earlier.dataFingerprint().equals(folded.fingerprintHex())) {
      throw new BadInputException("run id '" + runId + "': the data changed since its earlier attempt (fingerprint "
          + earlier.dataFingerprint() + ", now " + folded.fingerprintHex() + ", over the same " + folded.rows()
          + " rows and fold sizes): use a new --run-id");
    }
    return earlier.grid();
  }

  /**
   * A fold whose rows all have weight 0 has undefined (0/0) validation metrics, which would leave its
   * grid points without a mean: refused, naming the fold and the weight column.
   */
  private void checkFoldWeights(FoldedData folded) {
    double[] w = folded.foldWeights();
    for (int f = 0; f < w.length; f++) {
      if (w[f] > 0) continue;
      String folds = spec.cv().foldColumn() != null ? "cv.foldColumn '" + spec.cv().foldColumn() + "'"
          : "cv.folds = " + w.length;
      throw new BadInputException(folded.source().path() + ": fold " + (f + 1) + " of " + w.length + " (" + folds
          + ", " + folded.foldSizes()[f] + " rows) has total weight 0 in data.weight '" + spec.data().weight()
          + "': its metrics are undefined; give some of its rows weight, or use other folds");
    }
  }

  private static boolean close(double a, double b) {
    return Double.compare(a, b) == 0 || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }

  private static List<Long> boxed(long[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  /** The mlp family's parameters are the estimator's: checked against it before any data is read. */
  private void checkFamilyParameters() {
    if (spec.model().family() != Family.MLP) return;
    List<String> problems = MlpTrainer.problems(spec);
    if (!problems.isEmpty()) throw new ConfigException(spec.source(), problems);
  }

  private void checkRunId(String runId) throws IOException {
    if (!runId.matches("[A-Za-z0-9._-]+")) {
      throw new BadInputException("run id '" + runId + "' may hold only letters, digits, '.', '_' and '-'");
    }
    checkNotFinished(new ReportWriter(spark, spec.run().output(), runId), runId);
  }

  private void checkNotFinished(ReportWriter writer, String runId) throws IOException {
    if (writer.status().filter("succeeded"::equals).isPresent()) {
      throw new BadInputException("run id '" + runId + "' already finished in " + spec.run().output()
          + ": use a new --run-id");
    }
  }

  /**
   * The engine of a sweep and what drives it, built before the grid (which may take λ_max from the
   * engine's statistics); the progress learns its total once the grid is known.
   */
  private record Training(Engine engine, SweepRunner runner, Progress progress, MlpTrainer mlpTrainer,
      Halving halving) {}

  private Training training(FoldedData folded, String runId, Checkpoints checkpoints, boolean ownsFolds) {
    Halving halving = spec.sweep().search() == Search.HALVING ? MlpTrainer.halving(spec) : null;
    MlpTrainer mlpTrainer = spec.model().family() == Family.MLP
        ? new MlpTrainer(spec.model(), spec.cv().seed(), halving == null ? 0 : halving.maxEpochs()) : null;
    Progress progress = new Progress(0, log);
    SweepRunner runner = new SweepRunner(spark, spec.run().parallelism(), "ridgeline-" + runId, progress, checkpoints);
    Engine engine = engine(folded, runner, mlpTrainer, halving, checkpoints);
    // An engine that caches its own copy of the rows may drop ours: the rows are then held once.
    if (ownsFolds) engine = engine.releasingFolded(folded::release);
    return new Training(engine, runner, progress, mlpTrainer, halving);
  }

  private Outcome sweep(String runId, Instant started, ReportWriter writer, Checkpoints checkpoints,
      FoldedData folded, List<GridPoint> grid, Training training) throws IOException {
    LabeledData data = folded.source();
    Metric metric = spec.cv().metric();
    int k = folded.folds();
    boolean fullPath = spec.report().coefficients() && spec.model().family().isElasticNet();
    boolean mlp = spec.model().family() == Family.MLP;
    Halving halving = training.halving();
    MlpTrainer mlpTrainer = training.mlpTrainer();
    Engine engine = training.engine();
    int cvTrials = halving != null ? halving.trials(grid.size(), k) : grid.size() * k;
    training.progress().expect(cvTrials + (fullPath ? grid.size() : 1));
    log.println("engine: " + engine.name() + " · " + grid.size() + " grid points × " + k + " folds"
        + (halving == null ? "" : " · successive halving, η = " + halving.eta() + ": " + join(halving.budgets())
            + " epochs for " + join(java.util.Arrays.stream(halving.candidates(grid.size())).boxed().toList())
            + " candidates"));

    times.end(GRID);
    List<TrialResult> results;
    try {
      results = engine.crossValidate(folded, grid);
    } finally {
      if (mlpTrainer != null) mlpTrainer.release();   // the folds' stacked training sets
    }
    times.end(CROSS_VALIDATION);
    times.scoring(training.runner().scoringSeconds());
    if (checkpoints.reusedUnits() > 0) {
      log.printf(Locale.ROOT, "resume: reused %d recorded unit%s (%d of %d trials); computed the rest%n",
          checkpoints.reusedUnits(), checkpoints.reusedUnits() == 1 ? "" : "s", checkpoints.reusedTrials(), cvTrials);
    }
    // Under halving a point stands at the last rung it reached, and the selection is among the last rung's.
    Rungs rungs = new Rungs(results);

    // Fold statistics and selection.
    List<Scored> scored = new ArrayList<>();
    EnumMap<Metric, FoldStatistics[]> stats = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      if (!m.appliesTo(data.numClasses())) continue;
      FoldStatistics[] perPoint = new FoldStatistics[grid.size()];
      for (GridPoint p : grid) {
        double[] values = new double[k];
        for (TrialResult t : rungs.latest()) if (t.point().id() == p.id()) values[t.fold()] = t.metrics().get(m);
        perPoint[p.id()] = FoldStatistics.of(values);
      }
      stats.put(m, perPoint);
    }
    for (GridPoint p : grid) {
      if (!rungs.isFinalist(p.id())) continue;
      FoldStatistics s = stats.get(metric)[p.id()];
      scored.add(new Scored(p.id(), p.alpha(), p.lambda(), s.mean(), s.se()));
    }
    List<Choice> choices = Selection.choose(scored, metric);
    Choice refit = choices.stream()
        .filter(c -> c.scope().equals("all") && c.rule() == spec.cv().rule()).findFirst().orElseThrow();
    Choice oneSe = choices.size() > 1 ? choices.get(1) : null;
    GridPoint chosen = grid.get(refit.point().point());

    // Full-data fits: the whole grid for the coefficient path, or just the chosen point.
    List<GridPoint> fullPoints = fullPath ? grid : List.of(chosen);
    List<FittedModel> models = engine.fitAll(folded, fullPoints);
    times.end(FULL_DATA);
    Integer[] nonzeroFull = new Integer[grid.size()];
    for (int i = 0; i < fullPoints.size(); i++) nonzeroFull[fullPoints.get(i).id()] = models.get(i).nonzero();
    FittedModel chosenModel = models.get(fullPoints.indexOf(chosen));
    warnCapped(results, fullPoints, models);

    // Reports.
    List<Row> trialRows = results.stream().map(Tables::trial).toList();
    List<Row> summaryRows = new ArrayList<>();
    TrialResult[] standing = new TrialResult[grid.size()];
    for (TrialResult t : rungs.latest()) standing[t.point().id()] = t;
    for (GridPoint p : grid) {
      Integer rung = standing[p.id()].rung();
      Integer epochs = standing[p.id()].epochs();
      stats.forEach((m, perPoint) -> summaryRows.add(Tables.summary(p, m, perPoint[p.id()], nonzeroFull[p.id()], rung,
          epochs)));
    }
    List<Row> selectionRows = choices.stream()
        .map(c -> Tables.selection(c, grid.get(c.point().point()), metric, c == refit)).toList();
    List<Row> coefficientRows = new ArrayList<>();
    boolean sparseTable = data.numFeatures() > DENSE_COEFFICIENTS;
    if (fullPath) {
      for (int i = 0; i < fullPoints.size(); i++) {
        GridPoint p = fullPoints.get(i);
        for (FittedModel.Coefficient c : models.get(i).coefficients(data.featureNames())) {
          if (sparseTable && c.value() == 0 && !c.feature().equals(FittedModel.INTERCEPT)) continue;
          coefficientRows.add(Tables.coefficient(p, c));
        }
      }
    }
    List<Table> tables = new ArrayList<>(List.of(
        new Table(Tables.TRIALS, trialRows, Tables.TRIALS_SCHEMA),
        new Table(Tables.SUMMARY, summaryRows, Tables.SUMMARY_SCHEMA),
        new Table(Tables.SELECTION, selectionRows, Tables.SELECTION_SCHEMA),
        new Table(Tables.COEFFICIENTS, coefficientRows, Tables.COEFFICIENTS_SCHEMA)));
    // A (point, fold)'s last rung holds its whole curve (rungs go on from the one before).
    List<Row> historyRows = rungs.latest().stream().filter(t -> t.history() != null)
        .flatMap(t -> Tables.history(t).stream()).toList();
    if (!historyRows.isEmpty()) tables.add(new Table(Tables.HISTORY, historyRows, Tables.HISTORY_SCHEMA));
    Long spent = mlp ? Rungs.epochsSpent(results) : null;
    Long fullGrid = mlp ? (long) k * grid.stream().mapToLong(mlpTrainer::maxEpochs).sum() : null;
    if (halving != null) {
      log.printf(Locale.ROOT, "halving: %d epochs over every (point, fold), against %d for the full grid (%.1f %%)%n",
          spent, fullGrid, 100.0 * spent / fullGrid);
    }
    RunInfo info = runInfo(runId, "succeeded", started, folded, grid.size(), chosen, refit.point().mean(),
        chosenModel.nonzero(), writer.modelPath().toString(), engine.name(), null, spent, fullGrid);
    tables.add(new Table(Tables.RUNS, List.of(Tables.run(info)), Tables.RUNS_SCHEMA));
    String modelPath = writer.stagedModelPath();
    // The page is drawn while the tables and the model are written, its rows converted on its thread too:
    // on this thread, Spark SQL's conversion of the six tables held back the first write (0.46 s → 0.19 s).
    java.util.concurrent.Future<java.util.Map<String, String>> drawing =
        io.ridgeline.page.RunPage.renderInBackground(() -> io.ridgeline.page.RunTables.of(spark, runId, tables));
    writer.stage(tables, () -> {
      spark.sparkContext().setJobDescription("save the selected model");
      // The feature stages and the fitted model: scores a frame with the original columns.
      data.pipeline().withModel(chosenModel.transformer()).write().overwrite().save(modelPath);
    });
    boolean page = stagePage(writer, runId, drawing);
    writer.publish();
    refreshIndex();
    times.end(REPORTS);
    return new Outcome(runId, refit, chosen, oneSe, oneSe == null ? null : grid.get(oneSe.point().point()), metric, k,
        spec.run().output(), writer.tables(), writer.modelPath().toString(),
        page ? writer.pagePath() + "/index.html" : null, times);
  }

  /**
   * Stages the run's page once it is drawn (from the tables being staged). The page is a view of the
   * tables: if it cannot be drawn (say, a JVM without fonts) or the charting stalls past
   * {@link #PAGE_SECONDS}, the run says so in one warning line and publishes without it.
   */
  private boolean stagePage(ReportWriter writer, String runId, java.util.concurrent.Future<java.util.Map<String, String>> drawing)
      throws IOException {
    java.util.Map<String, String> files;
    try {
      files = drawing.get(PAGE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      log.println("warning: no HTML page for run " + runId + ": " + DatasetLoader.rootMessage(e.getCause()));
      return false;
    } catch (java.util.concurrent.TimeoutException e) {
      log.println("warning: no HTML page for run " + runId + ": drawing it took over " + PAGE_SECONDS + " s");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while drawing the page", e);
    }
    io.ridgeline.page.RunPage.write(writer.fileSystem(), writer.stagedPagePath(), files);
    return true;
  }

  /** Rebuilds {@code <run.output>/html/index.html}; a failure costs only the index, with a warning. */
  private void refreshIndex() {
    try {
      io.ridgeline.page.RunIndex.write(spark, spec.run().output());
    } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError | InternalError e) {
      log.println("warning: the index of runs in " + spec.run().output() + "/html was not rebuilt: "
          + DatasetLoader.rootMessage(e));
    }
  }

  /**
   * One warning line naming the grid points whose fits an iteration cap ended before they converged
   * ({@code trials.converged = false}; full-data fits as "all data"): their numbers are not the optimum.
   */
  private void warnCapped(List<TrialResult> results, List<GridPoint> fullPoints, List<FittedModel> models) {
    java.util.Map<Integer, List<String>> where = new java.util.TreeMap<>();
    java.util.Map<Integer, String> labels = new java.util.HashMap<>();
    int capped = 0;
    for (TrialResult t : results) {
      if (t.converged()) continue;
      capped++;
      where.computeIfAbsent(t.point().id(), x -> new ArrayList<>()).add("fold " + (t.fold() + 1));
      labels.put(t.point().id(), t.point().label());
    }
    for (int i = 0; i < models.size(); i++) {
      if (models.get(i).converged()) continue;
      capped++;
      where.computeIfAbsent(fullPoints.get(i).id(), x -> new ArrayList<>()).add("all data");
      labels.put(fullPoints.get(i).id(), fullPoints.get(i).label());
    }
    if (capped == 0) return;
    List<String> parts = new ArrayList<>();
    where.forEach((id, fits) -> parts.add("point " + id + " (" + labels.get(id) + "): " + String.join(", ", fits)));
    log.println("warning: " + capped + " fit" + (capped == 1 ? "" : "s")
        + " stopped at an iteration cap before converging (trials.converged = false; model.maxIter = "
        + spec.model().maxIter() + "): " + String.join("; ", parts));
  }

  /**
   * The engine for this sweep: with {@code run.engine: auto}, the {@link EnginePlan} for the driver's
   * memory — a dense engine where its p² statistics fit (Gaussian, logistic), a wide engine where its
   * working sets do, else one MLlib fit per trial — logged in one line naming the plan and why.
   */
  private Engine engine(FoldedData folded, SweepRunner runner, MlpTrainer mlp, Halving halving,
      Checkpoints checkpoints) {
    LabeledData data = folded.source();
    int k = folded.folds();
    if (mlp != null) {
      TrainerEngine plain = new TrainerEngine("mlp", mlp, runner, spec.cv().metric());
      return halving == null ? plain
          : new HalvingEngine(mlp, plain, runner, checkpoints, spec.cv().metric(), halving, log::println);
    }
    boolean linear = spec.model().family() == Family.LINEAR;
    if (spec.run().engine() == EngineChoice.AUTO) {
      List<Double> alphas = spec.sweep().alphas();
      // Where an in-task plan may apply, it takes the stored entries (one pass); narrow data goes dense.
      boolean inTaskCandidate = data.numFeatures() > EnginePlan.IN_TASK_MIN_FEATURES;
      EnginePlan plan = EnginePlan.choose(inTaskCandidate
          ? new EnginePlan.Shape(linear, data.numFeatures(), data.numClasses(), k, alphas.size(), alphas.contains(0.0),
              folded.rows(), storedEntries(folded), taskMemory())
          : new EnginePlan.Shape(linear, data.numFeatures(), data.numClasses(), k, alphas.size(), alphas.contains(0.0)),
          Runtime.getRuntime().maxMemory());
      log.println(plan.line());
      switch (plan.engine()) {
        case "gaussian-dense":
          return new GaussianEngine(spec.model(), data.numFeatures(), runner, spec.cv().metric());
        case "logistic-dense":
          return new LogisticEngine(spec.model(), data.numFeatures(), data.numClasses(), runner);
        case "wide-gaussian", "wide-binomial", "cd-gaussian", "cd-binomial", "cd-multinomial":
          return new WideEngine(spec.model(), data.numFeatures(), data.numClasses(), runner, log::println,
              plan.passBudget(), plan.maxWorking(), plan.engine().startsWith("cd-"));
        default:
          break;
      }
    }
    Trainer trainer = linear
        ? new LinearRegressionTrainer(spec.model(), data.numFeatures())
        : new LogisticRegressionTrainer(spec.model(), data.numFeatures(), data.numClasses());
    return new TrainerEngine("mllib", trainer, runner, spec.cv().metric());
  }

  private static String join(List<Integer> values) {
    return String.join(", ", values.stream().map(String::valueOf).toList());
  }

  /** Stored entries of the feature vectors (one pass over the cached rows). */
  private long storedEntries(FoldedData folded) {
    spark.sparkContext().setJobDescription("engine plan: stored entries of the feature vectors");
    try {
      return folded.frame().javaRDD().map(r -> (long) ((org.apache.spark.ml.linalg.Vector) r.get(0)).numActives())
          .fold(0L, Long::sum);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  /**
   * Bytes one task may hold: a quarter of an executor's heap (the rest is Spark's storage and execution
   * memory), over the tasks it runs at once; in local mode the driver's heap is the executor's.
   */
  private long taskMemory() {
    org.apache.spark.SparkConf conf = spark.sparkContext().getConf();
    boolean local = spark.sparkContext().isLocal();
    long heap = local ? Runtime.getRuntime().maxMemory() : conf.getSizeAsBytes("spark.executor.memory", "1g");
    int cores = local ? spark.sparkContext().defaultParallelism() : conf.getInt("spark.executor.cores", 1);
    return heap / 4 / Math.max(1, cores);
  }

  /** The grid; a λ path starts at λ_max, from the engine's own statistics where they hold it. */
  private List<GridPoint> buildGrid(FoldedData folded, Engine engine) {
    if (spec.model().family() == Family.MLP) return Grid.mlp(spec.sweep());
    if (spec.sweep().lambdaValues() != null) return Grid.build(spec.sweep(), alpha -> Double.NaN);
    DoubleUnaryOperator lambdaMax = engine.lambdaMax(folded);
    if (lambdaMax == null) {
      spark.sparkContext().setJobDescription(MOMENTS_JOB);
      LabeledData data = folded.source();
      lambdaMax = LambdaMax.of(folded.frame(), spec.model(), data.numFeatures(), data.numClasses())::at;
      spark.sparkContext().setJobDescription(null);
    }
    if (!(lambdaMax.applyAsDouble(1) > 0)) {
      throw new BadInputException(folded.source().path() + ": λ_max is 0: data.label '" + spec.data().label()
          + "' is constant, or no feature is correlated with it, so a λ path has no start; give sweep.lambda.values");
    }
    return Grid.build(spec.sweep(), lambdaMax);
  }

  private String describe(FoldedData folded) {
    LabeledData d = folded.source();
    String dropped = d.droppedRows() == 0 ? "" : String.format(Locale.ROOT,
        "data.missing: drop dropped %d row%s with a null, NaN or infinite numeric value%n", d.droppedRows(),
        d.droppedRows() == 1 ? "" : "s");
    return dropped + String.format(Locale.ROOT, "data: %s · %d rows × %d features%s · %d folds of %s rows",
        d.path(), d.rows(), d.numFeatures(), d.numClasses() > 0 ? " · " + d.numClasses() + " classes" : "",
        folded.folds(), Arrays.toString(folded.foldSizes()));
  }

  /** The run's {@code runs} row; {@code chosen}, {@code modelPath} and {@code engineName} are null for a failed run. */
  private RunInfo runInfo(String runId, String status, Instant started, FoldedData folded, int points,
      GridPoint chosen, Double chosenMean, Integer chosenNonzero, String modelPath, String engineName, String error,
      Long epochsSpent, Long epochsFullGrid) {
    LabeledData d = folded.source();
    return new RunInfo(runId, spec.name(), status, started, Instant.now(),
        spec.model().family().key(), spec.cv().metric().key(), spec.cv().rule().key(),
        engineName != null ? engineName : spec.run().engine().key(),
        spec.source(), spec.text(), spec.sha256(),
        spec.data().path(), spec.data().format().key(), d.rows(), d.numFeatures(), d.numClasses(),
        folded.folds(), boxed(folded.foldSizes()), folded.fingerprintHex(), spec.cv().seed(), points,
        chosen == null ? null : chosen.id(), chosen == null ? null : chosen.alpha(),
        chosen == null ? null : chosen.lambda(), modelPath,
        spark.version(), System.getProperty("java.version"), appVersion(), spark.sparkContext().master(), error,
        spec.sweep().search().key(), epochsSpent, epochsFullGrid, chosenMean, chosenNonzero);
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
