package io.ridgeline.mlp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Accuracy floors on the bundled real data (80/20 split, held-out rows never seen in training). */
@Tag("slow")
class MlpAccuracyTest {

  @Test
  void digitsHeldOutAccuracyAtLeast95Percent() {
    Dataset<Row>[] s = MlpData.split("data-samples/digits.csv", "digit", 2);
    long t0 = System.nanoTime();
    MlpModel model = new MlpEstimator().setHiddenLayers(64).setMaxEpochs(15).setLearningRate(3e-3)
        .setBatchSize(32).setMode("local-sgd").setLocalSteps(1000).setSeed(3).fit(s[0]);
    double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(s[1]));
    System.out.printf("digits: accuracy %.4f, %.1f s%n", acc, (System.nanoTime() - t0) / 1e9);
    assertTrue(acc >= 0.95, "accuracy " + acc);
  }

  @Test
  void diabetesHeldOutR2AtLeast04() {
    Dataset<Row>[] s = MlpData.split("data-samples/diabetes.csv", "progression", 2);
    MlpModel model = new MlpEstimator().setTask("regression").setHiddenLayers(16).setActivation("tanh")
        .setL2(1e-2).setMaxEpochs(60).setLearningRate(3e-3).setBatchSize(32).setMode("local-sgd").setLocalSteps(1000)
        .setSeed(5).fit(s[0]);
    double r2 = new RegressionEvaluator().setMetricName("r2").evaluate(model.transform(s[1]));
    System.out.printf("diabetes: R² %.4f%n", r2);
    assertTrue(r2 >= 0.4, "R² " + r2);
  }
}
