package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.cv.FoldPlan;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.data.LabeledData;
import io.ridgeline.sweep.Checkpoints;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.Progress;
import io.ridgeline.sweep.SweepRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The logistic engine on its own, on real data (breast cancer, 569 × 30, features on scales from 1e−3
 * to 1e3): full-data fits without a cross-validation first (the engine then walks the points' path on
 * all rows alone) match MLlib fits at tol 1e−12, and the saved models are genuine MLlib models: they
 * load with {@code LogisticRegressionModel.load}, hold the engine's coefficients and the estimator's
 * parameters, and predict what the engine's predictor predicts.
 */
@Tag("slow")
class LogisticEngineTest {
  private static final SparkSession spark = TestSpark.session();

  @Test
  void fitsAloneMatchMllibAndSaveAsMllibModels() throws IOException {
    SweepSpec spec = Samples.spec(Samples.BREAST_CANCER);
    LabeledData data = DatasetLoader.load(spark, spec);
    FoldedData folded = FoldPlan.assign(spark, data, spec.cv(), 0);
    try {
      SweepRunner runner = new SweepRunner(spark, 1, "logistic-engine-test",
          new Progress(2, new PrintStream(OutputStream.nullOutputStream())),
          new Checkpoints(FileSystem.getLocal(new Configuration()),
              new org.apache.hadoop.fs.Path(TestSpark.tempDir("logistic-engine").toString())));
      LogisticEngine engine = new LogisticEngine(spec.model(), data.numFeatures(), runner);
      List<GridPoint> points = List.of(new GridPoint(0, 0.5, 0.05), new GridPoint(1, 0.5, 0.005));
      List<FittedModel> fits = engine.fitAll(folded, points);
      assertEquals(2, fits.size());
      for (int i = 0; i < points.size(); i++) {
        GridPoint point = points.get(i);
        double[] ours = fits.get(i).coefficients(data.featureNames()).stream()
            .mapToDouble(FittedModel.Coefficient::value).toArray();   // intercept first
        LogisticRegressionModel mllib = new LogisticRegression().setFeaturesCol("features").setLabelCol("label")
            .setWeightCol("weight").setRegParam(point.lambda()).setElasticNetParam(point.alpha())
            .setTol(1e-12).setMaxIter(100000).fit(data.frame());
        double[] theirs = new double[ours.length];
        theirs[0] = mllib.intercept();
        System.arraycopy(mllib.coefficients().toArray(), 0, theirs, 1, ours.length - 1);
        double largest = java.util.Arrays.stream(theirs).map(Math::abs).max().orElse(1);
        double worst = 0;
        for (int j = 0; j < ours.length; j++) worst = Math.max(worst, Math.abs(ours[j] - theirs[j]) / largest);
        System.out.printf("logistic engine alone at %s: largest difference from MLlib %.2e%n", point.label(), worst);
        assertTrue(worst <= 1e-5, point.label() + ": coefficients differ by " + worst);

        String path = TestSpark.tempDir("logistic-model").resolve("model").toString();
        ((org.apache.spark.ml.util.MLWritable) fits.get(i).transformer()).write().save(path);
        LogisticRegressionModel loaded = LogisticRegressionModel.load(path);
        assertEquals(point.lambda(), loaded.getRegParam());
        assertEquals(point.alpha(), loaded.getElasticNetParam());
        assertEquals("weight", loaded.getWeightCol());
        assertEquals(2, loaded.numClasses());
        assertEquals(ours[0], loaded.intercept());
        for (int j = 1; j < ours.length; j++) assertEquals(ours[j], loaded.coefficients().apply(j - 1));
        double[] out = new double[2];
        for (Row r : loaded.transform(data.frame()).select("features", "probability").limit(50).collectAsList()) {
          fits.get(i).predictor().predict((Vector) r.get(0), out);
          assertEquals(((Vector) r.get(1)).apply(1), out[1], 1e-12);
        }
      }
    } finally {
      folded.release();
    }
  }
}
