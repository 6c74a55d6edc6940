package io.ridgeline.sweep;

import io.ridgeline.cv.FoldedData;
import java.util.List;

/**
 * How a sweep trains and scores: every (fold, point) trial, then full-data fits. Engines schedule
 * their own work units on the {@link SweepRunner} they are given, so progress and job labels look the
 * same whichever engine runs.
 */
public interface Engine {
  /** The engine's name, recorded in the {@code runs} table. */
  String name();

  /** Every (fold, point) trial of the grid. */
  List<TrialResult> crossValidate(FoldedData folded, List<GridPoint> grid);

  /** Fits of the given points on all data, in their order. */
  List<FittedModel> fitAll(FoldedData folded, List<GridPoint> points);
}
