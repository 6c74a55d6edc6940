package io.ridgeline.cv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class AucTest {
  private static final StructType SCORED = new StructType()
      .add("score", DataTypes.DoubleType).add("label", DataTypes.DoubleType).add("weight", DataTypes.DoubleType);

  /**
   * Five models over two groups of rows ("folds": models 0–2 score the first group, 3–4 the second), scores
   * rounded to two decimals so that ties are common, weights in [0.5, 3), records over 7 partitions: every
   * AUC — by the distributed sort, gathered by model into one task, and ranked in memory — equals MLlib's exact weighted evaluator ({@code numBins = 0}) on the same (score, label, weight)
   * rows to 5e−15 (measured 5.6e−16); a model whose rows are all of one class is NaN.
   */
  @Test
  void equalsBinaryClassificationEvaluatorWithTiesAndWeights() {
    SparkSession spark = TestSpark.session();
    Random rnd = new Random(11);
    int[] firsts = {0, 3};
    int[] counts = {3, 2};
    List<Auc.Scored> records = new ArrayList<>();
    List<List<Row>> perModel = new ArrayList<>();
    for (int m = 0; m < 6; m++) perModel.add(new ArrayList<>());
    for (int i = 0; i < 900; i++) {
      int group = i % 3 == 0 ? 1 : 0;
      double y = rnd.nextDouble() < 0.4 ? 1 : 0;
      double w = 0.5 + 2.5 * rnd.nextDouble();
      double[] scores = new double[counts[group]];
      for (int c = 0; c < scores.length; c++) {
        double margin = (y - 0.5) * (1 + c) + rnd.nextGaussian();
        scores[c] = Math.round(100 / (1 + Math.exp(-margin))) / 100.0;
        perModel.get(firsts[group] + c).add(RowFactory.create(scores[c], y, w));
      }
      records.add(Auc.record(firsts[group], scores, y, w));
      // Model 5: rows of one class only.
      if (y > 0) {
        records.add(Auc.record(5, new double[] {scores[0]}, y, w));
        perModel.get(5).add(RowFactory.create(scores[0], y, w));
      }
    }
    org.apache.spark.api.java.JavaRDD<Auc.Scored> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(records, 7);
    double[] sorted = Auc.of(rdd, 6);
    double[] gathered = Auc.of(rdd, 6, 900);
    double worst = 0;
    for (int m = 0; m < 5; m++) {
      double reference = new BinaryClassificationEvaluator().setNumBins(0).setWeightCol("weight")
          .setRawPredictionCol("score").evaluate(spark.createDataFrame(perModel.get(m), SCORED));
      assertEquals(reference, sorted[m], 5e-15, "model " + m + " by the sort");
      assertEquals(reference, gathered[m], 5e-15, "model " + m + " gathered by model");
      worst = Math.max(worst, Math.max(Math.abs(reference - sorted[m]), Math.abs(reference - gathered[m])));
      // The same model's rows ranked in memory, as a task holding all of them does.
      double local = local(perModel.get(m));
      assertEquals(reference, local, 5e-15, "model " + m + " in memory");
      worst = Math.max(worst, Math.abs(reference - local));
    }
    assertTrue(Double.isNaN(local(perModel.get(5))), "one class only, in memory");
    System.out.printf("AUC with ties and weights: largest difference from MLlib %.1e%n", worst);
    assertTrue(Double.isNaN(sorted[5]) && Double.isNaN(gathered[5]), "one class only: " + sorted[5] + ", " + gathered[5]);
  }

  private static double local(List<Row> rows) {
    int n = rows.size();
    double[] scores = new double[n];
    double[] pos = new double[n];
    double[] neg = new double[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      scores[i] = r.getDouble(0);
      pos[i] = r.getDouble(1) > 0 ? r.getDouble(2) : 0;
      neg[i] = r.getDouble(1) > 0 ? 0 : r.getDouble(2);
    }
    return Auc.of(scores, pos, neg, n);
  }
}
