package io.ridgeline.glm;

import io.ridgeline.config.Metric;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.Auc;
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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.DenseMatrix;
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
 * whose training set excludes f. All models walk the λ path together; the first λ starts at β = 0 with
 * the intercept-only optimum, every later one from the path's last two or three solutions extrapolated
 * in log λ (a first Newton step of about 5e−3 instead of 1e−1 on a 10-value path: one pass less a λ).
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
 * halfway back to the last accepted one and the pass is repeated (glmnet's backtracking).
 *
 * <p><b>Convergence</b> is measured in moves of the fitted values: a step's size is max_j |Δβ_j|·σ_j
 * and the move of the mean η. Newton converges quadratically, so a step d leaves an error of about
 * C·d² (C estimated from consecutive steps); a model stops when that is below {@value #PREDICTED_ERROR},
 * and drops out of the following passes. A chord step (the new gradient, the old A) contracts the error
 * by about C·(D + e) when the Hessian is D away; when the chord steps needed to finish cost less than a
 * Hessian pass (a gradient pass is 2p + 40 multiply-adds a row against a Hessian pass's p²/2, see
 * {@code chordBudget}), the next pass gathers only loss and gradient. Typical λ at p = 30: a Newton pass
 * (step ≈ 5e−3), a Newton pass (≈ 3e−5), a gradient pass; at p = 300 one Newton pass and a few gradient
 * passes. A binomial λ whose fit ended on chord steps hands its Hessian to the next λ's first step (the
 * warm start's move counted in D), so a smooth path can run on gradient passes for several λ. A gradient
 * pass ships O(p) numbers a model, not the Hessian's O(p²). The driver's steps run on its cores in
 * parallel, one model each, and each step's quadratic is solved exactly on its support once descent has
 * found it ({@link ElasticNetQuadratic#minimize}). MLlib's
 * {@code tol} and {@code maxIter} are not used: the solution is exact to ~1e−10, as MLlib's would be at
 * tol → 0.
 *
 * <p><b>Hessians shared over the folds.</b> The k + 1 training sets of an α overlap in all but a fold,
 * and their models sit close together. A model that wants a Hessian takes its path's shared one: the
 * same pass gathers, at the point of the path's full-data model (the anchor) and for each fold g, the
 * Hessian statistics of g's rows alone, and training set t's Hessian at the anchor's point is their sum
 * over g ≠ t — one model's work a row instead of k + 1. The anchor's step is then Newton's; the others'
 * are chord steps whose Hessian is the distance D between their point and the anchor's away (about the
 * spread of the fold fits), with the contraction and stopping rule below. A model asks for its own
 * Hessian only when the anchor has not moved since its last shared one.
 *
 * <p><b>Working sets (binomial, α &gt; 0).</b> Hessian statistics are gathered only over a path's working
 * set W, as glmnet's sequential strong rule (Tibshirani et al. 2012) has it: at each λ, the features
 * where any of the path's models is non-zero and those with |∇_j| &gt; α(2λ − λ_prev)·π_j at a model's
 * last point of the previous λ (at the first λ, none: the check below adds them). The quadratic model is
 * then over W (h and H over W: w(w+1)/2 multiply-adds a row instead of p(p+1)/2), the features outside
 * stay at 0, and the gradient, O(p) a row anyway, is still gathered over all p. When a path's models have
 * all converged on W, each is checked against the KKT conditions over every feature: |∇_j| ≤ λα·π_j
 * outside W at its final point (bounded from the last pass's gradient, see {@code addViolators}); the
 * violators join W and the models that had them step again. A carried Hessian whose set covers the new
 * W is restricted to it. A ridge path (α = 0) keeps every feature. {@code -Dridgeline.screening=false}
 * turns working sets off.
 *
 * <p><b>Scoring.</b> One pass at the end scores every model of every fold on that fold's rows
 * (logloss, accuracy, f1 through {@link Evaluation}; binomial auc exactly by a distributed sort, {@link Auc}).
 *
 * <p><b>Cost.</b> About 5 passes per λ, two of them gathering shared Hessians (100,000 × 30, 5 folds,
 * 3 α, 10 λ: 51 passes, 4.4 s on 2 cores), plus one for the moments and one for scoring. A gradient
 * pass costs a row 2p + O(1) multiply-adds for each model that uses it; a Hessian pass adds p(p+1)/2 for
 * each Hessian it gathers (a row feeds one fold part per α). A pass takes a block a tile of
 * {@link GramKernel#CHUNK} rows at a time through every model, so the tile stays in cache: margins and
 * gradient shares four rows at a time, H a chunk of a model's rows at a time through the
 * {@link GramKernel}. Driver memory is O((k+1)·|α|·K²·p²): {@link EnginePlan} takes the engine where that
 * fits.
 *
 * <p><b>Multinomial</b> (K ≥ 3; K' = K coefficient sets, binomial is K' = 1). MLlib's objective is
 * <pre>
 *   F(B, b) = (1/W)·Σ w_i·(log Σ_k e^{η_ik} − η_{i,y_i}) + λ[α·Σ_kΣ_j π_j|β_kj| + ½(1−α)·Σ_kΣ_j π_j²β_kj²],
 *   η_ik = b_k + x_iᵀβ_k,
 * </pre>
 * with the same π_j, intercepts unpenalized and reported centred (Σ_k b_k = 0, as MLlib). Full Newton
 * steps over all Kp coefficients at once: with v_ikl = w_i·p_ik([k = l] − p_il) (the softmax Hessian) and
 * r_ik = w_i([y_i = k] − p_ik), the pass gathers per class Σr_k and g_k = Σr_k·x, and per pair of classes
 * s_kl = Σv_kl, h_kl = Σv_kl·x and H_kl = Σv_kl·xxᵀ — for the K − 1 free classes only: every row's
 * Hessian has rows summing to zero, so the reference class's blocks are minus the sums of the others'
 * ({@link #blocks}: K(K−1)/2 Gram blocks a pass, against the K(K+1)/2 of the whole Hessian). The
 * reference class's intercept stays put in a step (the softmax ignores a common shift), the others' are
 * minimized out (a Schur complement, as the binomial's b₀), and the Kp-dimensional quadratic is solved by
 * the same {@link ElasticNetQuadratic}. The softmax is also unchanged when a feature's coefficients all move
 * by the same t_j, a direction along which the quadratic is flat: after each step every feature takes the
 * t minimizing its penalty alone ({@link #penaltyShift}, glmnet's {@code elc}) and the intercepts are
 * centred. At α = 1 the L1 term is flat on the median interval for even K: any point there is an
 * optimum, and the engine reports its midpoint. Convergence, chord steps and step halving are the
 * binomial's: multinomial converges quadratically too (wine, 10 λ: 1,480 passes with glmnet's
 * block-diagonal partial Newton steps, see the README's speed section for the full Newton figures).
 */
public final class LogisticEngine implements Engine {
  /** Convergence: the error left in a fitted value (per feature std), as Newton's convergence predicts it. */
  static final double PREDICTED_ERROR = 1e-10;
  /** Or a step at round-off level. */
  private static final double STEP_FLOOR = 1e-13;
  /** Convergence of coordinate descent on each quadratic approximation. */
  private static final double DESCENT_TOLERANCE = 1e-13;
  private static final int MAX_NEWTON = 100;
  private static final int MAX_HALVINGS = 60;

  private final ModelSpec spec;
  private final int p;
  private final int numClasses;
  /** K': coefficient sets (1 for binomial, K for multinomial). */
  private final int sets;
  private final SweepRunner runner;
  private final LogisticRegressionTrainer trainer;
  /** Full-data solutions by grid point, from {@link #crossValidate}. */
  private final Map<GridPoint, Solution> full = new HashMap<>();
  /** Drops the folded frame's cache once the row blocks are cached (see {@link #releasingFolded}). */
  private Runnable releaseFolded = () -> {};
  /**
   * Binomial paths with α &gt; 0 gather Hessians over working sets ({@code -Dridgeline.screening=false}
   * turns it off, for side-by-side measurements).
   */
  private boolean screening = !"false".equals(System.getProperty("ridgeline.screening"));

  public LogisticEngine(ModelSpec spec, int numFeatures, SweepRunner runner) {
    this(spec, numFeatures, 2, runner);
  }

  public LogisticEngine(ModelSpec spec, int numFeatures, int numClasses, SweepRunner runner) {
    if (numClasses < 2) throw new IllegalArgumentException(numClasses + " classes: not a classification");
    this.spec = spec;
    this.p = numFeatures;
    this.numClasses = numClasses;
    this.sets = numClasses == 2 ? 1 : numClasses;
    this.runner = runner;
    this.trainer = new LogisticRegressionTrainer(spec, numFeatures, numClasses);
  }

  @Override
  public String name() {
    return "logistic";
  }

  /** Turns the working sets (strong rules and KKT checks) on or off. */
  LogisticEngine screening(boolean on) {
    screening = on;
    return this;
  }

  @Override
  public LogisticEngine releasingFolded(Runnable release) {
    releaseFolded = release;
    return this;
  }

  /**
   * A solution in the original coordinates (β: K'×p row-major, one intercept per coefficient set) and the
   * Newton iterations (passes) it took at its λ; not converged when a cap (Newton steps, step halvings,
   * coordinate-descent sweeps) ended it.
   */
  record Solution(double[] beta, double[] intercept, int iterations, boolean converged) {}

  /**
   * Every fold's path (and the full-data path, kept for {@link #fitAll}) comes from the same passes, so
   * the whole cross-validation is one recorded unit; each λ index still reports progress.
   */
  @Override
  public List<TrialResult> crossValidate(FoldedData folded, List<GridPoint> grid) {
    return runner.runRecordedAsOne("logistic engine · cross-validation", () -> solveAll(folded, grid), grid);
  }

  private List<TrialResult> solveAll(FoldedData folded, List<GridPoint> grid) {
    int k = folded.folds();
    List<List<GridPoint>> paths = Grid.byAlpha(grid);
    List<Integer> trainingSets = new ArrayList<>();
    for (int t = 0; t <= k; t++) trainingSets.add(t);
    Fitting fitting = new Fitting(folded, paths, trainingSets);
    try {
      Solution[][][] solutions = fitting.run();   // [set][path][λ]
      for (int a = 0; a < paths.size(); a++) {
        for (int l = 0; l < paths.get(a).size(); l++) full.put(paths.get(a).get(l), solutions[k][a][l]);
      }
      long start = System.nanoTime();
      List<GridPoint> order = new ArrayList<>();
      paths.forEach(order::addAll);
      int width = sets * (p + 1);
      double[][] coef = new double[k][order.size() * width];
      for (int f = 0; f < k; f++) {
        int m = 0;
        for (int a = 0; a < paths.size(); a++) {
          for (Solution s : solutions[f][a]) fitting.internal(s, coef[f], (m++) * width);
        }
      }
      List<List<EnumMap<Metric, Double>>> evaluations = runner.scoring("logistic engine · scores of "
          + grid.size() * k + " models in one pass", () -> score(fitting.blocks.rdd(), k, p, numClasses, order.size(), coef,
              folded.largestFold()));
      double scoring = (System.nanoTime() - start) / 1e9 / (order.size() * k);
      List<TrialResult> out = new ArrayList<>(grid.size() * k);
      for (int f = 0; f < k; f++) {
        long nValid = folded.foldSizes()[f];
        int m = 0;
        for (int a = 0; a < paths.size(); a++) {
          for (int l = 0; l < paths.get(a).size(); l++) {
            Solution s = solutions[f][a][l];
            out.add(new TrialResult(order.get(m), f, folded.rows() - nValid, nValid, s.iterations(),
                fitting.seconds[l] + scoring, MllibFit.nonzero(s.beta()), evaluations.get(f).get(m), null,
                s.converged()));
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
      units.add(new WorkUnit<>("all data · " + Grid.pathLabel(path), path.size(), () -> {
        List<FittedModel> fits = new ArrayList<>();
        for (GridPoint point : path) fits.add(fit(point, full.get(point)));
        return fits;
      }, fits -> fits.get(fits.size() - 1).nonzero() + " non-zero at the smallest λ"));
    }
    return Grid.inOrder(points, paths, runner.run(units));
  }

  /** A genuine MLlib model holding the solution, with the estimator's parameters. */
  private FittedModel fit(GridPoint point, Solution s) {
    return trainer.model(point, s.beta(), s.intercept(), s.iterations(), s.converged());
  }

  /** One training set's constants: the rows of every fold but {@code held} ({@code held} = k: all). */
  private static final class TrainingSet {
    final int held;
    /** W = Σw. */
    final double weight;
    final double[] sigma;
    final double[] penalty;
    /** π_j and σ_j repeated for each coefficient set: the penalty and units of all K'p coefficients. */
    final double[] tiledPenalty;
    final double[] tiledSigma;
    /** Mean of the shifted features. */
    final double[] mean;
    /** √(σ_j² + mean_j²) ≥ the weighted root mean square of the shifted feature (for the KKT check's bound). */
    final double[] rms;
    /** The intercept-only optimum per coefficient set (internal coordinates; centred for K ≥ 3), or 0. */
    final double[] intercept0;

    /**
     * From the set's {@link FeatureStats} (centred moments: σ_j exact under any offset; σ_j = 0 exactly
     * for a feature constant in the set, which then keeps β_j = 0).
     */
    TrainingSet(int held, FeatureStats.Set m, double[] shift, boolean standardize, boolean intercept) {
      this.held = held;
      int p = shift.length;
      weight = m.weight;
      sigma = new double[p];
      mean = new double[p];
      rms = new double[p];
      for (int j = 0; j < p; j++) {
        sigma[j] = Math.sqrt(m.unbiasedVariance(j));
        mean[j] = m.mean[j] - shift[j];
        rms[j] = Math.hypot(sigma[j], mean[j]);
      }
      penalty = standardize ? sigma : GaussianSolver.ones(p);
      int sets = m.classWeight.length == 2 ? 1 : m.classWeight.length;
      tiledPenalty = new double[sets * p];
      tiledSigma = new double[sets * p];
      for (int c = 0; c < sets; c++) {
        System.arraycopy(penalty, 0, tiledPenalty, c * p, p);
        System.arraycopy(sigma, 0, tiledSigma, c * p, p);
      }
      double[] classW = m.classWeight;
      if (intercept && !java.util.Arrays.stream(classW).allMatch(w -> w > 0)) {
        // FoldPlan refuses a fold without every class, so no training set lacks one.
        throw new IllegalStateException("a training set lacks a class: the logistic intercept is infinite");
      }
      int classes = classW.length;
      if (classes == 2) {
        intercept0 = new double[] {intercept ? Math.log(classW[1] / classW[0]) : 0};
      } else {
        intercept0 = new double[classes];
        if (intercept) {
          double mean = 0;
          for (int c = 0; c < classes; c++) mean += Math.log(classW[c]) / classes;
          for (int c = 0; c < classes; c++) intercept0[c] = Math.log(classW[c]) - mean;
        }
      }
    }
  }

  /** One model's state along its λ path: the point of the next pass and the last accepted point. */
  private static final class Model {
    final TrainingSet set;
    final int path;
    final double alpha;
    final int p;
    double lambda = Double.NaN;
    /** K'×p, row-major by coefficient set. */
    double[] beta;
    /** One intercept per coefficient set (internal coordinates). */
    double[] b0;
    double[] acceptedBeta;
    double[] acceptedB0;
    double acceptedF;
    int iterations;
    int halvings;
    boolean done;
    /** A cap (Newton steps, halvings, coordinate-descent sweeps) ended or bounded this λ's fit. */
    boolean capped;
    /** The last Newton step's size at this λ (NaN: none yet, or a halving came between). */
    double lastStep = Double.NaN;
    /** Estimated constant of quadratic convergence (error ≈ C·step²), carried along the path. */
    double rate = 1;
    /** The next pass gathers the Hessian (else only loss and gradient: a chord step). */
    boolean hessian = true;
    /**
     * The last Hessian pass's quadratic model over all K'p coefficients (see {@code quadraticModel}): A
     * (K'p × K'p), the intercept columns Hb (K'p × F) and S⁻¹ (F × F; null without an intercept).
     */
    double[] a;
    double[] hb;
    double[] sInverse;
    /** The coefficients (indices into β) that A's rows and Hb's rows stand for, in order. */
    int[] aIndex;
    /** Screened paths: g/W over all p features at the last pass's point (the KKT check and the strong rule). */
    double[] gradient;
    /**
     * The move from that point to the current one, Σ_j |Δβ_j|·rms_j + |Δb₀| (binomial): the gradient at
     * the current point is within rms_j·slack/4 of {@link #gradient} for each j (the KKT check's margin).
     */
    double slack = Double.POSITIVE_INFINITY;
    /** Distance moved since that pass (the staleness of A, in step units). */
    double sinceHessian;
    /** The last chord step's size (NaN: the last step was Newton's). */
    double lastChord = Double.NaN;
    /** The last λ ended on chord steps: its Hessian is worth trying at the next λ. */
    boolean carryHessian;
    /** Counts the moves of the point (a shared Hessian at an unchanged anchor point is not gathered again). */
    int version;
    /** The anchor's {@link #version} at this model's last shared Hessian (−1: none). */
    int sharedVersion = -1;
    /** The last solutions (β then b₀) and their log λ, newest first, for the warm start. */
    final java.util.ArrayDeque<double[][]> history = new java.util.ArrayDeque<>();

    Model(TrainingSet set, int path, double alpha, int p) {
      this.set = set;
      this.path = path;
      this.alpha = alpha;
      this.p = p;
      int sets = set.intercept0.length;
      beta = new double[sets * p];
      b0 = set.intercept0.clone();
    }

    /**
     * Moves to the next λ, from the path's solutions so far extrapolated in log λ (the polynomial
     * through the last three, or two): on a smooth path that leaves a first Newton step of O(Δ³)
     * instead of O(Δ) — two or three passes a λ instead of four or five.
     */
    void startLambda(double next) {
      if (!Double.isNaN(lambda)) {
        double[] solved = java.util.Arrays.copyOf(beta, beta.length + b0.length);
        System.arraycopy(b0, 0, solved, beta.length, b0.length);
        history.addFirst(new double[][] {solved, {Math.log(lambda)}});
        if (history.size() > 3) history.removeLast();
        double t = Math.log(next);
        double[] guess = new double[solved.length];
        for (double[][] node : history) {
          double weight = 1;   // Lagrange basis polynomial of this node at t
          for (double[][] other : history) {
            if (other != node) weight *= (t - other[1][0]) / (node[1][0] - other[1][0]);
          }
          for (int j = 0; j < guess.length; j++) guess[j] += weight * node[0][j];
        }
        if (java.util.Arrays.stream(guess).allMatch(Double::isFinite)) {
          for (int j = 0; j < beta.length; j++) {   // the warm start's move adds to the Hessian's staleness
            sinceHessian = Math.max(sinceHessian, Math.abs(guess[j] - beta[j]) * set.sigma[j % p]);
          }
          System.arraycopy(guess, 0, beta, 0, beta.length);
          System.arraycopy(guess, beta.length, b0, 0, b0.length);
        }
      }
      lambda = next;
      version++;
      lastStep = Double.NaN;
      lastChord = Double.NaN;
      // The last λ's Hessian serves the first step when that λ's chord steps paid (the contraction
      // measured decides after that step).
      hessian = a == null || !carryHessian;
      carryHessian = false;
      acceptedBeta = null;
      acceptedF = Double.NaN;
      iterations = 0;
      halvings = 0;
      done = false;
      capped = false;
    }

    /** Steps again at this λ from the current point, starting with a new Hessian (its working set grew). */
    void reopen() {
      done = false;
      hessian = true;
      sharedVersion = -1;
      lastStep = Double.NaN;
      lastChord = Double.NaN;
    }

    /** F at the current point, given the pass's Σw·ℓ. */
    double objective(double loss) {
      double l1 = 0;
      double l2 = 0;
      for (int j = 0; j < beta.length; j++) {
        double pb = set.penalty[j % p] * beta[j];
        l1 += Math.abs(pb);
        l2 += pb * pb;
      }
      return loss / set.weight + lambda * (alpha * l1 + 0.5 * (1 - alpha) * l2);
    }
  }

  /** The IRLS passes for a set of training sets × α paths, λ index by λ index. */
  private final class Fitting {
    final List<List<GridPoint>> paths;
    final List<Integer> trainingSets;
    final RowBlocks blocks;
    final double[] shift;
    final List<Model> models = new ArrayList<>();
    /**
     * Multinomial: the class whose Hessian blocks and intercept the others' determine (the heaviest in
     * all rows, so its derived blocks are the largest); binomial: 0.
     */
    final int reference;
    /** The coefficient sets with a free intercept: all but the reference (binomial: the one). */
    final int[] free;
    /** Per α path, the full-data model whose point the path's shared Hessians are gathered at (null: none). */
    final Model[] anchors;
    /** Per α path: whether it screens features (binomial, α &gt; 0, unless {@link #screening} is off). */
    final boolean[] screened;
    /**
     * Per α path, its working set: the features (ascending) whose Hessian statistics its passes gather,
     * the same for all its training sets (null: every feature).
     */
    final int[][] working;
    /** Wall seconds per model at each λ index. */
    final double[] seconds;
    final int lambdas;
    final int folds;
    /**
     * Chord passes worth one Hessian pass: a row's multiply-adds in each, B·(p(p+1)/2·c + p) + K'(2p + 40)
     * against K'(2p + 40) (B {@link #blocks}; 40 for the exponential, logarithm and sums). c weighs a
     * Gram multiply-add against the rest: 1 on the scalar kernel; on the vector {@link GramKernel} 1/5
     * for binomial and 2/5 for multinomial, chosen by whole-sweep time on the dense benches (p = 30).
     * Since the kernel's padding a Hessian pass costs 0.11 s against a gradient pass's 0.08 s binomial,
     * 0.34 s against 0.18 s multinomial, a ratio that c ≈ 1/40 would match; but that budget (1 chord
     * pass) measured slower: binomial c = 1/5 against 1/40, 6.7–6.8 s against 7.3–7.5 s warm;
     * multinomial c = 2/5, 1/5, 1/10: 17.9–19.0 s, 19.0–19.1 s, 19.6–20.4 s.
     * Binomial 2 at p = 30, 15 at p = 300; multinomial 5 at K = 5, p = 30.
     */
    final double chordBudget;

    Fitting(FoldedData folded, List<List<GridPoint>> paths, List<Integer> trainingSets) {
      this.paths = paths;
      this.trainingSets = trainingSets;
      int k = folded.folds();
      folds = k;
      runner.label("logistic engine · per-fold ranges and moments (one pass)");
      FeatureStats stats = FeatureStats.of(folded.frame(), k, p, numClasses);
      shift = new double[p];
      if (spec.intercept()) System.arraycopy(stats.training(k).mean, 0, shift, 0, p);
      if (trainingSets.size() > 1) DegenerateSets.note(stats, folded.source().featureNames(), runner::note);
      double[] classWeight = stats.training(k).classWeight;
      int heaviest = 0;
      for (int c = 1; c < classWeight.length; c++) if (classWeight[c] > classWeight[heaviest]) heaviest = c;
      reference = sets == 1 ? 0 : heaviest;
      free = sets == 1 ? new int[] {0} : java.util.stream.IntStream.range(0, sets).filter(c -> c != reference).toArray();
      for (int t : trainingSets) {
        TrainingSet set = new TrainingSet(t, stats.training(t), shift, spec.standardize(), spec.intercept());
        for (int a = 0; a < paths.size(); a++) models.add(new Model(set, a, paths.get(a).get(0).alpha(), p));
      }
      anchors = new Model[paths.size()];
      if (trainingSets.size() > 1) {
        for (Model m : models) if (m.set.held == k) anchors[m.path] = m;
      }
      screened = new boolean[paths.size()];
      working = new int[paths.size()][];
      for (int a = 0; a < paths.size(); a++) {
        screened[a] = screening && sets == 1 && paths.get(a).get(0).alpha() > 0;
        working[a] = screened[a] ? new int[0] : null;
      }
      blocks = RowBlocks.of(folded.frame(), p, shift);
      double gram = p * (p + 1) / 2.0 * (GramKernel.get().name().equals("scalar") ? 1 : sets > 1 ? 0.4 : 0.2);
      double gradient = sets * (2.0 * p + 40);
      chordBudget = Math.max(1, Math.floor((blocks(sets) * (gram + p) + gradient) / gradient));
      lambdas = paths.stream().mapToInt(List::size).max().orElse(0);
      seconds = new double[lambdas];
    }

    /** Solutions [set index][path][λ index], in original coordinates. */
    Solution[][][] run() {
      Solution[][][] out = new Solution[trainingSets.size()][paths.size()][];
      for (int s = 0; s < trainingSets.size(); s++) {
        for (int a = 0; a < paths.size(); a++) out[s][a] = new Solution[paths.get(a).size()];
      }
      for (int l = 0; l < lambdas; l++) {
        int index = l;
        List<Model> at = models.stream().filter(m -> index < paths.get(m.path).size()).toList();
        String label = "λ " + (l + 1) + "/" + lambdas;
        int trials = (int) at.stream().filter(m -> m.set.held < folds).count();   // full-data fits count in fitAll
        long start = System.nanoTime();
        runner.run(List.of(new WorkUnit<>(label + " · " + at.size() + " models", trials,
            () -> solveLambda(index, at, label), passes -> passes)));
        seconds[l] = (System.nanoTime() - start) / 1e9 / Math.max(1, at.size());
        for (Model m : at) {
          int s = trainingSets.indexOf(m.set.held);
          out[s][m.path][l] = original(m);
        }
      }
      return out;
    }

    /**
     * Newton iterations at λ index l for the given models, until all converge; returns the passes made,
     * for the progress line.
     */
    private String solveLambda(int l, List<Model> at, String label) {
      for (Model m : at) m.startLambda(paths.get(m.path).get(l).lambda());
      restartWorkingSets(l, at);
      int passes = 0;
      int chord = 0;
      int shared = 0;
      int kkt = 0;
      while (true) {
        if (addViolators(l, at) > 0) kkt++;
        List<Model> active = at.stream().filter(m -> !m.done).toList();
        if (active.isEmpty()) {
          String kinds = (chord > 0 ? chord + " without Hessian" : "") + (chord > 0 && shared > 0 ? ", " : "")
              + (shared > 0 ? shared + " with shared Hessians" : "");
          int widest = -1;   // over the screened paths
          for (int a = 0; a < paths.size(); a++) {
            if (screened[a]) widest = Math.max(widest, working[a] == null ? p : working[a].length);
          }
          return passes + " IRLS passes" + (kinds.isEmpty() ? "" : " (" + kinds + ")")
              + (widest < 0 ? "" : " · Hessians over ≤ " + widest + " of " + p + " features"
              + (kkt > 0 ? ", " + kkt + " KKT round" + (kkt > 1 ? "s" : "") + " adding features" : ""));
        }
        passes++;
        // A model wanting a Hessian takes its path's shared one where the anchor moved since its last.
        List<Model> sharing = new ArrayList<>();
        for (Model m : active) {
          Model anchor = anchors[m.path];
          if (m.hessian && anchor != null && m.sharedVersion != anchor.version && !sharing.contains(anchor)) {
            sharing.add(anchor);
          }
        }
        boolean[] full = new boolean[active.size()];
        boolean[] fromShared = new boolean[active.size()];
        for (int i = 0; i < full.length; i++) {
          Model m = active.get(i);
          Model anchor = anchors[m.path];
          fromShared[i] = m.hessian && sharing.contains(anchor) && m.sharedVersion != anchor.version;
          full[i] = m.hessian && !fromShared[i];
        }
        boolean any = false;
        for (boolean b : full) any |= b;
        if (!any && sharing.isEmpty()) chord++;
        if (!any && !sharing.isEmpty()) shared++;
        runner.label("logistic engine · " + label + " · IRLS pass " + passes + " · " + active.size() + " models"
            + (!any && sharing.isEmpty() ? " · gradient only" : "")
            + (sharing.isEmpty() ? "" : " · Hessians shared over the folds of " + sharing.size() + " α"));
        SharedHessians hessians = new SharedHessians(sharing);
        int[][] features = new int[active.size() + sharing.size() * folds][];
        for (int i = 0; i < features.length; i++) {
          features[i] = working[i < active.size() ? active.get(i).path : sharing.get((i - active.size()) / folds).path];
        }
        boolean[] gathers = java.util.Arrays.copyOf(full, features.length);
        java.util.Arrays.fill(gathers, active.size(), features.length, true);
        int[] offsets = offsets(p, sets, gathers, features);
        double[] stats = pass(active, gathers, features, hessians);
        hessians.locate(stats, offsets, active.size());
        // The models' steps are independent: on the driver's cores at once (the executors wait for them).
        java.util.stream.IntStream.range(0, active.size()).parallel().forEach(i -> {
          Model m = active.get(i);
          if (fromShared[i]) {
            update(m, stats, offsets[i], false, hessians.of(m), hessians.distance(m));
            m.sharedVersion = hessians.version(m);
          } else {
            update(m, stats, offsets[i], full[i], null, 0);
          }
        });
      }
    }

    /**
     * A new λ's working sets, as glmnet's sequential strong rule: per screened path, the features where
     * any of its models is non-zero (after the warm start) or strong, |∇_j| &gt; α(2λ − λ_prev)·π_j at
     * that model's last point of the previous λ (at the first λ only the non-zero ones: the KKT check
     * adds the rest). A model whose quadratic model covers the new set keeps it, restricted to the set
     * (a principal submatrix of the Schur complement is the complement of the principal submatrix);
     * otherwise its next pass gathers a Hessian.
     */
    private void restartWorkingSets(int l, List<Model> at) {
      for (int a = 0; a < paths.size(); a++) {
        if (!screened[a]) continue;
        double lambda = paths.get(a).get(l).lambda();
        double alpha = paths.get(a).get(l).alpha();
        boolean[] in = new boolean[p];
        for (Model m : at) {
          if (m.path != a) continue;
          double threshold = l == 0 || m.gradient == null ? Double.POSITIVE_INFINITY
              : alpha * (2 * lambda - paths.get(a).get(l - 1).lambda());
          for (int j = 0; j < p; j++) {
            in[j] |= m.beta[j] != 0 || Math.abs(m.gradient == null ? 0 : m.gradient[j]) > threshold * m.set.penalty[j];
          }
        }
        working[a] = features(in);
        for (Model m : at) if (m.path == a) fitWorkingSet(m);
      }
    }

    /**
     * The KKT check of a λ's converged models on each screened path whose models have all converged (the
     * others' passes go on meanwhile): every feature j outside the working set
     * must satisfy |∇_j| ≤ λα·π_j at the model's final point. The last pass's gradient is from the point
     * before the last step, and the logistic function's slope is at most ¼, so the final gradient is
     * within rms_j·slack/4 of it ({@link Model#slack}); a feature whose bound exceeds the limit joins the
     * path's working set, and the models where it did step again with a Hessian over the grown set.
     * Returns how many features joined.
     */
    private int addViolators(int l, List<Model> at) {
      int added = 0;
      for (int a = 0; a < paths.size(); a++) {
        int path = a;
        if (working[a] == null || at.stream().anyMatch(m -> m.path == path && !m.done)) continue;
        boolean[] in = new boolean[p];
        for (int j : working[a]) in[j] = true;
        boolean[] grown = in.clone();
        int before = added;
        for (Model m : at) {
          if (m.path != a || m.capped) continue;
          double limit = m.lambda * m.alpha;
          boolean violated = false;
          for (int j = 0; j < p; j++) {
            if (in[j] || !(m.set.sigma[j] > 0)) continue;
            if (Math.abs(m.gradient[j]) + 0.25 * m.set.rms[j] * m.slack > limit * m.set.penalty[j]) {
              if (!grown[j]) added++;
              grown[j] = true;
              violated = true;
            }
          }
          if (violated) m.reopen();
        }
        if (added == before) continue;
        working[a] = features(grown);
        for (Model m : at) if (m.path == a && !m.done) fitWorkingSet(m);
      }
      return added;
    }

    /** The features marked (null when all are: the passes then read the rows in place). */
    private int[] features(boolean[] in) {
      int[] out = java.util.stream.IntStream.range(0, p).filter(j -> in[j]).toArray();
      return out.length == p ? null : out;
    }

    /**
     * Keeps m's quadratic model where it covers its path's working set (restricted to it), else marks
     * m's next pass for a Hessian.
     */
    private void fitWorkingSet(Model m) {
      int[] wanted = coefficients(working[m.path]);
      if (m.a == null || java.util.Arrays.equals(wanted, m.aIndex)) return;
      int[] position = new int[wanted.length];   // of each wanted coefficient in m.aIndex (both ascending)
      int found = 0;
      for (int k = 0; k < m.aIndex.length && found < wanted.length; k++) {
        if (m.aIndex[k] == wanted[found]) position[found++] = k;
      }
      if (found < wanted.length) {
        m.hessian = true;
        m.a = null;
        return;
      }
      int d = m.aIndex.length;
      int e = wanted.length;
      int f = free.length;
      double[] a = new double[e * e];
      double[] hb = new double[e * f];
      for (int i = 0; i < e; i++) {
        for (int k = 0; k < e; k++) a[i * e + k] = m.a[position[i] * d + position[k]];
        for (int b = 0; b < f; b++) hb[i * f + b] = m.hb[position[i] * f + b];
      }
      m.a = a;
      m.hb = hb;
      m.aIndex = wanted;
    }

    /**
     * Hessians shared over the training sets of an α path: one pass gathers, at the path's anchor (its
     * full-data model) and per fold g, the Hessian statistics of fold g's rows alone; training set t's
     * Hessian at the anchor's point is then the sum over g ≠ t, the anchor's own the sum over all g —
     * one model's work a row instead of one per training set. For the anchor that is its Newton step;
     * for the others the Hessian is {@link #distance} away (a chord step's staleness), and the fold
     * models, some 1/k of the data apart from the anchor, sit close to it.
     */
    private final class SharedHessians {
      final List<Model> gatheredAt;
      /** Each anchor's point as the pass saw it (β then b₀) and its version. */
      final List<double[]> points = new ArrayList<>();
      final int[] versions;
      double[] stats;
      int[] offsets;
      int models;

      SharedHessians(List<Model> gatheredAt) {
        this.gatheredAt = gatheredAt;
        versions = new int[gatheredAt.size()];
        for (int a = 0; a < gatheredAt.size(); a++) {
          Model anchor = gatheredAt.get(a);
          double[] point = java.util.Arrays.copyOf(anchor.beta, anchor.beta.length + sets);
          System.arraycopy(anchor.b0, 0, point, anchor.beta.length, sets);
          points.add(point);
          versions[a] = anchor.version;
        }
      }

      /** The pass's result and its entries' offsets: the parts (anchor a, fold g) follow the {@code models}. */
      void locate(double[] stats, int[] offsets, int models) {
        this.stats = stats;
        this.offsets = offsets;
        this.models = models;
      }

      /**
       * The shared Hessian of m's training set (over its path's working set), as a pass result's model entry
       * at 0 (Hessian part only).
       */
      double[] of(Model m) {
        int a = gatheredAt.indexOf(anchors[m.path]);
        int head = 1 + sets * (1 + p);
        int entry = models + a * folds;
        int length = offsets[entry + 1] - offsets[entry] - head;
        double[] out = new double[head + length];
        for (int g = 0; g < folds; g++) {
          if (g == m.set.held) continue;
          int from = offsets[entry + g] + head;
          for (int i = 0; i < length; i++) out[head + i] += stats[from + i];
        }
        return out;
      }

      /** max_j |β_j − β_anchor,j|·σ_j and the move of the mean η: how far the Hessian's point is from m's. */
      double distance(Model m) {
        double[] point = points.get(gatheredAt.indexOf(anchors[m.path]));
        double d = 0;
        for (int c = 0; c < sets; c++) {
          double meanMove = m.b0[c] - point[sets * p + c];
          for (int j = 0; j < p; j++) {
            double delta = m.beta[c * p + j] - point[c * p + j];
            d = Math.max(d, Math.abs(delta) * m.set.sigma[j]);
            meanMove += delta * m.set.mean[j];
          }
          d = Math.max(d, Math.abs(meanMove));
        }
        return d;
      }

      int version(Model m) {
        return versions[gatheredAt.indexOf(anchors[m.path])];
      }
    }

    /**
     * One pass: the quadratic-approximation statistics of every active model at its current point (only
     * loss and gradient for the models marked for a chord step), then the shared Hessians' parts;
     * {@code full} and {@code features} say, per entry, whether it gathers a Hessian and over which features.
     */
    private double[] pass(List<Model> active, boolean[] full, int[][] features, SharedHessians shared) {
      int n = active.size();
      int entries = full.length;
      int[] held = new int[entries];
      int width = sets * (p + 1);
      double[] coef = new double[entries * width];
      for (int i = 0; i < entries; i++) {
        double[] point;
        if (i < n) {
          Model m = active.get(i);
          held[i] = m.set.held;
          point = java.util.Arrays.copyOf(m.beta, m.beta.length + sets);
          System.arraycopy(m.b0, 0, point, m.beta.length, sets);
        } else {   // a part of a shared Hessian: fold g's rows at the anchor's point
          held[i] = -2 - (i - n) % folds;
          point = shared.points.get((i - n) / folds);
        }
        for (int c = 0; c < sets; c++) {
          System.arraycopy(point, c * p, coef, i * width + c * (p + 1), p);
          coef[i * width + c * (p + 1) + p] = point[sets * p + c];
        }
      }
      double[] stats = aggregate(blocks.rdd(), p, numClasses, free, held, full, features, coef);
      // The first pass cached the blocks: from here on the passes read them, not the folded frame.
      releaseFolded.run();
      releaseFolded = () -> {};
      return stats;
    }

    /**
     * Step-halving check, then the step from the pass's statistics at offset o: Newton when the pass
     * gathered the Hessian ({@code full}), else a chord step with the last Hessian and the new gradient.
     *
     * <p>Convergence, in the units of the step (max_j |Δβ_j|·σ_j and the move of the mean η): a Newton
     * step d leaves an error of about C·d² (quadratic convergence; C = d/d_prev², at least 1, estimated
     * on consecutive Newton steps); a chord step d with a Hessian from D away contracts by about
     * ρ = C·(D + d) (or by the ratio of the last two chord steps, if larger) and leaves d·ρ/(1 − ρ).
     * The model has converged when that is at most {@value #PREDICTED_ERROR}. The next pass skips the
     * Hessian when the chord steps still needed cost less than one ({@link #chordPays}).
     */
    private void update(Model m, double[] stats, int o, boolean full, double[] shared, double staleness) {
      double f = m.objective(stats[o]);
      if (m.acceptedBeta != null && f > m.acceptedF + 1e-12 * Math.abs(m.acceptedF)) {
        if (++m.halvings > MAX_HALVINGS) {
          m.beta = m.acceptedBeta;
          m.b0 = m.acceptedB0;
          m.done = true;
          m.capped = true;
          return;
        }
        for (int j = 0; j < m.beta.length; j++) m.beta[j] = 0.5 * (m.beta[j] + m.acceptedBeta[j]);
        for (int c = 0; c < sets; c++) m.b0[c] = 0.5 * (m.b0[c] + m.acceptedB0[c]);
        m.version++;
        m.lastStep = Double.NaN;
        m.hessian = true;
        return;
      }
      m.acceptedBeta = m.beta.clone();
      m.acceptedB0 = m.b0.clone();
      m.acceptedF = f;
      m.iterations++;
      m.version++;
      if (full) quadraticModel(m, stats, o, working[m.path]);
      if (shared != null) quadraticModel(m, shared, 0, working[m.path]);
      if (screened[m.path]) {
        m.gradient = new double[p];
        for (int j = 0; j < p; j++) m.gradient[j] = stats[o + 2 + j] / m.set.weight;
      }
      boolean exact = full || (shared != null && staleness == 0);
      double[] next = m.beta.clone();
      double[] nextB0 = m.b0.clone();
      step(m, stats, o, next, nextB0);
      if (sets > 1) identify(m, next, nextB0);
      double step = 0;
      m.slack = 0;
      for (int c = 0; c < sets; c++) {
        double meanMove = nextB0[c] - m.b0[c];
        m.slack += Math.abs(nextB0[c] - m.b0[c]);
        for (int j = 0; j < p; j++) {
          double d = next[c * p + j] - m.beta[c * p + j];
          step = Math.max(step, Math.abs(d) * m.set.sigma[j]);
          meanMove += d * m.set.mean[j];
          m.slack += Math.abs(d) * m.set.rms[j];
        }
        step = Math.max(step, Math.abs(meanMove));
      }
      m.beta = next;
      m.b0 = nextB0;
      double error;
      double observed = 0;   // the last chord step's contraction, measured
      if (shared != null && !exact) {   // a Hessian from the anchor's point: a chord step from that far
        m.sinceHessian = staleness;
        m.lastChord = Double.NaN;
      }
      if (exact) {
        if (!Double.isNaN(m.lastStep) && m.lastStep > 0) m.rate = Math.max(1, step / (m.lastStep * m.lastStep));
        m.lastStep = step;
        m.lastChord = Double.NaN;
        m.sinceHessian = step;
        error = m.rate * step * step;
      } else {
        // Chord steps converge linearly: the error left is about d·ρ/(1 − ρ), ρ the larger of the
        // predicted contraction C·(D + d) and the one measured on the last two chord steps.
        if (m.lastChord > 0) observed = step / m.lastChord;
        double rho = Math.max(m.rate * (m.sinceHessian + step), observed);
        error = rho < 1 ? step * rho / (1 - rho) : Double.POSITIVE_INFINITY;
        m.lastChord = step;
        m.sinceHessian += step;
      }
      boolean converged = step <= STEP_FLOOR || error <= PREDICTED_ERROR;
      m.done = converged || m.iterations >= MAX_NEWTON;
      if (!converged && m.done) m.capped = true;
      m.hessian = !chordPays(m, error, observed);
      m.carryHessian = m.done && !exact && !m.capped;
    }

    /**
     * Whether chord steps (the last Hessian, new gradients) reach {@value #PREDICTED_ERROR} from the
     * current error for less than a Hessian pass would cost. A chord step contracts the error by about
     * ρ = C·(D + e) (D: the distance since the Hessian; or by the contraction last measured, if worse),
     * so it takes n = log(ε/e)/log ρ of them; they pay when ρ ≤ ½ and n ≤ {@link #chordBudget}.
     */
    private boolean chordPays(Model m, double error, double observed) {
      double rho = Math.max(m.rate * (m.sinceHessian + error), observed);
      if (!(rho <= 0.5)) return false;
      if (error <= PREDICTED_ERROR) return true;
      return Math.log(PREDICTED_ERROR / error) / Math.log(rho) <= chordBudget;
    }

    /**
     * The quadratic model of a Hessian pass (its statistics at o) over all K'p coefficients θ: the
     * Hessian H of Σw·ℓ in θ, its intercept columns Hb (K'p × F) and intercept block S (F × F) over the F
     * free intercepts (binomial: the one; multinomial: all but the reference class's, which may stay put:
     * the softmax ignores a common shift), and, minimizing over those intercepts, the Schur complement
     * A = (H − Hb·S⁻¹·Hbᵀ)/W (without an intercept A = H/W). Multinomial blocks of the reference class
     * are minus the sums of the free classes' (see {@link #blocks}). With a working set W the statistics
     * and the model are over W's coefficients only (the others stay at 0 in the step).
     */
    private void quadraticModel(Model m, double[] stats, int o, int[] features) {
      int w = features == null ? p : features.length;
      int d = sets * w;
      int f = free.length;
      int stride = blockStride(w);
      int base = o + 1 + sets * (1 + p);
      double[] hess = new double[d * d];
      double[] hb = new double[d * f];
      double[] sBlock = new double[f * f];
      for (int b = 0; b < f; b++) {
        for (int a = 0; a <= b; a++) {
          int q = base + (b * (b + 1) / 2 + a) * stride;
          int ra = free[a] * w;
          int rb = free[b] * w;
          sBlock[a * f + b] = stats[q];
          sBlock[b * f + a] = stats[q];
          for (int j = 0; j < w; j++) {
            hb[(ra + j) * f + b] = stats[q + 1 + j];
            hb[(rb + j) * f + a] = stats[q + 1 + j];
            int packed = q + 1 + w + j * (j + 1) / 2;
            for (int i = 0; i <= j; i++) {
              double v = stats[packed + i];
              hess[(ra + i) * d + rb + j] = v;
              hess[(ra + j) * d + rb + i] = v;
              hess[(rb + i) * d + ra + j] = v;
              hess[(rb + j) * d + ra + i] = v;
            }
          }
        }
      }
      if (sets > 1) {
        int r = reference * w;
        for (int i = 0; i < w; i++) {
          for (int col = 0; col < d; col++) {
            if (col >= r && col < r + w) continue;
            double sum = 0;
            for (int c : free) sum += hess[(c * w + i) * d + col];
            hess[(r + i) * d + col] = -sum;
            hess[col * d + r + i] = -sum;
          }
          for (int b = 0; b < f; b++) {
            double sum = 0;
            for (int c : free) sum += hb[(c * w + i) * f + b];
            hb[(r + i) * f + b] = -sum;
          }
        }
        for (int i = 0; i < w; i++) {
          for (int j = 0; j < w; j++) {
            double sum = 0;
            for (int c : free) sum += hess[(c * w + i) * d + r + j];
            hess[(r + i) * d + r + j] = -sum;
          }
        }
      }
      double weight = m.set.weight;
      double[] a = new double[d * d];
      m.sInverse = null;
      if (spec.intercept()) {
        m.sInverse = inverse(sBlock, f);
        double[] hbS = new double[d * f];   // Hb·S⁻¹
        for (int i = 0; i < d; i++) {
          for (int b = 0; b < f; b++) {
            double v = 0;
            for (int c = 0; c < f; c++) v += hb[i * f + c] * m.sInverse[c * f + b];
            hbS[i * f + b] = v;
          }
        }
        for (int i = 0; i < d; i++) {
          for (int j = 0; j <= i; j++) {
            double v = hess[i * d + j];
            for (int b = 0; b < f; b++) v -= hbS[i * f + b] * hb[j * f + b];
            a[i * d + j] = v / weight;
            a[j * d + i] = v / weight;
          }
        }
      } else {
        for (int i = 0; i < d * d; i++) a[i] = hess[i] / weight;
      }
      m.a = a;
      m.hb = hb;
      m.aIndex = coefficients(features);
    }

    /** The coefficient indices of a working set's features in every coefficient set (all K'p for null). */
    private int[] coefficients(int[] features) {
      int w = features == null ? p : features.length;
      int[] index = new int[sets * w];
      for (int c = 0; c < sets; c++) {
        for (int i = 0; i < w; i++) index[c * w + i] = c * p + (features == null ? i : features[i]);
      }
      return index;
    }

    /**
     * The minimizer of the model's penalized quadratic model at its point θ̂ given this pass's Σr and g
     * (at o): θ by {@link ElasticNetQuadratic} with c = Aθ̂ + (g − Hb·S⁻¹·Σr_F)/W, then the free
     * intercepts b_F + S⁻¹(Σr_F − Hbᵀ(θ − θ̂)). At λ = 0 a multinomial's reference class stays at 0 in
     * the solve (the quadratic is flat along the shifts {@link #identify} then fixes). Writes θ and b into
     * {@code next} and {@code nextB0}, which hold the model's point on entry; θ moves only on the
     * coefficients of the quadratic model ({@code m.aIndex}).
     */
    private void step(Model m, double[] stats, int o, double[] next, double[] nextB0) {
      int[] index = m.aIndex;
      int d = index.length;
      int f = free.length;
      boolean intercept = spec.intercept();
      double[] sr = new double[f];
      for (int b = 0; b < f; b++) sr[b] = stats[o + 1 + free[b] * (1 + p)];
      double[] u = new double[f];   // S⁻¹·Σr_F
      if (intercept) {
        for (int b = 0; b < f; b++) for (int c = 0; c < f; c++) u[b] += m.sInverse[b * f + c] * sr[c];
      }
      double[] rhs = new double[d];
      double[] penalty = new double[d];
      double[] sigma = new double[d];
      double[] theta = new double[d];
      for (int i = 0; i < d; i++) {
        int coefficient = index[i];
        double g = stats[o + 2 + coefficient + coefficient / p];   // g_c,j at o + 2 + c(1 + p) + j
        if (intercept) for (int b = 0; b < f; b++) g -= m.hb[i * f + b] * u[b];
        double aTheta = 0;
        for (int k = 0; k < d; k++) aTheta += m.a[i * d + k] * m.beta[index[k]];
        rhs[i] = aTheta + g / m.set.weight;
        penalty[i] = m.set.tiledPenalty[coefficient];
        boolean pinned = sets > 1 && m.lambda == 0 && coefficient / p == reference;
        sigma[i] = pinned ? 0 : m.set.tiledSigma[coefficient];
        theta[i] = next[coefficient];
      }
      if (d > 0) {
        ElasticNetQuadratic.Descent descent = new ElasticNetQuadratic(d, m.a, rhs, penalty, sigma, DESCENT_TOLERANCE)
            .minimize(theta, m.lambda * m.alpha, m.lambda * (1 - m.alpha));
        if (!descent.converged()) m.capped = true;
        for (int i = 0; i < d; i++) next[index[i]] = theta[i];
      }
      if (intercept) {
        double[] t = sr.clone();   // Σr_F − Hbᵀ(θ − θ̂)
        for (int i = 0; i < d; i++) {
          double delta = next[index[i]] - m.beta[index[i]];
          if (delta != 0) for (int b = 0; b < f; b++) t[b] -= m.hb[i * f + b] * delta;
        }
        for (int b = 0; b < f; b++) for (int c = 0; c < f; c++) nextB0[free[b]] += m.sInverse[b * f + c] * t[c];
      }
    }

    /**
     * Multinomial: the softmax is unchanged when a feature's coefficients all move by the same t_j (the
     * intercepts likewise), so each feature takes the t_j that minimizes its penalty alone (glmnet's
     * {@code elc}; see {@link #penaltyShift}) and the intercepts are centred — the quadratic model is
     * flat along those directions, so this is its exact minimization along them.
     */
    private void identify(Model m, double[] beta, double[] b0) {
      double[] column = new double[sets];
      for (int j = 0; j < p; j++) {
        if (!(m.set.sigma[j] > 0)) continue;
        for (int c = 0; c < sets; c++) column[c] = beta[c * p + j];
        double t = penaltyShift(column, m.lambda == 0 ? 0 : m.alpha, m.set.penalty[j]);
        if (t != 0) for (int c = 0; c < sets; c++) beta[c * p + j] -= t;
      }
      if (spec.intercept()) {
        double mean = 0;
        for (int c = 0; c < sets; c++) mean += b0[c] / sets;
        for (int c = 0; c < sets; c++) b0[c] -= mean;
      }
    }

    /** The model's current point in original coordinates: b₀ = b̃₀ − shiftᵀβ (centred for K ≥ 3, as MLlib). */
    private Solution original(Model m) {
      double[] b0 = new double[sets];
      for (int c = 0; c < sets; c++) {
        b0[c] = m.b0[c];
        for (int j = 0; j < p; j++) b0[c] -= shift[j] * m.beta[c * p + j];
      }
      if (sets > 1 && spec.intercept()) {
        double mean = 0;
        for (int c = 0; c < sets; c++) mean += b0[c] / sets;
        for (int c = 0; c < sets; c++) b0[c] -= mean;
      }
      return new Solution(m.beta.clone(), b0, m.iterations, !m.capped);
    }

    /** Writes a solution's (β_c, b̃₀_c) per set, in the blocks' shifted coordinates, at {@code coef[offset..]}. */
    void internal(Solution s, double[] coef, int offset) {
      for (int c = 0; c < sets; c++) {
        int o = offset + c * (p + 1);
        double b0 = s.intercept()[c];
        for (int j = 0; j < p; j++) {
          coef[o + j] = s.beta()[c * p + j];
          b0 += shift[j] * s.beta()[c * p + j];
        }
        coef[o + p] = b0;
      }
    }
  }

  /**
   * The inverse of a small symmetric positive definite matrix (n × n, row-major) by Gauss–Jordan
   * elimination; the intercept block S is one (every class has weight in every training set).
   */
  static double[] inverse(double[] matrix, int n) {
    double[] m = matrix.clone();
    double[] inv = new double[n * n];
    for (int i = 0; i < n; i++) inv[i * n + i] = 1;
    for (int c = 0; c < n; c++) {
      double pivot = m[c * n + c];
      if (!(pivot > 0)) throw new IllegalStateException("the intercepts' Hessian block is not positive definite");
      for (int j = 0; j < n; j++) {
        m[c * n + j] /= pivot;
        inv[c * n + j] /= pivot;
      }
      for (int r = 0; r < n; r++) {
        double factor = m[r * n + c];
        if (r == c || factor == 0) continue;
        for (int j = 0; j < n; j++) {
          m[r * n + j] -= factor * m[c * n + j];
          inv[r * n + j] -= factor * inv[c * n + j];
        }
      }
    }
    return inv;
  }

  /**
   * The t minimizing Σ_k [α|b_k − t| + ½(1−α)·π(b_k − t)²] (a feature's penalty after the shift, over
   * λπ): the median of the b_k at α = 1 (the midpoint of the two middle ones for even K: every point
   * between is a minimizer and this one is symmetric), their mean at α = 0 (also used at λ = 0, where
   * MLlib centres the multinomial coefficients), else the root of the piecewise-linear derivative
   * α(#{b_k &lt; t} − #{b_k &gt; t}) + (1−α)π·Σ(t − b_k).
   */
  static double penaltyShift(double[] b, double alpha, double pi) {
    int n = b.length;
    double sum = 0;
    for (double v : b) sum += v;
    if (alpha == 0) return sum / n;
    double[] sorted = b.clone();
    java.util.Arrays.sort(sorted);
    if (alpha == 1) return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    double curvature = (1 - alpha) * pi;
    for (int below = 0; below <= n; below++) {   // t strictly between sorted[below − 1] and sorted[below]
      double t = (curvature * sum - alpha * (2 * below - n)) / (curvature * n);
      double lo = below == 0 ? Double.NEGATIVE_INFINITY : sorted[below - 1];
      double hi = below == n ? Double.POSITIVE_INFINITY : sorted[below];
      if (t > lo && t < hi) return t;
    }
    for (double t : sorted) {   // else at the kink where the derivative changes sign
      int less = 0;
      int greater = 0;
      for (double v : sorted) {
        if (v < t) less++;
        if (v > t) greater++;
      }
      double smooth = curvature * (n * t - sum);
      if (alpha * (2 * less - n) + smooth <= 0 && alpha * (n - 2 * greater) + smooth >= 0) return t;
    }
    return sorted[n / 2];
  }

  /**
   * Doubles of a pass's result per model: Σw·ℓ; per coefficient set c, Σr_c and g_c = Σr_c·x (p); with the
   * Hessian over w features (all p, or a working set), per block q of {@link #blocks}, s_q = Σv_q,
   * h_q = Σv_q·x (w) and H_q = Σv_q·xxᵀ (w(w+1)/2, packed lower triangle); without it {@code w} is −1.
   */
  static int modelStride(int p, int sets, int w) {
    return 1 + sets * (1 + p) + (w >= 0 ? blocks(sets) * blockStride(w) : 0);
  }

  static int blockStride(int p) {
    return 1 + p + p * (p + 1) / 2;
  }

  /**
   * Hessian blocks a pass gathers: binomial 1 (v = w·p(1 − p)); multinomial one per pair a ≤ b of the
   * K − 1 free classes (v_ab = w·(p_a[a = b] − p_a·p_b)), the reference class's blocks being minus the sums
   * of the others' (each row's softmax Hessian has rows summing to 0). Block (a, b) is {@code b(b+1)/2 + a}.
   */
  static int blocks(int sets) {
    return sets == 1 ? 1 : (sets - 1) * sets / 2;
  }

  /**
   * Where each model's statistics start in a pass's result (the last entry: its length); a gradient-only
   * model ships O(K'p) numbers, not the Hessian's O(p²), a model with a working set O(w²).
   */
  static int[] offsets(int p, int sets, boolean[] full, int[][] features) {
    int[] out = new int[full.length + 1];
    for (int m = 0; m < full.length; m++) {
      out[m + 1] = out[m] + modelStride(p, sets, hessianWidth(p, full[m], features[m]));
    }
    return out;
  }

  /** The features a model's Hessian covers: all p ({@code features} null), its working set, or −1 (none). */
  static int hessianWidth(int p, boolean full, int[] features) {
    return !full ? -1 : features == null ? p : features.length;
  }

  /**
   * The pass: for models i with held-out fold {@code held[i]} and per coefficient set (β_c, b̃₀_c) at
   * {@code coef[i·K'(p+1) + c(p+1)..]}, every row outside the held-out fold adds its terms; the Hessian
   * statistics of model i are over its working set {@code features[i]} (null: all p features); multinomial
   * Hessian blocks are over the classes {@code free} (all but one reference class). Static, so the
   * closure ships only arrays.
   */
  static double[] aggregate(JavaRDD<RowBlocks.Block> blocks, int p, int numClasses, int[] free, int[] held,
      boolean[] full, int[][] features, double[] coef) {
    int[] offsets = offsets(p, numClasses == 2 ? 1 : numClasses, full, features);
    return blocks.treeAggregate(new double[offsets[held.length]],
        (acc, b) -> {
          if (numClasses == 2) accumulate(b, p, held, full, features, coef, acc);
          else accumulate(b, p, numClasses, free, held, full, features, coef, acc);
          return acc;
        },
        (x, y) -> {
          for (int i = 0; i < x.length; i++) x[i] += y[i];
          return x;
        }, 2);
  }

  /**
   * Whether entry {@code held} of a pass leaves out a row of this fold: held ≥ 0 is the training set
   * without fold {@code held}; held = −2 − g is fold g's rows alone (a part of a shared Hessian).
   */
  static boolean skips(int held, int fold) {
    return held >= 0 ? fold == held : fold != -2 - held;
  }

  /**
   * The rows of one tile (up to {@link GramKernel#CHUNK} of a block) that model {@code held} uses: their
   * offsets in x into {@code rows}, their indices into {@code index}; returns how many.
   */
  private static int tileRows(int held, int[] folds, int from, int to, int p, int[] rows, int[] index) {
    int count = 0;
    for (int i = from; i < to; i++) {
      if (skips(held, folds[i])) continue;
      index[count] = i;
      rows[count++] = i * p;
    }
    return count;
  }

  /**
   * A model's Hessian rows waiting for a whole {@link GramKernel#CHUNK}: their offsets in x (or, with a
   * working set, their working-set columns gathered here) and, per Hessian block, their weights.
   */
  private static final class Pending {
    final int[] rows = new int[GramKernel.CHUNK];
    final double[][] v;
    /** The working set (null: every feature, read in place from the block). */
    final int[] features;
    final double[] gathered;
    int n;

    Pending(int blocks, int[] features) {
      v = new double[blocks][GramKernel.CHUNK];
      this.features = features;
      gathered = features == null ? null : new double[GramKernel.CHUNK * features.length];
    }

    /**
     * Adds the rows of a tile (weights {@code vs[q][u]}); block q's h_q and H_q start at
     * {@code acc[at + q·stride..]}.
     */
    void add(int[] tileRows, double[][] vs, int count, GramKernel kernel, double[] x, int p, double[] acc, int at,
        int stride, double[] scratch) {
      for (int u = 0; u < count; u++) {
        if (features == null) {
          rows[n] = tileRows[u];
        } else {
          int to = n * features.length;
          int from = tileRows[u];
          for (int c = 0; c < features.length; c++) gathered[to + c] = x[from + features[c]];
          rows[n] = to;
        }
        for (int q = 0; q < v.length; q++) v[q][n] = vs[q][u];
        if (++n == GramKernel.CHUNK) flush(kernel, x, p, acc, at, stride, scratch);
      }
    }

    void flush(GramKernel kernel, double[] x, int p, double[] acc, int at, int stride, double[] scratch) {
      double[] source = features == null ? x : gathered;
      int w = features == null ? p : features.length;
      for (int q = 0; q < v.length && n > 0; q++) {
        kernel.combine(v[q], source, rows, n, w, acc, at + q * stride);
        kernel.add(source, w, rows, v[q], n, acc, at + q * stride + w, scratch);
      }
      n = 0;
    }
  }

  /**
   * The binomial pass over one block, a tile of {@link GramKernel#CHUNK} rows at a time for every model
   * (the tile stays in cache while each model's margins, losses and gradient shares are taken from it,
   * four rows at a time); H through the Gram kernel a whole chunk of a model's rows at a time.
   */
  static void accumulate(RowBlocks.Block b, int p, int[] held, boolean[] full, int[][] features, double[] coef,
      double[] acc) {
    int[] offsets = offsets(p, 1, full, features);
    double[] x = b.x();
    double[] ys = b.y();
    double[] ws = b.w();
    int[] folds = b.fold();
    GramKernel kernel = GramKernel.get();
    int models = held.length;
    int tile = GramKernel.CHUNK;
    int[] rows = new int[tile];
    int[] index = new int[tile];
    double[] eta = new double[tile];
    double[] res = new double[tile];
    double[][] v = new double[1][tile];
    double[] scratch = kernel.scratch(p);
    Pending[] pending = new Pending[models];
    double[] loss = new double[models];
    double[] sv = new double[models];
    double[] sr = new double[models];
    for (int from = 0; from < b.n(); from += tile) {
      int to = Math.min(b.n(), from + tile);
      for (int m = 0; m < models; m++) {
        int count = tileRows(held[m], folds, from, to, p, rows, index);
        if (count == 0) continue;
        int co = m * (p + 1);
        double b0 = coef[co + p];
        int g = offsets[m] + 2;
        kernel.margins(coef, co, x, rows, count, p, eta);
        double l = 0;
        double r = 0;
        double s = 0;
        for (int u = 0; u < count; u++) {
          int i = index[u];
          double e = b0 + eta[u];
          double t = Math.exp(-Math.abs(e));
          double prob;
          double comp;
          if (e >= 0) {
            prob = 1 / (1 + t);
            comp = t / (1 + t);
          } else {
            prob = t / (1 + t);
            comp = 1 / (1 + t);
          }
          double y = ys[i];
          double w = ws[i];
          l += w * ((e >= 0 ? (1 - y) * e : -y * e) + Math.log(1 + t));   // log1p: 1e−16 better, 3× slower
          res[u] = w * (y - prob);
          r += res[u];
          v[0][u] = w * prob * comp;
          s += v[0][u];
        }
        loss[m] += l;
        sr[m] += r;
        kernel.combine(res, x, rows, count, p, acc, g);
        if (!full[m]) continue;
        int hessian = g + p;   // s, h, H
        sv[m] += s;
        if (pending[m] == null) pending[m] = new Pending(1, features[m]);
        pending[m].add(rows, v, count, kernel, x, p, acc, hessian + 1, 0, scratch);
      }
    }
    for (int m = 0; m < models; m++) {
      int o = offsets[m];
      acc[o] += loss[m];
      acc[o + 1] += sr[m];
      if (!full[m]) continue;
      int hessian = o + 2 + p;   // s, h, H
      acc[hessian] += sv[m];
      if (pending[m] != null) pending[m].flush(kernel, x, p, acc, hessian + 1, 0, scratch);
    }
  }

  /**
   * The multinomial pass over one block: per model, Σw·ℓ with ℓ = log Σ_k e^{η_k} − η_y, per class k
   * Σr_k and g_k with r_k = w([y = k] − p_k), and the {@link #blocks} of the softmax Hessian over the free
   * classes; a tile of rows at a time for every model, as the binomial pass.
   */
  static void accumulate(RowBlocks.Block b, int p, int classes, int[] free, int[] held, boolean[] full,
      int[][] features, double[] coef, double[] acc) {
    int[] offsets = offsets(p, classes, full, features);
    int width = classes * (p + 1);
    int pairs = blocks(classes);
    double[] x = b.x();
    double[] ys = b.y();
    double[] ws = b.w();
    int[] folds = b.fold();
    GramKernel kernel = GramKernel.get();
    int models = held.length;
    int tile = GramKernel.CHUNK;
    int[] rows = new int[tile];
    int[] index = new int[tile];
    double[][] eta = new double[classes][tile];   // margins, then probabilities
    double[][] res = new double[classes][tile];
    double[][] v = new double[pairs][tile];
    double[] scratch = kernel.scratch(p);
    Pending[] pending = new Pending[models];
    double[] loss = new double[models];
    double[][] sv = new double[models][pairs];
    double[][] sr = new double[models][classes];
    for (int from = 0; from < b.n(); from += tile) {
      int to = Math.min(b.n(), from + tile);
      for (int m = 0; m < models; m++) {
        int count = tileRows(held[m], folds, from, to, p, rows, index);
        if (count == 0) continue;
        int co = m * width;
        int o = offsets[m];
        for (int c = 0; c < classes; c++) kernel.margins(coef, co + c * (p + 1), x, rows, count, p, eta[c]);
        double l = 0;
        for (int u = 0; u < count; u++) {
          int i = index[u];
          double max = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < classes; c++) {
            eta[c][u] += coef[co + c * (p + 1) + p];
            max = Math.max(max, eta[c][u]);
          }
          int y = (int) ys[i];
          double w = ws[i];
          double margin = max - eta[y][u];
          double sum = 0;
          for (int c = 0; c < classes; c++) {
            eta[c][u] = Math.exp(eta[c][u] - max);   // now the unnormalized probability
            sum += eta[c][u];
          }
          l += w * (Math.log(sum) + margin);   // ℓ = log Σe^{η_k − max} + max − η_y
          for (int c = 0; c < classes; c++) {
            eta[c][u] /= sum;   // now the probability
            res[c][u] = w * ((c == y ? 1 : 0) - eta[c][u]);
            sr[m][c] += res[c][u];
          }
          if (!full[m]) continue;
          for (int bb = 0; bb < free.length; bb++) {
            double pb = eta[free[bb]][u];
            for (int a = 0; a <= bb; a++) {
              double pa = eta[free[a]][u];
              int q = bb * (bb + 1) / 2 + a;
              v[q][u] = w * ((a == bb ? pa : 0) - pa * pb);
              sv[m][q] += v[q][u];
            }
          }
        }
        loss[m] += l;
        for (int c = 0; c < classes; c++) kernel.combine(res[c], x, rows, count, p, acc, o + 2 + c * (1 + p));
        if (!full[m]) continue;
        int hessian = o + 1 + classes * (1 + p);
        if (pending[m] == null) pending[m] = new Pending(pairs, features[m]);
        pending[m].add(rows, v, count, kernel, x, p, acc, hessian + 1, blockStride(hessianWidth(p, true,
            features[m])), scratch);
      }
    }
    for (int m = 0; m < models; m++) {
      int o = offsets[m];
      acc[o] += loss[m];
      for (int c = 0; c < classes; c++) acc[o + 1 + c * (1 + p)] += sr[m][c];
      if (!full[m]) continue;
      int hessian = o + 1 + classes * (1 + p);
      int stride = blockStride(hessianWidth(p, true, features[m]));
      for (int q = 0; q < pairs; q++) acc[hessian + q * stride] += sv[m][q];
      if (pending[m] != null) pending[m].flush(kernel, x, p, acc, hessian + 1, stride, scratch);
    }
  }

  /**
   * Every model of every fold on that fold's rows: fold f's models have per coefficient set (β_c, b̃₀_c)
   * at {@code coef[f][m·K'(p+1) + c(p+1)..]}; returns their evaluations [fold][model], AUC included for
   * binomial. One pass for the running sums, merged on the executors; binomial AUC from a second pass
   * through {@link Auc} (model f·models + m). Probabilities as {@link LinearPredictor} (and MLlib's model).
   */
  private static List<List<EnumMap<Metric, Double>>> score(JavaRDD<RowBlocks.Block> blocks, int k, int p,
      int numClasses, int models, double[][] coef, long largestFold) {
    Evaluation[][] total = blocks.mapPartitions(it -> {
      Evaluation[][] e = new Evaluation[k][models];
      for (int f = 0; f < k; f++) for (int m = 0; m < models; m++) e[f][m] = new Evaluation(numClasses);
      double[] out = new double[numClasses];
      while (it.hasNext()) {
        RowBlocks.Block b = it.next();
        for (int i = 0; i < b.n(); i++) {
          int f = b.fold()[i];
          for (int m = 0; m < models; m++) {
            probabilities(coef[f], m, b.x(), i, p, numClasses, out);
            e[f][m].add(b.y()[i], b.w()[i], out);
          }
        }
      }
      return List.<Evaluation[][]>of(e).iterator();
    }).treeReduce((a, b) -> {
      for (int f = 0; f < k; f++) Evaluation.merge(a[f], b[f]);
      return a;
    });
    double[] auc = numClasses != 2 ? null : Auc.of(blocks.flatMap(b -> {
      List<Auc.Scored> rows = new ArrayList<>(b.n());
      double[] out = new double[2];
      for (int i = 0; i < b.n(); i++) {
        int f = b.fold()[i];
        double[] scores = new double[models];
        for (int m = 0; m < models; m++) {
          probabilities(coef[f], m, b.x(), i, p, numClasses, out);
          scores[m] = out[1];
        }
        rows.add(Auc.record(f * models, scores, b.y()[i], b.w()[i]));
      }
      return rows.iterator();
    }), k * models, largestFold);
    List<List<EnumMap<Metric, Double>>> metrics = new ArrayList<>(k);
    for (int f = 0; f < k; f++) {
      List<EnumMap<Metric, Double>> fold = new ArrayList<>(models);
      for (int m = 0; m < models; m++) {
        EnumMap<Metric, Double> mm = total[f][m].metrics();
        if (auc != null) mm.put(Metric.AUC, auc[f * models + m]);
        fold.add(mm);
      }
      metrics.add(fold);
    }
    return metrics;
  }

  /** Class probabilities of model m (coefficients in {@code c} as in {@link #score}) at row i of x. */
  private static void probabilities(double[] c, int m, double[] x, int i, int p, int numClasses, double[] out) {
    int sets = numClasses == 2 ? 1 : numClasses;
    int co = m * sets * (p + 1);
    if (numClasses == 2) {
      double eta = c[co + p] + GramKernel.get().dot(c, co, x, i * p, p);
      // As LinearPredictor (and MLlib's model): p₁ = 1/(1 + e^−η).
      double p1 = 1 / (1 + Math.exp(-eta));
      out[0] = 1 - p1;
      out[1] = p1;
      return;
    }
    for (int s = 0; s < sets; s++) {
      int cc = co + s * (p + 1);
      out[s] = c[cc + p] + GramKernel.get().dot(c, cc, x, i * p, p);
    }
    LinearPredictor.softmax(out, sets);
  }
}
