package io.ridgeline.glm;

import java.util.Locale;

/**
 * {@code run.engine: auto}'s choice, by memory: the dense engines where their p² statistics fit the
 * driver's budget, the wide engines where theirs do, MLlib otherwise — never a plan that cannot fit.
 *
 * <p>Driver doubles each plan holds (k folds, |α| values, K classes, p features, m = (k+1)·|α| models):
 * <ul>
 *   <li>gaussian-dense ({@link GaussianEngine}): k·p²/2 for the fold Gram matrices and the pass that
 *       builds them, plus one p² matrix per fold solved at once (counted for two); MLlib's objective
 *       convention holds up to {@value WidePath#NORMAL_EQUATIONS} features only.
 *   <li>logistic-dense ({@link LogisticEngine}): per model the pass's B Hessian blocks, B·p²/2 (B = 1
 *       binomial, K(K−1)/2 multinomial), and its quadratic model over all K'p coefficients, K'²p²
 *       (K' = 1 binomial, K multinomial).
 *   <li>cd-gaussian / cd-binomial ({@link WideEngine} with {@link CoordinatePaths}), where one training set
 *       fits one task ({@link Shape#taskBytes} within the task memory: a quarter of an executor's heap over
 *       its cores): per model β and its solutions, 2p; nothing per row, nothing p².
 *   <li>wide-gaussian / wide-binomial ({@link WideEngine}): per model β and the gradient, 2p, and a
 *       working set's Hessian; with α = 0 in the grid the working set is every feature, so those models
 *       hold p²/2 each; otherwise working sets are held to {@link #maxWorking()} (the solver never exceeds it: at each λ a
 *       working set restarts from the active set and the strong set, KKT rounds add the largest
 *       violators that fit), plus the dense quadratic and Cholesky factor (2w²) of the one model stepping. One pass returns at
 *       most {@link #passBudget()} doubles (models beyond are split into more passes).
 * </ul>
 * The budget is a quarter of the driver's max heap (the rest is Spark's, the data's and the reports').
 *
 * @param bytes  what the plan may hold on the driver at most (0 for MLlib: one fit's own memory)
 * @param budget the driver budget it was chosen for
 */
public record EnginePlan(String engine, String reason, double bytes, long budget, long passBudget, int maxWorking) {
  /** The fraction of the driver's heap the engines may hold. */
  static final double HEAP_FRACTION = 0.25;
  /** Below this many features the dense engines always fit and win: no in-task plan is considered. */
  public static final int IN_TASK_MIN_FEATURES = 200;

  /**
   * What the plan depends on.
   *
   * @param rows       rows of the data (−1: unknown, no in-task plan)
   * @param stored     stored entries of its feature vectors (−1: unknown)
   * @param taskMemory bytes one task may hold (a quarter of an executor's heap over its cores)
   */
  public record Shape(boolean linear, int features, int classes, int folds, int alphas, boolean ridge, long rows,
      long stored, long taskMemory) {
    public Shape(boolean linear, int features, int classes, int folds, int alphas, boolean ridge) {
      this(linear, features, classes, folds, alphas, ridge, -1, -1, 0);
    }

    /**
     * What one in-task training set holds ({@link TrainingColumns}, {@link CoordinatePath}): 12 bytes per
     * stored entry; per row the label, weight and six working vectors (multinomial: 3K + 6, the margins, probabilities and
     * exponentials per class); per feature
     * β, the gradient, the step's point and the columns' statistics (multinomial: 2K + 6); 12 per non-zero
     * of each solution (at most K'·p per λ and α, counted for 16 λ).
     */
    double taskBytes() {
      int sets = classes > 2 ? classes : 1;
      double perRow = 8.0 * (classes > 2 ? 3 * classes + 6 : 8);
      double perFeature = 8.0 * (classes > 2 ? 2 * classes + 6 : 8);
      return 12.0 * stored + perRow * rows + perFeature * features + 12.0 * sets * features * alphas * 16;
    }
  }

  public static EnginePlan choose(Shape s, long maxHeap) {
    long budget = (long) (maxHeap * HEAP_FRACTION);
    double p = s.features();
    long models = (long) (s.folds() + 1) * s.alphas();
    if (s.linear()) {
      double dense = 8 * (s.folds() * p * p / 2 + 2 * p * p);
      if (s.features() <= WidePath.NORMAL_EQUATIONS && dense <= budget) {
        return new EnginePlan("gaussian-dense", "k·p²/2 + 2p² = " + bytes(dense) + " of " + bytes(budget) + " budget",
            dense, budget, 0, 0);
      }
    } else {
      int sets = s.classes() == 2 ? 1 : s.classes();
      double dense = 8 * models * (LogisticEngine.blocks(sets) * p * p / 2 + (double) sets * sets * p * p);
      if (dense <= budget && !inTaskCheaper(s, budget)) {
        return new EnginePlan("logistic-dense", "(k+1)·|α|·(B·p²/2 + K'²p²) = " + bytes(dense) + " of "
            + bytes(budget) + " budget", dense, budget, 0, 0);
      }
    }
    // In-task coordinate descent where a training set fits a task: glmnet's algorithm, no p² anywhere.
    int sets = s.classes() > 2 ? s.classes() : 1;
    double vectors = 8 * models * 2 * p * sets;
    if (inTaskFits(s, budget)) {
      String name = s.linear() ? "cd-gaussian" : s.classes() > 2 ? "cd-multinomial" : "cd-binomial";
      return new EnginePlan(name, "a training set per task: " + bytes(s.taskBytes()) + " of " + bytes(s.taskMemory())
          + " task memory; solutions 2K'p per model = " + bytes(vectors) + " of " + bytes(budget) + " budget",
          vectors, budget, 0, 0);
    }
    if (s.classes() > 2) {
      return new EnginePlan("mllib", "multinomial beyond the dense engine's budget and a task's memory"
          + (s.rows() >= 0 ? " (" + bytes(s.taskBytes()) + " of " + bytes(s.taskMemory()) + ")" : ""), 0, budget, 0, 0);
    }
    // Wide: a quarter for β and gradients, a quarter for the passes' results, half for the Hessians.
    long passBudget = budget / 4 / 8;
    double ridgeHessians = s.ridge() ? 8 * (double) (s.folds() + 1) * p * p / 2 : 0;
    double left = budget / 2.0 - ridgeHessians;
    // Per model its working set's packed Hessian (w²/2), and for the one model stepping at a time its
    // dense quadratic and the active-set polish's Cholesky factor (2w²): (m/2 + 2)·w² doubles.
    int maxWorking = (int) Math.min(s.features(), Math.sqrt(Math.max(0, left) / 8 / (models / 2.0 + 2)));
    String name = s.linear() ? "wide-gaussian" : "wide-binomial";
    if (vectors > budget / 4.0 || passBudget < 3 + p || left <= 0 || maxWorking < Math.min(s.features(), 64)) {
      return new EnginePlan("mllib", name + " does not fit: 2p per model = " + bytes(vectors)
          + (s.ridge() ? ", ridge Hessians (k+1)·p²/2 = " + bytes(ridgeHessians) : "") + " of " + bytes(budget)
          + " budget", 0, budget, 0, 0);
    }
    double bytes = vectors + 8.0 * passBudget + ridgeHessians + 8.0 * models * maxWorking * (maxWorking + 1) / 2
        + 8.0 * 2 * maxWorking * maxWorking;
    return new EnginePlan(name, "2p per model = " + bytes(vectors)
        + (s.ridge() ? " + ridge Hessians (k+1)·p²/2 = " + bytes(ridgeHessians) : "") + ", working sets ≤ "
        + maxWorking + " features, of " + bytes(budget) + " budget", bytes, budget, passBudget,
        s.ridge() ? s.features() : maxWorking);
  }

  private static boolean inTaskFits(Shape s, long budget) {
    double vectors = 8.0 * (s.folds() + 1) * s.alphas() * 2 * s.features() * (s.classes() > 2 ? s.classes() : 1);
    return s.rows() >= 0 && s.taskBytes() <= s.taskMemory() && vectors <= budget / 2.0;
  }

  /**
   * Logistic on sparse rows (at most a quarter of the features stored): a Newton step costs the dense
   * engine K'·p²/2 per row and model (its Hessian blocks), coordinate descent some ten sweeps of a row's
   * stored entries per class, so in-task wins where 200·(stored per row) &lt; p². Dense rows stay with
   * the dense engine: on correlated dense columns descent needs many sweeps (50,000 × 300 dense,
   * correlation 0.16: no training set solved within 4 minutes, where CrossValidator takes ~2).
   */
  private static boolean inTaskCheaper(Shape s, long budget) {
    if (!inTaskFits(s, budget) || s.rows() <= 0) return false;
    double perRow = (double) s.stored() / s.rows();
    return perRow <= s.features() / 4.0 && 200.0 * perRow < (double) s.features() * s.features();
  }

  /** The log line: "engine: gaussian-dense (k·p²/2 + 2p² = 85 MB of 1.0 GB budget)". */
  public String line() {
    return "engine: " + engine + " (" + reason + ")";
  }

  static String bytes(double b) {
    if (b >= 1L << 30) return String.format(Locale.ROOT, "%.1f GB", b / (1L << 30));
    if (b >= 1L << 20) return String.format(Locale.ROOT, "%.0f MB", b / (1L << 20));
    return String.format(Locale.ROOT, "%.0f KB", Math.max(b, 1) / 1024);
  }
}
