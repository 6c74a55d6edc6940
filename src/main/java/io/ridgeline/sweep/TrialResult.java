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
 */
public record TrialResult(
    GridPoint point, int fold, long nTrain, long nValid, int iterations, double seconds, int nonzero,
    EnumMap<Metric, Double> metrics, double[][] history, boolean converged) {

  public TrialResult(GridPoint point, int fold, long nTrain, long nValid, int iterations, double seconds,
      int nonzero, EnumMap<Metric, Double> metrics) {
    this(point, fold, nTrain, nValid, iterations, seconds, nonzero, metrics, null, true);
  }

  /** "best rmse 54.3 at λ=0.09" over some trials, for a progress line. */
  public static String best(java.util.List<TrialResult> trials, Metric metric) {
    TrialResult best = trials.get(0);
    for (TrialResult t : trials) if (metric.better(t.metrics().get(metric), best.metrics().get(metric))) best = t;
    return "best " + metric.key() + " " + Format.number(best.metrics().get(metric)) + " at "
        + (best.point().isElasticNet() ? "λ=" + Format.number(best.point().lambda()) : best.point().label());
  }
}
