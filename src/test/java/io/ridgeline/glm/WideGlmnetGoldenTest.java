package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.LabeledData;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The wide engines' full-data paths against R glmnet on a sparse matrix with more features than rows
 * (90 rows × 400 features, 12 stored a row from the first 120, one dense column of mean 5, weights):
 * src/test/resources/golden/wide/ holds the data, glmnet's coefficients and the script that made them
 * ({@code wide_golden.R}, glmnet 4.1.6, each λ solved with thresh 1e−30).
 *
 * <p>Conventions (as {@code GlmnetGoldenTest}): gaussian with an intercept, glmnet's λ is MLlib's (both
 * 1/n σ up to 4096 features). Binomial: MLlib's σ_j is the weighted unbiased one, Σw(x − x̄)²/(W − Σw²/W),
 * glmnet's Σw(x − x̄)²/W, so MLlib's L1 term is √c times glmnet's (c = W/(W − Σw²/W)): at α = 1 glmnet's λ
 * is MLlib's λ·√c. A coefficient's error is relative to max(|glmnet|, 1% of the fit's largest).
 * Tolerance 2e−9 (measured ≤ 1.6e−10 gaussian, ≤ 2.4e−10 binomial; the engines meet MLlib's optimality
 * conditions to ~1e−13 in WideEngineTest).
 */
@Tag("slow")
class WideGlmnetGoldenTest {
  private static final SparkSession spark = TestSpark.session();
  private static final Path DIR = Path.of("src/test/resources/golden/wide");
  private static final int P = 400;
  private static final double TOLERANCE = 2e-9;

  @ParameterizedTest(name = "{0} α={1} in-task={2}")
  @CsvSource({"gaussian, 1, false", "gaussian, 0.5, false", "binomial, 1, false",
      "gaussian, 1, true", "gaussian, 0.5, true", "binomial, 1, true"})
  void pathsMatchGlmnet(String family, double alpha, boolean inTask) throws IOException {
    boolean binomial = family.equals("binomial");
    List<String> yw = Files.readAllLines(DIR.resolve("yw.csv"));
    int n = yw.size() - 1;
    List<List<Integer>> cols = new ArrayList<>();
    List<List<Double>> vals = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cols.add(new ArrayList<>());
      vals.add(new ArrayList<>());
    }
    for (String line : body("x.csv")) {
      String[] f = line.split(",");
      cols.get(Integer.parseInt(f[0])).add(Integer.parseInt(f[1]));
      vals.get(Integer.parseInt(f[0])).add(Double.parseDouble(f[2]));
    }
    double sw = 0;
    double sw2 = 0;
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] f = yw.get(i + 1).split(",");
      double w = Double.parseDouble(f[2]);
      sw += w;
      sw2 += w * w;
      rows.add(RowFactory.create(Vectors.sparse(P, cols.get(i).stream().mapToInt(Integer::intValue).toArray(),
          vals.get(i).stream().mapToDouble(Double::doubleValue).toArray()),
          Double.parseDouble(f[binomial ? 1 : 0]), w, i % 3));
    }
    StructType schema = new StructType().add(LabeledData.FEATURES, SQLDataTypes.VectorType())
        .add(LabeledData.LABEL, DataTypes.DoubleType).add(LabeledData.WEIGHT, DataTypes.DoubleType)
        .add(FoldedData.FOLD, DataTypes.IntegerType);
    Dataset<Row> frame = spark.createDataFrame(rows, schema).repartition(2).cache();
    List<String> names = new ArrayList<>();
    for (int j = 0; j < P; j++) names.add("x" + j);
    FoldedData folded = new FoldedData(frame, new LabeledData(frame, names, binomial ? 2 : 0, n, "golden", "y"), 3,
        new long[] {30, 30, 30}, WideData.unknownWeights(3), 0L);
    double c = sw / (sw - sw2 / sw);

    // glmnet's coefficients by its λ: feature → value (−1: intercept).
    Map<Double, Map<Integer, Double>> golden = new LinkedHashMap<>();
    for (String line : body("coefficients.csv")) {
      String[] f = line.split(",");
      if (!f[0].equals(family) || Double.parseDouble(f[1]) != alpha) continue;
      golden.computeIfAbsent(Double.parseDouble(f[2]), l -> new LinkedHashMap<>())
          .put(Integer.parseInt(f[3]), Double.parseDouble(f[4]));
    }
    assertFalse(golden.isEmpty());
    List<GridPoint> points = new ArrayList<>();
    for (double lambda : golden.keySet()) {
      points.add(new GridPoint(points.size(), alpha, binomial ? lambda / Math.sqrt(c) : lambda));
    }
    WideEngine engine = new WideEngine(WideData.spec(binomial, true, true), P, binomial ? 2 : 0,
        WideData.runner("wide-golden"), System.out::println, 1L << 24, 4096, inTask);
    List<FittedModel> fits = engine.fitAll(folded, points);
    int i = 0;
    for (Map<Integer, Double> expected : golden.values()) {
      List<FittedModel.Coefficient> ours = fits.get(i).coefficients(names);
      double largest = 0;
      for (int j = 1; j <= P; j++) largest = Math.max(largest, Math.abs(ours.get(j).value()));
      double worst = 0;
      for (int j = -1; j < P; j++) {
        double g = expected.getOrDefault(j, 0.0);
        double o = ours.get(j + 1).value();
        worst = Math.max(worst, Math.abs(o - g) / Math.max(Math.abs(g), 0.01 * largest));
      }
      System.out.printf("%s α=%s glmnet λ=%.6g: %d non-zero, largest relative difference %.2e%n", engine.name(), alpha,
          points.get(i).lambda() * (binomial ? Math.sqrt(c) : 1), fits.get(i).nonzero(), worst);
      assertTrue(worst <= TOLERANCE, points.get(i).label() + ": " + worst);
      i++;
    }
    frame.unpersist();
  }

  /** A CSV's lines after its header. */
  private static List<String> body(String file) throws IOException {
    List<String> lines = Files.readAllLines(DIR.resolve(file));
    return lines.subList(1, lines.size());
  }
}
