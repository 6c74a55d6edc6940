package io.ridgeline.linear;

import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.Evaluation;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.sweep.Engine;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.Grid;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.TrialResult;
import io.ridgeline.sweep.WorkUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;

/**
 * Binomial logistic regression for a whole cross-validation grid, glmnet's way (Friedman, Hastie &amp;
 * Tibshirani 2010, §3): IRLS (Newton) outer iterations whose weighted statistics for every model come
 * from one pass over the data, and coordinate descent on the driver.
 *
 * <p><b>Objective.</b> Exactly MLlib's {@code LogisticRegression} (binomial) for each training set T:
 * <pre>
 *   F(β, b₀) = (1/W)·Σ_{i∈T} w_i·ℓ(y_i, η_i) + λ[α·Σ_j π_j|β_j| + ½(1−α)·Σ_j π_j²β_j²],
 *   η_i = b₀ + x_iᵀβ,  ℓ(y, η) = log(1 + e^η) − yη,  W = Σ_{i∈T} w_i,
 * </pre>
 * with π_j = σ_j under standardization and 1 without (MLlib penalizes its internally standardized
 * coefficients σ_jβ_j, and without standardization divides the L1 weight by σ_j and the L2 term by σ_j²,
 * which is the penalty on the raw β). σ_j is MLlib's Summarizer std on T: the weighted unbiased one,
 * Σw(x − x̄)²/(W − Σw²/W). Features with σ_j = 0 keep β_j = 0, as in MLlib.
 *
 * <p><b>Models.</b> One model per (training set, α): the k fold training sets and all rows (the
 * full-data fits, so {@link #fitAll} needs no pass of its own). A row of fold f feeds every model
 * whose training set excludes f. All models walk the λ path together, each warm-started from its
 * solution at the previous λ; the first λ starts at β = 0 with the intercept-only optimum.
 *
 * <p><b>One Newton iteration = one pass.</b> At each active model's current (β̂, b̂₀), with
 * p_i = σ(η̂_i), v_i = w_i·p_i(1 − p_i), r_i = w_i(y_i − p_i), one {@code treeAggregate} over the cached
 * {@link RowBlocks} returns per model: Σw·ℓ, s = Σv, Σr, h = Σv·x, g = Σr·x and H = Σv·xxᵀ (packed upper
 * triangle). On the driver the quadratic approximation of F, minimized over b₀ when there is an
 * intercept, is an {@link ElasticNetQuadratic} in β with
 * <pre>
 *   A = (H − hhᵀ/s)/W,   c = Aβ̂ + (g − h·Σr/s)/W,   l1 = λα,   l2 = λ(1−α)
 * </pre>
 * (without an intercept A = H/W, c = Aβ̂ + g/W, b₀ = 0), solved by coordinate descent in covariance mode
 * (Cholesky for α = 0); then b₀ = b̂₀ + (hᵀ(β̂ − β) + Σr)/s. Features are shifted by the overall mean
 * when there is an intercept (a reparametrization of b₀ that keeps the sums well conditioned).
 *
 * <p><b>Step halving at no extra pass.</b> The pass at the new point also returns the loss there, so
 * F of the previous step is checked by the pass the next step needs anyway: if F rose, the point moves
 * halfway back to the last accepted one and the pass is repeated (glmnet's backtracking). A model has
 * converged at a λ when its Newton step moves no fitted value by more than {@value #NEWTON_TOLERANCE}
 * per standard deviation of a feature (max_j |Δβ_j|·σ_j and the change of the mean η); Newton's
 * quadratic convergence leaves that last step's point some orders of magnitude closer still. Converged
 * models drop out of the following passes. MLlib's {@code tol} and {@code maxIter} are not used: the
 * solution is exact to round-off, as MLlib's would be at tol → 0.
 *
 * <p><b>Scoring.</b> One pass at the end scores every model of every fold on that fold's rows
 * (logloss, auc, accuracy, f1 through {@link Evaluation}).
 *
 * <p><b>Cost.</b> Passes ≈ Σ over λ of the Newton iterations of the slowest model (3–4 from a warm start),
 * plus one for the moments and one for scoring; a row costs (k−1+1)·|α| models × (p(p+1)/2 + 2p) multiply-adds
 * a pass. Driver memory is O((k+1)·|α|·p²), hence {@link #MAX_FEATURES}. Multinomial (K ≥ 3) stays on
 * MLlib: see {@code SweepJob.engine}.
 */
public final class LogisticEngine implements Engine {
  /** Driver memory and the pass's result grow with (k+1)·|α|·p²/2 doubles. */
  public static final int MAX_FEATURES = 256;
  /** Convergence of the Newton iterations: largest move of a fitted value (per feature std). */
  static final double NEWTON_TOLERANCE = 1e-6;
  /** Convergence of coordinate descent on each quadratic approximation. */
  private static final double DESCENT_TOLERANCE = 1e-13;
  private static final int MAX_NEWTON = 100;
  private static final int MAX_HALVINGS = 60;

  private final ModelSpec spec;
  private final int p;
  private final SweepRunner runner;
  private final LogisticRegressionTrainer trainer;
  /** Full-data solutions by grid point, from {@link #crossValidate}. */
  private final Map<GridPoint, Solution> full = new HashMap<>();

  public LogisticEngine(ModelSpec spec, int numFeatures, SweepRunner runner) {
    this.spec = spec;
    this.p = numFeatures;
    this.runner = runner;
    this.trainer = new LogisticRegressionTrainer(spec, numFeatures, 2);
  }

  @Override
  public String name() {
    return "logistic";
  }

  /** A solution in the original coordinates and the Newton iterations (passes) it took at its λ. */
  record Solution(double[] beta, double intercept, int iterations) {}

  @Override
  public List<TrialResult> crossValidate(FoldedData folded, List<GridPoint> grid) {
    int k = folded.folds();
    List<List<GridPoint>> paths = Grid.byAlpha(grid);
    List<Integer> sets = new ArrayList<>();
    for (int t = 0; t <= k; t++) sets.add(t);
    Fitting fitting = new Fitting(folded, paths, sets);
    try {
      Solution[][][] solutions = fitting.run();   // [set][path][λ]
      for (int a = 0; a < paths.size(); a++) {
        for (int l = 0; l < paths.get(a).size(); l++) full.put(paths.get(a).get(l), solutions[k][a][l]);
      }
      long start = System.nanoTime();
      runner.label("logistic engine · scores of " + grid.size() * k + " models in one pass");
      List<GridPoint> order = new ArrayList<>();
      paths.forEach(order::addAll);
      double[][] coef = new double[k][order.size() * (p + 1)];
      for (int f = 0; f < k; f++) {
        int m = 0;
        for (int a = 0; a < paths.size(); a++) {
          for (Solution s : solutions[f][a]) fitting.internal(s, coef[f], (m++) * (p + 1));
        }
      }
      Evaluation[][] evaluations = score(fitting.blocks.rdd(), k, p, order.size(), coef);
      double scoring = (System.nanoTime() - start) / 1e9 / (order.size() * k);
      List<TrialResult> out = new ArrayList<>(grid.size() * k);
      for (int f = 0; f < k; f++) {
        long nValid = folded.foldSizes()[f];
        int m = 0;
        for (int a = 0; a < paths.size(); a++) {
          for (int l = 0; l < paths.get(a).size(); l++) {
            Solution s = solutions[f][a][l];
            out.add(new TrialResult(order.get(m), f, folded.rows() - nValid, nValid, s.iterations(),
                fitting.seconds[l] + scoring, nonzero(s.beta()), evaluations[f][m].metrics()));
            m++;
          }
        }
      }
      return out;
    } finally {
      fitting.blocks.release();
    }
  }

  @Override
  public List<FittedModel> fitAll(FoldedData folded, List<GridPoint> points) {
    if (!full.keySet().containsAll(points)) {
      // Not solved during cross-validation: the full-data models alone, along these points' paths.
      List<List<GridPoint>> paths = Grid.byAlpha(points);
      Fitting fitting = new Fitting(folded, paths, List.of(folded.folds()));
      try {
        Solution[][][] s = fitting.run();
        for (int a = 0; a < paths.size(); a++) {
          for (int l = 0; l < paths.get(a).size(); l++) full.put(paths.get(a).get(l), s[0][a][l]);
        }
      } finally {
        fitting.blocks.release();
      }
    }
    List<List<GridPoint>> paths = Grid.byAlpha(points);
    List<WorkUnit<List<FittedModel>>> units = new ArrayList<>();
    for (List<GridPoint> path : paths) {
      units.add(new WorkUnit<>("all data · " + Grid.pathLabel(path) + " (solved with the folds)", path.size(), () -> {
        List<FittedModel> fits = new ArrayList<>();
        for (GridPoint point : path) fits.add(fit(point, full.get(point)));
        return fits;
      }, fits -> fits.get(fits.size() - 1).nonzero() + " non-zero at the smallest λ"));
    }
    return Grid.inOrder(points, paths, runner.run(units));
  }

  /** A genuine MLlib model holding the solution, with the estimator's parameters. */
  private FittedModel fit(GridPoint point, Solution s) {
    LogisticRegression estimator = trainer.estimator(point);
    LogisticRegressionModel model = new LogisticRegressionModel(estimator.uid(),
        Matrices.dense(1, p, s.beta()), Vectors.dense(s.intercept()), 2, false);
    estimator.copyValues(model, ParamMap.empty());
    return new MllibFit(model, 2, p, s.beta(), new double[] {s.intercept()}, s.iterations());
  }

  private static int nonzero(double[] beta) {
    int n = 0;
    for (double b : beta) if (b != 0) n++;
    return n;
  }

  /** One training set's constants: the rows of every fold but {@code held} ({@code held} = k: all). */
  private static final class TrainingSet {
    final int held;
    /** W = Σw. */
    final double weight;
    final double[] sigma;
    final double[] penalty;
    /** Mean of the shifted features. */
    final double[] mean;
    /** The intercept-only optimum (internal coordinates), or 0. */
    final double intercept0;

    TrainingSet(int held, Moments m, double[] shift, boolean standardize, boolean intercept) {
      this.held = held;
      int p = m.p;
      weight = m.sumW;
      sigma = new double[p];
      mean = new double[p];
      for (int j = 0; j < p; j++) {
        sigma[j] = Math.sqrt(m.unbiasedVariance(j));
        mean[j] = m.mean(j) - shift[j];
      }
      penalty = standardize ? sigma : GaussianSolver.ones(p);
      if (intercept && !(m.classW[0] > 0 && m.classW[1] > 0)) {
        throw new IllegalArgumentException("a training set has a single class: the logistic intercept is infinite");
      }
      intercept0 = intercept ? Math.log(m.classW[1] / m.classW[0]) : 0;
    }
  }

  /** One model's state along its λ path: the point of the next pass and the last accepted point. */
  private static final class Model {
    final TrainingSet set;
    final int path;
    final double alpha;
    double lambda;
    double[] beta;
    double b0;
    double[] acceptedBeta;
    double acceptedB0;
    double acceptedF;
    int iterations;
    int halvings;
    boolean done;

    Model(TrainingSet set, int path, double alpha, int p) {
      this.set = set;
      this.path = path;
      this.alpha = alpha;
      beta = new double[p];
      b0 = set.intercept0;
    }

    void startLambda(double lambda) {
      this.lambda = lambda;
      acceptedBeta = null;
      acceptedF = Double.NaN;
      iterations = 0;
      halvings = 0;
      done = false;
    }

    /** F at the current point, given the pass's Σw·ℓ. */
    double objective(double loss) {
      double l1 = 0;
      double l2 = 0;
      for (int j = 0; j < beta.length; j++) {
        double pb = set.penalty[j] * beta[j];
        l1 += Math.abs(pb);
        l2 += pb * pb;
      }
      return loss / set.weight + lambda * (alpha * l1 + 0.5 * (1 - alpha) * l2);
    }
  }

  /** The IRLS passes for a set of training sets × α paths, λ index by λ index. */
  private final class Fitting {
    final List<List<GridPoint>> paths;
    final List<Integer> sets;
    final RowBlocks blocks;
    final double[] shift;
    final List<Model> models = new ArrayList<>();
    /** Wall seconds per model at each λ index. */
    final double[] seconds;
    final int lambdas;
    final int folds;

    Fitting(FoldedData folded, List<List<GridPoint>> paths, List<Integer> sets) {
      this.paths = paths;
      this.sets = sets;
      int k = folded.folds();
      folds = k;
      runner.label("logistic engine · per-fold moments (one pass)");
      Moments[] perFold = folded.frame().javaRDD().treeAggregate(newMoments(k, p),
          (acc, r) -> {
            acc[r.getInt(3)].add((Vector) r.get(0), r.getDouble(1), r.getDouble(2));
            return acc;
          },
          (x, y) -> {
            for (int f = 0; f < x.length; f++) x[f].merge(y[f]);
            return x;
          });
      Moments all = newMoments(1, p)[0];
      for (Moments m : perFold) all.merge(m);
      shift = new double[p];
      if (spec.intercept()) for (int j = 0; j < p; j++) shift[j] = all.mean(j);
      for (int t : sets) {
        Moments training = newMoments(1, p)[0];
        for (int f = 0; f < k; f++) if (f != t) training.merge(perFold[f]);
        TrainingSet set = new TrainingSet(t, training, shift, spec.standardize(), spec.intercept());
        for (int a = 0; a < paths.size(); a++) models.add(new Model(set, a, paths.get(a).get(0).alpha(), p));
      }
      blocks = RowBlocks.of(folded.frame(), p, shift);
      lambdas = paths.stream().mapToInt(List::size).max().orElse(0);
      seconds = new double[lambdas];
    }

    /** Solutions [set index][path][λ index], in original coordinates. */
    Solution[][][] run() {
      Solution[][][] out = new Solution[sets.size()][paths.size()][];
      for (int s = 0; s < sets.size(); s++) {
        for (int a = 0; a < paths.size(); a++) out[s][a] = new Solution[paths.get(a).size()];
      }
      for (int l = 0; l < lambdas; l++) {
        int index = l;
        List<Model> at = models.stream().filter(m -> index < paths.get(m.path).size()).toList();
        String label = "λ " + (l + 1) + "/" + lambdas;
        int trials = (int) at.stream().filter(m -> m.set.held < folds).count();   // full-data fits count in fitAll
        long start = System.nanoTime();
        runner.run(List.of(new WorkUnit<>(label + " · " + at.size() + " models", trials,
            () -> solveLambda(index, at, label), n -> n + " IRLS passes")));
        seconds[l] = (System.nanoTime() - start) / 1e9 / Math.max(1, at.size());
        for (Model m : at) {
          int s = sets.indexOf(m.set.held);
          out[s][m.path][l] = original(m);
        }
      }
      return out;
    }

    /** Newton iterations at λ index l for the given models, until all converge; returns the passes made. */
    private int solveLambda(int l, List<Model> at, String label) {
      for (Model m : at) m.startLambda(paths.get(m.path).get(l).lambda());
      int passes = 0;
      while (true) {
        List<Model> active = at.stream().filter(m -> !m.done).toList();
        if (active.isEmpty()) return passes;
        passes++;
        runner.label("logistic engine · " + label + " · IRLS pass " + passes + " · " + active.size() + " models");
        double[] stats = pass(active);
        int stride = stride(p);
        for (int i = 0; i < active.size(); i++) update(active.get(i), stats, i * stride);
      }
    }

    /** One pass: the quadratic-approximation statistics of every active model at its current point. */
    private double[] pass(List<Model> active) {
      int n = active.size();
      int[] held = new int[n];
      double[] coef = new double[n * (p + 1)];
      for (int i = 0; i < n; i++) {
        Model m = active.get(i);
        held[i] = m.set.held;
        System.arraycopy(m.beta, 0, coef, i * (p + 1), p);
        coef[i * (p + 1) + p] = m.b0;
      }
      return aggregate(blocks.rdd(), p, held, coef);
    }

    /** Step-halving check, then the Newton step from the pass's statistics at offset o. */
    private void update(Model m, double[] stats, int o) {
      double f = m.objective(stats[o]);
      if (m.acceptedBeta != null && f > m.acceptedF + 1e-12 * Math.abs(m.acceptedF)) {
        if (++m.halvings > MAX_HALVINGS) {
          m.beta = m.acceptedBeta;
          m.b0 = m.acceptedB0;
          m.done = true;
          return;
        }
        for (int j = 0; j < p; j++) m.beta[j] = 0.5 * (m.beta[j] + m.acceptedBeta[j]);
        m.b0 = 0.5 * (m.b0 + m.acceptedB0);
        return;
      }
      m.acceptedBeta = m.beta.clone();
      m.acceptedB0 = m.b0;
      m.acceptedF = f;
      m.iterations++;
      double[] next = newton(m, stats, o);
      double nextB0 = next[p];
      double step = 0;
      double meanMove = nextB0 - m.b0;
      for (int j = 0; j < p; j++) {
        double d = next[j] - m.beta[j];
        step = Math.max(step, Math.abs(d) * m.set.sigma[j]);
        meanMove += d * m.set.mean[j];
      }
      step = Math.max(step, Math.abs(meanMove));
      m.beta = java.util.Arrays.copyOf(next, p);
      m.b0 = nextB0;
      if (step <= NEWTON_TOLERANCE || m.iterations >= MAX_NEWTON) m.done = true;
    }

    /** The minimizer (β, b₀) of the penalized quadratic approximation at the model's point. */
    private double[] newton(Model m, double[] stats, int o) {
      double w = m.set.weight;
      double s = stats[o + 1];
      double sr = stats[o + 2];
      int h = o + 3;
      int g = h + p;
      int hh = g + p;
      boolean intercept = spec.intercept();
      double[] a = new double[p * p];
      for (int j = 0; j < p; j++) {
        int base = hh + j * (j + 1) / 2;
        for (int i = 0; i <= j; i++) {
          double v = (stats[base + i] - (intercept ? stats[h + i] * stats[h + j] / s : 0)) / w;
          a[i * p + j] = v;
          a[j * p + i] = v;
        }
      }
      double[] c = new double[p];
      for (int j = 0; j < p; j++) {
        double aBeta = 0;
        for (int i = 0; i < p; i++) aBeta += a[j * p + i] * m.beta[i];
        c[j] = aBeta + (stats[g + j] - (intercept ? stats[h + j] * sr / s : 0)) / w;
      }
      double[] next = java.util.Arrays.copyOf(m.beta, p + 1);
      new ElasticNetQuadratic(p, a, c, m.set.penalty, m.set.sigma, DESCENT_TOLERANCE)
          .minimize(next, m.lambda * m.alpha, m.lambda * (1 - m.alpha));
      if (intercept) {
        double hDelta = 0;
        for (int j = 0; j < p; j++) hDelta += stats[h + j] * (m.beta[j] - next[j]);
        next[p] = m.b0 + (hDelta + sr) / s;
      } else {
        next[p] = 0;
      }
      return next;
    }

    /** The model's current point in original coordinates: b₀ = b̃₀ − shiftᵀβ. */
    private Solution original(Model m) {
      double b0 = m.b0;
      for (int j = 0; j < p; j++) b0 -= shift[j] * m.beta[j];
      return new Solution(m.beta.clone(), b0, m.iterations);
    }

    /** Writes a solution's (β, b̃₀) in the blocks' shifted coordinates at {@code coef[offset..]}. */
    void internal(Solution s, double[] coef, int offset) {
      double b0 = s.intercept();
      for (int j = 0; j < p; j++) {
        coef[offset + j] = s.beta()[j];
        b0 += shift[j] * s.beta()[j];
      }
      coef[offset + p] = b0;
    }
  }

  private static Moments[] newMoments(int k, int p) {
    Moments[] m = new Moments[k];
    for (int f = 0; f < k; f++) m[f] = new Moments(p, 2);
    return m;
  }

  /** Doubles per model in a pass's result: Σw·ℓ, Σv, Σr, h (p), g (p), H (p(p+1)/2). */
  static int stride(int p) {
    return 3 + 2 * p + p * (p + 1) / 2;
  }

  /**
   * The pass: for models i with held-out fold {@code held[i]} and (β, b̃₀) at {@code coef[i(p+1)..]},
   * every row outside the held-out fold adds its terms. Static, so the closure ships only arrays.
   */
  static double[] aggregate(JavaRDD<RowBlocks.Block> blocks, int p, int[] held, double[] coef) {
    int stride = stride(p);
    return blocks.treeAggregate(new double[held.length * stride],
        (acc, b) -> {
          accumulate(b, p, held, coef, acc);
          return acc;
        },
        (x, y) -> {
          for (int i = 0; i < x.length; i++) x[i] += y[i];
          return x;
        }, 2);
  }

  private static void accumulate(RowBlocks.Block b, int p, int[] held, double[] coef, double[] acc) {
    int stride = stride(p);
    double[] x = b.x();
    for (int m = 0; m < held.length; m++) {
      int co = m * (p + 1);
      double b0 = coef[co + p];
      int o = m * stride;
      int h = o + 3;
      int g = h + p;
      int hh = g + p;
      double loss = 0;
      double sv = 0;
      double sr = 0;
      for (int i = 0; i < b.n(); i++) {
        if (b.fold()[i] == held[m]) continue;
        int xo = i * p;
        double eta = b0;
        for (int j = 0; j < p; j++) eta += coef[co + j] * x[xo + j];
        double e = Math.exp(-Math.abs(eta));
        double prob;
        double comp;
        if (eta >= 0) {
          prob = 1 / (1 + e);
          comp = e / (1 + e);
        } else {
          prob = e / (1 + e);
          comp = 1 / (1 + e);
        }
        double y = b.y()[i];
        double w = b.w()[i];
        loss += w * ((eta >= 0 ? (1 - y) * eta : -y * eta) + Math.log1p(e));
        double v = w * prob * comp;
        double r = w * (y - prob);
        sv += v;
        sr += r;
        for (int j = 0; j < p; j++) {
          double xj = x[xo + j];
          double vx = v * xj;
          acc[h + j] += vx;
          acc[g + j] += r * xj;
          int base = hh + j * (j + 1) / 2;
          for (int q = 0; q <= j; q++) acc[base + q] += vx * x[xo + q];
        }
      }
      acc[o] += loss;
      acc[o + 1] += sv;
      acc[o + 2] += sr;
    }
  }

  /**
   * Every model of every fold on that fold's rows, in one pass: fold f's models have (β, b̃₀) at
   * {@code coef[f][m(p+1)..]}; returns their evaluations [fold][model].
   */
  private static Evaluation[][] score(JavaRDD<RowBlocks.Block> blocks, int k, int p, int models, double[][] coef) {
    List<Evaluation[][]> parts = blocks.mapPartitions(it -> {
      Evaluation[][] e = new Evaluation[k][models];
      for (int f = 0; f < k; f++) for (int m = 0; m < models; m++) e[f][m] = new Evaluation(2);
      double[] out = new double[2];
      while (it.hasNext()) {
        RowBlocks.Block b = it.next();
        double[] x = b.x();
        for (int i = 0; i < b.n(); i++) {
          int f = b.fold()[i];
          double[] c = coef[f];
          for (int m = 0; m < models; m++) {
            int co = m * (p + 1);
            double eta = c[co + p];
            for (int j = 0; j < p; j++) eta += c[co + j] * x[i * p + j];
            // As LinearPredictor (and MLlib's model): p₁ = 1/(1 + e^−η).
            double p1 = 1 / (1 + Math.exp(-eta));
            out[0] = 1 - p1;
            out[1] = p1;
            e[f][m].add(b.y()[i], b.w()[i], out);
          }
        }
      }
      return List.<Evaluation[][]>of(e).iterator();
    }).collect();
    Evaluation[][] total = new Evaluation[k][models];
    for (int f = 0; f < k; f++) {
      for (int m = 0; m < models; m++) {
        total[f][m] = new Evaluation(2);
        for (Evaluation[][] part : parts) total[f][m].merge(part[f][m]);
      }
    }
    return total;
  }
}
