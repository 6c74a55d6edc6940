package io.ridgeline.mlp;

import io.ridgeline.TestSpark;
import java.util.Arrays;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The bundled samples as (features, label) frames with a deterministic 80/20 split. */
final class MlpData {
  private MlpData() {}

  /** [train, test] of a CSV sample, label renamed to {@code label}, on {@code partitions} partitions. */
  static Dataset<Row>[] split(String path, String label, int partitions) {
    SparkSession spark = TestSpark.session();
    Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true).csv(path);
    String[] cols = Arrays.stream(raw.columns()).filter(c -> !c.equals(label)).toArray(String[]::new);
    Dataset<Row> df = new VectorAssembler().setInputCols(cols).setOutputCol("features").transform(raw)
        .selectExpr("features", "cast(" + label + " as double) as label").coalesce(1);
    Dataset<Row>[] parts = df.randomSplit(new double[] {0.8, 0.2}, 11);
    parts[0] = parts[0].repartition(partitions).cache();
    parts[1] = parts[1].cache();
    return parts;
  }
}
