package io.ridgeline.cv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.Metric;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.data.LabeledData;
import io.ridgeline.linear.LinearRegressionTrainer;
import io.ridgeline.linear.LogisticRegressionTrainer;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import java.io.IOException;
import java.util.EnumMap;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.regression.LinearRegressionModel;
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
