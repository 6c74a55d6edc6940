package io.ridgeline.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The estimator as Spark ML sees it: params, transform, persistence, Pipeline, CrossValidator, history. */
class MlpEstimatorTest {
  static Dataset<Row> wine;

  @BeforeAll
  static void load() {
    Dataset<Row> raw = TestSpark.session().read().option("header", true).option("inferSchema", true)
        .csv("data-samples/wine.csv");
    String[] cols = java.util.Arrays.stream(raw.columns()).filter(c -> !c.equals("cultivar")).toArray(String[]::new);
    wine = new VectorAssembler().setInputCols(cols).setOutputCol("features").transform(raw)
        .selectExpr("features", "cast(cultivar as double) as label").repartition(2).cache();
    wine.count();
  }

  static MlpEstimator small() {
    return new MlpEstimator().setHiddenLayers(8).setMaxEpochs(5).setBatchSize(32).setLearningRate(0.01)
        .setMode("local-sgd").setLocalSteps(100);
  }

  @Test
  void defaultsAndValidators() {
    MlpEstimator e = new MlpEstimator();
    assertEquals("classification", e.getOrDefault(e.task()));
    assertArrayEquals(new int[] {64, 32}, e.getOrDefault(e.hiddenLayers()));
    assertEquals("adam", e.getOrDefault(e.optimizer()));
    assertThrows(IllegalArgumentException.class, () -> e.setDropout(1.0));
    assertThrows(IllegalArgumentException.class, () -> e.setActivation("gelu"));
    assertThrows(IllegalArgumentException.class, () -> e.setHiddenLayers(4, 0));
    assertThrows(IllegalArgumentException.class, () -> e.setMode("async"));
    assertThrows(IllegalArgumentException.class, () -> e.setDropoutRates(0.2, 1.0));
    MlpEstimator c = e.copy(ParamMap.empty()).setL2(0.5);
    assertEquals(e.uid(), c.uid());
    assertEquals(0.0, (Double) e.getOrDefault(e.l2()));
  }

  @Test
  void estimatorSavesAndLoadsItsParams() throws Exception {
    MlpEstimator e = new MlpEstimator().setHiddenLayers(5, 3).setOptimizer("sgd").setNesterov(true).setSeed(9)
        .setDropoutRates(0.1, 0.2);
    String path = TestSpark.tempDir("mlp-est").resolve("e").toString();
    e.write().save(path);
    MlpEstimator back = MlpEstimator.load(path);
    assertEquals(e.uid(), back.uid());
    assertArrayEquals(new int[] {5, 3}, back.getOrDefault(back.hiddenLayers()));
    assertArrayEquals(new double[] {0.1, 0.2}, back.getOrDefault(back.dropoutRates()), 0.0);
    assertEquals(9L, (Long) back.getOrDefault(back.seed()));
    assertEquals(true, back.getOrDefault(back.nesterov()));
  }

  @Test
  void saveAndLoadGiveIdenticalPredictionsAndHistory() throws Exception {
    MlpModel m = small().setHiddenLayers(8, 6).setBatchNorm(true).setDropoutRates(0.1, 0.0).setValidationFraction(0.2).setPatience(3).fit(wine);
    String path = TestSpark.tempDir("mlp-model").resolve("m").toString();
    m.write().save(path);
    MlpModel back = MlpModel.load(path);
    assertEquals(m.uid(), back.uid());
    List<Row> a = m.transform(wine).select("probability", "prediction").collectAsList();
    List<Row> b = back.transform(wine).select("probability", "prediction").collectAsList();
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(((Vector) a.get(i).get(0)).toArray(), ((Vector) b.get(i).get(0)).toArray(), 0.0);
      assertEquals(a.get(i).getDouble(1), b.get(i).getDouble(1));
    }
    assertArrayEquals(m.history()[0], back.history()[0], 0.0);
    assertArrayEquals(m.history()[1], back.history()[1], 0.0);
    assertArrayEquals(m.bnStatistics()[1], back.bnStatistics()[1], 0.0);
    assertTrue(m.history()[0].length >= 1 && !Double.isNaN(m.history()[1][0]));
  }

  @Test
  void earlyStoppingKeepsTheBestEpoch() {
    MlpModel m = small().setMaxEpochs(40).setLearningRate(0.05).setValidationFraction(0.3).setPatience(2).fit(wine);
    double[] valid = m.history()[1];
    int best = m.bestEpoch();
    for (double v : valid) assertTrue(valid[best] <= v);
    assertTrue(valid.length <= best + 1 + 2, "stopped " + valid.length + " epochs, best " + best);
  }

  /**
   * Through Spark ML's fit: a fit stopped after 3 epochs and continued from its state to 8 equals one
   * fit of 8 epochs (the blocks are stacked again from the same rows and partitions, the same way).
   */
  @Test
  void aFitContinuedFromItsStateEqualsOneFitOfTheLongerBudget() {
    MlpEstimator e = small().setMaxEpochs(8).setHiddenLayers(8, 6).setBatchNorm(true).setDropout(0.1);
    MlpModel three = e.continueFrom(null, 3).fit(wine);
    assertEquals(3, three.history()[0].length);
    assertEquals(3, three.trainState().epochs());
    MlpModel continued = e.continueFrom(TrainState.fromBytes(three.trainState().toBytes()), 8).fit(wine);
    MlpModel through = e.continueFrom(null, 0).fit(wine);
    // Bit for bit (measured max |Δ| = 0).
    assertArrayEquals(through.parameters(), continued.parameters(), 0.0);
    assertArrayEquals(through.bnStatistics()[0], continued.bnStatistics()[0], 0.0);
    assertArrayEquals(through.bnStatistics()[1], continued.bnStatistics()[1], 0.0);
    assertArrayEquals(through.history()[0], continued.history()[0], 0.0);
    assertEquals(8, continued.history()[0].length);
  }

  @Test
  @Tag("slow")
  void pipelineAndCrossValidator() {
    Dataset<Row> raw = TestSpark.session().read().option("header", true).option("inferSchema", true)
        .csv("data-samples/wine.csv").withColumnRenamed("cultivar", "label").repartition(2);
    String[] cols = java.util.Arrays.stream(raw.columns()).filter(c -> !c.equals("label")).toArray(String[]::new);
    MlpEstimator mlp = small().setMaxEpochs(10).setLearningRate(0.03);
    Pipeline pipe = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(cols).setOutputCol("features"), mlp});
    PipelineModel pm = pipe.fit(raw);
    MulticlassClassificationEvaluator acc = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    assertTrue(acc.evaluate(pm.transform(raw)) > 0.8);

    ParamMap[] grid = new ParamGridBuilder().addGrid(mlp.l2(), new double[] {0.0, 0.1}).build();
    CrossValidatorModel cv = new CrossValidator().setEstimator(pipe).setEstimatorParamMaps(grid).setEvaluator(acc)
        .setNumFolds(2).setSeed(1).fit(raw);
    assertEquals(2, cv.avgMetrics().length);
    assertTrue(cv.avgMetrics()[0] > 0.8, "cv accuracy " + cv.avgMetrics()[0]);
    assertTrue(cv.bestModel().transform(raw).columns().length > cols.length);
  }

  @Test
  void regressionPredictsOnTheLabelScale() {
    Dataset<Row> raw = TestSpark.session().read().option("header", true).option("inferSchema", true)
        .csv("data-samples/diabetes.csv");
    String[] cols = java.util.Arrays.stream(raw.columns()).filter(c -> !c.equals("progression")).toArray(String[]::new);
    Dataset<Row> df = new VectorAssembler().setInputCols(cols).setOutputCol("features").transform(raw)
        .selectExpr("features", "progression as label", "1.0 + cast(sex as double) as w");
    MlpModel m = small().setTask("regression").setWeightCol("w").fit(df);
    double mean = m.transform(df).selectExpr("avg(prediction)").first().getDouble(0);
    assertTrue(mean > 100 && mean < 200, "mean prediction " + mean);
    assertEquals(0, m.numClasses());
  }
}
