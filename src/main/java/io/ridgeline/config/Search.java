package io.ridgeline.config;

import java.util.Locale;

/** {@code sweep.search}: how the MLP's grid points are chosen and trained. */
public enum Search {
  /** Every combination of the {@code sweep.mlp} lists, each trained to the full budget. */
  GRID,
  /** {@code sweep.samples} points drawn by the seeded sampler, each trained to the full budget. */
  RANDOM,
  /** The grid's points, or {@code sweep.samples} drawn ones, trained by successive halving over epochs. */
  HALVING;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
