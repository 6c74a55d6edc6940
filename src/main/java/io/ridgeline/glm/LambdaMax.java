package io.ridgeline.glm;

import io.ridgeline.config.Family;
import io.ridgeline.config.SweepSpec.ModelSpec;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * λ_max: the smallest λ at which MLlib's elastic-net solution has every coefficient zero.
 *
 * <p>At β = 0 (intercepts at their optimum) the KKT condition of MLlib's objective
 * (loss + λ[α‖β̃‖₁ + (1−α)/2‖β̃‖²], β̃_j = σ_jβ_j with standardization) holds for feature j iff
 * |g_j| ≤ λ·α·s_j, where g_j = (1/Σw)·Σw_i·x_ij·(y_i − μ_i) is the gradient of the mean loss at zero
 * and s_j = σ_j with standardization (1 without). Hence λ_max = max_j |g_j| / (α·s_j).
 *
 * <ul>
 *   <li>linear: μ_i = ȳ with an intercept, 0 without (σ_y cancels: MLlib scales both loss and λ by it);
 *   <li>binomial: μ_i = ȳ (the fitted intercept-only probability) with an intercept, ½ without;
 *   <li>multinomial: g_kj with y → [y = k] and μ → π_k (class share) or 1/K; max over k and j.
 * </ul>
 * σ_j is the weighted population standard deviation for linear (MLlib's normal-equation solver, up to
 * 4096 features) and the unbiased one for logistic (MLlib's Summarizer); constant features are skipped
 * (MLlib keeps them at zero). For α = 0, λ_max is placed with α = 0.001, as glmnet does.
 *
 * <p>λ_max is the KKT boundary itself, where round-off in the solver's gradient (and its intercepts,
 * solved to a tolerance) decides whether a coefficient ends at 0 or at 1e−18. So the value returned is
 * placed {@link #BOUNDARY_MARGIN} (relative) above the boundary, where every coefficient is exactly 0.
 */
public final class LambdaMax {
  public static final double ALPHA_FLOOR = 1e-3;
  /** Relative distance of the returned λ_max above the exact KKT boundary. */
  public static final double BOUNDARY_MARGIN = 1e-9;
  private static final int NORMAL_SOLVER_MAX_FEATURES = 4096;

  private final double base;

  private LambdaMax(double base) {
    this.base = base;
  }

  /**
   * Gathers the moments in one pass over {@code rows} (columns features, label, weight first). With an
   * intercept g_j and σ_j are centred moments, unchanged by a shift of x_j or (linear) y, so the sums are
   * taken around the first row's values (its stored features and, for linear, its label): an offset of
   * 1e9 costs no digits. Without an intercept a shift would change the problem; the sums are raw.
   */
  public static LambdaMax of(Dataset<Row> rows, ModelSpec spec, int numFeatures, int numClasses) {
    int[] shiftIndex = new int[0];
    double[] shiftValue = new double[0];
    double yShift = 0;
    if (spec.intercept()) {
      java.util.List<Row> first = rows.limit(1).collectAsList();
      if (!first.isEmpty()) {
        org.apache.spark.ml.linalg.SparseVector s = ((Vector) first.get(0).get(0)).toSparse();
        shiftIndex = s.indices();
        shiftValue = s.values();
        if (numClasses == 0) yShift = first.get(0).getDouble(1);
      }
    }
    int[] index = shiftIndex;
    double[] value = shiftValue;
    double t = yShift;
    Moments m = rows.javaRDD().treeAggregate(
        new Moments(numFeatures, numClasses),
        (acc, r) -> acc.addShifted((Vector) r.get(0), index, value, r.getDouble(1) - t, r.getDouble(2)),
        Moments::merge);
    return new LambdaMax(base(m, spec));
  }

  /**
   * From α·λ_max computed elsewhere: the Gaussian engine's statistics hold it
   * ({@link GaussianSolver#lambdaMaxBase}), so its sweep needs no pass of its own.
   */
  static LambdaMax ofBase(double base) {
    return new LambdaMax(base);
  }

  /** λ_max for mixing α. */
  public double at(double alpha) {
    return base * (1 + BOUNDARY_MARGIN) / Math.max(alpha, ALPHA_FLOOR);
  }

  static double base(Moments m, ModelSpec spec) {
    boolean populationStd = spec.family() == Family.LINEAR && m.p <= NORMAL_SOLVER_MAX_FEATURES;
    double best = 0;
    for (int j = 0; j < m.p; j++) {
      double var = populationStd ? m.populationVariance(j) : m.unbiasedVariance(j);
      if (!(var > 0)) continue;
      double scale = spec.standardize() ? Math.sqrt(var) : 1;
      if (m.numClasses > 2) {
        for (int k = 0; k < m.numClasses; k++) {
          double share = spec.intercept() ? m.classW[k] / m.sumW : 1.0 / m.numClasses;
          double g = (m.sumWXClass[k * m.p + j] - share * m.sumWX[j]) / m.sumW;
          best = Math.max(best, Math.abs(g) / scale);
        }
      } else {
        double mu = spec.intercept() ? m.sumWY / m.sumW : (m.numClasses == 2 ? 0.5 : 0);
        double g = (m.sumWXY[j] - mu * m.sumWX[j]) / m.sumW;
        best = Math.max(best, Math.abs(g) / scale);
      }
    }
    return best;
  }
}
