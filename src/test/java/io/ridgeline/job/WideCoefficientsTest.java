package io.ridgeline.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.sweep.FittedModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Beyond {@link SweepJob#DENSE_COEFFICIENTS} features the {@code coefficients} table holds only the
 * non-zero coefficients and every intercept: a lasso sweep over 3,000 sparse features (libsvm, 5 a row,
 * a label from 10 of them) writes, per grid point, exactly {@code summary.nonzero_full} feature rows
 * plus one intercept row, and no zero coefficient.
 */
@Tag("slow")
class WideCoefficientsTest {
  private static final SparkSession spark = TestSpark.session();
  private static final int P = 3000;

  @Test
  void wideTablesHoldTheSupportAndTheIntercepts() throws IOException {
    Path dir = TestSpark.tempDir("wide-coef");
    Path data = dir.resolve("wide.libsvm");
    Random random = new Random(11);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      int[] idx = random.ints(5, 1, P + 1).distinct().sorted().toArray();
      if (i == 0) idx[idx.length - 1] = P;   // the reader finds p from the highest index
      double[] v = new double[idx.length];
      double y = random.nextGaussian() * 0.1;
      for (int j = 0; j < idx.length; j++) {
        v[j] = random.nextGaussian();
        if (idx[j] <= 10) y += v[j];
      }
      b.append(y);
      for (int j = 0; j < idx.length; j++) b.append(' ').append(idx[j]).append(':').append(v[j]);
      b.append('\n');
    }
    Files.writeString(data, b.toString());
    Path out = dir.resolve("out");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new SweepJob(spark, Samples.spec("data:\n  path: " + data + "\nmodel:\n  family: linear\n",
        "sweep.alpha=[1]", "sweep.lambda.path.count=3", "sweep.lambda.path.minRatio=0.1", "cv.folds=3",
        "run.output=" + out), new PrintStream(log, true, StandardCharsets.UTF_8)).run("wide");

    List<Row> coefficients = spark.read().parquet(out.resolve("coefficients").toString()).collectAsList();
    List<Row> summary = spark.read().parquet(out.resolve("summary").toString())
        .where(col("metric").equalTo("rmse")).collectAsList();
    assertEquals(3, summary.size());
    int nonzeroSeen = 0;
    for (Row s : summary) {
      int point = s.getInt(s.fieldIndex("point"));
      int nonzero = s.getInt(s.fieldIndex("nonzero_full"));
      List<Row> rows = coefficients.stream().filter(r -> r.getInt(r.fieldIndex("point")) == point).toList();
      long intercepts = rows.stream().filter(r -> r.getString(r.fieldIndex("feature")).equals(FittedModel.INTERCEPT))
          .count();
      assertEquals(1, intercepts, "point " + point);
      assertEquals(nonzero + 1, rows.size(), "point " + point + ": the support and the intercept");
      for (Row r : rows) {
        if (!r.getString(r.fieldIndex("feature")).equals(FittedModel.INTERCEPT)) {
          assertTrue(r.getDouble(r.fieldIndex("value")) != 0, "no zero coefficient is written");
        }
      }
      nonzeroSeen += nonzero;
    }
    assertTrue(nonzeroSeen > 0, "the path has non-zero coefficients");
    assertTrue(coefficients.size() < 3 * 100, "far fewer rows than 3 points × 3,000 features");
  }
}
