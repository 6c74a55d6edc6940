package io.ridgeline.sweep;

import io.ridgeline.cv.FoldedData;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * How a sweep trains and scores: every (fold, point) trial, then full-data fits. Engines schedule
 * their own work units on the {@link SweepRunner} they are given, so progress and job labels look the
 * same whichever engine runs.
 */
public interface Engine {
  /** The engine's name, recorded in the {@code runs} table. */
  String name();

  /**
   * Called before the sweep writes anything: gathers what the engine needs first, and refuses data it
   * cannot fit ({@code BadInputException}). Default: nothing to gather or refuse.
   */
  default void inspect(FoldedData folded) {}

  /**
   * λ_max for each α (the λ at which every coefficient is zero, see {@code glm.LambdaMax}) from the
   * statistics the engine gathers for its cross-validation anyway, gathered now and kept for it; or null
   * when its statistics do not hold λ_max, and the sweep takes a pass of its own for it.
   */
  default DoubleUnaryOperator lambdaMax(FoldedData folded) {
    return null;
  }

  /** Every (fold, point) trial of the grid. */
  List<TrialResult> crossValidate(FoldedData folded, List<GridPoint> grid);

  /** Fits of the given points on all data, in their order. */
  List<FittedModel> fitAll(FoldedData folded, List<GridPoint> points);

  /**
   * Allows an engine that copies the folded rows into its own cached layout to drop the folded frame's
   * cache ({@code release}) once that copy is cached, so the executors hold the rows once, not twice.
   * The folds' owner allows it; a caller that reads the frame again afterwards (a benchmark's baseline)
   * does not call this. Engines that read the frame itself ignore it.
   */
  default Engine releasingFolded(Runnable release) {
    return this;
  }
}
