package io.ridgeline.cv;

import io.ridgeline.data.LabeledData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The prepared dataset, cached once: {@code features, label, weight, fold} with fold ids 0..k−1.
 * Every trial derives its training and validation rows from {@link #frame} by fold id.
 *
 * @param foldSizes   rows per fold
 * @param foldWeights total weight per fold
 * @param fingerprint the data's fingerprint: Σ over rows of xxhash64(features, label, weight, fold), mod
 *                    2⁶⁴ — independent of row order and partitioning, changed by any change of a value
 */
public record FoldedData(Dataset<Row> frame, LabeledData source, int folds, long[] foldSizes, double[] foldWeights,
    long fingerprint) {
  public static final String FOLD = "fold";

  public Dataset<Row> training(int fold) {
    return frame.where(frame.col(FOLD).notEqual(fold));
  }

  /** Rows of the largest fold: the most any fold's model is validated on. */
  public long largestFold() {
    long largest = 0;
    for (long size : foldSizes) largest = Math.max(largest, size);
    return largest;
  }

  public Dataset<Row> validation(int fold) {
    return frame.where(frame.col(FOLD).equalTo(fold));
  }

  /** The fingerprint as 16 hex digits, as the manifest and {@code runs} record it. */
  public String fingerprintHex() {
    return String.format("%016x", fingerprint);
  }

  public long rows() {
    return source.rows();
  }

  public void release() {
    frame.unpersist();
  }
}
