package io.ridgeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.data.Columns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Through the command line: a sweep over columns whose names hold dots and spaces (features, text
 * feature, weight and fold id), then {@code predict} on raw data with the saved model: the input
 * columns plus {@code prediction} (and {@code probability} as array&lt;double&gt;), one row per input row,
 * equal to what the saved pipeline computes; an existing output is refused unless {@code --overwrite}.
 */
@Tag("slow")
class PredictCommandTest {
  private static final SparkSession spark = TestSpark.session();

  /** 30 rows with awkward names; the label {@code class.label} is binary. */
  private static Path data(Path dir) throws IOException {
    StringBuilder b = new StringBuilder("body.mass,age in years,site name,case weight,fold id,class.label\n");
    String[] sites = {"north", "south", "east"};
    for (int i = 0; i < 30; i++) {
      double mass = 1 + (i * 0.61) % 4;
      b.append(mass).append(',').append(20 + i % 9).append(',').append(sites[i % 3]).append(',')
          .append(1 + i % 2).append(',').append(i % 3).append(',')
          .append(mass + (i % 3 == 0 ? 1.5 : 0) > 3 ? 1 : 0).append('\n');
    }
    Path p = dir.resolve("awkward.csv");
    Files.writeString(p, b.toString());
    return p;
  }

  @Test
  void sweepOverAwkwardNamesThenPredictRawData() throws IOException {
    Path dir = TestSpark.tempDir("predict");
    Path data = data(dir);
    Path config = dir.resolve("awkward.yaml");
    Files.writeString(config, "data:\n  path: " + data + "\n  label: class.label\n  weight: case weight\n"
        + "model:\n  family: logistic\nsweep:\n  alpha: [0.5]\n  lambda:\n    values: [0.05, 0.01]\n"
        + "cv:\n  foldColumn: fold id\nrun:\n  output: " + dir.resolve("out") + "\n");
    MainTest.Result sweep = MainTest.run("sweep", config.toString(), "--run-id", "awkward");
    assertEquals(0, sweep.code(), sweep.err());
    List<String> features = spark.read().parquet(dir.resolve("out/coefficients").toString())
        .select("feature").distinct().orderBy("feature").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("(intercept)", "age in years", "body.mass", "site name=east", "site name=north",
        "site name=south"), features);

    // Score the raw file without its label, weight and fold columns.
    String model = dir.resolve("out/models/awkward").toString();
    Path raw = dir.resolve("new.csv");
    List<String> lines = Files.readAllLines(data);
    StringBuilder fresh = new StringBuilder("body.mass,age in years,site name,id\n");
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      fresh.append(f[0]).append(',').append(f[1]).append(',').append(i == 1 ? "west" : f[2]).append(',').append(i)
          .append('\n');
    }
    Files.writeString(raw, fresh.toString());
    Path out = dir.resolve("predictions");
    MainTest.Result predict = MainTest.run("predict", model, raw.toString(), "--output", out.toString());
    assertEquals(0, predict.code(), predict.err());
    assertEquals("predictions: 30 rows · " + out + "\n", predict.out());

    Dataset<Row> written = spark.read().parquet(out.toString());
    assertEquals(List.of("body.mass", "age in years", "site name", "id", "prediction", "probability"),
        Arrays.asList(written.columns()));
    assertEquals("array<double>", written.schema().apply("probability").dataType().simpleString());
    Dataset<Row> input = spark.read().option("header", true).option("inferSchema", true).csv(raw.toString());
    Dataset<Row> expected = PipelineModel.load(model).transform(input).select(Columns.of("id"), Columns.of("prediction"),
        org.apache.spark.ml.functions.vector_to_array(Columns.of("probability"), "float64").as("probability"));
    assertEquals(30, written.count());
    assertEquals(0, written.select(Columns.of("id"), Columns.of("prediction"), Columns.of("probability"))
        .exceptAll(expected).count(), "the written predictions are the pipeline's");
    List<Row> probabilities = written.select("probability").collectAsList();
    for (Row r : probabilities) assertEquals(1.0, r.getList(0).stream().mapToDouble(v -> (Double) v).sum(), 1e-12);

    // The output exists now: refused (exit 2, one line) unless --overwrite.
    MainTest.Result again = MainTest.run("predict", model, raw.toString(), "--output", out.toString());
    assertEquals(2, again.code());
    assertEquals("ridgeline: --output " + out + " already exists: use --overwrite to replace it\n", again.err());
    MainTest.Result overwrite = MainTest.run("predict", model, raw.toString(), "--output", out.toString(), "--overwrite");
    assertEquals(0, overwrite.code(), overwrite.err());
    assertEquals(30, spark.read().parquet(out.toString()).count());
    try (var listing = Files.list(dir)) {
      assertTrue(listing.noneMatch(p -> p.getFileName().toString().startsWith("_predictions.tmp-")),
          "no temporary output left");
    }
  }

  @Test
  void aVectorColumnPassesThroughTheSavedModel() {
    Path dir = TestSpark.tempDir("predict-libsvm");
    MainTest.Result sweep = MainTest.run("sweep", "conf/wine.yaml", "--run-id", "wine", "--set", "sweep.alpha=[1]",
        "--set", "sweep.lambda.values=[0.1]", "--set", "cv.folds=3", "--set", "run.output=" + dir.resolve("out"));
    assertEquals(0, sweep.code(), sweep.err());
    Path out = dir.resolve("wine-predictions");
    MainTest.Result predict = MainTest.run("predict", dir.resolve("out/models/wine").toString(),
        "data-samples/wine.libsvm", "--output", out.toString());
    assertEquals(0, predict.code(), predict.err());
    Dataset<Row> written = spark.read().parquet(out.toString());
    assertEquals(List.of("label", "features", "prediction", "probability"), Arrays.asList(written.columns()));
    assertEquals(178, written.count());
    assertEquals(3, written.first().getList(3).size(), "one probability per class");
    double accuracy = written.where(Columns.of("prediction").equalTo(Columns.of("label"))).count() / 178.0;
    assertTrue(accuracy > 0.9, "the saved multinomial model predicts wine: accuracy " + accuracy);
  }
}
