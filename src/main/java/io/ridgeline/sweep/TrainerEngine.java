package io.ridgeline.sweep;

import io.ridgeline.config.Metric;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.cv.Scorer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;

/**
 * One fit of a {@link Trainer} per trial (the MLlib reference, and any family with a trainer). A unit of
 * work is a (fold, α) path: its λ values are fitted in decreasing order on the fold's training rows,
 * then all of its models are scored in one pass over the validation rows. Named points (mlp) have no
 * path: a unit is one (fold, point). (Warm-starting MLlib's
 * logistic fits from the previous λ with {@code setInitialModel} was measured and did not help: 158.5 s
 * against 141.5 s cold on 100,000 × 30, 150 fits.)
 */
public final class TrainerEngine implements Engine {
  private final String name;
  private final Trainer trainer;
  private final SweepRunner runner;
  private final Metric metric;

  public TrainerEngine(String name, Trainer trainer, SweepRunner runner, Metric metric) {
    this.name = name;
    this.trainer = trainer;
    this.runner = runner;
    this.metric = metric;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<TrialResult> crossValidate(FoldedData folded, List<GridPoint> grid) {
    int k = folded.folds();
    List<WorkUnit<List<TrialResult>>> units = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      for (List<GridPoint> path : Grid.byAlpha(grid)) {
        int fold = f;
        String label = join("fold " + (f + 1) + "/" + k, Grid.pathLabel(path));
        units.add(new WorkUnit<>(label, path.size(), () -> crossValidatePath(folded, fold, label, path),
            trials -> TrialResult.best(trials, metric)));
        keys.add("fold-" + f + "-from-point-" + path.get(0).id());
      }
    }
    return runner.runRecorded(keys, units, grid).stream().flatMap(List::stream).toList();
  }

  @Override
  public List<FittedModel> fitAll(FoldedData folded, List<GridPoint> points) {
    List<WorkUnit<List<FittedModel>>> units = new ArrayList<>();
    for (List<GridPoint> path : Grid.byAlpha(points)) {
      String label = join("all data", Grid.pathLabel(path));
      units.add(new WorkUnit<>(label, path.size(), () -> fitPath(folded, folded.folds(), "all data", path),
          models -> models.get(models.size() - 1).nonzero() + " non-zero"
              + (path.get(0).isElasticNet() ? " at the smallest λ" : "")));
    }
    return Grid.inOrder(points, Grid.byAlpha(points), runner.run(units));
  }

  private static String join(String a, String b) {
    return b.isEmpty() ? a : a + " · " + b;
  }

  /**
   * Fits a fold's λ path on its training rows, then scores every model of the path in one pass over the
   * validation rows. A trial's seconds are its share of the path's fits and of the scoring pass.
   */
  private List<TrialResult> crossValidatePath(FoldedData folded, int fold, String label, List<GridPoint> path) {
    long start = System.nanoTime();
    List<FittedModel> models = fitPath(folded, fold, "fold " + (fold + 1) + "/" + folded.folds(), path);
    List<EnumMap<Metric, Double>> metrics = runner.scoring(label + " · score " + path.size() + " models",
        () -> Scorer.score(folded.validation(fold), models.stream().map(FittedModel::predictor).toList()));
    double seconds = (System.nanoTime() - start) / 1e9 / path.size();
    long nValid = folded.foldSizes()[fold];
    List<TrialResult> out = new ArrayList<>(path.size());
    for (int i = 0; i < path.size(); i++) {
      out.add(TrialResult.of(path.get(i), fold, folded.rows(), nValid, models.get(i), metrics.get(i), seconds, null, null));
    }
    return out;
  }

  /**
   * Fits the points of a path in order (λ decreasing) on the training set that holds out fold
   * {@code held} (k: all rows), labelling each fit's Spark jobs.
   */
  private List<FittedModel> fitPath(FoldedData folded, int held, String label, List<GridPoint> path) {
    List<FittedModel> models = new ArrayList<>(path.size());
    for (GridPoint p : path) {
      runner.label(label + " · " + p.label());
      models.add(trainer.fit(folded, held, p, runner));
    }
    return models;
  }
}
