package io.ridgeline.glm;

import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The wide engines' in-task solver, for training sets that fit one task: each training set (the k fold
 * sets and all rows) is one Spark job of one task that reads every cached block (a coalesce, no shuffle),
 * keeps the set's rows by column ({@link TrainingColumns}) and runs {@link CoordinatePath} down every α's
 * λ path. The sets run as parallel work units. Driver memory: per model β over p (the solutions); the
 * rows never reach it.
 */
final class CoordinatePaths {
  private CoordinatePaths() {}

  /** Solutions [training set index][path][λ index] in original coordinates, as {@link WidePath#run}. */
  static WidePath.Solution[][][] run(ModelSpec spec, int classes, SparseBlocks blocks,
      SparseBlocks.FoldMoments moments, List<List<GridPoint>> paths, List<Integer> sets, SweepRunner runner,
      List<String> notes) {
    boolean binomial = classes >= 2;
    int p = blocks.p;
    int k = moments.folds().length;
    double[] alphas = new double[paths.size()];
    double[][] lambdas = new double[paths.size()][];
    for (int a = 0; a < paths.size(); a++) {
      alphas[a] = paths.get(a).get(0).alpha();
      lambdas[a] = paths.get(a).stream().mapToDouble(GridPoint::lambda).toArray();
    }
    boolean intercept = spec.intercept();
    String name = classes > 2 ? "in-task multinomial" : binomial ? "in-task binomial" : "in-task gaussian";
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.rdd().context());
    // Largest first (all rows before the fold sets), so the longest unit does not start last.
    List<Integer> order = new ArrayList<>(sets);
    order.sort(java.util.Comparator.comparing(held -> held < k));
    List<WorkUnit<CoordinatePath.Fit[][]>> units = new ArrayList<>();
    for (int held : order) {
      TrainingSet set = new TrainingSet(spec, binomial, blocks.yShift, held, moments);
      if (set.constant != null && !notes.contains(set.constant)) notes.add(set.constant);
      String where = held < k ? "training set without fold " + (held + 1) : "all rows";
      int trials = held < k ? paths.stream().mapToInt(List::size).sum() : 0;
      units.add(new WorkUnit<>(where + " · coordinate descent in one task", trials, () -> {
        runner.label(name + " engine · " + where + ": coordinate descent down " + alphas.length + " α paths in one task");
        Broadcast<TrainingSet> b = sc.broadcast(set);
        try {
          return blocks.rdd().coalesce(1).mapPartitions(it -> {
            TrainingSet s = b.value();
            TrainingColumns columns = TrainingColumns.of(TrainingColumns.collect(it), p, s.held);
            return java.util.Collections.singletonList(CoordinatePath.solve(columns, s, classes, intercept, alphas, lambdas)).iterator();
          }).collect().get(0);
        } finally {
          b.destroy();
        }
      }, CoordinatePaths::summary));
    }
    List<CoordinatePath.Fit[][]> fits = runner.run(units);
    WidePath.Solution[][][] out = new WidePath.Solution[sets.size()][paths.size()][];
    for (int t = 0; t < sets.size(); t++) {
      for (int a = 0; a < paths.size(); a++) {
        CoordinatePath.Fit[] path = fits.get(order.indexOf(sets.get(t)))[a];
        out[t][a] = new WidePath.Solution[path.length];
        for (int l = 0; l < path.length; l++) out[t][a][l] = original(path[l], blocks, binomial, intercept);
      }
    }
    return out;
  }

  private static String summary(CoordinatePath.Fit[][] fits) {
    long iterations = 0;
    int largest = 0;
    for (CoordinatePath.Fit[] path : fits) {
      for (CoordinatePath.Fit f : path) {
        iterations += f.iterations();
        int nonzero = 0;
        for (int[] index : f.index()) nonzero += index.length;
        largest = Math.max(largest, nonzero);
      }
    }
    return String.format(Locale.ROOT, "%d iterations · ≤ %d non-zero", iterations, largest);
  }

  /**
   * In original coordinates: b₀ = b̃₀ − shiftᵀβ (+ the label shift), per coefficient vector; multinomial
   * intercepts centred again afterwards (softmax does not change; MLlib reports them centred).
   */
  private static WidePath.Solution original(CoordinatePath.Fit f, SparseBlocks blocks, boolean binomial,
      boolean intercept) {
    int sets = f.index().length;
    int p = blocks.p;
    double[] beta = new double[sets * p];
    double[] b0 = new double[sets];
    for (int k = 0; k < sets; k++) {
      b0[k] = f.intercept()[k] + (binomial ? 0 : blocks.yShift);
      for (int e = 0; e < f.index()[k].length; e++) {
        int j = f.index()[k][e];
        beta[k * p + j] = f.value()[k][e];
        b0[k] -= blocks.shift[j] * f.value()[k][e];
      }
    }
    if (sets > 1 && intercept) {
      double mean = 0;
      for (double b : b0) mean += b / sets;
      for (int k = 0; k < sets; k++) b0[k] -= mean;
    }
    return new WidePath.Solution(beta, b0, f.iterations(), f.converged());
  }
}
