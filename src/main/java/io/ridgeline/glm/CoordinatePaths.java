package io.ridgeline.glm;

import io.ridgeline.config.Metric;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.Evaluation;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.WorkUnit;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The wide engines' in-task solver, for training sets that fit one task: each training set (the k fold
 * sets and all rows) is one Spark job of one task that reads every cached block (a coalesce, no shuffle),
 * keeps the set's rows by column ({@link TrainingColumns}) and runs {@link CoordinatePath} down every α's
 * λ path. A fold set's task then scores its models on the held-out fold's rows, which it has read too
 * ({@link WidePass#score(java.util.Iterator, WidePass.Models)}; binomial AUC ranked in the task): no
 * scoring pass, no shuffle. The sets run as parallel work units, the largest (all rows) first. Driver
 * memory: per model β over p (the solutions) and its metrics; the rows never reach it.
 */
final class CoordinatePaths {
  private CoordinatePaths() {}

  /** A training set's fits and, for a fold set, its models' evaluations and AUC (binomial) on the fold. */
  private record SetResult(CoordinatePath.Fit[][] fits, Evaluation[] evaluations, double[] auc)
      implements Serializable {}

  /**
   * Solutions [training set index][path][λ index] in original coordinates, as {@link WidePath#run}, and
   * the fold sets' validation metrics [training set index][path][λ index] (null for all rows).
   */
  record Solved(WidePath.Solution[][][] solutions, EnumMap<Metric, Double>[][][] metrics) {}

  @SuppressWarnings("unchecked")
  static Solved run(ModelSpec spec, int classes, SparseBlocks blocks,
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
    order.sort(Comparator.comparing(held -> held < k));
    List<WorkUnit<SetResult>> units = new ArrayList<>();
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
            List<SparseBlocks.Block> rows = TrainingColumns.collect(it);
            CoordinatePath.Fit[][] fits = CoordinatePath.solve(TrainingColumns.of(rows, p, s.held), s, classes,
                intercept, alphas, lambdas);
            if (s.held >= k) return List.of(new SetResult(fits, null, null)).iterator();
            WidePass.Models models = scoring(fits, classes, p, s.held);
            return List.of(new SetResult(fits, WidePass.score(rows.iterator(), models),
                classes == 2 ? WidePass.auc(rows, models) : null)).iterator();
          }).collect().get(0);
        } finally {
          b.destroy();
        }
      }, r -> summary(r.fits())));
    }
    List<SetResult> results = runner.run(units);
    WidePath.Solution[][][] out = new WidePath.Solution[sets.size()][paths.size()][];
    EnumMap<Metric, Double>[][][] metrics = new EnumMap[sets.size()][][];
    for (int t = 0; t < sets.size(); t++) {
      SetResult r = results.get(order.indexOf(sets.get(t)));
      if (r.evaluations() != null) metrics[t] = new EnumMap[paths.size()][];
      int m = 0;
      for (int a = 0; a < paths.size(); a++) {
        CoordinatePath.Fit[] path = r.fits()[a];
        out[t][a] = new WidePath.Solution[path.length];
        if (metrics[t] != null) metrics[t][a] = new EnumMap[path.length];
        for (int l = 0; l < path.length; l++, m++) {
          out[t][a][l] = original(path[l], blocks, binomial, intercept);
          if (metrics[t] == null) continue;
          metrics[t][a][l] = r.evaluations()[m].metrics();
          if (r.auc() != null) metrics[t][a][l].put(Metric.AUC, r.auc()[m]);
        }
      }
    }
    return new Solved(out, metrics);
  }

  /**
   * A fold set's fits as {@link WidePass.Models} held out on {@code held}, in the blocks' coordinates (where
   * the fits are: the intercepts need no shift), over the union of their non-zero features; path order.
   */
  private static WidePass.Models scoring(CoordinatePath.Fit[][] fits, int classes, int p, int held) {
    int sets = classes > 2 ? classes : 1;
    List<CoordinatePath.Fit> all = new ArrayList<>();
    for (CoordinatePath.Fit[] path : fits) all.addAll(List.of(path));
    int[] mark = new int[p];
    Arrays.fill(mark, -1);
    int count = 0;
    for (CoordinatePath.Fit f : all) {
      for (int[] index : f.index()) for (int j : index) if (mark[j] < 0) mark[j] = count++;
    }
    int[] union = new int[count];
    for (int j = 0; j < p; j++) if (mark[j] >= 0) union[mark[j]] = j;
    int n = all.size();
    double[][] beta = new double[n][sets * count];
    double[] intercepts = new double[n * sets];
    int[] heldOut = new int[n];
    Arrays.fill(heldOut, held);
    for (int i = 0; i < n; i++) {
      CoordinatePath.Fit f = all.get(i);
      for (int k = 0; k < sets; k++) {
        intercepts[i * sets + k] = f.intercept()[k];
        for (int e = 0; e < f.index()[k].length; e++) beta[i][k * count + mark[f.index()[k][e]]] = f.value()[k][e];
      }
    }
    return new WidePass.Models(classes, p, union, heldOut, intercepts, beta, new int[n][0], new boolean[n]);
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
