package io.ridgeline.glm;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.MllibReference;
import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.Metric;
import io.ridgeline.job.SweepJob;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Gaussian engine against the MLlib reference engine on randomized weighted data: the same sweep
 * (α ∈ {0, 0.5, 1}, a λ path, 3 folds) with standardization and intercept on and off must give the
 * same validation metrics and full-data coefficients, to 1e−6 relative (MLlib at a tight tolerance).
 *
 * <p>One case needs care: without standardization and without intercept, on features whose scales span
 * 0.1 to 100, MLlib's own OWL-QN (its normal-equation solver for α &gt; 0) stops about 6e−6 (relative)
 * from the optimum even at tol 1e−12. There the test asserts what decides which side is right — the
 * Gaussian solution's value of MLlib's objective is never above MLlib's own solution's — and 1e−5.
 * (Against glmnet solved to KKT 1e−10, the Gaussian engine agrees to 3e−11: GlmnetGoldenTest.)
 *
 * <p>The logistic engine the same way, on a binary label of the same features: through a whole sweep
 * against {@code run.engine: mllib} (standardized, with intercept), and against direct MLlib fits for
 * the other standardization/intercept cases (to 2e−6 and 1e−5 relative); the differences measured
 * (≤ 2e−7) are MLlib's own (against glmnet the logistic engine agrees to 7e−10), and every point's value
 * of MLlib's objective is checked to be no worse than MLlib's.
 */
@Tag("slow")
class EngineAgreementTest {
  private static final SparkSession spark = TestSpark.session();
  private static String data;

  /**
   * 400 rows, 6 correlated features of different scales (0.1 to 100, means 0 to 5), weights in
   * [0.2, 3]; a linear label y and a binary label c drawn from a logistic model of the same features.
   */
  @BeforeAll
  static void randomizedData() {
    Random r = new Random(2024);
    Random classes = new Random(7);   // its own stream: the other columns stay as they were
    double[] beta = {1.5, 0, -2, 0.3, 0, 4};
    double[] scale = {1, 10, 0.1, 3, 100, 0.5};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double shared = r.nextGaussian();
      Object[] v = new Object[11];
      double y = 7;
      for (int j = 0; j < 6; j++) {
        double x = scale[j] * (0.6 * r.nextGaussian() + 0.4 * shared) + j;
        v[j] = x;
        y += beta[j] * x / scale[j];
      }
      v[6] = y + r.nextGaussian();
      v[7] = 0.2 + 2.8 * r.nextDouble();
      double eta = 0.4 * (y - 7 - 0.3 * 4 - 2 * 2) - 0.3;   // centred, |η| mostly below 3
      v[8] = r.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1.0 : 0.0;
      v[9] = (double) draw(classes, 3, v);
      v[10] = (double) draw(classes, 4, v);
      rows.add(RowFactory.create(v));
    }
    StructType schema = new StructType();
    for (int j = 0; j < 6; j++) schema = schema.add("x" + j, DataTypes.DoubleType);
    schema = schema.add("y", DataTypes.DoubleType).add("w", DataTypes.DoubleType).add("c", DataTypes.DoubleType)
        .add("m3", DataTypes.DoubleType).add("m4", DataTypes.DoubleType);
    data = TestSpark.tempDir("engines").resolve("data.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(data);
  }

  /** A class drawn from a softmax of the (scaled) features: class k has margin Σ_j cos(k + 2j)·x_j/scale_j. */
  private static int draw(Random r, int classes, Object[] v) {
    double[] scale = {1, 10, 0.1, 3, 100, 0.5};
    double[] e = new double[classes];
    double sum = 0;
    for (int k = 0; k < classes; k++) {
      double eta = 0.3 * k;
      for (int j = 0; j < 6; j++) eta += Math.cos(k + 2 * j) * ((double) v[j] - j) / scale[j];
      e[k] = Math.exp(eta);
      sum += e[k];
    }
    double u = r.nextDouble() * sum;
    for (int k = 0; k < classes - 1; k++) {
      if ((u -= e[k]) < 0) return k;
    }
    return classes - 1;
  }

  /** For every full-data fit: F(β_gaussian) ≤ F(β_mllib) in MLlib's own objective. */
  private static void assertObjectiveNoWorseThanMllib(SweepResult ours, SweepResult mllib, boolean standardize,
      boolean intercept) {
    io.ridgeline.config.SweepSpec spec = Samples.spec(yaml("linear"),
        "model.standardize=" + standardize, "model.intercept=" + intercept);
    io.ridgeline.data.LabeledData d = io.ridgeline.data.DatasetLoader.load(spark, spec);
    Gram total = FoldGrams.of(d.frame().withColumn("fold", org.apache.spark.sql.functions.lit(0)), 1, 6).total();
    GaussianSolver objective = new GaussianSolver(total, spec.model());
    java.util.Map<Integer, Fit> a = ours.fits();
    java.util.Map<Integer, Fit> b = mllib.fits();
    assertEquals(b.keySet(), a.keySet());
    a.forEach((point, fit) -> {
      double fOurs = objective.objective(fit.alpha(), fit.lambda(), java.util.Arrays.copyOf(fit.values(), 6));
      double fMllib = objective.objective(fit.alpha(), fit.lambda(), java.util.Arrays.copyOf(b.get(point).values(), 6));
      assertTrue(fOurs <= fMllib + 1e-12 * Math.abs(fMllib),
          "point " + point + ": objective " + fOurs + " above MLlib's " + fMllib);
    });
  }

  /** The data as a config: label y (linear) or c (logistic), the six features, weights w. */
  private static String yaml(String family) {
    return "data:\n  path: " + data + "\n  label: " + (family.equals("linear") ? "y" : "c") + "\n  weight: w\n"
        + "  features: [x0, x1, x2, x3, x4, x5]\nmodel:\n  family: " + family + "\n";
  }

  private static Path sweep(String family, String engine, boolean standardize, boolean intercept) throws IOException {
    Path out = TestSpark.tempDir("engine-" + engine);
    List<String> overrides = new ArrayList<>(sweepSettings(standardize, intercept));
    overrides.add("run.engine=" + engine);
    overrides.add("run.output=" + out);
    new SweepJob(spark, Samples.spec(yaml(family), overrides.toArray(String[]::new)),
        new PrintStream(OutputStream.nullOutputStream())).run("agree");
    return out;
  }

  /** The sweep both engines run: α ∈ {0, 0.5, 1}, 4 λ down to λ_max/100, 3 folds, MLlib at tol 1e−12. */
  private static List<String> sweepSettings(boolean standardize, boolean intercept) {
    return List.of("model.standardize=" + standardize, "model.intercept=" + intercept, "model.tol=1e-12",
        "model.maxIter=100000", "sweep.alpha=[0, 0.5, 1]", "sweep.lambda.path.count=4",
        "sweep.lambda.path.minRatio=0.01", "cv.folds=3");
  }

  private static final List<Metric> REGRESSION = List.of(Metric.RMSE, Metric.MSE, Metric.MAE, Metric.R2);
  private static final List<Metric> CLASSIFICATION = List.of(Metric.LOGLOSS, Metric.AUC, Metric.ACCURACY, Metric.F1);

  /**
   * What these tests compare of a sweep: its trials by (point, fold) as rows [point, fold, λ, n_valid,
   * metrics…], its full-data coefficients by (point, feature) as rows [point, α, λ, feature (−1: the
   * intercept), value], and the selected point.
   */
  private record SweepResult(double[][] trials, double[][] coefficients, int selected) {
    static SweepResult of(Path out, List<Metric> metrics) {
      List<Row> t = read(out, "trials", "point", "fold");
      double[][] trials = new double[t.size()][];
      for (int i = 0; i < trials.length; i++) {
        Row r = t.get(i);
        double[] row = new double[4 + metrics.size()];
        row[0] = r.<Integer>getAs("point");
        row[1] = r.<Integer>getAs("fold");
        row[2] = r.getAs("lambda");
        row[3] = r.<Long>getAs("n_valid");
        for (int m = 0; m < metrics.size(); m++) row[4 + m] = r.getAs(metrics.get(m).key());
        trials[i] = row;
      }
      List<Row> c = read(out, "coefficients", "point", "feature");
      double[][] coefficients = new double[c.size()][];
      for (int i = 0; i < coefficients.length; i++) {
        Row r = c.get(i);
        String feature = r.getAs("feature");
        coefficients[i] = new double[] {r.<Integer>getAs("point"), r.getAs("alpha"), r.getAs("lambda"),
            feature.equals("(intercept)") ? -1 : Integer.parseInt(feature.substring(1)), r.getAs("value")};
      }
      int selected = spark.read().parquet(out.resolve("runs").toString()).first().<Integer>getAs("selected_point");
      return new SweepResult(trials, coefficients, selected);
    }

    /** [#trials, trial width, #coefficients, selected point, the trial rows…, the coefficient rows…]. */
    double[] flatten() {
      int width = trials.length == 0 ? 0 : trials[0].length;
      double[] v = new double[4 + trials.length * width + coefficients.length * 5];
      v[0] = trials.length;
      v[1] = width;
      v[2] = coefficients.length;
      v[3] = selected;
      int at = 4;
      for (double[] row : trials) at = put(row, v, at);
      for (double[] row : coefficients) at = put(row, v, at);
      return v;
    }

    private static int put(double[] row, double[] into, int at) {
      System.arraycopy(row, 0, into, at, row.length);
      return at + row.length;
    }

    static SweepResult unflatten(double[] v) {
      int width = (int) v[1];
      double[][] trials = new double[(int) v[0]][];
      double[][] coefficients = new double[(int) v[2]][];
      int at = 4;
      for (int i = 0; i < trials.length; i++, at += width) trials[i] = java.util.Arrays.copyOfRange(v, at, at + width);
      for (int i = 0; i < coefficients.length; i++, at += 5) coefficients[i] = java.util.Arrays.copyOfRange(v, at, at + 5);
      return new SweepResult(trials, coefficients, (int) v[3]);
    }

    /** The full-data fits by point: β (6) then the intercept. */
    java.util.Map<Integer, Fit> fits() {
      java.util.Map<Integer, Fit> fits = new java.util.TreeMap<>();
      for (double[] c : coefficients) {
        int point = (int) c[0];
        Fit fit = fits.computeIfAbsent(point, x -> new Fit(point, c[1], c[2], new double[7]));
        fit.values()[c[3] < 0 ? 6 : (int) c[3]] = c[4];
      }
      return fits;
    }
  }

  /**
   * The {@code run.engine: mllib} sweep of this data (stored: see {@link MllibReference}; at
   * tol 1e−12 it takes up to two minutes).
   */
  private static SweepResult mllibSweep(String family, boolean standardize, boolean intercept) {
    List<Metric> metrics = family.equals("linear") ? REGRESSION : CLASSIFICATION;
    String settings = String.join(" ", sweepSettings(standardize, intercept));
    return SweepResult.unflatten(MllibReference.get("EngineAgreementTest",
        "sweep " + family + " " + settings,
        MllibReference.fingerprint(dataFingerprint() + " " + metrics), () -> {
          try {
            Path out = sweep(family, "mllib", standardize, intercept);
            assertEquals("mllib", spark.read().parquet(out.resolve("runs").toString()).first().getAs("engine"));
            return SweepResult.of(out, metrics).flatten();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }));
  }

  private static String dataFingerprint;

  private static synchronized String dataFingerprint() {
    if (dataFingerprint == null) dataFingerprint = MllibReference.fingerprint(spark.read().parquet(data));
    return dataFingerprint;
  }

  private static List<Row> read(Path out, String table, String... order) {
    Dataset<Row> t = spark.read().parquet(out.resolve(table).toString());
    return t.orderBy(order[0], java.util.Arrays.copyOfRange(order, 1, order.length)).collectAsList();
  }

  private static double relative(double a, double b, double scale) {
    return Math.abs(a - b) / Math.max(Math.max(Math.abs(a), Math.abs(b)), scale);
  }

  @ParameterizedTest(name = "standardize={0} intercept={1}")
  @CsvSource({"true, true, 1e-6", "true, false, 1e-6", "false, true, 1e-6", "false, false, 1e-5"})
  void gaussianEngineAgreesWithMllib(boolean standardize, boolean intercept, double tolerance) throws IOException {
    Path fast = sweep("linear", "auto", standardize, intercept);
    assertEquals("gaussian", spark.read().parquet(fast.resolve("runs").toString()).first().getAs("engine"));
    SweepResult a = SweepResult.of(fast, REGRESSION);
    SweepResult b = mllibSweep("linear", standardize, intercept);
    assertEquals(36, a.trials().length);
    assertEquals(12 * 7, a.coefficients().length);
    double worstMetric = worstTrialDifference(a, b);
    double worstCoefficient = 0;
    java.util.Map<Integer, Fit> ours = a.fits();
    java.util.Map<Integer, Fit> mllib = b.fits();
    assertEquals(mllib.keySet(), ours.keySet());
    for (int point : ours.keySet()) {
      double[] x = ours.get(point).values();
      double[] y = mllib.get(point).values();
      double largest = java.util.Arrays.stream(y).map(Math::abs).max().orElse(0);
      if (largest == 0) largest = 1;   // no intercept, all zero at λ_max
      for (int j = 0; j < 7; j++) worstCoefficient = Math.max(worstCoefficient, relative(x[j], y[j], 1e-6 * largest));
    }
    System.out.printf("engines std=%s int=%s: largest relative difference, metrics %.2e, coefficients %.2e%n",
        standardize, intercept, worstMetric, worstCoefficient);
    assertTrue(worstMetric <= tolerance, "metrics differ by " + worstMetric);
    assertTrue(worstCoefficient <= tolerance, "coefficients differ by " + worstCoefficient);
    assertObjectiveNoWorseThanMllib(a, b, standardize, intercept);
    assertEquals(b.selected(), a.selected());
  }

  /**
   * The same trials (point, fold, λ exactly, n_valid) in both sweeps; returns the largest relative
   * difference of their metrics.
   */
  private static double worstTrialDifference(SweepResult a, SweepResult b) {
    assertEquals(b.trials().length, a.trials().length);
    double worst = 0;
    for (int i = 0; i < a.trials().length; i++) {
      double[] x = a.trials()[i];
      double[] y = b.trials()[i];
      for (int c = 0; c < 4; c++) assertEquals(y[c], x[c], 0, "trial " + i + " column " + c);
      for (int m = 4; m < x.length; m++) worst = Math.max(worst, relative(x[m], y[m], 1e-12));
    }
    return worst;
  }

  /**
   * MLlib's binomial objective at (β, b₀) on all rows, computed here from its definition: the mean
   * weighted log-loss + λ[α·Σπ_j|β_j| + ½(1−α)·Σπ_j²β_j²], π_j the weighted unbiased std (standardize)
   * or 1.
   */
  private static double logisticObjective(List<Row> rows, double alpha, double lambda, boolean standardize,
      double[] beta, double b0) {
    double loss = 0;
    for (Row r : rows) {
      double w = r.getAs("w");
      double eta = b0;
      for (int j = 0; j < 6; j++) eta += beta[j] * r.<Double>getAs("x" + j);
      loss += w * (Math.log1p(Math.exp(-Math.abs(eta))) + Math.max(eta, 0) - r.<Double>getAs("c") * eta);
    }
    double[] coefficients = java.util.Arrays.copyOf(beta, 6);   // the intercept, if beta holds it, is not penalized
    return loss / totalWeight(rows) + lambda * penalty(penaltyWeights(rows, standardize), alpha, coefficients);
  }

  /** Σw over the rows. */
  private static double totalWeight(List<Row> rows) {
    double sw = 0;
    for (Row r : rows) sw += r.<Double>getAs("w");
    return sw;
  }

  /** MLlib's π_j of the 6 features: the weighted unbiased standard deviation (standardize), or 1. */
  private static double[] penaltyWeights(List<Row> rows, boolean standardize) {
    double[] pi = new double[6];
    java.util.Arrays.fill(pi, 1);
    if (!standardize) return pi;
    double sw = 0;
    double sw2 = 0;
    double[] sx = new double[6];
    double[] sxx = new double[6];
    for (Row r : rows) {
      double w = r.getAs("w");
      for (int j = 0; j < 6; j++) {
        double x = r.getAs("x" + j);
        sx[j] += w * x;
        sxx[j] += w * x * x;
      }
      sw += w;
      sw2 += w * w;
    }
    for (int j = 0; j < 6; j++) {
      double mean = sx[j] / sw;
      pi[j] = Math.sqrt((sxx[j] - sw * mean * mean) / (sw - sw2 / sw));
    }
    return pi;
  }

  /** λ-free penalty α·Σπ_j|β_kj| + ½(1−α)·Σπ_j²β_kj² over every class's 6 coefficients (β: K×6 row-major). */
  private static double penalty(double[] pi, double alpha, double[] beta) {
    double sum = 0;
    for (int i = 0; i < beta.length; i++) {
      double c = beta[i];
      double p = pi[i % 6];
      sum += alpha * p * Math.abs(c) + 0.5 * (1 - alpha) * p * p * c * c;
    }
    return sum;
  }

  /**
   * The softmax margins η_k = b_k + β_kᵀx of a row into {@code eta} (its features into {@code x});
   * returns log Σ_k exp η_k, so that log p_k = η_k − that.
   */
  private static double logSumExp(Row r, int classes, double[] beta, double[] b, double[] x, double[] eta) {
    for (int j = 0; j < 6; j++) x[j] = r.getAs("x" + j);
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < classes; k++) {
      eta[k] = b[k];
      for (int j = 0; j < 6; j++) eta[k] += beta[k * 6 + j] * x[j];
      max = Math.max(max, eta[k]);
    }
    double sum = 0;
    for (int k = 0; k < classes; k++) sum += Math.exp(eta[k] - max);
    return max + Math.log(sum);
  }

  /** Full-data coefficients by point: [0] β (6) then the intercept, and (alpha, lambda). */
  private record Fit(int point, double alpha, double lambda, double[] values) {}

  private static java.util.Map<Integer, Fit> coefficients(Path out) {
    return SweepResult.of(out, List.of()).fits();
  }

  /**
   * Our fit against MLlib's at the same point: the largest coefficient difference relative to the
   * largest coefficient of MLlib's fit (intercept included); and our value of MLlib's objective must not
   * be above MLlib's own.
   */
  private static double compare(Fit ours, Fit mllib, List<Row> rows, boolean standardize) {
    double largest = java.util.Arrays.stream(mllib.values()).map(Math::abs).max().orElse(0);
    if (largest == 0) largest = 1;   // no intercept, all zero at λ_max
    double worst = 0;
    for (int j = 0; j < 7; j++) worst = Math.max(worst, relative(ours.values()[j], mllib.values()[j], largest));
    double fOurs = logisticObjective(rows, ours.alpha(), ours.lambda(), standardize, ours.values(), ours.values()[6]);
    double fMllib = logisticObjective(rows, mllib.alpha(), mllib.lambda(), standardize, mllib.values(), mllib.values()[6]);
    assertTrue(fOurs <= fMllib + 1e-12 * Math.abs(fMllib),
        "point " + ours.point() + ": objective " + fOurs + " above MLlib's " + fMllib);
    return worst;
  }

  /**
   * The logistic engine against {@code run.engine: mllib} ({@code LogisticRegression} at tol 1e−12) through
   * a whole sweep, standardized with an intercept: the same validation metrics for every trial, the same
   * full-data coefficients and the same selected point (and the engine's value of MLlib's objective never
   * above MLlib's own). Measured: metrics 1.8e−8, coefficients 2.0e−7 (MLlib's own accuracy); bars 2e−7
   * and 2e−6.
   */
  @org.junit.jupiter.api.Test
  void logisticEngineAgreesWithMllibEngine() throws IOException {
    Path fast = sweep("logistic", "auto", true, true);
    assertEquals("logistic", spark.read().parquet(fast.resolve("runs").toString()).first().getAs("engine"));
    List<String> columns = new ArrayList<>(java.util.Arrays.asList(io.ridgeline.report.Tables.TRIALS_SCHEMA.fieldNames()));
    columns.add("run_id");
    assertEquals(columns, java.util.Arrays.asList(spark.read().parquet(fast.resolve("trials").toString()).schema().fieldNames()));
    SweepResult a = SweepResult.of(fast, CLASSIFICATION);
    SweepResult b = mllibSweep("logistic", true, true);
    assertEquals(36, a.trials().length);
    double worstMetric = worstTrialDifference(a, b);
    java.util.Map<Integer, Fit> ours = a.fits();
    java.util.Map<Integer, Fit> mllib = b.fits();
    assertEquals(12, ours.size());
    assertEquals(mllib.keySet(), ours.keySet());
    List<Row> rows = spark.read().parquet(data).collectAsList();
    double worstCoefficient = 0;
    for (int point : ours.keySet()) {
      worstCoefficient = Math.max(worstCoefficient, compare(ours.get(point), mllib.get(point), rows, true));
    }
    System.out.printf("logistic engines: largest relative difference, metrics %.2e, coefficients %.2e%n",
        worstMetric, worstCoefficient);
    assertTrue(worstMetric <= 2e-7, "metrics differ by " + worstMetric);               // measured 1.77e−8
    assertTrue(worstCoefficient <= 2e-6, "coefficients differ by " + worstCoefficient);   // measured 2.04e−7
    assertEquals(b.selected(), a.selected());
  }

  /**
   * The logistic engine's full-data coefficients without standardization and/or without intercept
   * against MLlib {@code LogisticRegression} fits (tol 1e−12) of the same points on the same rows, two
   * λ per α (MLlib's fits stored: {@link MllibReference}). Measured: ≤ 9.12e−8 relative; bar 9e−7.
   */
  @ParameterizedTest(name = "logistic standardize={0} intercept={1}")
  @CsvSource({"true, false", "false, true", "false, false"})
  void logisticEngineMatchesMllibFits(boolean standardize, boolean intercept) throws IOException {
    Path fast = sweep("logistic", "auto", standardize, intercept);
    java.util.Map<Integer, Fit> ours = coefficients(fast);
    io.ridgeline.data.LabeledData d = io.ridgeline.data.DatasetLoader.load(spark, Samples.spec(yaml("logistic")));
    List<Row> rows = spark.read().parquet(data).collectAsList();
    String fitted = MllibReference.fingerprint(d.frame().select("features", "label", "weight"));
    double worst = 0;
    for (Fit fit : ours.values()) {
      if (fit.point() % 4 != 1 && fit.point() % 4 != 3) continue;   // the 2nd and 4th λ of each α
      double[] values = MllibReference.get("EngineAgreementTest", "binomial standardize=" + standardize
          + " intercept=" + intercept + " alpha=" + fit.alpha() + " lambda=" + fit.lambda(), fitted, () -> {
            org.apache.spark.ml.classification.LogisticRegressionModel m =
                new org.apache.spark.ml.classification.LogisticRegression()
                    .setFeaturesCol("features").setLabelCol("label").setWeightCol("weight")
                    .setRegParam(fit.lambda()).setElasticNetParam(fit.alpha())
                    .setStandardization(standardize).setFitIntercept(intercept)
                    .setTol(1e-12).setMaxIter(100000).fit(d.frame());
            double[] v = java.util.Arrays.copyOf(m.coefficients().toArray(), 7);
            v[6] = m.intercept();
            return v;
          });
      worst = Math.max(worst, compare(fit, new Fit(fit.point(), fit.alpha(), fit.lambda(), values), rows, standardize));
    }
    System.out.printf("logistic engine std=%s int=%s vs MLlib fits: largest relative difference %.2e%n",
        standardize, intercept, worst);
    assertTrue(worst <= 9e-7, "coefficients differ by " + worst);   // measured 9.12e−8
  }

  /**
   * MLlib's multinomial objective at (β: K×6 row-major, b: K) on all rows, from its definition: the mean
   * weighted softmax cross-entropy + λ[α·Σ_kΣ_j π_j|β_kj| + ½(1−α)·Σ_kΣ_j π_j²β_kj²].
   */
  private static double multinomialObjective(List<Row> rows, String label, int classes, double alpha,
      double lambda, boolean standardize, double[] beta, double[] b) {
    double loss = 0;
    double[] x = new double[6];
    double[] eta = new double[classes];
    for (Row r : rows) {
      int y = (int) (double) r.<Double>getAs(label);
      loss += r.<Double>getAs("w") * (logSumExp(r, classes, beta, b, x, eta) - eta[y]);
    }
    return loss / totalWeight(rows) + lambda * penalty(penaltyWeights(rows, standardize), alpha, beta);
  }

  /** The engine's solutions must satisfy the optimality conditions to this (gradient units). */
  private static final double KKT_TOLERANCE = 3e-9;
  /**
   * MLlib's solution is compared coefficient by coefficient where it satisfies them to this: at tol 1e−12
   * it reaches ≤ 3.4e−7 on these cases, except standardized without intercept (6.6e−6: OWL-QN stops short).
   */
  private static final double MLLIB_CONVERGED = 1e-6;

  /**
   * The largest violation of MLlib's multinomial optimality conditions at (β, b), from the definition:
   * with G_kj the gradient of the mean loss plus the L2 term, |G_kj + λαπ_j·sign β_kj| for β_kj ≠ 0,
   * max(|G_kj| − λαπ_j, 0) for β_kj = 0, and |Σw(p_k − y_k)|/W for the intercepts.
   */
  private static double kkt(List<Row> rows, String label, int classes, double alpha, double lambda,
      boolean standardize, boolean intercept, double[] beta, double[] b) {
    double[] grad = new double[classes * 7];
    double[] x = new double[6];
    double[] eta = new double[classes];
    for (Row r : rows) {
      double w = r.getAs("w");
      int y = (int) (double) r.<Double>getAs(label);
      double lse = logSumExp(r, classes, beta, b, x, eta);
      for (int k = 0; k < classes; k++) {
        double res = w * (Math.exp(eta[k] - lse) - (k == y ? 1 : 0));
        for (int j = 0; j < 6; j++) grad[k * 7 + j] += res * x[j];
        grad[k * 7 + 6] += res;
      }
    }
    double sw = totalWeight(rows);
    double[] pi = penaltyWeights(rows, standardize);
    double worst = 0;
    for (int j = 0; j < 6; j++) {
      for (int k = 0; k < classes; k++) {
        double c = beta[k * 6 + j];
        double g = grad[k * 7 + j] / sw + lambda * (1 - alpha) * pi[j] * pi[j] * c;
        double l1 = lambda * alpha * pi[j];
        worst = Math.max(worst, c != 0 ? Math.abs(g + l1 * Math.signum(c)) : Math.max(Math.abs(g) - l1, 0));
      }
    }
    if (intercept) for (int k = 0; k < classes; k++) worst = Math.max(worst, Math.abs(grad[k * 7 + 6] / sw));
    return worst;
  }

  /**
   * The logistic engine's multinomial full-data fits against MLlib {@code LogisticRegression} (tol 1e−12)
   * on 3 classes (and 4 at α = 1) of the weighted data, standardization and intercept on and off. For
   * α &lt; 1 the optimum is unique: coefficients and intercepts within 1e−5 relative to the largest.
   * At α = 1 the softmax is flat along a shift of one feature's coefficients across the classes, and the
   * L1 term is minimal on the median interval of the shifts — a point for odd K, an interval for even K
   * — so there the test asserts the engine's value of MLlib's objective is no worse than MLlib's (to
   * 1e−12 relative) and the probabilities agree within 1e−5; coefficients only for odd K.
   * Every engine solution must satisfy the optimality (KKT) conditions of MLlib's objective, computed
   * here from its definition, to {@link #KKT_TOLERANCE} (measured ≤ 3.2e−10, in-task; the logistic engine's
   * full Newton steps ≤ 3.1e−11); coefficients are compared
   * with MLlib's where MLlib's own solution satisfies them to {@link #MLLIB_CONVERGED}. Standardized
   * without intercept, OWL-QN at tol 1e−12 took 130 s to stop at 6.6e−6, 8.5e−5 from the engine's
   * solution, whose objective is lower by 1.3e−11 (measured once): that case checks the conditions only.
   */
  private static final java.util.Map<String, double[]> MULTINOMIAL_REFERENCE = new java.util.HashMap<>();

  /**
   * MLlib's multinomial fit at tol 1e−12 (stored: see {@link MllibReference}; up to a minute
   * a fit): β (K×6 row-major), the K intercepts, then its probabilities for every row of {@code frame} in
   * its order (K each).
   */
  private static double[] multinomialFit(Dataset<Row> frame, int classes, io.ridgeline.sweep.GridPoint point,
      boolean standardize, boolean intercept) {
    org.apache.spark.ml.classification.LogisticRegressionModel m = new org.apache.spark.ml.classification.LogisticRegression()
        .setFamily("multinomial").setFeaturesCol("features").setLabelCol("label").setWeightCol("weight")
        .setRegParam(point.lambda()).setElasticNetParam(point.alpha())
        .setStandardization(standardize).setFitIntercept(intercept)
        .setTol(1e-12).setMaxIter(100000).fit(frame);
    List<Row> probabilities = m.transform(frame).select("probability").collectAsList();
    double[] out = new double[classes * (7 + probabilities.size())];
    for (int k = 0; k < classes; k++) {
      for (int j = 0; j < 6; j++) out[k * 6 + j] = m.coefficientMatrix().apply(k, j);
      out[classes * 6 + k] = m.interceptVector().apply(k);
    }
    for (int r = 0; r < probabilities.size(); r++) {
      org.apache.spark.ml.linalg.Vector p = (org.apache.spark.ml.linalg.Vector) probabilities.get(r).get(0);
      for (int k = 0; k < classes; k++) out[classes * (7 + r) + k] = p.apply(k);
    }
    return out;
  }

  @ParameterizedTest(name = "multinomial standardize={0} intercept={1} in-task={2}")
  @CsvSource({"true, true, false", "true, false, false", "false, true, false", "false, false, false",
      "true, true, true", "false, false, true"})
  void multinomialEngineMatchesMllibFits(boolean standardize, boolean intercept, boolean inTask) throws IOException {
    List<Row> rows = spark.read().parquet(data).collectAsList();
    double worstCoefficient = 0;
    double worstProbability = 0;
    double worstObjective = Double.NEGATIVE_INFINITY;
    double worstKkt = 0;
    for (String label : standardize && intercept ? List.of("m3", "m4") : List.of("m3")) {
      io.ridgeline.config.SweepSpec spec = Samples.spec(yaml("logistic").replace("label: c", "label: " + label),
          "model.standardize=" + standardize, "model.intercept=" + intercept);
      io.ridgeline.data.LabeledData d = io.ridgeline.data.DatasetLoader.load(spark, spec);
      int classes = d.numClasses();
      assertEquals(label.equals("m3") ? 3 : 4, classes);
      // MLlib at tol 1e−12 is slow (up to a minute a fit without intercept): few points off the main case.
      List<io.ridgeline.sweep.GridPoint> points = !label.equals("m3")
          ? List.of(new io.ridgeline.sweep.GridPoint(0, 1, 0.01))
          : standardize && intercept
          ? List.of(new io.ridgeline.sweep.GridPoint(0, 0, 0.05), new io.ridgeline.sweep.GridPoint(1, 0.5, 0.02),
              new io.ridgeline.sweep.GridPoint(2, 1, 0.01))
          : List.of(new io.ridgeline.sweep.GridPoint(0, 0.5, intercept ? 0.002 : 0.02));
      io.ridgeline.cv.FoldedData folded = io.ridgeline.cv.FoldPlan.assign(spark, d, spec.cv(), 0);
      try {
        io.ridgeline.sweep.SweepRunner runner = new io.ridgeline.sweep.SweepRunner(spark, 1, "multinomial-test",
            new io.ridgeline.sweep.Progress(2, new PrintStream(OutputStream.nullOutputStream())),
            new io.ridgeline.sweep.Checkpoints(org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()),
                new org.apache.hadoop.fs.Path(TestSpark.tempDir("multinomial").toString())));
        io.ridgeline.sweep.Engine engine = inTask
            ? new WideEngine(spec.model(), 6, classes, runner, System.out::println, 1L << 24, 4096, true)
            : new LogisticEngine(spec.model(), 6, classes, runner);
        long start = System.nanoTime();
        List<io.ridgeline.sweep.FittedModel> fits = engine.fitAll(folded, points);
        System.out.printf("multinomial %s std=%s int=%s: %s %.1f s%n", label, standardize, intercept, engine.name(),
            (System.nanoTime() - start) / 1e9);
        for (int i = 0; i < points.size(); i++) {
          io.ridgeline.sweep.GridPoint point = points.get(i);
          double[] beta = new double[classes * 6];
          double[] b = new double[classes];
          for (io.ridgeline.sweep.FittedModel.Coefficient c : fits.get(i).coefficients(d.featureNames())) {
            if (c.feature().equals("(intercept)")) b[c.classIndex()] = c.value();
            else beta[c.classIndex() * 6 + Integer.parseInt(c.feature().substring(1))] = c.value();
          }
          double kktOurs = kkt(rows, label, classes, point.alpha(), point.lambda(), standardize, intercept, beta, b);
          worstKkt = Math.max(worstKkt, kktOurs);
          assertTrue(kktOurs <= KKT_TOLERANCE, label + " " + point.label() + ": KKT violated by " + kktOurs);
          if (standardize && !intercept) {
            // MLlib at tol 1e−12 took 130 s here to stop at KKT 6.6e−6, 8.5e−5 from this solution with an
            // objective 1.3e−11 higher (measured once): the conditions alone decide.
            System.out.printf("multinomial %s std=%s int=%s %s: KKT violation %.2e (no MLlib fit)%n", label,
                standardize, intercept, point.label(), kktOurs);
            continue;
          }
          // Both engines' cases read the same data: MLlib's reference fit is made once for the pair.
          double[] reference = MULTINOMIAL_REFERENCE.computeIfAbsent(label + standardize + intercept + point.label(),
              key -> MllibReference.get("EngineAgreementTest", "multinomial " + label + " standardize="
                  + standardize + " intercept=" + intercept + " alpha=" + point.alpha() + " lambda=" + point.lambda(),
                  MllibReference.fingerprint(d.frame().select("features", "label", "weight"), true),
                  () -> multinomialFit(d.frame(), classes, point, standardize, intercept)));
          double[] theirBeta = java.util.Arrays.copyOfRange(reference, 0, classes * 6);
          double[] theirB = java.util.Arrays.copyOfRange(reference, classes * 6, classes * 7);
          double largest = 0;
          for (double v : theirBeta) largest = Math.max(largest, Math.abs(v));
          for (double v : theirB) largest = Math.max(largest, Math.abs(v));
          double coefficient = 0;
          for (int q = 0; q < beta.length; q++) coefficient = Math.max(coefficient, relative(beta[q], theirBeta[q], largest));
          for (int k = 0; k < classes; k++) coefficient = Math.max(coefficient, relative(b[k], theirB[k], largest));
          double fOurs = multinomialObjective(rows, label, classes, point.alpha(), point.lambda(), standardize, beta, b);
          double fMllib = multinomialObjective(rows, label, classes, point.alpha(), point.lambda(), standardize,
              theirBeta, theirB);
          double probability = 0;
          double[] out = new double[classes];
          List<Row> features = d.frame().select("features").collectAsList();
          assertEquals(reference.length, classes * (7 + features.size()));
          for (int r = 0; r < features.size(); r++) {
            fits.get(i).predictor().predict((org.apache.spark.ml.linalg.Vector) features.get(r).get(0), out);
            for (int k = 0; k < classes; k++) {
              probability = Math.max(probability, Math.abs(out[k] - reference[classes * (7 + r) + k]));
            }
          }
          double kktMllib = kkt(rows, label, classes, point.alpha(), point.lambda(), standardize, intercept,
              theirBeta, theirB);
          System.out.printf("multinomial %s %s std=%s int=%s %s: coefficients %.2e, probabilities %.2e, "
              + "objective ours − MLlib's %.2e, KKT violation ours %.2e MLlib's %.2e%n", engine.name(), label, standardize,
              intercept, point.label(), coefficient, probability, fOurs - fMllib, kktOurs, kktMllib);
          worstObjective = Math.max(worstObjective, (fOurs - fMllib) / Math.abs(fMllib));
          worstProbability = Math.max(worstProbability, probability);
          assertTrue(fOurs <= fMllib + 1e-12 * Math.abs(fMllib),
              label + " " + point.label() + ": objective " + fOurs + " above MLlib's " + fMllib);
          assertTrue(probability <= 1e-5, label + " " + point.label() + ": probabilities differ by " + probability);
          if ((point.alpha() < 1 || classes % 2 == 1) && kktMllib <= MLLIB_CONVERGED) {
            worstCoefficient = Math.max(worstCoefficient, coefficient);
            assertTrue(coefficient <= 1e-5, label + " " + point.label() + ": coefficients differ by " + coefficient);
          }
        }
      } finally {
        folded.release();
      }
    }
    if (Double.isFinite(worstObjective)) System.out.printf("multinomial std=%s int=%s vs MLlib fits: coefficients %.2e, probabilities %.2e, "
        + "objective (ours − MLlib's)/|MLlib's| ≤ %.2e, KKT ≤ %.2e%n", standardize, intercept, worstCoefficient,
        worstProbability, worstObjective, worstKkt);
  }
}
