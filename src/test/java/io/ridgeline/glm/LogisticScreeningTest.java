package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.config.Metric;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.TrialResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The binomial engine's working sets (sequential strong rules, KKT checks over every feature) change
 * which Hessian statistics the passes gather, never the solutions: on 2,000 × 40 dense rows with 12
 * informative features (feature 0 offset by 5), α ∈ {0.5, 1} and a λ list whose first value is far below
 * λ_max (so the first λ's working sets come from the KKT check alone), the fold models' validation
 * metrics and the full-data coefficients are those of the engine with working sets off, every
 * full-data solution satisfies MLlib's optimality conditions, and the progress lines show Hessians
 * gathered over fewer than all 40 features.
 */
@Tag("slow")
class LogisticScreeningTest {
  private static final SparkSession spark = TestSpark.session();
  private static final Pattern WIDTH = Pattern.compile("λ (\\d+)/\\d+ · .*Hessians over ≤ (\\d+) of 40 features");

  @Test
  void workingSetsReachTheSameOptimaAsFullHessians() {
    WideData data = new WideData(spark, 2000, 40, 40, 4, true, 5, 0, 11);
    ModelSpec spec = WideData.spec(true, true, true);
    double[] lambdas = {0.05, 0.02, 0.01, 0.005, 0.002};
    List<GridPoint> grid = new ArrayList<>();
    for (double alpha : new double[] {0.5, 1}) {
      for (double lambda : lambdas) grid.add(new GridPoint(grid.size(), alpha, lambda));
    }
    FoldedData folded = data.folded();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    LogisticEngine screened = new LogisticEngine(spec, data.p, 2,
        WideData.runner("screened", new PrintStream(log, true, StandardCharsets.UTF_8))).screening(true);
    LogisticEngine full = new LogisticEngine(spec, data.p, 2, WideData.runner("unscreened")).screening(false);
    List<TrialResult> ours = screened.crossValidate(folded, grid);
    List<TrialResult> reference = full.crossValidate(folded, grid);
    List<FittedModel> ourFits = screened.fitAll(folded, grid);
    List<FittedModel> referenceFits = full.fitAll(folded, grid);

    double metrics = 0;
    assertEquals(reference.size(), ours.size());
    for (int i = 0; i < ours.size(); i++) {
      assertEquals(reference.get(i).point(), ours.get(i).point());
      for (Metric m : List.of(Metric.LOGLOSS, Metric.AUC, Metric.ACCURACY)) {
        double a = ours.get(i).metrics().get(m);
        double b = reference.get(i).metrics().get(m);
        metrics = Math.max(metrics, Math.abs(a - b) / Math.max(1e-300, Math.abs(b)));
      }
    }
    double coefficients = 0;
    double kkt = 0;
    for (int i = 0; i < grid.size(); i++) {
      double[] a = coefficients(ourFits.get(i), data.p);
      double[] b = coefficients(referenceFits.get(i), data.p);
      double largest = WideData.largest(b);
      for (int j = 0; j <= data.p; j++) coefficients = Math.max(coefficients, Math.abs(a[j] - b[j]) / largest);
      GridPoint point = grid.get(i);
      kkt = Math.max(kkt, data.kkt(data.k, point.alpha(), point.lambda(), true, true,
          java.util.Arrays.copyOf(a, data.p), a[data.p]));
    }
    String progress = log.toString(StandardCharsets.UTF_8);
    int firstWidth = -1;
    int narrowest = Integer.MAX_VALUE;
    for (Matcher m = WIDTH.matcher(progress); m.find(); ) {
      int width = Integer.parseInt(m.group(2));
      if (m.group(1).equals("1")) firstWidth = width;
      narrowest = Math.min(narrowest, width);
    }
    System.out.printf("working sets vs full Hessians: metrics %.2e, coefficients %.2e relative; KKT ≤ %.2e; "
        + "first λ's working sets ≤ %d of 40 features%n", metrics, coefficients, kkt, firstWidth);
    // Measured: metrics 1.8e−13, coefficients 9.6e−13 relative, KKT 4.2e−12; the first λ's working sets 19 of 40.
    assertTrue(metrics <= 2e-12, "validation metrics differ by " + metrics);
    assertTrue(coefficients <= 1e-11, "full-data coefficients differ by " + coefficients);
    assertTrue(kkt <= 4e-11, "optimality conditions violated by " + kkt);
    assertTrue(progress.contains("KKT round"), "the first λ's working sets come from a KKT check:\n" + progress);
    assertTrue(firstWidth > 0 && firstWidth < data.p,
        "the first λ's Hessians cover " + firstWidth + " features:\n" + progress);
    folded.release();
  }

  /** β then the intercept, from a fitted model's coefficient table. */
  private static double[] coefficients(FittedModel fit, int p) {
    List<String> names = new ArrayList<>();
    for (int j = 0; j < p; j++) names.add("x" + j);
    double[] out = new double[p + 1];
    for (FittedModel.Coefficient c : fit.coefficients(names)) {
      if (c.feature().equals("(intercept)")) out[p] = c.value();
      else out[Integer.parseInt(c.feature().substring(1))] = c.value();
    }
    return out;
  }
}
