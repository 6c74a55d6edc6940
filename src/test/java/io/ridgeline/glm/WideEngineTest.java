package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.MllibReference;
import io.ridgeline.TestSpark;
import io.ridgeline.config.Metric;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.cv.Scorer;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.TrialResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The wide engines against direct MLlib fits at tol 1e−12, on sparse weighted data with more features
 * than rows (a dense column among sparse ones): the engine's value of MLlib's objective never above
 * MLlib's own, its optimality conditions met to {@value #KKT} (in fitted-value units; measured ≤ 2e−12),
 * and wherever MLlib itself reached its optimality conditions to {@value #MLLIB_CONVERGED}, coefficients
 * within 1e−5 of MLlib's (relative to the largest; measured ≤ 7.7e−7); with standardization and
 * intercept on and off, gaussian both below and above MLlib's 4096-feature switch from the normal
 * equations (population σ) to L-BFGS (unbiased σ). Where MLlib stops short (its KKT 2e−8…2e−6 on the
 * smaller λ with p &gt; n) its objective is the higher one, by 1e−16…9e−11 relative.
 */
@Tag("slow")
class WideEngineTest {
  private static final SparkSession spark = TestSpark.session();
  /** Objective: ours may exceed MLlib's by rounding only. */
  private static final double OBJECTIVE_SLACK = 1e-12;

  /** Our optimality conditions, in fitted-value units. */
  private static final double KKT = 1e-9;
  /** MLlib counts as converged (so its coefficients as the reference) below this KKT violation. */
  private static final double MLLIB_CONVERGED = 1e-8;

  /**
   * MLlib's fits by data set and point, shared by the distributed and the in-task engine's cases; stored
   * (see {@link MllibReference}: at tol 1e−12 they took most of this class's 228 s).
   */
  private static final java.util.Map<String, double[]> REFERENCE = new java.util.HashMap<>();

  private static final List<GridPoint> POINTS = List.of(new GridPoint(0, 1, 0.08), new GridPoint(1, 1, 0.01),
      new GridPoint(2, 0.5, 0.03), new GridPoint(3, 0, 0.2));

  @ParameterizedTest(name = "{0} p={1} standardize={2} intercept={3} in-task={4}")
  @CsvSource({
      "gaussian, 150, true, true, false", "gaussian, 150, false, true, false", "gaussian, 150, true, false, false",
      "gaussian, 150, false, false, false", "gaussian, 4200, true, true, false", "gaussian, 4200, false, false, false",
      "binomial, 150, true, true, false", "binomial, 150, false, true, false", "binomial, 150, true, false, false",
      "binomial, 150, false, false, false",
      "gaussian, 150, true, true, true", "gaussian, 150, false, true, true", "gaussian, 150, true, false, true",
      "gaussian, 150, false, false, true", "gaussian, 4200, true, true, true", "gaussian, 4200, false, false, true",
      "binomial, 150, true, true, true", "binomial, 150, false, true, true", "binomial, 150, true, false, true",
      "binomial, 150, false, false, true"})
  void fullDataFitsMatchMllib(String family, int p, boolean standardize, boolean intercept, boolean inTask) {
    boolean binomial = family.equals("binomial");
    WideData data = new WideData(spark, binomial ? 100 : 60, p, Math.min(p, 150), 15, 3, binomial, 5, 0, 11);
    FoldedData folded = data.folded();
    List<GridPoint> points = p > 1000 ? List.of(POINTS.get(0), POINTS.get(2)) : POINTS;
    WideEngine engine = new WideEngine(WideData.spec(binomial, standardize, intercept), p, binomial ? 2 : 0,
        WideData.runner("wide-test"), System.out::println, 1L << 24, 4096, inTask);
    List<FittedModel> fits = engine.fitAll(folded, points);
    for (int i = 0; i < points.size(); i++) {
      GridPoint point = points.get(i);
      double[] ours = coefficients(fits.get(i), p);
      // The same seeded data for both engines: MLlib's reference fit is made once for the pair.
      double[] theirs = REFERENCE.computeIfAbsent(family + " p=" + p + " standardize=" + standardize + " intercept="
          + intercept + " alpha=" + point.alpha() + " lambda=" + point.lambda(), key -> MllibReference.get("WideEngineTest", key,
              MllibReference.fingerprint(data.frame), () -> mllib(data.frame, binomial, point, standardize, intercept, p)));
      double scale = Math.max(WideData.largest(theirs), 1e-300);
      double worst = 0;
      for (int j = 0; j <= p; j++) worst = Math.max(worst, Math.abs(ours[j] - theirs[j]) / scale);
      double fOurs = data.objective(3, point.alpha(), point.lambda(), standardize, slice(ours), ours[p]);
      double fMllib = data.objective(3, point.alpha(), point.lambda(), standardize, slice(theirs), theirs[p]);
      double kOurs = data.kkt(3, point.alpha(), point.lambda(), standardize, intercept, slice(ours), ours[p]);
      double kMllib = data.kkt(3, point.alpha(), point.lambda(), standardize, intercept, slice(theirs), theirs[p]);
      System.out.printf("%s %s p=%d std=%s int=%s %s: coefficients %.2e from MLlib, objective %.17g vs MLlib %.17g"
          + " (%.1e), KKT %.1e vs MLlib %.1e, %d non-zero%n", engine.name(), family, p, standardize, intercept, point.label(), worst,
          fOurs, fMllib, (fOurs - fMllib) / Math.abs(fMllib), kOurs, kMllib, fits.get(i).nonzero());
      assertTrue(fOurs <= fMllib + OBJECTIVE_SLACK * Math.abs(fMllib), point.label() + ": objective " + fOurs
          + " above MLlib's " + fMllib);
      assertTrue(kOurs <= KKT, point.label() + ": optimality conditions violated by " + kOurs);
      if (kMllib <= MLLIB_CONVERGED) assertTrue(worst <= 1e-5, point.label() + ": coefficients differ by " + worst);
    }
    data.frame.unpersist();
  }

  /**
   * 1,000,000 features, 300 rows of 8 stored entries: the cached blocks hold exactly the stored entries
   * (a few hundred KB; densified they would be 2.4 GB), and the wide engine cross-validates and fits a
   * lasso path on them, its full-data solutions satisfying the optimality conditions.
   */
  @ParameterizedTest(name = "in-task={0}")
  @CsvSource({"false", "true"})
  void aMillionFeaturesStaySparse(boolean inTask) {
    int p = 1_000_000;
    WideData data = new WideData(spark, 300, p, 8, 3, false, 5, 0, 5);
    FoldedData folded = data.folded();
    SparseBlocks blocks = SparseBlocks.of(data.frame, p, new double[p], 0);
    long stored = blocks.rdd().map(b -> (long) b.index().length).reduce(Long::sum);
    // The blocks' own size (Spark's SizeEstimator, as its cache counts them), measured on the executor: the
    // storage status of the shared test session read 0 bytes once, the block evicted by other tests' data.
    long bytes = blocks.rdd().map(b -> org.apache.spark.util.SizeEstimator.estimate(b)).reduce(Long::sum);
    blocks.release();
    System.out.printf("1,000,000 features × 300 rows: %d stored entries, blocks cached in %d bytes%n", stored, bytes);
    assertEquals(300L * 8, stored);
    assertTrue(bytes > 0 && bytes < 1 << 20, "cached blocks take " + bytes + " bytes");

    WideEngine engine = new WideEngine(WideData.spec(false, true, true), p, 0, WideData.runner("wide-million"),
        System.out::println, 1L << 24, 4096, inTask);
    List<GridPoint> grid = List.of(new GridPoint(0, 1, 0.3), new GridPoint(1, 1, 0.1));
    List<TrialResult> trials = engine.crossValidate(folded, grid);
    assertEquals(grid.size() * 3, trials.size());
    for (TrialResult t : trials) assertTrue(Double.isFinite(t.metrics().get(Metric.RMSE)), t.toString());
    List<FittedModel> fits = engine.fitAll(folded, grid);
    for (int i = 0; i < grid.size(); i++) {
      double[] c = coefficients(fits.get(i), p);
      double kkt = data.kkt(3, 1, grid.get(i).lambda(), true, true, slice(c), c[p]);
      System.out.printf("1,000,000 features %s: %d non-zero, KKT %.1e%n", grid.get(i).label(), fits.get(i).nonzero(), kkt);
      assertTrue(kkt <= KKT, "optimality conditions violated by " + kkt);
      assertTrue(fits.get(i).nonzero() > 0);
    }
    data.frame.unpersist();
  }

  /**
   * Shifting the dense feature by 1e6 and the label by 1e6 changes neither the coefficients nor the
   * cross-validated rmse (the blocks store them around their means); binomial the same for the feature.
   */
  @ParameterizedTest(name = "{0} in-task={1}")
  @CsvSource({"gaussian, false", "binomial, false", "gaussian, true", "binomial, true"})
  void largeOffsetsChangeNothing(String family, boolean inTask) {
    boolean binomial = family.equals("binomial");
    List<GridPoint> grid = List.of(new GridPoint(0, 1, 0.08), new GridPoint(1, 0.5, 0.03));
    double[][] coefficients = new double[2][];
    double[][] metric = new double[2][];
    for (int shifted = 0; shifted < 2; shifted++) {
      WideData data = new WideData(spark, 90, 150, 150, 12, 3, binomial, shifted == 1 ? 1e6 : 5,
          shifted == 1 && !binomial ? 1e6 : 0, 23);
      WideEngine engine = new WideEngine(WideData.spec(binomial, true, true), 150, binomial ? 2 : 0,
          WideData.runner("wide-offset"), System.out::println, 1L << 24, 4096, inTask);
      List<TrialResult> trials = engine.crossValidate(data.folded(), grid);
      metric[shifted] = trials.stream().mapToDouble(t -> t.metrics().get(binomial ? Metric.LOGLOSS : Metric.RMSE))
          .toArray();
      // Each fold's metrics are the scorer's — MLlib's evaluators' — for that fold model on its rows, whether
      // the engine scored in its solving tasks (in-task) or in a pass: all of them to 5e−15 relative without
      // offsets (measured ≤ 8.9e−16); with them the scorer's own predictions, from raw values of 1e6, lose
      // ~1e−11 to cancellation, so only AUC (ranks) is compared there, to 1e−12.
      List<List<GridPoint>> paths = io.ridgeline.sweep.Grid.byAlpha(grid);
      double worst = 0;
      int t = 0;
      for (int f = 0; f < 3; f++) {
        for (int a = 0; a < paths.size(); a++) {
          for (int l = 0; l < paths.get(a).size(); l++) {
            TrialResult trial = trials.get(t++);
            assertEquals(f, trial.fold());
            assertEquals(paths.get(a).get(l), trial.point());
            WidePath.Solution s = engine.folds[f][a][l];
            java.util.EnumMap<Metric, Double> expected = Scorer.score(data.folded().validation(f),
                new LinearPredictor(binomial ? 2 : 0, 150, s.beta(), new double[] {s.intercept()}));
            Metric[] compared = shifted == 1 ? (binomial ? new Metric[] {Metric.AUC} : new Metric[0])
                : binomial ? new Metric[] {Metric.AUC, Metric.LOGLOSS, Metric.ACCURACY}
                : new Metric[] {Metric.RMSE, Metric.MAE, Metric.R2};
            double bar = shifted == 1 ? 1e-12 : 5e-15;
            for (Metric m : compared) {
              double e = expected.get(m);
              double got = trial.metrics().get(m);
              assertTrue(Double.isFinite(e), "fold " + f + " " + m + " " + e);
              worst = Math.max(worst, Math.abs(got - e) / Math.max(1, Math.abs(e)));
              assertEquals(e, got, bar * Math.max(1, Math.abs(e)), "fold " + f + " " + trial.point().label() + " " + m);
            }
          }
        }
      }
      System.out.printf("wide %s in-task=%s offsets=%b fold metrics vs Scorer: %.1e at most%n", family, inTask,
          shifted == 1, worst);
      List<FittedModel> fits = engine.fitAll(data.folded(), grid);
      coefficients[shifted] = fits.stream().flatMapToDouble(f -> java.util.Arrays.stream(coefficients(f, 150), 0, 150))
          .toArray();
      data.frame.unpersist();
    }
    double worstBeta = 0;
    double scale = WideData.largest(coefficients[0]);
    for (int j = 0; j < coefficients[0].length; j++) {
      worstBeta = Math.max(worstBeta, Math.abs(coefficients[0][j] - coefficients[1][j]) / scale);
    }
    double worstMetric = 0;
    for (int t = 0; t < metric[0].length; t++) {
      worstMetric = Math.max(worstMetric, Math.abs(metric[0][t] - metric[1][t]) / metric[0][t]);
    }
    System.out.printf("wide %s in-task=%s, offsets 1e6: coefficients move %.1e, cv metrics %.1e (relative)%n", family, inTask, worstBeta,
        worstMetric);
    assertTrue(worstBeta <= 1e-7, "coefficients moved by " + worstBeta);
    assertTrue(worstMetric <= 1e-7, "metrics moved by " + worstMetric);
  }

  /**
   * Degenerate training sets, as glmnet and MLlib: a feature stored only in fold 0's rows is constant in
   * the training set without fold 0 and stays at 0 there (its full-data coefficient is not 0); a label
   * constant in every training set gives zero coefficients, the intercept at the weighted mean, and a
   * note.
   */
  @org.junit.jupiter.api.Test
  void degenerateTrainingSets() {
    WideData data = new WideData(spark, 60, 150, 149, 12, 3, false, 5, 0, 31);
    // Feature 149 (never drawn: the pool is 0..148) only in fold 0, equal to the label there.
    java.util.List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    for (int i = 0; i < data.n; i++) {
      int[] idx = data.index[i];
      double[] val = data.value[i];
      if (data.fold[i] == 0) {
        idx = java.util.Arrays.copyOf(idx, idx.length + 1);
        val = java.util.Arrays.copyOf(val, val.length + 1);
        idx[idx.length - 1] = 149;
        val[val.length - 1] = data.y[i];
      }
      rows.add(org.apache.spark.sql.RowFactory.create(org.apache.spark.ml.linalg.Vectors.sparse(150, idx, val),
          data.y[i], data.w[i], data.fold[i]));
    }
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame = spark.createDataFrame(rows, data.frame.schema()).cache();
    SparseBlocks blocks = SparseBlocks.of(frame, 150, new double[150], 0);
    List<List<GridPoint>> paths = List.of(List.of(new GridPoint(0, 1, 0.05)));
    WidePath path = new WidePath(WideData.spec(false, true, true), false, blocks, blocks.moments(3, 0), paths,
        List.of(0, 3), WideData.runner("wide-degenerate"), 1L << 24, 4096);
    WidePath.Solution[][][] s = path.run();
    System.out.printf("feature constant without fold 0: β=%.3g there, %.3g on all rows%n", s[0][0][0].beta()[149],
        s[1][0][0].beta()[149]);
    assertEquals(0, s[0][0][0].beta()[149]);
    assertTrue(s[1][0][0].beta()[149] != 0);
    WidePath.Solution[][][] c = CoordinatePaths.run(WideData.spec(false, true, true), 0, blocks, blocks.moments(3, 0),
        paths, List.of(0, 3), WideData.runner("wide-degenerate-cd"), new ArrayList<>()).solutions();
    System.out.printf("in-task: β=%.3g there, %.3g on all rows%n", c[0][0][0].beta()[149], c[1][0][0].beta()[149]);
    assertEquals(0, c[0][0][0].beta()[149]);
    assertEquals(s[1][0][0].beta()[149], c[1][0][0].beta()[149], 1e-9 * Math.abs(s[1][0][0].beta()[149]));
    blocks.release();

    // A constant label (7 everywhere).
    java.util.List<org.apache.spark.sql.Row> constant = new ArrayList<>();
    double sw = 0;
    for (org.apache.spark.sql.Row r : rows) {
      constant.add(org.apache.spark.sql.RowFactory.create(r.get(0), 7.0, r.get(2), r.get(3)));
      sw += r.getDouble(2);
    }
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> flat = spark.createDataFrame(constant, data.frame.schema()).cache();
    List<String> names = new ArrayList<>();
    for (int j = 0; j < 150; j++) names.add("x" + j);
    FoldedData folded = new FoldedData(flat, new io.ridgeline.data.LabeledData(flat, names, 0, 60, "memory", "label"), 3,
        new long[] {20, 20, 20}, WideData.unknownWeights(3), 0L);
    for (boolean inTask : new boolean[] {false, true}) {
      List<String> notes = new ArrayList<>();
      WideEngine engine = new WideEngine(WideData.spec(false, true, true), 150, 0, WideData.runner("wide-constant"),
          notes::add, 1L << 24, 4096, inTask);
      FittedModel fit = engine.fitAll(folded, List.of(new GridPoint(0, 1, 0.05))).get(0);
      System.out.println(engine.name() + " constant label: " + notes + ", intercept " + fit.coefficients(names).get(0).value());
      assertEquals(0, fit.nonzero());
      assertEquals(7.0, fit.coefficients(names).get(0).value(), 1e-12);
      assertTrue(notes.stream().anyMatch(n -> n.contains("label is constant in all rows")), notes.toString());
    }
    frame.unpersist();
    flat.unpersist();
    data.frame.unpersist();
  }

  /** β (p) then the intercept. */
  private static double[] coefficients(FittedModel fit, int p) {
    double[] out = new double[p + 1];
    List<FittedModel.Coefficient> c = fit.coefficients(names(p));
    out[p] = c.get(0).value();
    for (int j = 0; j < p; j++) out[j] = c.get(j + 1).value();
    return out;
  }

  private static List<String> names(int p) {
    List<String> names = new ArrayList<>();
    for (int j = 0; j < p; j++) names.add("x" + j);
    return names;
  }

  private static double[] slice(double[] betaAndIntercept) {
    return java.util.Arrays.copyOf(betaAndIntercept, betaAndIntercept.length - 1);
  }

  /** MLlib's fit at tol 1e−12: β (p) then the intercept. */
  static double[] mllib(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows, boolean binomial, GridPoint point,
      boolean standardize, boolean intercept, int p) {
    double[] out = new double[p + 1];
    if (binomial) {
      LogisticRegressionModel m = new LogisticRegression().setWeightCol("weight").setRegParam(point.lambda())
          .setElasticNetParam(point.alpha()).setStandardization(standardize).setFitIntercept(intercept)
          .setTol(1e-12).setMaxIter(100000).fit(rows);
      System.arraycopy(WideData.dense(m.coefficients()), 0, out, 0, p);
      out[p] = m.intercept();
    } else {
      LinearRegressionModel m = new LinearRegression().setWeightCol("weight").setRegParam(point.lambda())
          .setElasticNetParam(point.alpha()).setStandardization(standardize).setFitIntercept(intercept)
          .setTol(1e-12).setMaxIter(100000).fit(rows);
      System.arraycopy(WideData.dense(m.coefficients()), 0, out, 0, p);
      out[p] = m.intercept();
    }
    return out;
  }
}
