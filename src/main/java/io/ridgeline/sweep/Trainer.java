package io.ridgeline.sweep;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Fits one grid point on a set of rows (columns features, label, weight). Safe to call concurrently. */
public interface Trainer {
  FittedModel fit(Dataset<Row> rows, GridPoint point);

  /**
   * Fits a point starting from the model of the previous point of the same λ path on the same rows
   * (null for the first). Trainers that cannot warm-start ignore it.
   */
  default FittedModel fit(Dataset<Row> rows, GridPoint point, FittedModel previous) {
    return fit(rows, point);
  }
}
