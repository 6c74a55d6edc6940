package io.ridgeline.glm;

import io.ridgeline.config.SweepSpec.ModelSpec;

/**
 * Solves MLlib's elastic-net least-squares problem exactly from {@link Gram} statistics, for a whole λ
 * path at once.
 *
 * <p>The objective is the one MLlib's normal-equation solver ({@code WeightedLeastSquares}) minimizes,
 * written in the original coordinates:
 * <pre>
 *   F(β, b₀) = 1/(2n)·Σw(y − b₀ − xᵀβ)² + λα·Σ_j π_j|β_j| + ½·λ(1−α)/σ_y·Σ_j π_j²β_j²
 * </pre>
 * with π_j = σ_j under standardization and 1 without; σ_j and σ_y are the weighted population (1/n)
 * standard deviations, centred (also without an intercept, as MLlib). With an intercept, b₀ = ȳ − x̄ᵀβ
 * and the loss is ½βᵀAβ − cᵀβ + const with A = Cov_w(x), c = Cov_w(x, y); without, A = E_w[xxᵀ],
 * c = E_w[xy]. Features with σ_j = 0 keep β_j = 0.
 *
 * <p>That is an {@link ElasticNetQuadratic} with l1 = λα and l2 = λ(1−α)/σ_y: Cholesky for α·λ = 0,
 * coordinate descent in covariance mode otherwise, warm-started down the λ path. Converged when no
 * coordinate moves the fit by more than 1e−13·σ_y (|δ_j|·σ_j, in units of y).
 *
 * <p><b>Degenerate training sets</b> ({@link FeatureStats.Set}, exact min/max tests): a feature constant
 * in the training rows has σ_j = 0 exactly and β_j = 0, as glmnet; a constant label gives β = 0 and
 * b₀ = ȳ with an intercept (MLlib's and glmnet's answer; also b₀ = 0 when ȳ = 0 without one); a
 * constant non-zero label without an intercept is refused, as MLlib refuses to regularize it (by
 * {@link GaussianEngine} from its per-fold statistics, before a solver is built).
 *
 * <p><b>Shifted statistics.</b> The {@link Gram} may hold sums of (x − s, y − t) for a fixed shift
 * (s, t) (the overall means, with an intercept only: without one a shift changes the problem). The
 * loss is invariant to it; the solver works in the shifted coordinates and returns the intercept
 * in both: b₀ = t + b₀' − sᵀβ for raw data and b₀' for shifted data.
 */
final class GaussianSolver {
  private static final double TOLERANCE = 1e-13;

  /**
   * A solution: β, the intercept on raw data and on the shifted data of the {@link Gram}, the
   * coordinate-descent sweeps it took (0 for Cholesky) and whether it converged within the cap.
   */
  record Solution(double[] beta, double intercept, double shiftedIntercept, int sweeps, boolean converged) {}

  private final int p;
  private final boolean intercept;
  private final double[] mean;
  private final double yMean;
  private final double ySigma;
  private final double[] xShift;
  private final double yShift;
  /** The training label is constant: every solution is β = 0, b₀ = ȳ. */
  private final boolean constantLabel;
  private final ElasticNetQuadratic quadratic;

  /** From raw statistics, constant features detected from σ_j alone (an objective evaluator). */
  GaussianSolver(Gram g, ModelSpec spec) {
    this(g, spec, null, new double[g.p()], 0);
  }

  /**
   * @param g      statistics of the training rows, shifted by (xShift, yShift)
   * @param set    the same rows' {@link FeatureStats}: exact constant features and label (null: none)
   */
  GaussianSolver(Gram g, ModelSpec spec, FeatureStats.Set set, double[] xShift, double yShift) {
    p = g.p();
    intercept = spec.intercept();
    this.xShift = xShift;
    this.yShift = yShift;
    double n = g.n();
    yMean = g.sy() / n;
    mean = new double[p];
    double[] sigma = new double[p];
    double[] c = new double[p];
    double[] a = new double[p * p];
    for (int j = 0; j < p; j++) {
      mean[j] = g.sx()[j] / n;
      sigma[j] = sigma(g, set, j);
    }
    for (int j = 0; j < p; j++) {
      c[j] = cross(g, intercept, j);
      for (int i = 0; i <= j; i++) {
        double v = g.sxx()[Gram.packed(i, j)] / n - (intercept ? mean[i] * mean[j] : 0);
        a[i * p + j] = v;
        a[j * p + i] = v;
      }
    }
    constantLabel = set != null ? set.labelConstant() : false;
    ySigma = constantLabel ? 0 : Math.sqrt(Math.max(0, g.syy() / n - yMean * yMean));
    if (constantLabel && !intercept && yShift + yMean != 0) {   // the engine refuses it from its statistics
      throw new IllegalStateException("a constant non-zero label without an intercept reached the solver");
    }
    if (!constantLabel && !(ySigma > 0)) {
      throw new IllegalStateException("the label has no variance in a training set that is not constant");
    }
    double[] penalty = spec.standardize() ? sigma : ones(p);
    quadratic = new ElasticNetQuadratic(p, a, c, penalty, sigma, TOLERANCE * ySigma);
  }

  /**
   * α·λ_max of these statistics (see {@link LambdaMax}): max_j |c_j|/π_j over the features that vary.
   * The same c_j, σ_j and constancy tests as the solver's, without forming A: the path's first λ is then
   * the exact boundary of the problem the solver solves. With an intercept a constant label gives 0
   * exactly (its shifted sums need not vanish: the mean of equal values can differ from them in the last
   * bit); without one the engine refuses a constant non-zero label before it asks for λ_max.
   */
  static double lambdaMaxBase(Gram g, ModelSpec spec, FeatureStats.Set set) {
    if (spec.intercept() && set != null && set.labelConstant()) return 0;
    double best = 0;
    for (int j = 0; j < g.p(); j++) {
      double sigma = sigma(g, set, j);
      if (!(sigma > 0)) continue;
      best = Math.max(best, Math.abs(cross(g, spec.intercept(), j)) / (spec.standardize() ? sigma : 1));
    }
    return best;
  }

  /** σ_j, the weighted population standard deviation of feature j; 0 where {@code set} finds it constant. */
  private static double sigma(Gram g, FeatureStats.Set set, int j) {
    if (set != null && set.constant[j]) return 0;
    double mean = g.sx()[j] / g.n();
    return Math.sqrt(Math.max(0, g.sxx()[Gram.packed(j, j)] / g.n() - mean * mean));
  }

  /** c_j: Cov_w(x_j, y) with an intercept, E_w[x_j·y] without. */
  private static double cross(Gram g, boolean intercept, int j) {
    double n = g.n();
    return g.sxy()[j] / n - (intercept ? g.sx()[j] / n * (g.sy() / n) : 0);
  }

  /** The training label is constant (every solution is β = 0, b₀ = ȳ). */
  boolean constantLabel() {
    return constantLabel;
  }

  /** Solutions for the given λ (in the given order, warm-started from one to the next). */
  Solution[] path(double alpha, double[] lambdas) {
    Solution[] out = new Solution[lambdas.length];
    double[] beta = new double[p];
    for (int l = 0; l < lambdas.length; l++) {
      ElasticNetQuadratic.Descent d = constantLabel ? new ElasticNetQuadratic.Descent(0, true)
          : quadratic.minimize(beta, lambdas[l] * alpha, lambdas[l] * (1 - alpha) / ySigma);
      double shifted = interceptFor(beta);
      double raw = intercept ? yShift + shifted : 0;
      for (int j = 0; j < p; j++) raw -= xShift[j] * beta[j];
      out[l] = new Solution(beta.clone(), raw, shifted, d.sweeps(), d.converged());
    }
    return out;
  }

  /**
   * MLlib's objective at β (the intercept at its optimum b₀ = ȳ − x̄ᵀβ, or 0), up to a constant that
   * does not depend on β: ½βᵀAβ − cᵀβ + Σ_j (λαπ_j|β_j| + ½λ(1−α)π_j²β_j²/σ_y).
   */
  double objective(double alpha, double lambda, double[] beta) {
    return quadratic.value(beta, lambda * alpha, lambda * (1 - alpha) / ySigma);
  }

  private double interceptFor(double[] beta) {
    if (!intercept) return 0;
    double b0 = yMean;
    for (int j = 0; j < p; j++) b0 -= beta[j] * mean[j];
    return b0;
  }

  static double[] ones(int p) {
    double[] o = new double[p];
    java.util.Arrays.fill(o, 1);
    return o;
  }
}
