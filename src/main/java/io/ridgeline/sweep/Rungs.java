package io.ridgeline.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sweep's trials read by rung. Outside successive halving every trial is rung 0 and this is the
 * identity; with it, a point's standing is its trials at the last rung it reached, and the selection
 * is made among the points that reached the last rung of all.
 */
public final class Rungs {
  private final List<TrialResult> latest;
  private final Set<Integer> finalists = new TreeSet<>();

  public Rungs(List<TrialResult> trials) {
    Map<List<Integer>, TrialResult> byPointAndFold = new LinkedHashMap<>();
    for (TrialResult t : trials) {
      byPointAndFold.merge(List.of(t.point().id(), t.fold()), t, (a, b) -> b.rungOrZero() > a.rungOrZero() ? b : a);
    }
    latest = new ArrayList<>(byPointAndFold.values());
    latest.sort(Comparator.comparingInt((TrialResult t) -> t.point().id()).thenComparingInt(TrialResult::fold));
    int last = latest.stream().mapToInt(TrialResult::rungOrZero).max().orElse(0);
    for (TrialResult t : latest) if (t.rungOrZero() == last) finalists.add(t.point().id());
  }

  /** Each (point, fold)'s trial at the last rung the point reached, by point then fold. */
  public List<TrialResult> latest() {
    return latest;
  }

  /** Whether the point reached the last rung (every point, outside halving): the selection's candidates. */
  public boolean isFinalist(int point) {
    return finalists.contains(point);
  }

  /**
   * Epochs trained over all trials: a trial's epochs run ({@code iterations}) less those of the same
   * (point, fold)'s trial at the rung before, which it went on from.
   */
  public static long epochsSpent(List<TrialResult> trials) {
    Map<List<Integer>, Integer> before = new java.util.HashMap<>();
    List<TrialResult> inRungOrder = new ArrayList<>(trials);
    inRungOrder.sort(Comparator.comparingInt(TrialResult::rungOrZero));
    long spent = 0;
    for (TrialResult t : inRungOrder) {
      List<Integer> key = List.of(t.point().id(), t.fold());
      spent += t.iterations() - before.getOrDefault(key, 0);
      before.put(key, t.iterations());
    }
    return spent;
  }
}
