package io.ridgeline.cv;

import io.ridgeline.config.Metric;
import java.util.EnumMap;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Scores a model on a set of rows in one Spark job: every metric at once. */
public final class Scorer {
  private Scorer() {}

  /** {@code rows} has the {@link FoldedData} columns: features, label, weight (in that order first). */
  public static EnumMap<Metric, Double> score(Dataset<Row> rows, Predictor predictor) {
    int numClasses = predictor.numClasses();
    List<Evaluation> parts = rows.javaRDD().mapPartitions(it -> {
      Evaluation e = new Evaluation(numClasses);
      double[] out = new double[Math.max(1, numClasses)];
      while (it.hasNext()) {
        Row r = it.next();
        predictor.predict((Vector) r.get(0), out);
        e.add(r.getDouble(1), r.getDouble(2), out);
      }
      return List.of(e).iterator();
    }).collect();
    Evaluation total = new Evaluation(numClasses);
    for (Evaluation e : parts) total.merge(e);
    return total.metrics();
  }
}
