package io.ridgeline.cv;

import io.ridgeline.config.Metric;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scores models on a set of rows: every metric of every model in one Spark job, so a whole λ path of a
 * fold costs one pass over its validation rows instead of one per model.
 */
public final class Scorer {
  private Scorer() {}

  /** {@code rows} has the {@link FoldedData} columns features, label, weight first, in that order. */
  public static List<EnumMap<Metric, Double>> score(Dataset<Row> rows, List<Predictor> predictors) {
    int models = predictors.size();
    int numClasses = predictors.get(0).numClasses();
    List<Evaluation[]> parts = rows.javaRDD().mapPartitions(it -> {
      Evaluation[] e = new Evaluation[models];
      for (int m = 0; m < models; m++) e[m] = new Evaluation(numClasses);
      double[] out = new double[Math.max(1, numClasses)];
      while (it.hasNext()) {
        Row r = it.next();
        Vector x = (Vector) r.get(0);
        double y = r.getDouble(1);
        double w = r.getDouble(2);
        for (int m = 0; m < models; m++) {
          predictors.get(m).predict(x, out);
          e[m].add(y, w, out);
        }
      }
      return List.<Evaluation[]>of(e).iterator();
    }).collect();
    List<EnumMap<Metric, Double>> metrics = new ArrayList<>(models);
    for (int m = 0; m < models; m++) {
      Evaluation total = new Evaluation(numClasses);
      for (Evaluation[] p : parts) total.merge(p[m]);
      metrics.add(total.metrics());
    }
    return metrics;
  }

  /** One model. */
  public static EnumMap<Metric, Double> score(Dataset<Row> rows, Predictor predictor) {
    return score(rows, List.of(predictor)).get(0);
  }
}
