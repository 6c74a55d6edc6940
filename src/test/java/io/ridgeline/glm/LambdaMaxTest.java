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
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LambdaMaxTest {
  private static final SparkSession spark = TestSpark.session();

  private static String sample(String name) {
    return switch (name) {
      case "diabetes" -> Samples.DIABETES;
      case "breast_cancer" -> Samples.BREAST_CANCER;
      default -> Samples.WINE;
    };
  }

  /** glmnet's λ_max (first λ of its default path) for the same case, from the committed golden file. */
  private static double glmnetLambdaMax(String caseId) throws IOException {
    for (String line : Files.readAllLines(Path.of("src/test/resources/golden/glmnet_lambda_max.csv"))) {
      String[] f = line.split(",");
      if (f[0].equals(caseId)) return Double.parseDouble(f[5]);
    }
    throw new IllegalArgumentException(caseId);
  }

  /**
   * λ_max equals glmnet's exactly for gaussian (both use 1/n standard deviations), and for logistic
   * differs by exactly √((n−1)/n): MLlib standardizes with the n−1 standard deviation. (Ours sits
   * {@link LambdaMax#BOUNDARY_MARGIN} above the boundary.)
   */
  @ParameterizedTest
  @CsvSource({
      "gaussian_a1_std, diabetes, 1, true, true, 1",
      "gaussian_a0.5_std, diabetes, 0.5, true, true, 1",
      "gaussian_a0_std, diabetes, 0, true, true, 1",
      "gaussian_a0.5_nostd, diabetes, 0.5, false, true, 1",
      "gaussian_a0.5_std_noint, diabetes, 0.5, true, false, 1",
      "binomial_a1_std, breast_cancer, 1, true, true, 569",
      "binomial_a0.5_std, breast_cancer, 0.5, true, true, 569",
      "multinomial_a1_std, wine, 1, true, true, 178",
  })
  void matchesGlmnet(String caseId, String data, double alpha, boolean standardize, boolean intercept,
      int nForStd) throws IOException {
    SweepSpec spec = Samples.spec(sample(data), "model.standardize=" + standardize, "model.intercept=" + intercept);
    LabeledData d = DatasetLoader.load(spark, spec);
    double ours = LambdaMax.of(d.frame(), spec.model(), d.numFeatures(), d.numClasses()).at(alpha);
    double stdRatio = nForStd == 1 ? 1 : Math.sqrt((nForStd - 1.0) / nForStd);
    double expected = glmnetLambdaMax(caseId) * stdRatio * (1 + LambdaMax.BOUNDARY_MARGIN);
    assertEquals(expected, ours, 1e-10 * ours, caseId);
  }

  /**
   * The Gaussian engine's λ_max, from the total of its per-fold statistics (no pass of its own), is
   * glmnet's too, with and without standardization and an intercept.
   */
  @ParameterizedTest
  @CsvSource({
      "gaussian_a1_std, 1, true, true",
      "gaussian_a0.5_std, 0.5, true, true",
      "gaussian_a0_std, 0, true, true",
      "gaussian_a0.5_nostd, 0.5, false, true",
      "gaussian_a0.5_std_noint, 0.5, true, false",
  })
  void gaussianEngineStatisticsGiveGlmnetsLambdaMax(String caseId, double alpha, boolean standardize,
      boolean intercept) throws IOException {
    SweepSpec spec = Samples.spec(Samples.DIABETES, "model.standardize=" + standardize, "model.intercept=" + intercept);
    double ours = engineLambdaMax(spec, alpha);
    double expected = glmnetLambdaMax(caseId) * (1 + LambdaMax.BOUNDARY_MARGIN);
    System.out.printf("λ_max from the Gaussian engine's statistics, %s: %.1e relative to glmnet's%n", caseId,
        Math.abs(ours - expected) / expected);
    assertEquals(expected, ours, 1e-10 * ours, caseId);
  }

  /** λ_max at α from a {@link GaussianEngine}'s statistics on the folded rows of {@code spec}'s data. */
  static double engineLambdaMax(SweepSpec spec, double alpha) {
    FoldedData folded = FoldPlan.assign(spark, DatasetLoader.load(spark, spec), spec.cv(), 0);
    try {
      GaussianEngine engine = new GaussianEngine(spec.model(), folded.source().numFeatures(),
          WideData.runner("lambda-max"), spec.cv().metric());
      return engine.lambdaMax(folded).applyAsDouble(alpha);
    } finally {
      folded.release();
    }
  }

  /** MLlib itself: every coefficient is zero at λ_max, and not all are at 0.95·λ_max. */
  @ParameterizedTest
  @CsvSource({
      "diabetes, 1, true, true",
      "diabetes, 0.5, false, true",
      "diabetes, 0.3, true, false",
      "breast_cancer, 1, true, true",
      "breast_cancer, 0.5, false, true",
      "breast_cancer, 1, true, false",
      "wine, 1, true, true",
      "wine, 0.7, false, false",
  })
  void mllibFitsAreZeroExactlyFromLambdaMax(String data, double alpha, boolean standardize, boolean intercept) {
    SweepSpec spec = Samples.spec(sample(data), "model.standardize=" + standardize,
        "model.intercept=" + intercept, "model.tol=1e-10", "model.maxIter=1000");
    LabeledData d = DatasetLoader.load(spark, spec);
    double lambdaMax = LambdaMax.of(d.frame(), spec.model(), d.numFeatures(), d.numClasses()).at(alpha);
    Trainer trainer = d.numClasses() == 0
        ? new LinearRegressionTrainer(spec.model(), d.numFeatures())
        : new LogisticRegressionTrainer(spec.model(), d.numFeatures(), d.numClasses());
    FittedModel atMax = trainer.fit(d.frame(), new GridPoint(0, alpha, lambdaMax));
    FittedModel below = trainer.fit(d.frame(), new GridPoint(1, alpha, 0.95 * lambdaMax));
    List<FittedModel.Coefficient> zero = atMax.coefficients(d.featureNames()).stream()
        .filter(c -> !c.feature().equals("(intercept)") && c.value() != 0).toList();
    assertEquals(List.of(), zero, "non-zero coefficients at λ_max = " + lambdaMax);
    assertTrue(below.nonzero() > 0, "all coefficients zero at 0.95·λ_max");
  }
}
