package io.ridgeline.glm;

import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.WorkUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The wide engines' driver-side path solver: a batched working-set proximal Newton method (glmnet's
 * sequential strong rules with KKT checks; skglm/celer's working sets) for every (training set, α) model
 * at once, each pass one {@link WidePass} over the {@link SparseBlocks}.
 *
 * <p><b>Objective</b>, for a training set T with W = Σ_T w, exactly MLlib's:
 * <pre>
 *   gaussian: F = 1/(2W)·Σw(y − b₀ − xᵀβ)² + λα·Σπ_j|β_j| + ½·λ(1−α)/σ_y·Σπ_j²β_j²
 *   binomial: F = (1/W)·Σw(log(1 + e^η) − yη)    + λα·Σπ_j|β_j| + ½·λ(1−α)·Σπ_j²β_j²
 * </pre>
 * with π_j = σ_j under standardization and 1 without, and features with σ_j = 0 held at 0. Binomial
 * (MLlib's {@code LogisticRegression}, any p): σ_j is the weighted unbiased std (Summarizer). Gaussian:
 * MLlib's {@code LinearRegression} solves the normal equations ({@code WeightedLeastSquares}) up to
 * {@value #NORMAL_EQUATIONS} features, with population (1/W) σ_j and σ_y, and L-BFGS/OWL-QN beyond, whose
 * {@code LeastSquaresCostFun} scales by the Summarizer's unbiased σ_j and σ_y (λ/σ_y, per-feature L1
 * weights λα/σ_j and the L2 term over σ_j² without standardization: the same F with those σ). The
 * solver uses whichever MLlib would at that p.
 *
 * <p><b>Per model and λ</b>: the working set W restarts (glmnet) from the active features (β_j ≠ 0)
 * plus the strong set {j : |∇_j| &gt; απ_j(2λ − λ_prev)}, features at 0 outside it leaving W (∇ the gradient of the smooth part at the previous solution; for the
 * first λ, λ_prev is where every coefficient vanishes). Each pass returns the loss, the full gradient and
 * H_W = Σv·x_W x_Wᵀ, h_W = Σv·x_W, S = Σv at the current point; the driver minimizes the penalized
 * quadratic model on W, the intercept profiled out,
 * <pre>
 *   A = (H_W − h_W h_Wᵀ/S)/W,   c = Aβ_W + (G_W − h_W·R/S)/W,   l1 = λα,   l2 = λ(1−α)·(1/σ_y or 1)
 * </pre>
 * by {@link ElasticNetQuadratic} (coordinate descent; Cholesky for α = 0), then b₀ += (h_Wᵀ(β̂ − β) + R)/S
 * (no intercept: A = H_W/W, c = Aβ_W + G_W/W). For gaussian the model is exact and its A does not depend
 * on β: one step solves the problem on W and A is cached until W grows. For binomial Newton's step is
 * checked by the next pass's loss (halving towards the last accepted point if F rose) and a model has
 * converged on W when Newton's quadratic convergence puts its error, C·d² with d the step in fitted
 * values (max_j |Δβ_j|σ_j and the move of the mean η) and C = d/d_prev², below
 * {@value LogisticEngine#PREDICTED_ERROR} — the criterion of {@link LogisticEngine}.
 *
 * <p><b>KKT check</b>: at a point converged on W the next pass's full gradient is checked for every
 * varying feature at 0: violators (|∇_j| &gt; λαπ_j + 1e−11·σ_j·σ_y, σ_y = 1 for binomial) join W and the model steps again;
 * none, and the point is the solution at λ. That same pass is the start of the next λ (its gradient gives
 * the strong set, its Hessian the first step), and it gathers the Hessian over W grown by the strong set
 * predicted from the previous gradient, so a λ usually costs one pass (gaussian) or the Newton steps
 * (binomial). W grows at most by {@value #GROWTH} features (or |W|) at a time, the strongest first, and
 * never beyond {@code maxWorking}: when the violators do not fit, W's features at 0 leave it first
 * (skglm: W ≈ the active set plus the largest violators). Convergence is declared only when no feature
 * violates; a model whose active set alone fills the budget with violators left stops at the optimum
 * on W, with a note (not exact).
 *
 * <p><b>Memory</b>: per model the gradient and β over p, and H_W (|W|²/2); models whose passes' results
 * would exceed the pass budget are split into several passes. Working sets never exceed
 * {@code maxWorking} (what {@link EnginePlan} accounts for).
 */
final class WidePath {
  /** MLlib's LinearRegression solves the normal equations up to this many features. */
  static final int NORMAL_EQUATIONS = GaussianEngine.MAX_FEATURES;
  private static final double DESCENT_TOLERANCE = 1e-13;
  /** A violation smaller than this·σ_j·(σ_y) would move the fit by less than ~1e−10 (σ_y): not one. */
  private static final double KKT_SLACK = 1e-11;
  private static final int GROWTH = 256;
  private static final int MAX_PASSES = 500;
  private static final int MAX_HALVINGS = 60;
  /** Coordinate-descent sweeps per round of {@link #solve}, and rounds. */
  private static final int SWEEPS = 200;
  private static final int ROUNDS = 200;

  /**
   * A solution in original coordinates and the passes it took at its λ.
   *
   * @param converged the optimality conditions held on every feature (false: a cap or the budget ended it) */
  record Solution(double[] beta, double[] intercepts, int iterations, boolean converged) {
    /** β as K'×p row-major (K' = 1 but for multinomial) and one intercept per coefficient vector. */
    Solution(double[] beta, double intercept, int iterations, boolean converged) {
      this(beta, new double[] {intercept}, iterations, converged);
    }

    /** The intercept (gaussian, binomial). */
    double intercept() {
      return intercepts[0];
    }
  }

  private final ModelSpec spec;
  private final boolean binomial;
  private final int p;
  private final SparseBlocks blocks;
  private final SweepRunner runner;
  private final String name;
  private final List<List<GridPoint>> paths;
  private final List<Integer> trainingSets;
  private final List<Model> models = new ArrayList<>();
  private final long passBudget;
  private final int maxWorking;
  /** Wall seconds per model at each λ index. */
  final double[] seconds;
  /** Notes for the log (constant labels), once each. */
  final List<String> notes = new ArrayList<>();

  /**
   * @param passBudget doubles a pass may return (models are split into several passes beyond it)
   * @param maxWorking the largest working set a model may hold
   */
  WidePath(ModelSpec spec, boolean binomial, SparseBlocks blocks, SparseBlocks.FoldMoments moments,
      List<List<GridPoint>> paths, List<Integer> trainingSets, SweepRunner runner, long passBudget, int maxWorking) {
    this.spec = spec;
    this.binomial = binomial;
    this.p = blocks.p;
    this.blocks = blocks;
    this.runner = runner;
    this.name = binomial ? "wide binomial" : "wide gaussian";
    this.paths = paths;
    this.trainingSets = trainingSets;
    this.passBudget = passBudget;
    this.maxWorking = maxWorking;
    int lambdas = paths.stream().mapToInt(List::size).max().orElse(0);
    seconds = new double[lambdas];
    for (int t : trainingSets) {
      TrainingSet set = new TrainingSet(spec, binomial, blocks.yShift, t, moments);
      if (set.constant != null && !notes.contains(set.constant)) notes.add(set.constant);
      for (int a = 0; a < paths.size(); a++) models.add(new Model(set, a, paths.get(a).get(0).alpha()));
    }
  }

  /** One model's state along its λ path. */
  private final class Model {
    final TrainingSet set;
    final int path;
    final double alpha;
    /** λ index of the current problem (−1: before the first, at β = 0). */
    int index = -1;
    double lambda = Double.NaN;
    /** W in insertion order (it only grows), position of each feature in W or −1, β on W. */
    int[] working = new int[16];
    int size;
    final int[] position;
    double[] beta = new double[16];
    double b0;
    /** The last accepted point at this λ (null: none yet), for step halving. */
    double[] acceptedBeta;
    double acceptedB0;
    double acceptedF = Double.NaN;
    int halvings;
    /** The current point was converged on W: the next pass's gradient is its KKT check. */
    boolean verifying = true;
    /** The next pass gathers the Hessian over W. */
    boolean wantHessian;
    /** Cached quadratic model (gaussian: valid while its size equals |W|; binomial: from the last pass). */
    double[] hessian;
    double[] h;
    double s;
    int hessianSize = -1;
    double lastStep = Double.NaN;
    double rate = 1;
    int passes;
    boolean finished;
    /** Features the last {@link #grow} added to W. */
    int added;
    final Solution[] solutions;

    Model(TrainingSet set, int path, double alpha) {
      this.set = set;
      this.path = path;
      this.alpha = alpha;
      position = new int[p];
      Arrays.fill(position, -1);
      b0 = set.intercept0;
      solutions = new Solution[paths.get(path).size()];
      if (set.constant != null) {
        for (int l = 0; l < solutions.length; l++) solutions[l] = original(this, 0, true);
        index = solutions.length;
        finished = true;
      }
    }

    void add(int j) {
      if (position[j] >= 0 || !(set.sigma[j] > 0)) return;
      if (size == working.length) {
        working = Arrays.copyOf(working, size * 2);
        beta = Arrays.copyOf(beta, size * 2);
      }
      position[j] = size;
      working[size] = j;
      beta[size++] = 0;
    }

    /**
     * Keeps the features of W at the positions {@code keep} marks (in W's order), dropping the others
     * (all at β = 0, so the point, its loss and its penalty are unchanged); the cached Hessian (if it is
     * W's) and the last accepted point follow.
     */
    void retain(boolean[] keep) {
      int q = size;
      int[] map = new int[q];
      int kept = 0;
      for (int a = 0; a < q; a++) map[a] = keep[a] ? kept++ : -1;
      if (kept == q) return;
      if (hessianSize == q) {
        double[] hk = new double[kept];
        double[] packed = new double[kept * (kept + 1) / 2];
        for (int a = 0; a < q; a++) {
          if (map[a] < 0) continue;
          hk[map[a]] = h[a];
          for (int b = 0; b <= a; b++) if (map[b] >= 0) packed[map[a] * (map[a] + 1) / 2 + map[b]] = hessian[a * (a + 1) / 2 + b];
        }
        h = hk;
        hessian = packed;
        hessianSize = kept;
      } else {
        hessianSize = -1;
      }
      if (acceptedBeta != null) {
        double[] accepted = new double[kept];
        for (int a = 0; a < Math.min(q, acceptedBeta.length); a++) if (map[a] >= 0) accepted[map[a]] = acceptedBeta[a];
        acceptedBeta = accepted;
      }
      for (int a = 0; a < q; a++) {
        int j = working[a];
        position[j] = map[a];
        if (map[a] >= 0) {
          working[map[a]] = j;
          beta[map[a]] = beta[a];
        }
      }
      for (int a = kept; a < q; a++) beta[a] = 0;
      size = kept;
    }

    /** Drops from W the features at β = 0 (W becomes the active set). */
    void retainActive() {
      boolean[] keep = new boolean[size];
      for (int a = 0; a < size; a++) keep[a] = beta[a] != 0;
      retain(keep);
    }

    double penaltyValue() {
      double l1 = 0;
      double l2 = 0;
      for (int a = 0; a < size; a++) {
        double pb = set.penalty[working[a]] * beta[a];
        l1 += Math.abs(pb);
        l2 += pb * pb;
      }
      return lambda * (alpha * l1 + 0.5 * (1 - alpha) * set.l2Scale * l2);
    }
  }

  /** Solutions [training set index][path][λ index], in original coordinates. */
  Solution[][][] run() {
    int lambdas = seconds.length;
    for (int l = 0; l < lambdas; l++) {
      int index = l;
      List<Model> at = models.stream().filter(m -> !m.finished && index < paths.get(m.path).size()).toList();
      int trials = (int) at.stream().filter(m -> m.set.held < foldCount()).count();
      String label = "λ " + (l + 1) + "/" + lambdas;
      long start = System.nanoTime();
      runner.run(List.of(new WorkUnit<>(label + " · " + at.size() + " models", trials,
          () -> solveLambda(index, at, label), passes -> passes)));
      seconds[l] = (System.nanoTime() - start) / 1e9 / Math.max(1, at.size());
    }
    Solution[][][] out = new Solution[trainingSets.size()][paths.size()][];
    for (Model m : models) out[trainingSets.indexOf(m.set.held)][m.path] = m.solutions;
    return out;
  }

  private int foldCount() {
    return trainingSets.stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** Passes until every model in {@code at} has solved λ index l; returns the passes, for the progress line. */
  private String solveLambda(int l, List<Model> at, String label) {
    int passes = 0;
    long driverNanos = 0;
    long passNanos = 0;
    int largest = 0;
    while (true) {
      List<Model> active = at.stream().filter(m -> m.index <= l && !m.finished).toList();
      for (Model m : active) largest = Math.max(largest, m.size);
      if (active.isEmpty()) {
        return String.format(java.util.Locale.ROOT, "%d passes (%.1f s) · driver steps %.1f s · working sets ≤ %d features",
            passes, passNanos / 1e9, driverNanos / 1e9, largest);
      }
      passes++;
      List<List<Model>> groups = groups(active);
      for (List<Model> group : groups) {
        runner.label(name + " · " + label + " · pass " + passes + " · " + group.size() + " models"
            + (groups.size() > 1 ? " (" + groups.size() + " passes' worth)" : ""));
        WidePass.Models request = request(group);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.rdd().context());
        Broadcast<WidePass.Models> b = sc.broadcast(request);
        double[] stats;
        long started = System.nanoTime();
        try {
          stats = WidePass.aggregate(blocks.rdd(), b);
        } finally {
          b.destroy();
        }
        long aggregated = System.nanoTime();
        passNanos += aggregated - started;
        int[] offsets = request.offsets();
        for (int i = 0; i < group.size(); i++) {
          Model m = group.get(i);
          m.passes++;
          update(m, stats, offsets[i], request.hessian()[i], l);
        }
        driverNanos += System.nanoTime() - aggregated;
      }
    }
  }

  /** Models split so that no pass returns more than the pass budget. */
  private List<List<Model>> groups(List<Model> active) {
    List<List<Model>> out = new ArrayList<>();
    List<Model> group = new ArrayList<>();
    long used = 0;
    for (Model m : active) {
      long width = 3L + p + (m.wantHessian ? m.size + (long) m.size * (m.size + 1) / 2 : 0);
      if (!group.isEmpty() && used + width > passBudget) {
        out.add(group);
        group = new ArrayList<>();
        used = 0;
      }
      group.add(m);
      used += width;
    }
    out.add(group);
    return out;
  }

  private WidePass.Models request(List<Model> group) {
    int[] mark = new int[p];
    Arrays.fill(mark, -1);
    int count = 0;
    for (Model m : group) for (int a = 0; a < m.size; a++) if (mark[m.working[a]] < 0) mark[m.working[a]] = count++;
    int[] union = new int[count];
    for (int j = 0; j < p; j++) if (mark[j] >= 0) union[mark[j]] = j;
    int n = group.size();
    int[] held = new int[n];
    double[] intercept = new double[n];
    double[][] beta = new double[n][];
    int[][] working = new int[n][];
    boolean[] hessian = new boolean[n];
    for (int i = 0; i < n; i++) {
      Model m = group.get(i);
      held[i] = m.set.held;
      intercept[i] = m.b0;
      beta[i] = new double[count];
      working[i] = new int[m.size];
      for (int a = 0; a < m.size; a++) {
        int u = mark[m.working[a]];
        working[i][a] = u;
        beta[i][u] = m.beta[a];
      }
      hessian[i] = m.wantHessian;
    }
    return new WidePass.Models(binomial ? 2 : 0, p, union, held, intercept, beta, working, hessian);
  }

  /** The model's response to a pass at its current point (statistics at offset o). */
  private void update(Model m, double[] stats, int o, boolean gathered, int l) {
    if (gathered) {
      int q = m.size;
      m.h = Arrays.copyOfRange(stats, o + WidePass.GRADIENT + p, o + WidePass.GRADIENT + p + q);
      m.hessian = Arrays.copyOfRange(stats, o + WidePass.GRADIENT + p + q, o + WidePass.GRADIENT + p + q + q * (q + 1) / 2);
      m.s = stats[o + WidePass.CURVATURE];
      m.hessianSize = q;
    } else if (binomial) {
      m.hessianSize = -1;   // the Hessian is the point's own
    }
    if (m.index >= 0) {
      double f = stats[o + WidePass.LOSS] / m.set.weight + m.penaltyValue();
      if (m.acceptedBeta != null && f > m.acceptedF + 1e-12 * Math.abs(m.acceptedF)) {
        if (++m.halvings > MAX_HALVINGS) {
          restore(m);
          m.verifying = true;   // the accepted point is as good as it gets: check it
          m.wantHessian = binomial;
          return;
        }
        for (int a = 0; a < m.size; a++) {
          double old = a < m.acceptedBeta.length ? m.acceptedBeta[a] : 0;
          m.beta[a] = 0.5 * (m.beta[a] + old);
        }
        m.b0 = 0.5 * (m.b0 + m.acceptedB0);
        m.verifying = false;
        m.lastStep = Double.NaN;
        m.wantHessian = binomial;
        return;
      }
      m.acceptedBeta = Arrays.copyOf(m.beta, m.size);
      m.acceptedB0 = m.b0;
      m.acceptedF = f;
    }
    double[] gradient = new double[p];   // ∇_j of the smooth part: −G_j/W
    for (int j = 0; j < p; j++) gradient[j] = -stats[o + WidePass.GRADIENT + j] / m.set.weight;
    if (m.verifying) {
      boolean optimal = m.index < 0 || grow(m, gradient, m.lambda * m.alpha, true) == 0;
      // Violators, and the active set alone fills the budget: this point is the best W allows.
      boolean full = !optimal && m.added == 0;
      if (full) note(name + " engine: the active set of a model filled the working-set budget of " + maxWorking
          + " features before the optimality conditions held (α=" + m.alpha + ", λ=" + m.lambda
          + "): its solution there is the optimum on " + m.size + " features, not the exact one");
      if (optimal || full || m.passes > MAX_PASSES) {
        if (m.index >= 0) m.solutions[m.index] = original(m, m.passes, optimal);
        double previous = m.index >= 0 ? m.lambda : lambdaMax(m, gradient);
        if (++m.index >= m.solutions.length) {
          m.finished = true;
          return;
        }
        m.lambda = paths.get(m.path).get(m.index).lambda();
        m.passes = 0;
        m.halvings = 0;
        m.lastStep = Double.NaN;
        restart(m, gradient, m.alpha * Math.max(0, 2 * m.lambda - previous));
        // The point is where the new λ's search starts: its objective there, for step halving.
        m.acceptedBeta = Arrays.copyOf(m.beta, m.size);
        m.acceptedB0 = m.b0;
        m.acceptedF = stats[o + WidePass.LOSS] / m.set.weight + m.penaltyValue();
      }
      m.verifying = false;
    }
    if (!(m.hessianSize == m.size)) {
      m.wantHessian = true;
      return;
    }
    step(m, stats, o, gradient);
  }

  /**
   * Adds to W the varying features at 0 whose |∇_j| exceeds threshold·π_j (plus the KKT slack when
   * {@code kkt}), the strongest {@value #GROWTH} (or |W|) first; returns how many exceeded it.
   */
  private int grow(Model m, double[] gradient, double threshold, boolean kkt) {
    m.added = 0;
    List<double[]> candidates = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      double sigma = m.set.sigma[j];
      if (!(sigma > 0)) continue;
      int a = m.position[j];
      if (a >= 0 && m.beta[a] != 0) continue;
      double bound = threshold * m.set.penalty[j] + (kkt ? KKT_SLACK * sigma * m.set.yScale : 0);
      double g = Math.abs(gradient[j]);
      if (g > bound) candidates.add(new double[] {j, g / Math.max(m.set.penalty[j], Double.MIN_NORMAL)});
    }
    int limit = m.alpha == 0 ? Integer.MAX_VALUE : Math.max(GROWTH, m.size);
    if (kkt && candidates.size() > Math.min(limit, maxWorking - m.size)) {
      // Not all violators fit: W's features at 0 (optimal on W) make room for them.
      m.retainActive();
      limit = m.alpha == 0 ? Integer.MAX_VALUE : Math.max(GROWTH, m.size);
    }
    limit = Math.min(limit, maxWorking - m.size);
    if (candidates.size() > limit) candidates.sort((x, y) -> Double.compare(y[1], x[1]));
    for (int c = 0; c < Math.min(limit, candidates.size()); c++) m.add((int) candidates.get(c)[0]);
    m.added = Math.max(0, Math.min(limit, candidates.size()));
    return candidates.size();
  }

  /**
   * A new λ's working set, as glmnet: the active features (β_j ≠ 0) and the strong set {j : |∇_j| &gt;
   * threshold·π_j} — features W held at 0 that are not strong leave it — within the budget.
   */
  private void restart(Model m, double[] gradient, double threshold) {
    boolean[] keep = new boolean[m.size];
    for (int a = 0; a < m.size; a++) {
      int j = m.working[a];
      keep[a] = m.beta[a] != 0 || Math.abs(gradient[j]) > threshold * m.set.penalty[j];
    }
    m.retain(keep);
    grow(m, gradient, threshold, false);
  }

  private void note(String text) {
    if (!notes.contains(text)) notes.add(text);
  }

  /** The smallest λ at which β = 0 satisfies the KKT conditions (from the gradient at β = 0). */
  private double lambdaMax(Model m, double[] gradient) {
    if (m.alpha == 0) return Double.POSITIVE_INFINITY;
    double max = 0;
    for (int j = 0; j < p; j++) {
      if (m.set.sigma[j] > 0) max = Math.max(max, Math.abs(gradient[j]) / (m.alpha * m.set.penalty[j]));
    }
    return max;
  }

  /** The proximal Newton step on W from the current point; sets what the next pass gathers. */
  private void step(Model m, double[] stats, int o, double[] gradient) {
    int q = m.size;
    double weight = m.set.weight;
    double residual = stats[o + WidePass.RESIDUAL];
    boolean intercept = spec.intercept();
    double[] a = new double[q * q];
    for (int i = 0; i < q; i++) {
      for (int j = 0; j <= i; j++) {
        double v = m.hessian[i * (i + 1) / 2 + j] - (intercept ? m.h[i] * m.h[j] / m.s : 0);
        a[i * q + j] = v / weight;
        a[j * q + i] = v / weight;
      }
    }
    double[] beta = Arrays.copyOf(m.beta, q);
    double[] c = new double[q];
    double[] penalty = new double[q];
    double[] sigma = new double[q];
    for (int i = 0; i < q; i++) {
      int j = m.working[i];
      double s = 0;
      for (int k = 0; k < q; k++) s += a[i * q + k] * beta[k];
      c[i] = s - gradient[j] - (intercept ? m.h[i] * residual / m.s / weight : 0);
      penalty[i] = m.set.penalty[j];
      sigma[i] = m.set.sigma[j];
    }
    beta = solve(q, a, c, penalty, sigma, DESCENT_TOLERANCE * m.set.yScale, beta, m.lambda * m.alpha,
        m.lambda * (1 - m.alpha) * m.set.l2Scale);
    double step = 0;
    double move = 0;
    double meanMove = 0;
    for (int i = 0; i < q; i++) {
      double d = beta[i] - m.beta[i];
      move += m.h == null ? 0 : m.h[i] * d;
      meanMove += m.set.mean[m.working[i]] * d;
      step = Math.max(step, Math.abs(d) * sigma[i]);
    }
    double db0 = intercept ? (residual - move) / m.s : 0;
    step = Math.max(step, Math.abs(db0 + meanMove)) / m.set.yScale;
    System.arraycopy(beta, 0, m.beta, 0, q);
    m.b0 += db0;
    if (!binomial) {
      m.verifying = true;   // the quadratic is the objective: W's problem is solved
      m.wantHessian = false;
    } else {
      if (!Double.isNaN(m.lastStep) && m.lastStep > 0) m.rate = Math.max(1, step / (m.lastStep * m.lastStep));
      m.lastStep = step;
      m.verifying = m.rate * step * step <= LogisticEngine.PREDICTED_ERROR || step <= DESCENT_TOLERANCE;
      m.wantHessian = true;
    }
    if (m.verifying && m.index + 1 < m.solutions.length) {
      // Predict the next λ's strong set from this gradient, so the KKT pass brings its Hessian too.
      int before = m.size;
      double next = paths.get(m.path).get(m.index + 1).lambda();
      grow(m, gradient, m.alpha * Math.max(0, 2 * next - m.lambda), false);
      if (m.size > before) m.wantHessian = true;
    }
  }

  /**
   * Minimizes the quadratic on W from β: coordinate descent in rounds of {@value #SWEEPS} sweeps; when a
   * round ends unconverged (collinear rare features make descent crawl), the signs it found are polished:
   * on S = {β_j ≠ 0} the stationarity equations (A_SS + l2·diag π_S²)x = c_S − l1·π_S·sign(β_S) are solved
   * by Cholesky, and the point is kept if descent from it then converges within a round (so it meets the
   * same criterion as descent alone). At most {@value #ROUNDS} rounds.
   */
  private static double[] solve(int q, double[] a, double[] c, double[] penalty, double[] sigma, double tolerance,
      double[] beta, double l1, double l2) {
    ElasticNetQuadratic quadratic = new ElasticNetQuadratic(q, a, c, penalty, sigma, tolerance, SWEEPS);
    for (int round = 0; round < ROUNDS; round++) {
      if (quadratic.minimize(beta, l1, l2).converged()) return beta;
      int[] s = java.util.stream.IntStream.range(0, q).filter(j -> beta[j] != 0).toArray();
      int n = s.length;
      double[] as = new double[n * n];
      double[] cs = new double[n];
      double[] ps = new double[n];
      double[] ss = new double[n];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) as[i * n + k] = a[s[i] * q + s[k]];
        cs[i] = c[s[i]] - l1 * penalty[s[i]] * Math.signum(beta[s[i]]);
        ps[i] = penalty[s[i]];
        ss[i] = sigma[s[i]];
      }
      double[] x = new double[n];
      try {
        new ElasticNetQuadratic(n, as, cs, ps, ss, tolerance).minimize(x, 0, l2);
      } catch (IllegalStateException singular) {
        continue;   // a singular active set (a lasso with collinear features): descent goes on
      }
      double[] polished = new double[q];
      for (int i = 0; i < n; i++) polished[s[i]] = x[i];
      if (quadratic.minimize(polished, l1, l2).converged()) return polished;
    }
    return beta;
  }

  private void restore(Model m) {
    System.arraycopy(m.acceptedBeta, 0, m.beta, 0, m.acceptedBeta.length);
    for (int a = m.acceptedBeta.length; a < m.size; a++) m.beta[a] = 0;
    m.b0 = m.acceptedB0;
  }

  /** The current point in original coordinates: b₀ = b̃₀ − shiftᵀβ (+ the label shift). */
  private Solution original(Model m, int passes, boolean converged) {
    double[] beta = new double[p];
    double b0 = m.b0 + (binomial ? 0 : blocks.yShift);
    for (int a = 0; a < m.size; a++) {
      beta[m.working[a]] = m.beta[a];
      b0 -= blocks.shift[m.working[a]] * m.beta[a];
    }
    return new Solution(beta, b0, passes, converged);
  }

  /** Runs {@code each} over the notes (constant labels, working sets at their budget), for the log. */
  void notes(Consumer<String> each) {
    notes.forEach(each);
  }
}
