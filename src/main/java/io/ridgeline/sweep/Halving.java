package io.ridgeline.sweep;

import io.ridgeline.config.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Successive halving over epochs (Jamieson &amp; Talwalkar 2016; the rungs of Li et al.'s Hyperband and
 * ASHA). Every candidate is trained on every fold to rung 0's budget; the best ⌈n_r/η⌉ by mean CV metric
 * over the folds go on to the next rung's, continued from where they stopped, and the selection is made
 * among the candidates of the last rung. With m = minEpochs and M = maxEpochs the budgets are
 * <pre>
 *   b_0 = m,   b_r = m·η^r for r ≥ 1 while m·η^(r+1) ≤ M,   then b_R = M
 * </pre>
 * so each rung multiplies the budget by at least η (the last by η up to η²), and the candidates
 * n_0 = n, n_{r+1} = ⌈n_r/η⌉. Per fold the rungs train Σ_r n_r (b_r − b_{r−1}) epochs (b_{−1} = 0, fewer
 * if early stopping ends fits), against n·M for the full grid.
 *
 * @param budgets the rungs' epoch budgets, increasing, the last = maxEpochs
 */
public record Halving(int eta, List<Integer> budgets) {
  public Halving {
    budgets = List.copyOf(budgets);
  }

  /** The rungs for η ≥ 2 and 1 ≤ minEpochs ≤ maxEpochs. */
  public static Halving of(int eta, int minEpochs, int maxEpochs) {
    if (eta < 2 || minEpochs < 1 || minEpochs > maxEpochs) {
      throw new IllegalArgumentException("halving needs η ≥ 2 and 1 ≤ minEpochs ≤ maxEpochs, not η = " + eta
          + ", " + minEpochs + ", " + maxEpochs);
    }
    List<Integer> b = new ArrayList<>(List.of(minEpochs));
    for (long next = (long) minEpochs * eta; next * eta <= maxEpochs; next *= eta) b.add((int) next);
    if (b.get(b.size() - 1) != maxEpochs) b.add(maxEpochs);
    return new Halving(eta, b);
  }

  public int rungs() {
    return budgets.size();
  }

  public int budget(int rung) {
    return budgets.get(rung);
  }

  public int maxEpochs() {
    return budgets.get(budgets.size() - 1);
  }

  /** n_r for each rung, starting from n candidates. */
  public int[] candidates(int n) {
    int[] c = new int[rungs()];
    c[0] = n;
    for (int r = 1; r < c.length; r++) c[r] = kept(c[r - 1]);
    return c;
  }

  /** ⌈n/η⌉: how many of n candidates go on. */
  public int kept(int n) {
    return (n + eta - 1) / eta;
  }

  /** Trials of all rungs for n candidates and k folds: k Σ_r n_r. */
  public int trials(int n, int k) {
    int t = 0;
    for (int c : candidates(n)) t += c * k;
    return t;
  }

  /**
   * The candidates that go on: the best ⌈n/η⌉ of {@code means} (point id → mean CV metric over the
   * folds) in the metric's direction, an undefined (NaN) mean last, ties to the smaller point id;
   * returned in point id order.
   */
  public List<Integer> keep(Map<Integer, Double> means, Metric metric) {
    Comparator<Map.Entry<Integer, Double>> byMean = Comparator.comparingDouble(e -> {
      double m = e.getValue();
      return Double.isNaN(m) ? Double.POSITIVE_INFINITY : metric.higherIsBetter() ? -m : m;
    });
    return means.entrySet().stream().sorted(byMean.thenComparing(Map.Entry::getKey)).limit(kept(means.size()))
        .map(Map.Entry::getKey).sorted().toList();
  }
}
