package io.ridgeline.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ridgeline.config.Metric;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Successive halving's rungs and its cut, on hand-made metrics. */
class HalvingTest {
  @Test
  void budgetsGrowByEtaUpToMaxEpochs() {
    assertEquals(List.of(3, 9, 27), Halving.of(3, 3, 27).budgets());
    assertEquals(List.of(2, 6, 20), Halving.of(3, 2, 20).budgets(), "the last step η to η²: 6 → 20, not 18 → 20");
    assertEquals(List.of(1, 3, 9, 27), Halving.of(3, 1, 27).budgets());
    assertEquals(List.of(1, 3, 20), Halving.of(3, 1, 20).budgets());
    assertEquals(List.of(5, 10), Halving.of(2, 5, 10).budgets());
    assertEquals(List.of(5, 7), Halving.of(3, 5, 7).budgets(), "a rung short of η still ends at maxEpochs");
    assertEquals(List.of(8), Halving.of(3, 8, 8).budgets(), "one rung: the full budget for every point");
    assertThrows(IllegalArgumentException.class, () -> Halving.of(1, 1, 9));
    assertThrows(IllegalArgumentException.class, () -> Halving.of(3, 10, 9));
  }

  @Test
  void candidatesShrinkToTheCeilingOfNOverEta() {
    assertArrayEquals(new int[] {27, 9, 3}, Halving.of(3, 3, 27).candidates(27));
    assertArrayEquals(new int[] {10, 4, 2, 1}, Halving.of(3, 1, 27).candidates(10));
    assertArrayEquals(new int[] {5, 3}, Halving.of(2, 5, 10).candidates(5));
    assertEquals((27 + 9 + 3) * 5, Halving.of(3, 3, 27).trials(27, 5));
  }

  private static Map<Integer, Double> means(double... m) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < m.length; i++) out.put(i, m[i]);
    return out;
  }

  @Test
  void keepsExactlyTheBestCeilingOfNOverEtaInTheMetricsDirection() {
    Halving h = Halving.of(3, 1, 9);
    double[] m = {0.80, 0.95, 0.70, 0.91, 0.88, 0.60, 0.93, 0.85, 0.50, 0.99};
    // 10 candidates → ⌈10/3⌉ = 4: accuracy keeps the largest means (points 9, 1, 6, 3), in point order.
    assertEquals(List.of(1, 3, 6, 9), h.keep(means(m), Metric.ACCURACY));
    // log-loss keeps the smallest (points 8, 5, 2, 0).
    assertEquals(List.of(0, 2, 5, 8), h.keep(means(m), Metric.LOGLOSS));
    // Rung by rung: 10 → 4 → 2 → 1.
    assertEquals(List.of(1, 9), h.keep(Map.of(1, 0.95, 3, 0.91, 6, 0.93, 9, 0.99), Metric.ACCURACY));
    assertEquals(List.of(9), h.keep(Map.of(1, 0.95, 9, 0.99), Metric.ACCURACY));
    assertEquals(List.of(4), h.keep(Map.of(4, 0.5), Metric.RMSE), "one candidate goes on");
  }

  @Test
  void tiesGoToTheSmallerPointAndUndefinedMeansLast() {
    Halving h = Halving.of(2, 1, 4);
    assertEquals(List.of(0, 2), h.keep(means(0.9, 0.9, 0.95, 0.9), Metric.ACCURACY), "0.95, then the first 0.9");
    // 0.9 ties among points 0, 1, 3: point 0 wins the tie; point 2 is undefined.
    assertEquals(List.of(0, 3), h.keep(Map.of(0, 0.9, 1, 0.9, 2, Double.NaN, 3, 0.95), Metric.ACCURACY));
    assertEquals(List.of(0, 1), h.keep(means(Double.NaN, 2.0, Double.NaN, Double.NaN), Metric.RMSE),
        "a defined mean beats every undefined one, then the smaller id");
  }

  private static TrialResult trial(int point, int fold, int iterations, Integer rung) {
    EnumMap<Metric, Double> metrics = new EnumMap<>(Metric.class);
    metrics.put(Metric.ACCURACY, 0.5);
    return new TrialResult(GridPoint.named(point, Map.of()), fold, 10, 5, iterations, 0, 0, metrics, null, true, rung,
        rung == null ? null : iterations);
  }

  @Test
  void rungsReadEachPointAtItsLastRungAndCountTheEpochsSpent() {
    // Point 0 stops after rung 0 (3 epochs); point 1 goes on to 9; two folds each.
    List<TrialResult> trials = List.of(trial(0, 0, 3, 0), trial(0, 1, 3, 0), trial(1, 0, 3, 0), trial(1, 1, 3, 0),
        trial(1, 0, 9, 1), trial(1, 1, 9, 1));
    Rungs rungs = new Rungs(trials);
    assertEquals(List.of(0, 0, 1, 1), rungs.latest().stream().map(TrialResult::rungOrZero).toList());
    assertEquals(List.of(3, 3, 9, 9), rungs.latest().stream().map(TrialResult::iterations).toList());
    assertEquals(List.of(false, true), List.of(rungs.isFinalist(0), rungs.isFinalist(1)));
    // 2·3 + 2·3 at rung 0, then 2·(9 − 3) going on: 24 epochs, against 2 points × 2 folds × 9 = 36.
    assertEquals(24, Rungs.epochsSpent(trials));
    // Outside halving every trial is its own: epochs are the iterations.
    List<TrialResult> grid = List.of(trial(0, 0, 7, null), trial(1, 0, 5, null));
    assertEquals(12, Rungs.epochsSpent(grid));
    assertEquals(grid, new Rungs(grid).latest());
  }
}
