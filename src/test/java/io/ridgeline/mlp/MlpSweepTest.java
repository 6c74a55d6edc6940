package io.ridgeline.mlp;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.ConfigException;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.job.SweepJob;
import io.ridgeline.report.Tables;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The mlp family in a sweep: grid of named parameters, reports with a history table, a saved MlpModel. */
@Tag("slow")
class MlpSweepTest {
  private static final SparkSession spark = TestSpark.session();
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final String WINE_MLP = "data:\n  path: data-samples/wine.csv\n  label: cultivar\n"
      + "model:\n  family: mlp\n  mlp:\n    hiddenLayers: [16]\n    maxEpochs: 6\n    batchSize: 32\n"
      + "    learningRate: 0.01\n";

  private static Dataset<Row> table(Path out, String name) {
    return spark.read().parquet(out.resolve(name).toString());
  }

  @Test
  void sweepsNamedParametersAndReportsHistory() throws IOException {
    Path out = TestSpark.tempDir("mlp-sweep");
    SweepSpec spec = Samples.spec(WINE_MLP, "sweep.mlp.dropout=[0.0, 0.2]", "sweep.mlp.batchNorm=[false, true]",
        "cv.folds=3", "cv.metric=accuracy", "run.output=" + out);
    SweepJob.Outcome o = new SweepJob(spark, spec, QUIET).run("mlp");
    assertTrue(o.tables().contains(Tables.HISTORY), o.tables().toString());
    assertEquals(null, o.oneSe(), "one-se needs a λ path");

    List<Row> trials = table(out, Tables.TRIALS).collectAsList();
    assertEquals(4 * 3, trials.size());
    for (Row t : trials) {
      assertTrue(t.isNullAt(t.fieldIndex("alpha")) && t.isNullAt(t.fieldIndex("lambda")));
      assertEquals(6, (int) t.getAs("iterations"), "epochs run");
      assertTrue((double) t.getAs("accuracy") > 0.6, "wine accuracy " + t.getAs("accuracy"));
    }
    assertEquals(4, trials.stream().map(t -> t.getAs("params").toString()).distinct().count(),
        "four distinct parameter sets");
    Row p = table(out, Tables.TRIALS).where(col("point").equalTo(3)).first();
    assertEquals("true", p.<scala.collection.Map<String, String>>getAs("params").apply("batchNorm"));
    assertEquals("0.2", p.<scala.collection.Map<String, String>>getAs("params").apply("dropout"));

    Dataset<Row> history = table(out, Tables.HISTORY);
    assertEquals(4 * 3 * 6, history.count(), "one row per point × fold × epoch");
    assertEquals(DataTypes.DoubleType, history.schema().apply("train_loss").dataType());
    assertTrue(history.where(col("epoch").equalTo(5)).agg(org.apache.spark.sql.functions.max("train_loss")).first()
        .getDouble(0) < history.where(col("epoch").equalTo(0)).agg(org.apache.spark.sql.functions.min("train_loss"))
        .first().getDouble(0), "training loss falls");

    List<Row> selection = table(out, Tables.SELECTION).collectAsList();
    assertEquals(1, selection.size());
    assertEquals("min", selection.get(0).getAs("rule"));
    assertEquals(0, table(out, Tables.COEFFICIENTS).count(), "no coefficient path for an MLP");

    Row run = table(out, Tables.RUNS).first();
    assertEquals("mlp", run.getAs("engine"));
    org.apache.spark.ml.PipelineModel saved = org.apache.spark.ml.PipelineModel.load(run.getAs("model_path"));
    MlpModel model = (MlpModel) saved.stages()[saved.stages().length - 1];
    assertEquals(3, model.numClasses());
    // The saved pipeline scores the raw CSV (its original columns).
    Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true).csv("data-samples/wine.csv");
    double accuracy = saved.transform(raw).where(col("prediction").equalTo(col("cultivar"))).count() / 178.0;
    assertTrue(accuracy > 0.8, "the saved model predicts: accuracy " + accuracy);
  }

  /**
   * Every (fold, point) is a unit of its own: run separately, recorded separately, and reused one by one
   * when a failed run is resumed.
   */
  @Test
  void everyFoldAndPointIsAUnitAndResumesAsOne() throws IOException {
    Path out = TestSpark.tempDir("mlp-units");
    SweepSpec spec = Samples.spec(WINE_MLP, "sweep.mlp.dropout=[0.0, 0.2]", "sweep.mlp.batchNorm=[false, true]",
        "model.mlp.maxEpochs=2", "cv.folds=2", "cv.metric=accuracy", "run.output=" + out);
    // A file where the models directory goes: publishing fails after every unit finished and was recorded.
    Path blocker = Files.writeString(out.resolve("models"), "in the way\n");
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    assertThrows(Exception.class, () -> new SweepJob(spark, spec, log(first)).run("units"));
    List<String> lines = first.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("· fold ")).toList();
    assertEquals(4 * 2, lines.size(), "one progress line per (fold, point):\n" + String.join("\n", lines));
    for (int f = 1; f <= 2; f++) {
      for (String dropout : List.of("0.0", "0.2")) {
        for (String bn : List.of("false", "true")) {
          String unit = "fold " + f + "/2 · batchNorm=" + bn + " · dropout=" + dropout;
          assertEquals(1, lines.stream().filter(l -> l.contains(unit + " ·")).count(), unit + " in " + lines);
        }
      }
    }
    try (Stream<Path> units = Files.list(out.resolve("_staging/units/units"))) {
      assertEquals(8, units.filter(p -> p.toString().endsWith(".json")).count(), "a record per unit");
    }

    Files.delete(blocker);
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    new SweepJob(spark, spec, log(again)).run("units");
    String text = again.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("resume: reused 8 recorded units (8 of 8 trials); computed the rest"), text);
    assertTrue(!text.contains("· fold "), "no (fold, point) trained again:\n" + text);
    assertEquals(8, table(out, Tables.TRIALS).count());
  }

  private static PrintStream log(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  @Test
  void mlpParametersAreCheckedAgainstTheEstimatorBeforeAnyData() {
    SweepSpec spec = Samples.spec(WINE_MLP, "model.mlp.dropuot=0.1", "model.mlp.optimizer=rmsprop",
        "sweep.mlp.hiddenLayers=[[8], [0]]", "model.mlp.labelCol=x", "data.path=target/never-read.csv");
    List<String> p = assertThrows(ConfigException.class, () -> new SweepJob(spark, spec, QUIET).run("bad")).problems();
    assertEquals(4, p.size(), p.toString());
    assertTrue(p.contains("model.mlp.dropuot: unknown MLP parameter (did you mean 'dropout'?)"), p.toString());
    assertTrue(p.contains("model.mlp.labelCol: set by Ridgeline"), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("model.mlp.optimizer = \"rmsprop\": ")), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("sweep.mlp.hiddenLayers = [0]: ")), p.toString());
  }

  /** Random search trains exactly the points the seeded sampler draws, and says what it cost. */
  @Test
  void randomSearchTrainsTheDrawnPoints() throws IOException {
    Path out = TestSpark.tempDir("mlp-random");
    SweepSpec spec = Samples.spec(WINE_MLP, "sweep.search=random", "sweep.samples=3", "sweep.seed=5",
        "sweep.mlp.dropout={uniform: [0, 0.5]}", "sweep.mlp.learningRate={logUniform: [0.003, 0.03]}",
        "model.mlp.maxEpochs=2", "cv.folds=2", "cv.metric=accuracy", "run.output=" + out);
    new SweepJob(spark, spec, QUIET).run("random");
    List<io.ridgeline.sweep.GridPoint> drawn = io.ridgeline.sweep.Sampler.draw(spec.sweep().mlp(), 3, 5);
    List<Row> trials = table(out, Tables.TRIALS).collectAsList();
    assertEquals(3 * 2, trials.size());
    for (Row t : trials) {
      Map<String, String> params = t.getJavaMap(t.fieldIndex("params"));
      assertEquals(drawn.get(t.<Integer>getAs("point")).params(), params);
      assertTrue(t.isNullAt(t.fieldIndex("rung")), "no rungs outside halving");
    }
    Row run = table(out, Tables.RUNS).first();
    assertEquals("random", run.getAs("search"));
    assertEquals(3L * 2 * 2, (long) run.getAs("epochs_spent"));
    assertEquals(3L * 2 * 2, (long) run.getAs("epochs_full_grid"));
  }

  /**
   * A range must draw the parameter's kind of number, and both of its bounds must pass the parameter's
   * validator: one line per parameter, naming its key, before any data is read.
   */
  @Test
  void rangesAreCheckedAgainstTheEstimatorBeforeAnyData() {
    SweepSpec spec = Samples.spec(WINE_MLP, "sweep.search=random", "sweep.samples=4",
        "sweep.mlp.dropout={uniform: [0.2, 1]}", "sweep.mlp.batchSize={uniform: [16, 64]}",
        "sweep.mlp.maxEpochs={intUniform: [0, 5]}", "sweep.mlp.l2={intUniform: [0, 2]}",
        "sweep.mlp.activation={uniform: [0, 1]}", "sweep.mlp.optimizer={choice: [adam, rmsprop]}",
        "sweep.mlp.learningRate={logUniform: [0.0001, 0.1]}", "sweep.mlp.dropuot={uniform: [0, 0.5]}",
        "data.path=target/never-read.csv");
    List<String> p = assertThrows(ConfigException.class, () -> new SweepJob(spark, spec, QUIET).run("bad")).problems();
    assertEquals(List.of(
        "sweep.mlp.activation = {uniform: [0, 1]}: uniform draws real numbers, but activation takes no number (use choice)",
        "sweep.mlp.batchSize = {uniform: [16, 64]}: uniform draws real numbers, but batchSize takes whole numbers (use intUniform)",
        "sweep.mlp.dropout = {uniform: [0.2, 1]}: 1 is not a valid dropout (dropout rate of every hidden layer, in [0, 1))",
        "sweep.mlp.dropuot: unknown MLP parameter (did you mean 'dropout'?)",
        "sweep.mlp.l2 = {intUniform: [0, 2]}: intUniform draws whole numbers, but l2 takes real numbers (use uniform or logUniform)",
        "sweep.mlp.maxEpochs = {intUniform: [0, 5]}: 0 is not a valid maxEpochs (passes over the training rows (≥ 1))",
        "sweep.mlp.optimizer = \"rmsprop\": not a valid value for optimizer"), p);
  }

  @Test
  void elasticNetKeysAndOneSeAreRefusedForMlp() {
    List<String> p = assertThrows(ConfigException.class,
        () -> Samples.spec(WINE_MLP, "sweep.alpha=[0.5]", "cv.rule=one-se")).problems();
    assertTrue(p.contains("sweep: sweep.alpha and sweep.lambda apply to linear and logistic; "
        + "sweep mlp with sweep.mlp.<param>"), p.toString());
    assertTrue(p.contains("cv.rule: one-se picks the largest λ and needs a λ path; mlp selects with min"), p.toString());
  }
}
