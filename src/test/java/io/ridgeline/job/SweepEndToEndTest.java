package io.ridgeline.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.config.BadInputException;
import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.report.Tables;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real sweeps on the bundled samples, read back from Parquet the way a user would. */
@Tag("slow")
class SweepEndToEndTest {
  private static final SparkSession spark = TestSpark.session();
  private static Path out;
  private static String log;
  private static SweepSpec spec;
  /** The descriptions of the Spark jobs the sweep ran, in order. */
  private static final List<String> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void sweepDiabetes() throws IOException, java.util.concurrent.TimeoutException {
    out = TestSpark.tempDir("e2e");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    spec = Samples.spec(Samples.DIABETES, "sweep.alpha=[0.5, 1]",
        "sweep.lambda.path.count=4", "cv.folds=3", "cv.rule=one-se", "run.output=" + out);
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.add(String.valueOf(start.properties().getProperty("spark.job.description")));
      }
    };
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().addSparkListener(listener);
    try {
      new SweepJob(spark, spec, new PrintStream(buffer, true, StandardCharsets.UTF_8)).run("e2e-linear");
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    log = buffer.toString(StandardCharsets.UTF_8);
  }

  /**
   * The Gaussian engine's λ path starts at λ_max from the per-fold statistics it gathers anyway: no job
   * of λ_max's own, and the path's first λ is the value that pass gives, rounded to the path's 10
   * significant digits (measured 9.7e−11 relative here; half a unit in the 10th digit is at most 5e−10).
   */
  @Test
  void lambdaPathStartsAtTheGaussianEnginesOwnLambdaMax() {
    assertFalse(jobs.contains(SweepJob.MOMENTS_JOB), jobs.toString());
    assertTrue(jobs.contains("gaussian engine · per-fold statistics (one pass)"), jobs.toString());
    io.ridgeline.data.LabeledData d = io.ridgeline.data.DatasetLoader.load(spark, spec);
    double moments = io.ridgeline.glm.LambdaMax.of(d.frame(), spec.model(), d.numFeatures(), d.numClasses()).at(1);
    double first = table("trials").where(col("alpha").equalTo(1.0))
        .agg(org.apache.spark.sql.functions.max("lambda")).first().getDouble(0);
    System.out.printf("the sweep's λ_max at α = 1: %.1e relative from the moments pass's%n",
        Math.abs(first - moments) / moments);
    assertEquals(moments, first, 5e-10 * moments);
    assertEquals(io.ridgeline.sweep.Grid.path(moments, 1, 1)[0], first, "the same rounded value");
  }

  /** A table of the run under test (other tests add runs elsewhere). */
  private static Dataset<Row> table(String name) {
    return spark.read().parquet(out.resolve(name).toString()).where(col("run_id").equalTo("e2e-linear"));
  }

  private static StructType withRunId(StructType schema) {
    return schema.add("run_id", DataTypes.StringType, true);
  }

  @Test
  void everyTableHasItsSchemaPlusTheRunIdPartitionColumn() {
    assertArrayEquals(withRunId(Tables.TRIALS_SCHEMA).fieldNames(), table("trials").schema().fieldNames());
    assertArrayEquals(withRunId(Tables.SUMMARY_SCHEMA).fieldNames(), table("summary").schema().fieldNames());
    assertArrayEquals(withRunId(Tables.SELECTION_SCHEMA).fieldNames(), table("selection").schema().fieldNames());
    assertArrayEquals(withRunId(Tables.COEFFICIENTS_SCHEMA).fieldNames(), table("coefficients").schema().fieldNames());
    assertArrayEquals(withRunId(Tables.RUNS_SCHEMA).fieldNames(), table("runs").schema().fieldNames());
    assertEquals(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true),
        table("summary").schema().apply("params").dataType());
    for (String t : Tables.ALL) {
      assertTrue(Files.isDirectory(out.resolve(t).resolve("run_id=e2e-linear")), t);
      assertTrue(table(t).count() > 0, t);
    }
  }

  @Test
  void trialsCoverEveryPointAndFoldWithConsistentSizes() {
    List<Row> trials = table("trials").collectAsList();
    assertEquals(8 * 3, trials.size(), "2 α × 4 λ × 3 folds");
    assertEquals(24, table("trials").select("point", "fold").distinct().count());
    for (Row t : trials) {
      assertEquals(442L, (long) t.getAs("n_train") + (long) t.<Long>getAs("n_valid"));
      assertTrue((double) t.getAs("rmse") > 0);
      assertEquals((double) t.getAs("mse"), Math.pow(t.getAs("rmse"), 2), 1e-9);
      assertTrue(t.isNullAt(t.fieldIndex("auc")), "no classification metrics for regression");
    }
    long[] foldSizes = new long[3];
    for (Row t : table("trials").where(col("point").equalTo(0)).collectAsList()) {
      foldSizes[(int) t.getAs("fold")] = t.getAs("n_valid");
    }
    Row run = table("runs").first();
    assertEquals(Arrays.stream(foldSizes).boxed().toList(), run.getList(run.fieldIndex("fold_sizes")));
  }

  @Test
  void summaryIsTheFoldMeanStdAndStandardError() {
    Row s = table("summary").where(col("point").equalTo(5).and(col("metric").equalTo("mae"))).first();
    double[] values = table("trials").where(col("point").equalTo(5)).select("mae").collectAsList().stream()
        .mapToDouble(r -> r.getDouble(0)).toArray();
    double mean = Arrays.stream(values).average().orElseThrow();
    double std = Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / 2);
    assertEquals(mean, s.getAs("mean"), 1e-12);
    assertEquals(std, s.getAs("std"), 1e-12);
    assertEquals(std / Math.sqrt(3), s.getAs("se"), 1e-12);
    assertEquals(8 * 4, table("summary").count(), "4 regression metrics per point");
  }

  @Test
  void selectionHasBothRulesOverallAndPerAlphaWithOneRefit() {
    List<Row> sel = table("selection").collectAsList();
    assertEquals(2 + 2 * 2, sel.size());
    List<Row> refit = sel.stream().filter(r -> r.<Boolean>getAs("refit")).toList();
    assertEquals(1, refit.size());
    assertEquals("all", refit.get(0).getAs("scope"));
    assertEquals("one-se", refit.get(0).getAs("rule"));
    Row run = table("runs").first();
    assertEquals((int) refit.get(0).getAs("point"), (int) run.getAs("selected_point"));
    // The minimum really is the best mean rmse of the grid.
    double best = table("summary").where(col("metric").equalTo("rmse")).agg(org.apache.spark.sql.functions.min("mean"))
        .first().getDouble(0);
    Row min = sel.stream().filter(r -> r.getAs("scope").equals("all") && r.getAs("rule").equals("min")).findFirst().orElseThrow();
    assertEquals(best, min.getAs("mean"), 0);
  }

  @Test
  void savedModelLoadsWithMllibAndEqualsItsCoefficientRows() {
    Row run = table("runs").first();
    // The saved model is a PipelineModel: the feature stages, then the MLlib model.
    org.apache.spark.ml.Transformer[] stages = org.apache.spark.ml.PipelineModel.load(run.getAs("model_path")).stages();
    LinearRegressionModel m = (LinearRegressionModel) stages[stages.length - 1];
    int point = run.getAs("selected_point");
    List<Row> coef = table("coefficients").where(col("point").equalTo(point)).collectAsList();
    assertEquals(11, coef.size(), "10 features and the intercept");
    List<String> features = List.of("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6");
    for (Row c : coef) {
      String f = c.getAs("feature");
      double expected = f.equals("(intercept)") ? m.intercept() : m.coefficients().apply(features.indexOf(f));
      assertEquals(expected, c.getAs("value"), 0, f);
      assertTrue(c.isNullAt(c.fieldIndex("class")));
    }
    assertEquals(m.getRegParam(), (double) run.getAs("selected_lambda"), 0);
    assertEquals(m.getElasticNetParam(), (double) run.getAs("selected_alpha"), 0);
  }

  @Test
  void runsRecordsProvenance() {
    Row run = table("runs").first();
    assertEquals("succeeded", run.getAs("status"));
    assertEquals(442L, (long) run.getAs("rows"));
    assertEquals(10, (int) run.getAs("features"));
    assertEquals(spark.version(), run.getAs("spark_version"));
    assertEquals(64, ((String) run.getAs("config_sha256")).length());
    assertTrue(((String) run.getAs("config_text")).contains("--set cv.folds=3"));
    assertEquals("gaussian", run.getAs("engine"));
    assertEquals(42L, (long) run.getAs("seed"));
  }

  @Test
  void progressLinesCountTrialsAndNothingIsLeftInStaging() {
    assertTrue(log.contains("[32/32] 100%"), log);
    assertTrue(log.contains("engine: gaussian · 8 grid points × 3 folds"), log);
    assertTrue(log.contains("fold 3/3 · 8 points on the driver · best rmse"), log);
    assertFalse(Files.exists(out.resolve("_staging")));
  }

  /**
   * The same config on 5 partitions instead of 2: the same folds (FoldPlanTest), the same grid and
   * selection; λ_max and MLlib's fits sum partial results over partitions, so values agree to
   * round-off, not bit for bit.
   */
  @Test
  void sameConfigOnOtherPartitionsGivesTheSameResultsAndAFinishedRunIdIsRefused() throws IOException {
    Path again = TestSpark.tempDir("e2e-again");
    SweepSpec spec = Samples.spec(Samples.DIABETES, "sweep.alpha=[0.5, 1]",
        "sweep.lambda.path.count=4", "cv.folds=3", "cv.rule=one-se", "run.output=" + again,
        "run.partitions=5", "report.coefficients=false");
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    new SweepJob(spark, spec, quiet).run("e2e-again");
    List<Row> first = table("summary").orderBy("point", "metric").collectAsList();
    List<Row> second = spark.read().parquet(again.resolve("summary").toString()).orderBy("point", "metric")
        .collectAsList();
    assertEquals(first.size(), second.size());
    for (int i = 0; i < first.size(); i++) {
      for (String c : List.of("lambda", "mean", "std", "se")) {
        double a = first.get(i).getAs(c);
        double b = second.get(i).getAs(c);
        assertEquals(a, b, 1e-9 * Math.abs(a), c + " of row " + i);
      }
    }
    Row selected = spark.read().parquet(again.resolve("runs").toString()).first();
    assertEquals((int) table("runs").first().getAs("selected_point"), (int) selected.getAs("selected_point"));
    BadInputException e = assertThrows(BadInputException.class,
        () -> new SweepJob(spark, spec, quiet).run("e2e-again"));
    assertEquals("run id 'e2e-again' already finished in " + again + ": use a new --run-id", e.getMessage());
  }

  @Test
  void binomialSweepFromCsvAndMultinomialFromLibsvm() throws IOException {
    Path dir = TestSpark.tempDir("e2e-logistic");
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    new SweepJob(spark, Samples.spec(Samples.BREAST_CANCER, "sweep.alpha=[1]", "sweep.lambda.values=[0.05, 0.01]",
        "cv.folds=3", "cv.metric=auc", "run.output=" + dir), quiet).run("binomial");
    new SweepJob(spark, Samples.spec(Samples.WINE_LIBSVM, "sweep.alpha=[0.5]", "sweep.lambda.values=[0.1, 0.01]",
        "cv.folds=3", "run.output=" + dir), quiet).run("multinomial");
    Dataset<Row> trials = spark.read().parquet(dir.resolve("trials").toString());
    Row b = trials.where(col("run_id").equalTo("binomial")).agg(org.apache.spark.sql.functions.min("auc")).first();
    assertTrue(b.getDouble(0) > 0.9, "breast cancer AUC above 0.9 on every fold, got " + b.getDouble(0));
    Row m = trials.where(col("run_id").equalTo("multinomial")).agg(org.apache.spark.sql.functions.min("accuracy")).first();
    assertTrue(m.getDouble(0) > 0.85, "wine accuracy above 0.85 on every fold, got " + m.getDouble(0));
    Dataset<Row> runs = spark.read().parquet(dir.resolve("runs").toString());
    for (Row run : runs.collectAsList()) {
      org.apache.spark.ml.Transformer[] stages =
          org.apache.spark.ml.PipelineModel.load(run.getAs("model_path")).stages();
      LogisticRegressionModel model = (LogisticRegressionModel) stages[stages.length - 1];
      assertEquals((int) run.getAs("classes"), model.numClasses());
    }
    Dataset<Row> coef = spark.read().parquet(dir.resolve("coefficients").toString())
        .where(col("run_id").equalTo("multinomial"));
    assertEquals(2 * 3 * 14, coef.count(), "2 λ × 3 classes × (13 features + intercept)");
    assertEquals(List.of(0, 1, 2), coef.select("class").distinct().orderBy("class").as(
        org.apache.spark.sql.Encoders.INT()).collectAsList());
  }
}
