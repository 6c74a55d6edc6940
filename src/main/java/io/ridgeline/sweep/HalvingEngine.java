package io.ridgeline.sweep;

import io.ridgeline.config.Metric;
import io.ridgeline.cv.FoldStatistics;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.cv.Scorer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Cross-validation by successive halving ({@link Halving}): rung after rung, every candidate on every
 * fold is a unit of its own, keyed by (rung, fold, point) and recorded when it finishes together with
 * the training state it stopped in, which the candidate's unit of the next rung goes on from. A resumed
 * run reuses every recorded unit, makes the same choices from their recorded metrics, and computes only
 * the units not recorded, each from its recorded state of the rung before. Full-data fits are the
 * plain engine's (the chosen point trained to the last rung's budget).
 */
public final class HalvingEngine implements Engine {
  private final EpochTrainer trainer;
  private final Engine plain;
  private final SweepRunner runner;
  private final Checkpoints checkpoints;
  private final Metric metric;
  private final Halving halving;
  private final Consumer<String> log;

  /** @param plain the engine for full-data fits, whose trainer trains to {@code halving.maxEpochs()} */
  public HalvingEngine(EpochTrainer trainer, Engine plain, SweepRunner runner, Checkpoints checkpoints, Metric metric,
      Halving halving, Consumer<String> log) {
    this.trainer = trainer;
    this.plain = plain;
    this.runner = runner;
    this.checkpoints = checkpoints;
    this.metric = metric;
    this.halving = halving;
    this.log = log;
  }

  @Override
  public String name() {
    return plain.name();
  }

  /** Every rung's trials, rung by rung (each rung's by fold, then point). */
  @Override
  public List<TrialResult> crossValidate(FoldedData folded, List<GridPoint> grid) {
    int k = folded.folds();
    int rungs = halving.rungs();
    List<GridPoint> candidates = grid;
    List<TrialResult> all = new ArrayList<>();
    for (int r = 0; r < rungs; r++) {
      int rung = r;
      List<WorkUnit<List<TrialResult>>> units = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (int f = 0; f < k; f++) {
        for (GridPoint p : candidates) {
          int fold = f;
          String label = "rung " + (r + 1) + "/" + rungs + " (" + halving.budget(r) + " epochs) · fold " + (f + 1) + "/"
              + k + (p.params().isEmpty() ? "" : " · " + p.label());
          units.add(new WorkUnit<>(label, 1, () -> List.of(train(folded, fold, p, rung, label)),
              trials -> metric.key() + " " + Format.number(trials.get(0).metrics().get(metric))));
          keys.add(key(r, f, p));
        }
      }
      List<TrialResult> trials = runner.runRecorded(keys, units, grid).stream().flatMap(List::stream).toList();
      all.addAll(trials);
      if (r == rungs - 1) break;
      List<GridPoint> kept = keep(candidates, trials, r);
      // A stopped candidate is never continued: its states go. Those of candidates that go on stay until
      // the run publishes, so any of their later units can be computed again from them.
      for (GridPoint p : candidates) {
        if (kept.contains(p)) continue;
        for (int f = 0; f < k; f++) checkpoints.dropState(key(r, f, p));
      }
      candidates = kept;
    }
    return all;
  }

  /** The candidates that go on from rung r, by their mean metric over the folds; says so in the log. */
  private List<GridPoint> keep(List<GridPoint> candidates, List<TrialResult> trials, int r) {
    // The mean over the folds as the summary takes it (FoldStatistics: folds with an undefined metric left out).
    int k = trials.stream().mapToInt(TrialResult::fold).max().orElse(-1) + 1;
    Map<Integer, double[]> values = new LinkedHashMap<>();
    for (TrialResult t : trials) values.computeIfAbsent(t.point().id(), id -> new double[k])[t.fold()] = t.metrics().get(metric);
    Map<Integer, Double> means = new LinkedHashMap<>();
    values.forEach((id, v) -> means.put(id, FoldStatistics.of(v).mean()));
    List<Integer> ids = halving.keep(means, metric);
    List<GridPoint> kept = candidates.stream().filter(p -> ids.contains(p.id())).toList();
    double cut = kept.stream().mapToDouble(p -> means.get(p.id()))
        .reduce((a, b) -> metric.better(a, b) ? b : a).orElse(Double.NaN);
    log.accept(String.format(java.util.Locale.ROOT, "halving: rung %d/%d (%d epochs): %d of %d candidates go on to %d "
        + "epochs (mean %s %s %s)", r + 1, halving.rungs(), halving.budget(r), kept.size(), candidates.size(),
        halving.budget(r + 1), metric.key(), metric.higherIsBetter() ? "≥" : "≤", Format.number(cut)));
    return kept;
  }

  /**
   * One (point, fold) trained to rung r's budget, going on from its recorded state of rung r − 1, and
   * scored on the fold's validation rows; its state is recorded for the next rung (not after the last).
   */
  private TrialResult train(FoldedData folded, int fold, GridPoint point, int r, String label) {
    long start = System.nanoTime();
    byte[] from = r == 0 ? null : checkpoints.readState(key(r - 1, fold, point));
    runner.label(label);
    EpochTrainer.Stage stage = trainer.fit(folded, fold, point, halving.budget(r), from);
    EnumMap<Metric, Double> metrics = runner.scoring(label + " · score",
        () -> Scorer.score(folded.validation(fold), List.of(stage.model().predictor()))).get(0);
    if (r < halving.rungs() - 1) checkpoints.recordState(key(r, fold, point), stage.state());
    return TrialResult.of(point, fold, folded.rows(), folded.foldSizes()[fold], stage.model(), metrics,
        (System.nanoTime() - start) / 1e9, r, halving.budget(r));
  }

  /** The unit of (rung, fold, point), stable across attempts of a run. */
  static String key(int rung, int fold, GridPoint p) {
    return "rung-" + rung + "-fold-" + fold + "-point-" + p.id();
  }

  @Override
  public List<FittedModel> fitAll(FoldedData folded, List<GridPoint> points) {
    return plain.fitAll(folded, points);
  }
}
