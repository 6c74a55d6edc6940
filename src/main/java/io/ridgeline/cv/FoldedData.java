package io.ridgeline.cv;

import io.ridgeline.data.LabeledData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The prepared dataset, cached once: {@code features, label, weight, fold} with fold ids 0..k−1.
 * Every trial derives its training and validation rows from {@link #frame} by fold id.
 *
 * @param foldSizes rows per fold
 */
public record FoldedData(Dataset<Row> frame, LabeledData source, int folds, long[] foldSizes) {
  public static final String FOLD = "fold";

  public Dataset<Row> training(int fold) {
    return frame.where(frame.col(FOLD).notEqual(fold));
  }

  public Dataset<Row> validation(int fold) {
    return frame.where(frame.col(FOLD).equalTo(fold));
  }

  public long rows() {
    return source.rows();
  }

  public void release() {
    frame.unpersist();
  }
}
