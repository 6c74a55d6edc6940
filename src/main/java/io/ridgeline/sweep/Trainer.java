package io.ridgeline.sweep;

import io.ridgeline.cv.FoldedData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Fits one grid point on a set of rows (columns features, label, weight). Safe to call concurrently. */
public interface Trainer {
  FittedModel fit(Dataset<Row> rows, GridPoint point);

  /**
   * Fits one grid point on the training set that holds out fold {@code held} ({@code held} = k: all
   * rows); a trainer that prepares its training sets (see the MLlib trainers) overrides it, and may
   * write notes to the log through {@code runner}.
   */
  default FittedModel fit(FoldedData folded, int held, GridPoint point, SweepRunner runner) {
    return fit(held < folded.folds() ? folded.training(held) : folded.frame(), point);
  }
}
