package io.ridgeline.job;

import io.ridgeline.config.DataFormat;
import io.ridgeline.data.Columns;
import io.ridgeline.data.DataException;
import io.ridgeline.data.DatasetLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Scores raw data with a saved model ({@code <run.output>/models/<run_id>/}, a {@code PipelineModel}):
 * the output is Parquet with every input column, {@code prediction} and, for classifiers,
 * {@code probability} (array&lt;double&gt;, one entry per class). It is written to a temporary
 * sibling of the output ({@code _<name>.tmp-<uuid>}, which Spark readers skip) and renamed into place
 * through the Hadoop FileSystem API, so a reader sees all of it or nothing.
 */
public final class PredictJob {
  public static final String PREDICTION = "prediction";
  public static final String PROBABILITY = "probability";

  private final SparkSession spark;

  public PredictJob(SparkSession spark) {
    this.spark = spark;
  }

  /** Scores {@code data} and publishes the predictions at {@code output}; returns the number of rows. */
  public long run(String model, String data, DataFormat format, String output, boolean overwrite) throws IOException {
    Path out = new Path(output);
    FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (fs.exists(out) && !overwrite) {
      throw new DataException("--output " + output + " already exists: use --overwrite to replace it");
    }
    PipelineModel pipeline = load(model);
    Dataset<Row> raw;
    try {
      raw = DatasetLoader.read(spark, data, format);
      raw.schema();
    } catch (Exception e) {
      throw new DataException("cannot read data '" + data + "' as " + format.key() + ": " + DatasetLoader.rootMessage(e));
    }
    for (String written : List.of(PREDICTION, PROBABILITY, "rawPrediction")) {
      if (Arrays.asList(raw.columns()).contains(written)) {
        throw new DataException(data + ": column '" + written + "' is one the model writes: rename or drop it");
      }
    }
    Dataset<Row> scored;
    try {
      scored = pipeline.transform(raw);
    } catch (Exception e) {
      if (!(e instanceof AnalysisException a)) throw e;
      String column = a.getMessageParameters().getOrDefault("objectName", "").replace("`", "");
      throw new DataException(data + ": " + (column.isEmpty() ? DatasetLoader.rootMessage(e)
          : "column '" + column + "', which the model " + model + " reads, is not in the data")
          + " (columns: " + String.join(", ", raw.columns()) + ")");
    }
    List<Column> columns = new ArrayList<>();
    for (String c : raw.columns()) columns.add(Columns.of(c));
    columns.add(scored.col(PREDICTION));
    if (Arrays.asList(scored.columns()).contains(PROBABILITY)) {
      columns.add(org.apache.spark.ml.functions.vector_to_array(scored.col(PROBABILITY), "float64").as(PROBABILITY));
    }
    Path tmp = new Path(out.getParent(), "_" + out.getName() + ".tmp-" + UUID.randomUUID());
    spark.sparkContext().setJobDescription("predict: score " + data + " with " + model);
    try {
      scored.select(columns.toArray(new Column[0])).write().parquet(fs.makeQualified(tmp).toString());
      if (fs.exists(out) && !fs.delete(out, true)) throw new IOException("cannot remove the old " + out);
      if (!fs.rename(tmp, out)) throw new IOException("cannot rename " + tmp + " to " + out);
      spark.sparkContext().setJobDescription("predict: count the rows written");
      return spark.read().parquet(fs.makeQualified(out).toString()).count();
    } finally {
      fs.delete(tmp, true);
      spark.sparkContext().setJobDescription(null);
    }
  }

  /** The saved model; a path without one is named before Spark is asked (which would log a stack trace). */
  private PipelineModel load(String model) {
    String what = "cannot load the model '" + model + "' (a PipelineModel saved by a sweep, "
        + "<run.output>/models/<run_id>): ";
    try {
      Path metadata = new Path(model, "metadata");
      if (!metadata.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(metadata)) {
        throw new DataException(what + "there is no " + metadata);
      }
      return PipelineModel.load(model);
    } catch (DataException e) {
      throw e;
    } catch (Exception e) {
      throw new DataException(what + DatasetLoader.rootMessage(e));
    }
  }
}
