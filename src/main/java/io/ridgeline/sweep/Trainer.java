package io.ridgeline.sweep;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Fits one grid point on a set of rows (columns features, label, weight). Safe to call concurrently. */
public interface Trainer {
  FittedModel fit(Dataset<Row> rows, GridPoint point);
}
