package io.ridgeline.sweep;

import io.ridgeline.config.Metric;
import java.util.EnumMap;

/**
 * One trial: a grid point fitted on the training part of a fold and scored on its validation part.
 *
 * @param seconds wall time of fit and scoring
 * @param nonzero non-zero coefficients of the fold's model (intercepts excluded)
 */
public record TrialResult(
    GridPoint point, int fold, long nTrain, long nValid, int iterations, double seconds, int nonzero,
    EnumMap<Metric, Double> metrics) {}
