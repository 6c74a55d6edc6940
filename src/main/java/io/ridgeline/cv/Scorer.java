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
 * fold costs one pass over its validation rows instead of one per model; binomial AUC takes a second,
 * distributed pass ({@link Auc}). Partitions' running sums merge on the executors ({@code treeReduce}):
 * the driver receives a few partial sums per model, never anything per row.
 */
public final class Scorer {
  private Scorer() {}

  /** {@code rows} has the {@link FoldedData} columns features, label, weight first, in that order. */
  public static List<EnumMap<Metric, Double>> score(Dataset<Row> rows, List<Predictor> predictors) {
    int models = predictors.size();
    int numClasses = predictors.get(0).numClasses();
    Evaluation[] total = rows.javaRDD().mapPartitions(it -> {
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
    }).treeReduce(Evaluation::merge);
    List<EnumMap<Metric, Double>> metrics = new ArrayList<>(models);
    for (int m = 0; m < models; m++) metrics.add(total[m].metrics());
    if (numClasses == 2) {
      double[] auc = Auc.of(rows.javaRDD().mapPartitions(it -> {
        double[] out = new double[2];
        return new java.util.Iterator<Auc.Scored>() {
          public boolean hasNext() {
            return it.hasNext();
          }

          public Auc.Scored next() {
            Row r = it.next();
            double[] scores = new double[models];
            for (int m = 0; m < models; m++) {
              predictors.get(m).predict((Vector) r.get(0), out);
              scores[m] = out[1];
            }
            return Auc.record(0, scores, r.getDouble(1), r.getDouble(2));
          }
        };
      }), models);
      for (int m = 0; m < models; m++) metrics.get(m).put(Metric.AUC, auc[m]);
    }
    return metrics;
  }

  /** One model. */
  public static EnumMap<Metric, Double> score(Dataset<Row> rows, Predictor predictor) {
    return score(rows, List.of(predictor)).get(0);
  }
}
