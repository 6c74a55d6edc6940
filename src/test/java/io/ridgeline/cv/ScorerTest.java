package io.ridgeline.cv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.Metric;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.data.LabeledData;
import io.ridgeline.glm.LinearRegressionTrainer;
import io.ridgeline.glm.LogisticRegressionTrainer;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Our one-pass metrics against MLlib's own evaluators on the predictions of the same model (saved by
 * us, loaded with MLlib), with uneven instance weights.
 */
class ScorerTest {
  private static final SparkSession spark = TestSpark.session();

  /** The sample with weights 1, 2, 3, 1, 2, 3, … */
  private static Dataset<Row> weighted(LabeledData d) {
    return d.frame().withColumn(LabeledData.WEIGHT, monotonically_increasing_id().mod(3).plus(1).cast("double"))
        .select(LabeledData.FEATURES, LabeledData.LABEL, LabeledData.WEIGHT).cache();
  }

  private static String saved(FittedModel m) throws IOException {
    String path = TestSpark.tempDir("model").resolve("m").toString();
    ((org.apache.spark.ml.util.MLWritable) m.transformer()).write().save(path);
    return path;
  }

  private static double eval(MulticlassClassificationEvaluator e, Dataset<Row> predictions, String metric) {
    return e.setMetricName(metric).setWeightCol(LabeledData.WEIGHT).evaluate(predictions);
  }

  @Test
  void regressionMetricsEqualRegressionEvaluator() throws IOException {
    SweepSpec spec = Samples.spec(Samples.DIABETES);
    LabeledData d = DatasetLoader.load(spark, spec);
    Dataset<Row> rows = weighted(d);
    FittedModel m = new LinearRegressionTrainer(spec.model(), d.numFeatures()).fit(rows, new GridPoint(0, 0.5, 1.0));
    EnumMap<Metric, Double> ours = Scorer.score(rows, m.predictor());
    Dataset<Row> predictions = LinearRegressionModel.load(saved(m)).transform(rows);
    RegressionEvaluator e = new RegressionEvaluator().setWeightCol(LabeledData.WEIGHT);
    assertEquals(e.setMetricName("rmse").evaluate(predictions), ours.get(Metric.RMSE), 1e-9);
    assertEquals(e.setMetricName("mse").evaluate(predictions), ours.get(Metric.MSE), 1e-7);
    assertEquals(e.setMetricName("mae").evaluate(predictions), ours.get(Metric.MAE), 1e-9);
    // MLlib's weighted R² uses Var·(Σw − 1) for the total sum of squares; with unit weights it is the
    // textbook 1 − SSE/SST that we compute for any weights.
    Dataset<Row> unit = rows.withColumn(LabeledData.WEIGHT, lit(1.0));
    assertEquals(e.setMetricName("r2").evaluate(LinearRegressionModel.load(saved(m)).transform(unit)),
        Scorer.score(unit, m.predictor()).get(Metric.R2), 1e-12);
  }

  @Test
  void binomialMetricsEqualMllibEvaluators() throws IOException {
    SweepSpec spec = Samples.spec(Samples.BREAST_CANCER);
    LabeledData d = DatasetLoader.load(spark, spec);
    Dataset<Row> rows = weighted(d);
    FittedModel m = new LogisticRegressionTrainer(spec.model(), d.numFeatures(), 2)
        .fit(rows, new GridPoint(0, 0.5, 0.02));
    EnumMap<Metric, Double> ours = Scorer.score(rows, m.predictor());
    Dataset<Row> predictions = LogisticRegressionModel.load(saved(m)).transform(rows);
    double auc = new BinaryClassificationEvaluator().setNumBins(0).setWeightCol(LabeledData.WEIGHT)
        .setRawPredictionCol("probability").evaluate(predictions);
    assertEquals(auc, ours.get(Metric.AUC), 1e-12);
    MulticlassClassificationEvaluator e = new MulticlassClassificationEvaluator();
    assertEquals(eval(e, predictions, "logLoss"), ours.get(Metric.LOGLOSS), 1e-12);
    assertEquals(eval(e, predictions, "accuracy"), ours.get(Metric.ACCURACY), 1e-12);
    assertEquals(eval(e.setMetricLabel(1), predictions, "fMeasureByLabel"), ours.get(Metric.F1), 1e-12);
  }

  /**
   * Issue 9: with 1000 partitions and every score kept on the driver, breast cancer's sweep died at
   * spark.driver.maxResultSize. Here 300 partitions (most holding a row or two), three models: AUC still
   * equals MLlib's exact evaluator's on the same rows.
   */
  @Test
  void aucOverManyPartitionsEqualsBinaryClassificationEvaluator() throws IOException {
    SweepSpec spec = Samples.spec(Samples.BREAST_CANCER);
    LabeledData d = DatasetLoader.load(spark, spec);
    Dataset<Row> fitting = weighted(d);
    LogisticRegressionTrainer trainer = new LogisticRegressionTrainer(spec.model(), d.numFeatures(), 2);
    List<FittedModel> models = new ArrayList<>();
    for (double lambda : new double[] {0.3, 0.02, 0.001}) models.add(trainer.fit(fitting, new GridPoint(0, 1, lambda)));
    Dataset<Row> rows = fitting.repartition(300).cache();
    List<EnumMap<Metric, Double>> ours = Scorer.score(rows, models.stream().map(FittedModel::predictor).toList());
    for (int m = 0; m < models.size(); m++) {
      // The reference does not depend on the partitioning: MLlib scores the same rows in their few partitions.
      Dataset<Row> predictions = LogisticRegressionModel.load(saved(models.get(m))).transform(fitting);
      double auc = new BinaryClassificationEvaluator().setNumBins(0).setWeightCol(LabeledData.WEIGHT)
          .setRawPredictionCol("probability").evaluate(predictions);
      assertEquals(auc, ours.get(m).get(Metric.AUC), 1e-12, "model " + m);
    }
    rows.unpersist();
  }

  /** Bytes of task results that reach the driver while {@code work} runs. */
  private static long resultBytes(Runnable work) throws java.util.concurrent.TimeoutException {
    java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) bytes.addAndGet(end.taskMetrics().resultSize());
      }
    };
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().addSparkListener(listener);
    try {
      work.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    return bytes.get();
  }

  /**
   * What the scoring sends to the driver depends on the models and partitions, not on the rows: 8 times
   * the rows (same 40 partitions, 20 models) send about as many bytes: measured 338,136 bytes for 569
   * rows and 337,706 for 4,552. (AUC used to keep 24 bytes a row and model on the driver: 2.2 MB more
   * for the 4,552 rows.)
   */
  @Test
  void whatReachesTheDriverDoesNotGrowWithTheRows() throws Exception {
    SweepSpec spec = Samples.spec(Samples.BREAST_CANCER);
    LabeledData d = DatasetLoader.load(spark, spec);
    Dataset<Row> fitting = weighted(d);
    Dataset<Row> once = fitting.repartition(40).cache();
    Dataset<Row> eight = once;
    for (int i = 0; i < 3; i++) eight = eight.union(eight);
    eight = eight.repartition(40).cache();
    assertEquals(8 * once.count(), eight.count());
    Predictor p = new LogisticRegressionTrainer(spec.model(), d.numFeatures(), 2)
        .fit(fitting, new GridPoint(0, 0.5, 0.02)).predictor();   // in a few partitions: fewer tasks per iteration
    List<Predictor> models = java.util.Collections.nCopies(20, p);
    Scorer.score(once, models); // warm-up: code generation, broadcasts
    Dataset<Row> small = once;
    Dataset<Row> large = eight;
    long a = resultBytes(() -> Scorer.score(small, models));
    long b = resultBytes(() -> Scorer.score(large, models));
    System.out.printf("result bytes to the driver: %d for %d rows, %d for %d rows%n", a, once.count(), b,
        eight.count());
    assertTrue(b < 1.25 * a, b + " bytes for 8× the rows against " + a);
    once.unpersist();
    eight.unpersist();
  }

  @Test
  void multinomialMetricsEqualMllibEvaluators() throws IOException {
    SweepSpec spec = Samples.spec(Samples.WINE);
    LabeledData d = DatasetLoader.load(spark, spec);
    Dataset<Row> rows = weighted(d);
    FittedModel m = new LogisticRegressionTrainer(spec.model(), d.numFeatures(), 3)
        .fit(rows, new GridPoint(0, 1, 0.05));
    EnumMap<Metric, Double> ours = Scorer.score(rows, m.predictor());
    Dataset<Row> predictions = LogisticRegressionModel.load(saved(m)).transform(rows);
    MulticlassClassificationEvaluator e = new MulticlassClassificationEvaluator();
    assertEquals(eval(e, predictions, "logLoss"), ours.get(Metric.LOGLOSS), 1e-12);
    assertEquals(eval(e, predictions, "accuracy"), ours.get(Metric.ACCURACY), 1e-12);
    assertEquals(eval(e, predictions, "f1"), ours.get(Metric.F1), 1e-12);
    assertEquals(null, ours.get(Metric.AUC), "AUC is binomial only");
  }
}
