package io.ridgeline.sweep;

import io.ridgeline.config.Metric;
import java.util.EnumMap;

/**
 * One trial: a grid point fitted on the training part of a fold and scored on its validation part.
 *
 * @param seconds wall time of fit and scoring
 * @param nonzero non-zero coefficients of the fold's model (intercepts excluded)
 * @param history   per-epoch training and validation loss ({@code [0]}, {@code [1]}), or null
 * @param converged the fit met its solver's tolerance (false: an iteration cap ended it)
 * @param rung      successive halving's rung (0 first), or null outside halving
 * @param epochs    the rung's epoch budget, or null outside halving
 */
public record TrialResult(
    GridPoint point, int fold, long nTrain, long nValid, int iterations, double seconds, int nonzero,
    EnumMap<Metric, Double> metrics, double[][] history, boolean converged, Integer rung, Integer epochs) {

  public TrialResult(GridPoint point, int fold, long nTrain, long nValid, int iterations, double seconds,
      int nonzero, EnumMap<Metric, Double> metrics, double[][] history, boolean converged) {
    this(point, fold, nTrain, nValid, iterations, seconds, nonzero, metrics, history, converged, null, null);
  }

  public TrialResult(GridPoint point, int fold, long nTrain, long nValid, int iterations, double seconds,
      int nonzero, EnumMap<Metric, Double> metrics) {
    this(point, fold, nTrain, nValid, iterations, seconds, nonzero, metrics, null, true);
  }

  /** A model of fold {@code fold} and its validation metrics as a trial (rung: null outside halving). */
  static TrialResult of(GridPoint point, int fold, long rows, long nValid, FittedModel m, EnumMap<Metric, Double> metrics,
      double seconds, Integer rung, Integer epochs) {
    return new TrialResult(point, fold, rows - nValid, nValid, m.iterations(), seconds, m.nonzero(), metrics,
        m.history(), m.converged(), rung, epochs);
  }

  /** The rung, 0 outside halving. */
  public int rungOrZero() {
    return rung == null ? 0 : rung;
  }

  /** "best rmse 54.3 at λ=0.09" over some trials, for a progress line. */
  public static String best(java.util.List<TrialResult> trials, Metric metric) {
    TrialResult best = trials.get(0);
    for (TrialResult t : trials) if (metric.better(t.metrics().get(metric), best.metrics().get(metric))) best = t;
    return "best " + metric.key() + " " + Format.number(best.metrics().get(metric)) + " at "
        + (best.point().isElasticNet() ? "λ=" + Format.number(best.point().lambda()) : best.point().label());
  }
}
