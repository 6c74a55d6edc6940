package io.ridgeline.glm;

import io.ridgeline.config.Metric;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.Evaluation;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.sweep.Engine;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.Grid;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.TrialResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The wide engines (gaussian, binomial; multinomial in-task) as a sweep {@link Engine}: sparse row storage
 * ({@link SparseBlocks}), a path solver for every (training set, α) model — the k fold training sets and
 * all rows, so the full-data fits come from the same work — either the batched working-set passes
 * ({@link WidePath}: {@code wide-*}) or, where one training set fits one task, coordinate descent in
 * that task ({@link CoordinatePaths}: {@code cd-*}) — and one scoring pass for every model of every
 * fold ({@link WidePass#score}; binomial AUC exactly by a distributed sort in a second,
 * {@link WidePass#auc}). Three passes besides
 * the solver's: the layout (means, stored entries per feature), the blocks with their moments.
 *
 * <p>Driver memory: per model its β and gradient over p and its working set's Hessian; nothing grows
 * with the rows, nothing with p² (see {@link EnginePlan} for the budget). Saved models are genuine MLlib
 * {@code LinearRegressionModel}/{@code LogisticRegressionModel}s with the estimator's parameters.
 */
public final class WideEngine implements Engine {
  private final ModelSpec spec;
  private final int p;
  /** 0 gaussian, 2 binomial, K ≥ 3 multinomial (in-task only). */
  private final int classes;
  private final boolean binomial;
  private final SweepRunner runner;
  private final Consumer<String> log;
  private final long passBudget;
  private final int maxWorking;
  private final LinearRegressionTrainer linear;
  private final LogisticRegressionTrainer logistic;
  private final Map<GridPoint, WidePath.Solution> full = new HashMap<>();
  private final boolean inTask;
  /** Drops the folded frame's cache once the sparse blocks are cached (see {@link #releasingFolded}). */
  private Runnable releaseFolded = () -> {};

  /**
   * @param numClasses 0 (linear), 2 (binomial) or K ≥ 3 (multinomial, in-task only)
   * @param passBudget doubles one pass may return
   * @param maxWorking the largest working set of one model
   */
  public WideEngine(ModelSpec spec, int numFeatures, int numClasses, SweepRunner runner, Consumer<String> log,
      long passBudget, int maxWorking) {
    this(spec, numFeatures, numClasses, runner, log, passBudget, maxWorking, false);
  }

  /**
   * @param inTask solve each training set in one task by coordinate descent ({@link CoordinatePaths}:
   *               the set must fit a task's memory) instead of the distributed working-set passes
   */
  public WideEngine(ModelSpec spec, int numFeatures, int numClasses, SweepRunner runner, Consumer<String> log,
      long passBudget, int maxWorking, boolean inTask) {
    this.inTask = inTask;
    if (numClasses == 1 || numClasses > 2 && !inTask) {
      throw new IllegalArgumentException(numClasses + " classes: the working-set engine is gaussian or binomial");
    }
    this.spec = spec;
    this.p = numFeatures;
    this.classes = numClasses;
    this.binomial = numClasses == 2;
    this.runner = runner;
    this.log = log;
    this.passBudget = passBudget;
    this.maxWorking = maxWorking;
    this.linear = new LinearRegressionTrainer(spec, numFeatures);
    this.logistic = new LogisticRegressionTrainer(spec, numFeatures, Math.max(2, numClasses));
  }

  @Override
  public String name() {
    return (inTask ? "cd-" : "wide-") + family();
  }

  @Override
  public WideEngine releasingFolded(Runnable release) {
    releaseFolded = release;
    return this;
  }

  private String family() {
    return classes > 2 ? "multinomial" : binomial ? "binomial" : "gaussian";
  }

  private String label() {
    return (inTask ? "in-task " : "wide ") + family();
  }

  @Override
  public List<TrialResult> crossValidate(FoldedData folded, List<GridPoint> grid) {
    return runner.runRecordedAsOne(label() + " engine · cross-validation", () -> solveAll(folded, grid), grid);
  }

  /** The blocks and their per-fold moments, from the folded frame. */
  private record Prepared(SparseBlocks blocks, SparseBlocks.FoldMoments moments) {}

  private Prepared prepare(FoldedData folded) {
    Dataset<Row> frame = folded.frame();
    runner.label(label() + " engine · layout: feature means and stored entries (one pass)");
    SparseBlocks.Layout layout = SparseBlocks.layout(frame, p);
    boolean shift = spec.intercept();   // a shift is a reparametrization of the intercept
    runner.label(label() + " engine · sparse row blocks and per-fold moments (one pass)");
    SparseBlocks blocks = SparseBlocks.of(frame, p, shift ? layout.shift() : new double[p],
        shift && classes == 0 ? layout.yMean() : 0);
    SparseBlocks.FoldMoments moments = blocks.moments(folded.folds(), classes);   // caches the blocks
    releaseFolded.run();
    releaseFolded = () -> {};
    return new Prepared(blocks, moments);
  }

  private WidePath.Solution[][][] solve(Prepared prepared, List<List<GridPoint>> paths, List<Integer> sets) {
    if (inTask) {
      List<String> notes = new ArrayList<>();
      long start = System.nanoTime();
      try {
        CoordinatePaths.Solved solved = CoordinatePaths.run(spec, classes, prepared.blocks(), prepared.moments(), paths,
            sets, runner, notes);
        scoredInTask = solved.metrics();
        return solved.solutions();
      } finally {
        notes.forEach(log);
        int lambdas = paths.stream().mapToInt(List::size).max().orElse(0);
        seconds = new double[lambdas];
        Arrays.fill(seconds, (System.nanoTime() - start) / 1e9 / Math.max(1, sets.size() * paths.size() * lambdas));
      }
    }
    WidePath path = new WidePath(spec, binomial, prepared.blocks(), prepared.moments(), paths, sets, runner,
        passBudget, maxWorking);
    WidePath.Solution[][][] out;
    try {
      out = path.run();
    } finally {
      path.notes(log);
    }
    seconds = path.seconds;
    return out;
  }

  private double[] seconds;
  /** In-task solving: the fold sets' validation metrics [set][path][λ index], scored in their tasks. */
  private EnumMap<Metric, Double>[][][] scoredInTask;

  private List<TrialResult> solveAll(FoldedData folded, List<GridPoint> grid) {
    int k = folded.folds();
    List<List<GridPoint>> paths = Grid.byAlpha(grid);
    List<Integer> sets = new ArrayList<>();
    for (int t = 0; t <= k; t++) sets.add(t);
    Prepared prepared = prepare(folded);
    try {
      WidePath.Solution[][][] solutions = solve(prepared, paths, sets);
      for (int a = 0; a < paths.size(); a++) {
        for (int l = 0; l < paths.get(a).size(); l++) full.put(paths.get(a).get(l), solutions[k][a][l]);
      }
      folds = solutions;
      long start = System.nanoTime();
      List<GridPoint> order = new ArrayList<>();
      paths.forEach(order::addAll);
      List<WidePath.Solution> scored = new ArrayList<>();
      List<Integer> held = new ArrayList<>();
      for (int f = 0; f < k; f++) {
        for (int a = 0; a < paths.size(); a++) {
          for (WidePath.Solution s : solutions[f][a]) {
            scored.add(s);
            held.add(f);
          }
        }
      }
      EnumMap<Metric, Double>[] evaluations = inTask ? inTaskMetrics(k, paths)
          : runner.scoring(label() + " engine · scores of " + order.size() * k + " models in one pass",
              () -> score(prepared.blocks(), scored, held, folded.largestFold()));
      double scoring = (System.nanoTime() - start) / 1e9 / scored.size();
      List<TrialResult> out = new ArrayList<>(scored.size());
      int m = 0;
      for (int f = 0; f < k; f++) {
        long nValid = folded.foldSizes()[f];
        int i = 0;
        for (int a = 0; a < paths.size(); a++) {
          for (int l = 0; l < paths.get(a).size(); l++) {
            WidePath.Solution s = solutions[f][a][l];
            out.add(new TrialResult(order.get(i++), f, folded.rows() - nValid, nValid, s.iterations(),
                seconds[l] + scoring, MllibFit.nonzero(s.beta()), evaluations[m++], null, s.converged()));
          }
        }
      }
      return out;
    } finally {
      prepared.blocks().release();
    }
  }

  /** The fold sets' metrics scored in their tasks, in the trials' order (fold, path, λ). */
  @SuppressWarnings("unchecked")
  private EnumMap<Metric, Double>[] inTaskMetrics(int k, List<List<GridPoint>> paths) {
    List<EnumMap<Metric, Double>> out = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      for (int a = 0; a < paths.size(); a++) out.addAll(List.of(scoredInTask[f][a]));
    }
    return out.toArray(new EnumMap[0]);
  }

  /** The last cross-validation's solutions [training set][path][λ index] (training set k: all rows). */
  WidePath.Solution[][][] folds;

  /**
   * One pass scoring each solution on the rows of its held-out fold, and for binomial a second, the
   * AUC ({@link WidePass#auc}: the solutions held out on a fold must be contiguous).
   */
  @SuppressWarnings("unchecked")
  private EnumMap<Metric, Double>[] score(SparseBlocks blocks, List<WidePath.Solution> solutions, List<Integer> held,
      long largestFold) {
    int sets = Math.max(1, classes > 2 ? classes : 1);
    int[] mark = new int[p];
    Arrays.fill(mark, -1);
    int count = 0;
    for (WidePath.Solution s : solutions) {
      for (int q = 0; q < s.beta().length; q++) if (s.beta()[q] != 0 && mark[q % p] < 0) mark[q % p] = count++;
    }
    int[] union = new int[count];
    for (int j = 0; j < p; j++) if (mark[j] >= 0) union[mark[j]] = j;
    int n = solutions.size();
    double[][] beta = new double[n][sets * count];
    double[] intercept = new double[n * sets];
    for (int i = 0; i < n; i++) {
      WidePath.Solution s = solutions.get(i);
      for (int k = 0; k < sets; k++) {
        // In the blocks' coordinates: b̃₀ = b₀ + shiftᵀβ − yShift.
        double b = s.intercepts()[k] - blocks.yShift;
        for (int u = 0; u < count; u++) {
          double c = s.beta()[k * p + union[u]];
          beta[i][k * count + u] = c;
          b += blocks.shift[union[u]] * c;
        }
        intercept[i * sets + k] = b;
      }
    }
    WidePass.Models models = new WidePass.Models(classes, p, union, held.stream().mapToInt(Integer::intValue).toArray(),
        intercept, beta, new int[n][0], new boolean[n]);
    Broadcast<WidePass.Models> b = JavaSparkContext.fromSparkContext(blocks.rdd().context()).broadcast(models);
    try {
      Evaluation[] evaluations = WidePass.score(blocks.rdd(), b);
      double[] auc = binomial ? WidePass.auc(blocks.rdd(), b, largestFold) : null;
      EnumMap<Metric, Double>[] out = new EnumMap[n];
      for (int i = 0; i < n; i++) {
        out[i] = evaluations[i].metrics();
        if (auc != null) out[i].put(Metric.AUC, auc[i]);
      }
      return out;
    } finally {
      b.destroy();
    }
  }

  @Override
  public List<FittedModel> fitAll(FoldedData folded, List<GridPoint> points) {
    if (!full.keySet().containsAll(points)) {
      // Not solved during cross-validation: the full-data models alone, along these points' paths.
      List<List<GridPoint>> paths = Grid.byAlpha(points);
      Prepared prepared = prepare(folded);
      try {
        WidePath.Solution[][][] s = solve(prepared, paths, List.of(folded.folds()));
        for (int a = 0; a < paths.size(); a++) {
          for (int l = 0; l < paths.get(a).size(); l++) full.put(paths.get(a).get(l), s[0][a][l]);
        }
      } finally {
        prepared.blocks().release();
      }
    }
    return runner.fitPaths(points, point -> fit(point, full.get(point)));
  }

  /** A genuine MLlib model holding the solution, with the estimator's parameters. */
  private FittedModel fit(GridPoint point, WidePath.Solution s) {
    if (classes >= 2) return logistic.model(point, s.beta(), s.intercepts(), s.iterations(), s.converged());
    double[] intercept = {s.intercept()};
    LinearRegression estimator = linear.estimator(point);
    LinearRegressionModel model = new LinearRegressionModel(estimator.uid(), Vectors.dense(s.beta()).compressed(),
        s.intercept());
    estimator.copyValues(model, ParamMap.empty());
    return new MllibFit(model, 0, p, s.beta(), intercept, s.iterations(), s.converged());
  }
}
