package io.ridgeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.data.Columns;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The saved model is a {@code PipelineModel} that scores a frame with the original columns — text
 * columns, a null level, names with dots and spaces, no label — and predicts exactly what the fitted
 * coefficients (the {@code coefficients} table) say; an unseen level encodes as all zeros.
 */
@Tag("slow")
class SavedModelTest {
  private static final SparkSession spark = TestSpark.session();
  private static final String[] COLORS = {"red", "green", "blue", ""};

  /** 40 rows: {@code body.mass, age in years, color (a null every 4th), y}; y binary for logistic. */
  private static String data(boolean binary) throws IOException {
    StringBuilder b = new StringBuilder("body.mass,age in years,color,y\n");
    for (int i = 0; i < 40; i++) {
      double mass = 1 + 0.37 * i % 5;
      double y = 2 * mass + (i % 4 == 0 ? 3 : 0) + ((i * 7) % 5) * 0.3;
      b.append(mass).append(',').append(20 + i % 7).append(',').append(COLORS[i % 4]).append(',')
          .append(binary ? (y > 5.5 ? 1 : 0) : y).append('\n');
    }
    Path p = TestSpark.tempDir("saved-model").resolve(binary ? "binary.csv" : "linear.csv");
    Files.writeString(p, b.toString());
    return p.toString();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"linear", "logistic"})
  void pipelineScoresRawDataAsTheCoefficientsSay(String family) throws IOException {
    boolean logistic = family.equals("logistic");
    String path = data(logistic);
    Path out = TestSpark.tempDir("saved-model-out");
    new SweepJob(spark, Samples.spec("data:\n  path: " + path + "\n  label: y\nmodel:\n  family: " + family + "\n",
        "sweep.alpha=[0.5]", "sweep.lambda.values=[0.01]", "cv.folds=3", "run.output=" + out),
        new PrintStream(OutputStream.nullOutputStream())).run("saved");
    Map<String, Double> coef = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("coefficients").toString()).collectAsList()) {
      coef.put(r.getAs("feature"), r.getAs("value"));
    }
    assertEquals(List.of("(intercept)", "age in years", "body.mass", "color=(null)", "color=blue", "color=green",
        "color=red"), coef.keySet().stream().sorted().toList());

    PipelineModel model = PipelineModel.load(out.resolve("models/saved").toString());
    // The original columns, without the label, plus a row with an unseen level.
    Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true).csv(path).drop("y");
    Dataset<Row> unseen = spark.sql("SELECT 2.5D AS `body.mass`, 23 AS `age in years`, 'purple' AS color");
    List<Row> scored = model.transform(raw.unionByName(unseen))
        .select(Columns.of("body.mass"), Columns.of("age in years"), Columns.of("color"), Columns.of("prediction"),
            Columns.of(logistic ? "probability" : "prediction"))
        .collectAsList();
    assertEquals(41, scored.size());
    double worst = 0;
    for (Row r : scored) {
      String color = r.isNullAt(2) ? "(null)" : r.getString(2);
      double margin = coef.get("(intercept)") + coef.get("body.mass") * r.getDouble(0)
          + coef.get("age in years") * ((Number) r.get(1)).doubleValue() + coef.getOrDefault("color=" + color, 0.0);
      if (!logistic) {
        worst = Math.max(worst, Math.abs(r.getDouble(3) - margin) / Math.abs(margin));
      } else {
        double p = 1 / (1 + Math.exp(-margin));
        worst = Math.max(worst, Math.abs(((Vector) r.get(4)).apply(1) - p));
        if (Math.abs(p - 0.5) > 1e-9) assertEquals(p > 0.5 ? 1.0 : 0.0, r.getDouble(3));
      }
    }
    System.out.printf("saved %s pipeline: largest difference from the coefficients %.2e%n", family, worst);
    assertTrue(coef.get("color=red") != 0, "the level coefficient that makes an unseen level differ is not zero");
    // Measured 1.9e−16 (linear, relative) and 4.4e−16 (logistic probabilities): the same arithmetic in another order.
    assertTrue(worst <= 5e-15, family + ": the pipeline's predictions differ from the coefficients' by " + worst);
  }
}
