package io.ridgeline.data;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Checked, assembled input: {@link #frame} has the columns {@code features} (vector), {@code label}
 * (double), {@code weight} (double) and, when the user supplied fold ids, {@code user_fold}, or group
 * ids, {@code user_group} (the column as read).
 *
 * @param numClasses 0 for regression, otherwise K (labels are 0..K−1)
 * @param rows       number of rows
 * @param labelColumn the label's column in the input, for messages
 */
public record LabeledData(
    Dataset<Row> frame, List<String> featureNames, int numClasses, long rows, String path, String labelColumn) {

  public static final String FEATURES = "features";
  public static final String LABEL = "label";
  public static final String WEIGHT = "weight";
  public static final String USER_FOLD = "user_fold";
  public static final String USER_GROUP = "user_group";

  public int numFeatures() {
    return featureNames.size();
  }
}
