package io.ridgeline.sweep;

import io.ridgeline.cv.FoldedData;

/**
 * A trainer whose fits run in epochs and can stop and go on, for successive halving's rungs: a fit to
 * E₂ epochs continued from the state a fit to E₁ stopped in is the fit to E₂ (see the family's trainer).
 */
public interface EpochTrainer {
  /**
   * Trains {@code point} on the training set that holds out fold {@code held} until {@code epochs} epochs
   * are done, going on from {@code from} (the state of a shorter fit of the same point and fold; null:
   * from the start).
   */
  Stage fit(FoldedData folded, int held, GridPoint point, int epochs, byte[] from);

  /** The model where the fit stopped, and its state as bytes to go on from. */
  record Stage(FittedModel model, byte[] state) {}
}
