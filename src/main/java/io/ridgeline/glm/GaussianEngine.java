package io.ridgeline.glm;

import io.ridgeline.config.BadInputException;
import io.ridgeline.config.Metric;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.cv.Predictor;
import io.ridgeline.sweep.Engine;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.Format;
import io.ridgeline.sweep.Grid;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.TrialResult;
import io.ridgeline.sweep.WorkUnit;
import org.apache.spark.ml.Transformer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The whole Gaussian cross-validation grid from two passes over the data.
 *
 * <ol>
 *   <li>One {@code treeAggregate} gathers every fold's {@link Gram} statistics; a fold's training
 *       statistics are the total minus its own.
 *   <li>On the driver, per fold (folds concurrently), {@link GaussianSolver} solves every α's λ path
 *       with warm starts, minimizing MLlib's objective exactly. Validation mse, rmse and r2 follow from
 *       the held-out fold's statistics ({@link Gram#sse}).
 *   <li>One pass scores every model of every fold on its fold's rows for the metric that needs
 *       predictions, mae.
 * </ol>
 * Before them, one cheap pass gathers {@link FeatureStats}: the overall means, by which the {@link Gram}
 * sums are shifted when there is an intercept (results invariant to an offset in the label or a dense
 * feature), and each training set's exactly constant features (β_j = 0 there) and label (β = 0,
 * b₀ = ȳ), each noted in the log.
 * Full-data fits, and λ_max for the sweep's λ path ({@link #lambdaMax}), come from the total
 * statistics with no pass at all. Driver memory is
 * O(k·p²), never dependent on the number of rows. A saved model is an MLlib
 * {@code LinearRegressionModel} holding the exact solution, with every parameter of the equivalent
 * {@code LinearRegression} estimator ({@link LinearRegressionTrainer#estimator}), so it loads with
 * {@code LinearRegressionModel.load} as if MLlib had fitted it.
 */
public final class GaussianEngine implements Engine {
  /** MLlib's normal-equation limit; beyond it MLlib uses L-BFGS with a different σ convention. */
  public static final int MAX_FEATURES = 4096;

  private final ModelSpec spec;
  private final int p;
  private final SweepRunner runner;
  private final LinearRegressionTrainer trainer;
  private final Metric metric;
  private FoldGrams grams;
  private FeatureStats stats;
  private double[] xShift;
  private double yShift;

  public GaussianEngine(ModelSpec spec, int numFeatures, SweepRunner runner, Metric metric) {
    this.spec = spec;
    this.p = numFeatures;
    this.runner = runner;
    this.trainer = new LinearRegressionTrainer(spec, numFeatures);
    this.metric = metric;
  }

  @Override
  public String name() {
    return "gaussian";
  }

  /** A fold's solved grid, before mae is known. */
  private record FoldSolution(int fold, List<GridPoint> points, List<GaussianSolver.Solution> solutions,
      List<EnumMap<Metric, Double>> metrics, double seconds) {}

  /**
   * Every fold's trials come from one pass and are scored in one more, so the whole cross-validation is
   * one recorded unit; its folds still report progress as they are solved.
   */
  @Override
  public List<TrialResult> crossValidate(FoldedData folded, List<GridPoint> grid) {
    return runner.runRecordedAsOne("gaussian engine · cross-validation", () -> solveAll(folded, grid), grid);
  }

  private List<TrialResult> solveAll(FoldedData folded, List<GridPoint> grid) {
    int k = folded.folds();
    Gram total = grams(folded).total();
    List<WorkUnit<FoldSolution>> units = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      int fold = f;
      units.add(new WorkUnit<>("fold " + (f + 1) + "/" + k + " · " + grid.size() + " points on the driver",
          grid.size(), () -> solveFold(total, fold, grid), s -> best(s)));
    }
    List<FoldSolution> solved = runner.run(units);

    double[][] mae = runner.scoring("gaussian engine · mae of " + grid.size() * k + " models in one pass",
        () -> meanAbsoluteErrors(folded, solved));
    List<TrialResult> out = new ArrayList<>(grid.size() * k);
    for (FoldSolution s : solved) {
      long nValid = folded.foldSizes()[s.fold()];
      for (int i = 0; i < s.points().size(); i++) {
        EnumMap<Metric, Double> m = s.metrics().get(i);
        m.put(Metric.MAE, mae[s.fold()][i]);
        GaussianSolver.Solution solution = s.solutions().get(i);
        out.add(new TrialResult(s.points().get(i), s.fold(), folded.rows() - nValid, nValid, solution.sweeps(),
            s.seconds() / s.points().size(), MllibFit.nonzero(solution.beta()), m, null, solution.converged()));
      }
    }
    return out;
  }

  /**
   * The per-fold statistics, gathered before the sweep writes anything: a training set whose label is a
   * non-zero constant without an intercept is refused then, not recorded as a failed run.
   */
  @Override
  public void inspect(FoldedData folded) {
    grams(folded);
  }

  /** From the total statistics of the per-fold pass, which the cross-validation then reuses. */
  @Override
  public DoubleUnaryOperator lambdaMax(FoldedData folded) {
    Gram total = grams(folded).total();
    return LambdaMax.ofBase(GaussianSolver.lambdaMaxBase(total, spec, stats.training(folded.folds())))::at;
  }

  @Override
  public List<FittedModel> fitAll(FoldedData folded, List<GridPoint> points) {
    GaussianSolver solver = solver(grams(folded).total(), folded.folds());
    List<List<GridPoint>> paths = Grid.byAlpha(points);
    List<WorkUnit<List<FittedModel>>> units = new ArrayList<>();
    for (List<GridPoint> path : paths) {
      units.add(new WorkUnit<>("all data · α=" + Format.number(path.get(0).alpha()), path.size(), () -> {
        GaussianSolver.Solution[] solutions = solver.path(path.get(0).alpha(), lambdas(path));
        List<FittedModel> fits = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) fits.add(new Fit(solutions[i], path.get(i)));
        return fits;
      }, fits -> fits.get(fits.size() - 1).nonzero() + " non-zero at the smallest λ"));
    }
    return Grid.inOrder(points, paths, runner.run(units));
  }

  private synchronized FoldGrams grams(FoldedData folded) {
    if (grams == null) {
      int k = folded.folds();
      runner.label("gaussian engine · per-fold ranges and means (one pass)");
      stats = FeatureStats.of(folded.frame(), k, p, 0);
      FeatureStats.Set all = stats.training(k);
      xShift = new double[p];
      if (spec.intercept()) {
        if (!stats.sparseRows()) System.arraycopy(all.mean, 0, xShift, 0, p);
        yShift = all.labelMean;
      }
      if (!spec.intercept()) refuseConstantLabels(folded);
      DegenerateSets.note(stats, folded.source().featureNames(), runner::note);
      runner.label("gaussian engine · per-fold statistics (one pass)");
      grams = FoldGrams.of(folded.frame(), k, p, xShift, yShift);
    }
    return grams;
  }

  /**
   * MLlib cannot regularize a constant non-zero label without an intercept (its σ_y is 0), so neither
   * can the solver: refused naming the value and the first training set that has it (all rows: k).
   */
  private void refuseConstantLabels(FoldedData folded) {
    int k = folded.folds();
    for (int i = 0; i <= k; i++) {
      int held = (i + k) % (k + 1);   // all rows (k) first, then the folds in order
      FeatureStats.Set set = stats.training(held);
      if (!set.labelConstant() || set.labelMin == 0) continue;
      throw new BadInputException(folded.source().path() + ": data.label '" + folded.source().labelColumn()
          + "' is constant (" + set.labelMin + ") in " + (held == k ? "all rows" : "the training rows of fold "
          + (held + 1) + "/" + k) + " and model.intercept is false: MLlib's objective cannot be regularized "
          + "there; fit an intercept");
    }
  }

  /** The solver of the training set that holds out fold {@code held} (k: all rows), from its statistics. */
  private GaussianSolver solver(Gram training, int held) {
    return new GaussianSolver(training, spec, stats.training(held), xShift, yShift);
  }

  private FoldSolution solveFold(Gram total, int fold, List<GridPoint> grid) {
    long start = System.nanoTime();
    Gram validation = grams.fold(fold);
    GaussianSolver solver = solver(total.minus(validation), fold);
    FeatureStats.Set rows = stats.fold(fold);
    // Σw(y − ȳ)² of the fold from centred moments; r2 is undefined when its label is constant.
    double sst = rows.labelConstant() ? 0 : rows.labelM2;
    List<GridPoint> points = new ArrayList<>();
    List<GaussianSolver.Solution> solutions = new ArrayList<>();
    List<EnumMap<Metric, Double>> metrics = new ArrayList<>();
    for (List<GridPoint> path : Grid.byAlpha(grid)) {
      GaussianSolver.Solution[] s = solver.path(path.get(0).alpha(), lambdas(path));
      for (int i = 0; i < s.length; i++) {
        double sse = validation.sse(s[i].beta(), s[i].shiftedIntercept());
        EnumMap<Metric, Double> m = new EnumMap<>(Metric.class);
        m.put(Metric.MSE, sse / validation.n());
        m.put(Metric.RMSE, Math.sqrt(sse / validation.n()));
        m.put(Metric.R2, sst > 0 ? 1 - sse / sst : Double.NaN);
        points.add(path.get(i));
        solutions.add(s[i]);
        metrics.add(m);
      }
    }
    return new FoldSolution(fold, points, solutions, metrics, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Σw|y − ŷ| / Σw for every model of every fold, on the fold's own rows, in one job; in the shifted
   * coordinates (y − t − b₀' − (x − s)ᵀβ), so an offset costs no digits.
   */
  private double[][] meanAbsoluteErrors(FoldedData folded, List<FoldSolution> solved) {
    int k = folded.folds();
    int models = solved.get(0).solutions().size();
    // Per fold, its models' β one after another (models × p), so a row's predictions are dot products
    // of one shifted copy of it with contiguous rows of this array.
    double[][] coef = new double[k][models * p];
    double[][] intercepts = new double[k][models];
    for (FoldSolution s : solved) {
      for (int i = 0; i < models; i++) {
        System.arraycopy(s.solutions().get(i).beta(), 0, coef[s.fold()], i * p, p);
        intercepts[s.fold()][i] = s.solutions().get(i).shiftedIntercept();
      }
    }
    Dataset<Row> frame = folded.frame();
    double[] xs = xShift;
    double ys = yShift;
    int width = p;
    Broadcast<double[][]> coefB = JavaSparkContext.fromSparkContext(frame.sparkSession().sparkContext())
        .broadcast(coef);
    try {
      List<AbsoluteErrors> parts = frame.javaRDD().mapPartitions(rows -> {
        AbsoluteErrors e = new AbsoluteErrors(k, models);
        double[][] b = coefB.value();
        GramKernel kernel = GramKernel.get();
        double[] shifted = new double[width];
        while (rows.hasNext()) {
          Row r = rows.next();
          int f = r.getInt(3);
          double y = r.getDouble(1) - ys;
          double w = r.getDouble(2);
          Vector x = (Vector) r.get(0);
          e.weight[f] += w;
          double[] sum = e.sum[f];
          double[] b0 = intercepts[f];
          if (x instanceof DenseVector d) {
            double[] v = d.values();
            for (int j = 0; j < width; j++) shifted[j] = v[j] - xs[j];
            for (int m = 0; m < models; m++) {
              sum[m] += w * Math.abs(y - b0[m] - kernel.dot(b[f], m * width, shifted, 0, width));
            }
          } else {
            SparseVector sv = (SparseVector) x;
            for (int m = 0; m < models; m++) sum[m] += w * Math.abs(y - b0[m] - sparseDot(b[f], m * width, sv));
          }
        }
        return List.of(e).iterator();
      }).collect();
      double[][] mae = new double[k][models];
      double[] weight = new double[k];
      for (AbsoluteErrors e : parts) {
        for (int f = 0; f < k; f++) {
          weight[f] += e.weight[f];
          for (int m = 0; m < models; m++) mae[f][m] += e.sum[f][m];
        }
      }
      for (int f = 0; f < k; f++) for (int m = 0; m < models; m++) mae[f][m] /= weight[f];
      return mae;
    } finally {
      coefB.destroy();
    }
  }

  /** Per-partition sums for {@link #meanAbsoluteErrors}. */
  private static final class AbsoluteErrors implements Serializable {
    final double[] weight;
    final double[][] sum;

    AbsoluteErrors(int k, int models) {
      weight = new double[k];
      sum = new double[k][models];
    }
  }

  /** Σ β[o + j]·x_j over a sparse row's stored entries (rows are unshifted when sparse). */
  private static double sparseDot(double[] beta, int o, SparseVector x) {
    int[] idx = x.indices();
    double[] v = x.values();
    double s = 0;
    for (int i = 0; i < idx.length; i++) s += beta[o + idx[i]] * v[i];
    return s;
  }

  private static double[] lambdas(List<GridPoint> path) {
    return path.stream().mapToDouble(GridPoint::lambda).toArray();
  }

  private String best(FoldSolution s) {
    int best = 0;
    for (int i = 1; i < s.metrics().size(); i++) {
      if (metric.better(s.metrics().get(i).getOrDefault(metric, Double.NaN),
          s.metrics().get(best).getOrDefault(metric, Double.NaN))) best = i;
    }
    return metric == Metric.MAE ? "solved" : "best " + metric.key() + " "
        + Format.number(s.metrics().get(best).get(metric)) + " at " + s.points().get(best).label();
  }

  /** A full-data solution. */
  private final class Fit implements FittedModel {
    private final GaussianSolver.Solution solution;
    private final GridPoint point;

    Fit(GaussianSolver.Solution solution, GridPoint point) {
      this.solution = solution;
      this.point = point;
    }

    private MllibFit asMllibFit() {
      return new MllibFit(null, 0, p, solution.beta(), new double[] {solution.intercept()}, solution.sweeps());
    }

    @Override
    public Predictor predictor() {
      return asMllibFit().predictor();
    }

    @Override
    public int iterations() {
      return solution.sweeps();
    }

    @Override
    public int nonzero() {
      return MllibFit.nonzero(solution.beta());
    }

    @Override
    public boolean converged() {
      return solution.converged();
    }

    @Override
    public List<Coefficient> coefficients(List<String> featureNames) {
      return asMllibFit().coefficients(featureNames);
    }

    @Override
    public Transformer transformer() {
      LinearRegression estimator = trainer.estimator(point);
      LinearRegressionModel model = new LinearRegressionModel(estimator.uid(),
          Vectors.dense(solution.beta()), solution.intercept());
      return estimator.copyValues(model, ParamMap.empty());
    }
  }
}
