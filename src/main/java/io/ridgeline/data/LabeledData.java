package io.ridgeline.data;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Checked, assembled input: {@link #frame} has the columns {@code features} (vector), {@code label}
 * (double), {@code weight} (double) and, when the user supplied fold ids, {@code user_fold}, or group
 * ids, {@code user_group} (the column as read).
 *
 * @param numClasses  0 for regression, otherwise K (labels are 0..K−1)
 * @param rows        number of rows (after any dropped by {@code data.missing: drop})
 * @param labelColumn the label's column in the input, for messages
 * @param pipeline    the stages that made {@code features} from the original columns (null for a frame
 *                    built by hand), for the saved model
 * @param droppedRows rows dropped for a null, NaN or infinite numeric value ({@code data.missing: drop})
 * @param source      the parsed source columns {@code frame} is made from, cached (a text source), or null
 */
public record LabeledData(Dataset<Row> frame, List<String> featureNames, int numClasses, long rows, String path,
    String labelColumn, FeaturePipeline pipeline, long droppedRows, Dataset<Row> source) {

  public static final String FEATURES = "features";
  public static final String LABEL = "label";
  public static final String WEIGHT = "weight";
  public static final String USER_FOLD = "user_fold";
  public static final String USER_GROUP = "user_group";

  /** Data assembled elsewhere (tests, benchmarks): no feature stages, nothing dropped. */
  public LabeledData(Dataset<Row> frame, List<String> featureNames, int numClasses, long rows, String path,
      String labelColumn) {
    this(frame, featureNames, numClasses, rows, path, labelColumn, null, 0, null);
  }

  /** Drops the cached source columns (once the rows made from them are cached themselves). */
  public void release() {
    if (source != null) source.unpersist();
  }

  public int numFeatures() {
    return featureNames.size();
  }
}
