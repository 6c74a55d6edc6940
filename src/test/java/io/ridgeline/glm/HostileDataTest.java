package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.MllibReference;
import io.ridgeline.Reports;
import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.job.SweepJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Right answers on hostile data (issue 9, items 1, 2, 4 and 10), through the sweep, with the fast engine
 * ({@code run.engine: auto}) and the MLlib engine, for linear, binomial and multinomial:
 * <ul>
 *   <li>a one-row indicator ({@code rare}) and a column constant but for one row ({@code common}), on
 *       weighted rows: each is exactly constant in one training set and must be held at 0 there, and
 *       no fold's metric may blow up;
 *   <li>the label + 1e9, a feature + 1e6: every metric and coefficient as without the offset;
 *   <li>a training set whose label is constant: β = 0 and the intercept at its weighted mean;
 *   <li>an iteration cap: {@code trials.converged = false} and one warning line.
 * </ul>
 */
@Tag("slow")
class HostileDataTest {
  private static final String DIABETES_FEATURES = "[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6";
  private static final String BREAST_FEATURES = "[mean_radius, mean_texture, mean_smoothness, mean_compactness, "
      + "mean_concavity, mean_symmetry";
  private static final String WINE_FEATURES = "[alcohol, malic_acid, ash, alcalinity_of_ash, magnesium, "
      + "total_phenols, flavanoids, hue, proline";

  /** A finished sweep: its output directory and its log. */
  private record Run(Path out, String log) {
    List<Row> rows(String table) {
      return Reports.rows(out, table, "hostile");
    }
  }

  private static Run sweep(String yaml, String... overrides) throws IOException {
    Path out = TestSpark.tempDir("hostile");
    List<String> all = new ArrayList<>(Arrays.asList(overrides));
    all.add("run.output=" + out);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new SweepJob(TestSpark.session(), Samples.spec(yaml, all.toArray(String[]::new)),
        new PrintStream(log, true, StandardCharsets.UTF_8)).run("hostile");
    return new Run(out, log.toString(StandardCharsets.UTF_8));
  }

  /**
   * A copy of a bundled CSV with a weight column {@code w} (0.5 to 1.7), {@code rare} (1 on row 17, else
   * 0), {@code common} (5.3, but 0 on row 101), {@code fold} (1 to 3, for {@code cv.foldColumn}: folds
   * drawn from the rows' contents would move with an offset) and {@code offsets} added exactly (in decimal)
   * to columns.
   */
  private static String data(String sample, Map<String, String> offsets) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("data-samples", sample));
    String[] header = lines.get(0).split(",");
    List<String> out = new ArrayList<>();
    out.add(lines.get(0) + ",w,rare,common,fold");
    for (int i = 1; i < lines.size(); i++) {
      String[] v = lines.get(i).split(",");
      for (int c = 0; c < v.length; c++) {
        String offset = offsets.get(header[c]);
        if (offset != null) v[c] = new BigDecimal(v[c]).add(new BigDecimal(offset)).toPlainString();
      }
      int row = i - 1;
      out.add(String.join(",", v) + "," + (0.5 + (row % 7) / 5.0) + "," + (row == 17 ? 1 : 0) + ","
          + (row == 101 ? "0" : "5.3") + "," + (row % 3 + 1));
    }
    Path file = TestSpark.tempDir("hostile-data").resolve(sample);
    Files.write(file, out);
    return file.toString();
  }

  private static String yaml(String family, String path, String label, String features) {
    return "data:\n  path: " + path + "\n  label: " + label + "\n  weight: w\n  features: " + features + "]\n"
        + "model:\n  family: " + family + "\n";
  }

  private static String linear(Map<String, String> offsets, String extra) throws IOException {
    return yaml("linear", data("diabetes.csv", offsets), "progression", DIABETES_FEATURES + extra);
  }

  /**
   * Item 1. Every fold's metric of the same order (max &lt; 1.5 × median; before: MLlib engine 10,131
   * against ~53, Gaussian engine 136), and for ridge each of {@code rare} and {@code common} held at
   * exactly 0 in the one training set where it is constant: the folds' zero coefficients add up to 2.
   */
  @ParameterizedTest(name = "{0} · {1}")
  @CsvSource({"linear, auto", "linear, mllib", "binomial, auto", "binomial, mllib", "multinomial, auto",
      "multinomial, mllib"})
  void featureConstantInOneTrainingSetIsHeldAtZero(String family, String engine) throws IOException {
    String yaml;
    String metric;
    int p;
    switch (family) {
      case "linear" -> {
        yaml = linear(Map.of(), ", rare, common");
        metric = "rmse";
        p = 12;
      }
      case "binomial" -> {
        yaml = yaml("logistic", data("breast_cancer.csv", Map.of()), "malignant", BREAST_FEATURES + ", rare, common");
        metric = "logloss";
        p = 8;
      }
      default -> {
        yaml = yaml("logistic", data("wine.csv", Map.of()), "cultivar", WINE_FEATURES + ", rare, common");
        metric = "logloss";
        p = 3 * 11;   // coefficients of every class
      }
    }
    Run run = sweep(yaml, "sweep.alpha=[0]", "sweep.lambda.values=[" + (family.equals("linear") ? "1" : "0.01")
        + "]", "cv.folds=5", "cv.metric=" + metric, "run.engine=" + engine, "model.tol=1e-10", "model.maxIter=10000");
    List<Row> trials = run.rows("trials");
    assertEquals(5, trials.size());
    double[] values = trials.stream().mapToDouble(r -> r.<Double>getAs(metric)).sorted().toArray();
    // Measured max/median (printed): rmse 1.05 (both engines; before: 10,131/53 MLlib, 136/53 Gaussian);
    // logloss 1.39 binomial, 2.02 multinomial, both engines (fold-to-fold variation at 110 and 36
    // validation rows; a held coefficient of 1e8 would put one row's log-loss, and so the fold's, at ~1e6).
    double bound = family.equals("linear") ? 1.5 : 2.5;
    System.out.printf("held at 0, %s, %s: %s max/median %.2f%n", family, engine, metric, values[4] / values[2]);
    assertTrue(values[4] < bound * values[2], metric + " by fold " + Arrays.toString(values));
    int zeros = trials.stream().mapToInt(r -> p - r.<Integer>getAs("nonzero")).sum();
    int perFeature = family.equals("multinomial") ? 3 : 1;
    assertEquals(2 * perFeature, zeros, "coefficients held at 0 over the folds");
    java.util.Set<String> noted = new java.util.TreeSet<>();
    for (String line : run.log().split("\n")) {
      if (!line.startsWith("note: the training rows of fold ") || !line.contains("held at 0 there")) continue;
      String names = line.substring(line.indexOf("constant (") + "constant (".length(), line.indexOf("): "));
      noted.addAll(Arrays.asList(names.split(", ")));
    }
    assertEquals(java.util.Set.of("common", "rare"), noted, run.log());
  }

  /** Trials' metrics and coefficients by key. */
  private static Map<String, Double> values(Run run) {
    Map<String, Double> out = new HashMap<>();
    for (Row r : run.rows("trials")) {
      for (String m : List.of("rmse", "mse", "mae", "r2", "logloss", "auc", "accuracy")) {
        if (Arrays.asList(r.schema().fieldNames()).contains(m) && r.getAs(m) != null) {
          out.put("trial " + r.getAs("point") + "/" + r.getAs("fold") + " " + m, r.getAs(m));
        }
      }
    }
    for (Row r : run.rows("coefficients")) {
      out.put("coef " + r.getAs("point") + "/" + r.getAs("class") + " " + r.getAs("feature"), r.getAs("value"));
    }
    return out;
  }

  /**
   * Asserts every metric and coefficient of {@code shifted} equals {@code plain}'s to {@code tol}
   * relative (coefficients relative to the largest of their point; intercepts after {@code intercept}
   * maps the plain one), returning the largest relative difference.
   */
  private static double assertSame(Run plain, Run shifted, double tol, Map<String, Double> featureOffsets,
      double labelOffset) {
    return assertSame(values(plain), values(shifted), tol, featureOffsets, labelOffset);
  }

  private static double assertSame(Map<String, Double> a, Map<String, Double> b, double tol,
      Map<String, Double> featureOffsets, double labelOffset) {
    assertEquals(a.keySet(), b.keySet());
    Map<String, Double> scale = new HashMap<>();
    a.forEach((key, v) -> {
      if (key.startsWith("coef ") && !key.endsWith("(intercept)")) {
        scale.merge(key.substring(0, key.lastIndexOf(' ')), Math.abs(v), Math::max);
      }
    });
    double worst = 0;
    for (String key : a.keySet()) {
      double x = a.get(key);
      double y = b.get(key);
      double s;
      if (key.endsWith("(intercept)")) {
        // b₀ + Σ offset_j·β_j on the shifted data is b₀ + label offset on the plain data; multinomial
        // intercepts are compared centred over the classes (softmax ignores a common shift; both
        // engines report them centred, which moves them by the mean of offset·β_k).
        String point = key.substring(0, key.lastIndexOf(' '));
        s = Math.abs(x) + Math.abs(labelOffset);
        for (Map.Entry<String, Double> e : featureOffsets.entrySet()) s += Math.abs(e.getValue() * b.get(point + " " + e.getKey()));
        String prefix = point.substring(0, point.lastIndexOf('/') + 1);
        List<String> classes = point.endsWith("/null") ? List.of(point)
            : a.keySet().stream().filter(q -> q.startsWith(prefix) && q.endsWith(" (intercept)"))
                .map(q -> q.substring(0, q.lastIndexOf(' '))).toList();
        double meanMapped = 0;
        double meanPlain = 0;
        for (String c : classes) {
          meanMapped += mappedIntercept(b, c, featureOffsets, labelOffset) / classes.size();
          meanPlain += a.get(c + " (intercept)") / classes.size();
        }
        y = mappedIntercept(b, point, featureOffsets, labelOffset) - (classes.size() > 1 ? meanMapped : 0);
        x -= classes.size() > 1 ? meanPlain : 0;
      } else if (key.startsWith("coef ")) {
        s = scale.get(key.substring(0, key.lastIndexOf(' ')));
      } else {
        s = Math.abs(x);
      }
      double d = s == 0 ? Math.abs(x - y) : Math.abs(x - y) / s;
      assertTrue(d <= tol, key + ": " + x + " vs " + y + " (" + d + " relative)");
      worst = Math.max(worst, d);
    }
    return worst;
  }

  /** The shifted run's intercept mapped to the plain data: b₀ + Σ offset_j·β_j − label offset. */
  private static double mappedIntercept(Map<String, Double> b, String point, Map<String, Double> featureOffsets,
      double labelOffset) {
    double mapped = b.get(point + " (intercept)") - labelOffset;
    for (Map.Entry<String, Double> e : featureOffsets.entrySet()) mapped += e.getValue() * b.get(point + " " + e.getKey());
    return mapped;
  }

  /**
   * Item 2: label + 1e9, and bmi + 1e6, change no metric or coefficient beyond 1e−9 relative (before:
   * the CV rmse moved by up to 2 % with the Gaussian engine, 0.7 % with MLlib's).
   */
  @ParameterizedTest(name = "linear · {0}")
  @CsvSource({"auto", "mllib"})
  void linearResultsIgnoreOffsets(String engine) throws IOException {
    String[] sweep = {"sweep.alpha=[0, 0.5]", "sweep.lambda.values=[1, 0.1]", "cv.foldColumn=fold",
        "run.engine=" + engine, "model.tol=1e-12", "model.maxIter=10000"};
    Run plain = sweep(linear(Map.of(), ""), sweep);
    Run label = sweep(linear(Map.of("progression", "1e9"), ""), sweep);
    Run feature = sweep(linear(Map.of("bmi", "1e6"), ""), sweep);
    double l = assertSame(plain, label, 1e-9, Map.of(), 1e9);
    double f = assertSame(plain, feature, 1e-9, Map.of("bmi", 1e6), 0);
    System.out.printf("offset invariance, linear, %s: label + 1e9 %.2e, bmi + 1e6 %.2e (largest relative)%n",
        engine, l, f);
  }

  /**
   * Item 2 for λ paths: λ_max (which places {@code sweep.lambda.path}) from sums around the first row's
   * values, so an offset moves it by rounding only — for the label + 1e9 (linear), a feature + 1e6
   * (linear, binomial, multinomial). The raw-moment formula it replaced is printed beside it.
   */
  @ParameterizedTest(name = "{0} · {1} + {2}")
  @CsvSource({"linear, progression, 1e9", "linear, bmi, 1e6", "binomial, mean_radius, 1e6",
      "multinomial, alcohol, 1e6"})
  void lambdaMaxIgnoresOffsets(String family, String column, String offset) throws IOException {
    String sample = switch (family) {
      case "linear" -> "diabetes.csv";
      case "binomial" -> "breast_cancer.csv";
      default -> "wine.csv";
    };
    String label = switch (family) {
      case "linear" -> "progression";
      case "binomial" -> "malignant";
      default -> "cultivar";
    };
    String features = switch (family) {
      case "linear" -> DIABETES_FEATURES;
      case "binomial" -> BREAST_FEATURES;
      default -> WINE_FEATURES;
    };
    String kind = family.equals("linear") ? "linear" : "logistic";
    double[] ours = new double[2];
    double[] raw = new double[2];
    double[] engine = new double[2];
    for (int shifted = 0; shifted < 2; shifted++) {
      io.ridgeline.config.SweepSpec spec = Samples.spec(yaml(kind, data(sample, shifted == 0 ? Map.of()
          : Map.of(column, offset)), label, features));
      io.ridgeline.data.LabeledData d = io.ridgeline.data.DatasetLoader.load(TestSpark.session(), spec);
      ours[shifted] = LambdaMax.of(d.frame(), spec.model(), d.numFeatures(), d.numClasses()).at(1);
      Moments m = d.frame().javaRDD().treeAggregate(new Moments(d.numFeatures(), d.numClasses()),
          (acc, r) -> acc.add((org.apache.spark.ml.linalg.Vector) r.get(0), r.getDouble(1), r.getDouble(2)),
          Moments::merge);
      raw[shifted] = LambdaMax.base(m, spec.model());
      if (kind.equals("linear")) engine[shifted] = LambdaMaxTest.engineLambdaMax(spec, 1);
    }
    double moved = Math.abs(ours[1] - ours[0]) / ours[0];
    System.out.printf("λ_max, %s, %s + %s: moves %.1e relative (raw moments: %.1e)%n", family, column, offset, moved,
        Math.abs(raw[1] - raw[0]) / raw[0]);
    assertTrue(moved <= 5e-12, "λ_max moved by " + moved);   // measured ≤ 4.7e−13
    if (kind.equals("linear")) {
      // The Gaussian engine's λ_max, from its statistics shifted by the overall means.
      double engineMoved = Math.abs(engine[1] - engine[0]) / engine[0];
      double apart = Math.abs(engine[0] - ours[0]) / ours[0];
      System.out.printf("λ_max from the Gaussian engine: moves %.1e relative; %.1e from the moments pass's%n",
          engineMoved, apart);
      assertTrue(engineMoved <= 5e-12, "the engine's λ_max moved by " + engineMoved);
      assertTrue(apart <= 5e-12, "the engine's λ_max is " + apart + " relative from the moments pass's");
    }
  }

  /** Item 2 for logistic: a feature + 1e6 (binomial and multinomial) changes nothing beyond 1e−9. */
  @ParameterizedTest(name = "{0} · {1}")
  @CsvSource({"binomial, auto", "binomial, mllib", "multinomial, auto", "multinomial, mllib"})
  void logisticResultsIgnoreFeatureOffsets(String family, String engine) throws IOException {
    // MLlib at tol 1e−12 takes thousands of L-BFGS/OWL-QN iterations, each a Spark job: one λ for it.
    String lambdas = engine.equals("mllib") ? "[0.05]" : "[0.05, 0.01]";
    String[] sweep = {"sweep.alpha=[0, 0.5]", "sweep.lambda.values=" + lambdas, "cv.foldColumn=fold",
        "run.engine=" + engine, "model.tol=1e-12", "model.maxIter=10000"};
    boolean binomial = family.equals("binomial");
    String sample = binomial ? "breast_cancer.csv" : "wine.csv";
    String label = binomial ? "malignant" : "cultivar";
    String features = binomial ? BREAST_FEATURES : WINE_FEATURES;
    String column = binomial ? "mean_radius" : "alcohol";
    String plainData = data(sample, Map.of());
    Run shifted = sweep(yaml("logistic", data(sample, Map.of(column, "1e6")), label, features), sweep);
    Map<String, Double> b = values(shifted);
    Map<String, Double> a;
    if (engine.equals("mllib")) {
      // The run without the offset is stored (MLlib at tol 1e−12 on these sweeps takes a minute or two).
      List<String> keys = new ArrayList<>(new java.util.TreeSet<>(b.keySet()));
      double[] stored = MllibReference.get("HostileDataTest", "offsets " + family + " " + String.join(" ", sweep),
          MllibReference.fingerprint(String.join("\n", Files.readAllLines(Path.of(plainData))) + "\n" + keys),
          () -> {
            try {
              Map<String, Double> plain = values(sweep(yaml("logistic", plainData, label, features), sweep));
              assertEquals(new java.util.TreeSet<>(b.keySet()), plain.keySet());
              return keys.stream().mapToDouble(plain::get).toArray();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      a = new HashMap<>();
      for (int i = 0; i < keys.size(); i++) a.put(keys.get(i), stored[i]);
    } else {
      a = values(sweep(yaml("logistic", plainData, label, features), sweep));
    }
    double d = assertSame(a, b, 1e-9, Map.of(column, 1e6), 0);
    System.out.printf("offset invariance, %s, %s: %s + 1e6 %.2e (largest relative)%n", family, engine, column, d);
  }

  /**
   * Item 4: folds from a column; folds 2 and 3 hold label 100, so fold 1's training set has a constant
   * label: zero coefficients, intercept 100, and fold 1's rmse is that of predicting 100.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"auto", "mllib"})
  void constantLabelInATrainingSetGivesTheMean(String engine) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("data-samples", "diabetes.csv"));
    List<String> out = new ArrayList<>(List.of(lines.get(0) + ",w,fold"));
    double sse = 0;
    double weight = 0;
    for (int i = 1; i < lines.size(); i++) {
      int fold = i % 3 + 1;
      double w = 0.5 + (i % 7) / 5.0;
      String row = lines.get(i);
      if (fold == 1) {
        double y = Double.parseDouble(row.substring(row.lastIndexOf(',') + 1));
        sse += w * (y - 100) * (y - 100);
        weight += w;
      } else {
        row = row.substring(0, row.lastIndexOf(',') + 1) + "100";
      }
      out.add(row + "," + w + "," + fold);
    }
    Path file = TestSpark.tempDir("hostile-data").resolve("constant-label.csv");
    Files.write(file, out);
    Run run = sweep(yaml("linear", file.toString(), "progression", DIABETES_FEATURES), "cv.foldColumn=fold",
        "sweep.alpha=[0, 1]", "sweep.lambda.values=[1, 0.1]", "run.engine=" + engine);
    int checked = 0;
    for (Row r : run.rows("trials")) {
      if (r.<Integer>getAs("fold") != 0) continue;
      assertEquals(0, r.<Integer>getAs("nonzero"));
      assertEquals(Math.sqrt(sse / weight), r.<Double>getAs("rmse"), 1e-12 * Math.sqrt(sse / weight));
      assertTrue(r.<Boolean>getAs("converged"));
      checked++;
    }
    assertEquals(4, checked);
    assertTrue(run.log().contains("the training rows of fold 1/3: the label is constant (100.0): coefficients 0, "
        + "intercept at its mean"), run.log());
  }

  /**
   * What {@code MllibInput} relies on: given a column of zeros, MLlib itself reports its coefficient as
   * exactly 0 (normal equations for linear, L-BFGS for binomial and multinomial; standardized or not).
   */
  @ParameterizedTest(name = "{0} · standardize {1}")
  @CsvSource({"linear, true", "linear, false", "binomial, true", "binomial, false", "multinomial, true"})
  void mllibHoldsAColumnOfZerosAtZero(String family, boolean standardize) throws IOException {
    String sample = switch (family) {
      case "linear" -> "diabetes.csv";
      case "binomial" -> "breast_cancer.csv";
      default -> "wine.csv";
    };
    List<String> lines = Files.readAllLines(Path.of("data-samples", sample));
    List<String> out = new ArrayList<>(List.of(lines.get(0) + ",zero"));
    for (String line : lines.subList(1, lines.size())) out.add(line + ",0");
    Path file = TestSpark.tempDir("hostile-data").resolve(sample);
    Files.write(file, out);
    String label = switch (family) {
      case "linear" -> "progression";
      case "binomial" -> "malignant";
      default -> "cultivar";
    };
    String features = switch (family) {
      case "linear" -> DIABETES_FEATURES;
      case "binomial" -> BREAST_FEATURES;
      default -> WINE_FEATURES;
    } + ", zero]";
    io.ridgeline.config.SweepSpec spec = Samples.spec("data:\n  path: " + file + "\n  label: " + label
        + "\n  features: " + features + "\nmodel:\n  family: " + (family.equals("linear") ? "linear" : "logistic")
        + "\n", "model.standardize=" + standardize);
    io.ridgeline.data.LabeledData d = io.ridgeline.data.DatasetLoader.load(TestSpark.session(), spec);
    io.ridgeline.sweep.GridPoint point = new io.ridgeline.sweep.GridPoint(0, 0.5, family.equals("linear") ? 1 : 0.01);
    io.ridgeline.sweep.Trainer trainer = family.equals("linear")
        ? new LinearRegressionTrainer(spec.model(), d.numFeatures())
        : new LogisticRegressionTrainer(spec.model(), d.numFeatures(), d.numClasses());
    List<io.ridgeline.sweep.FittedModel.Coefficient> coefficients =
        trainer.fit(d.frame(), point).coefficients(d.featureNames());
    int checked = 0;
    for (io.ridgeline.sweep.FittedModel.Coefficient c : coefficients) {
      if (!c.feature().equals("zero")) continue;
      assertEquals(0.0, c.value(), 0.0, c.toString());
      checked++;
    }
    assertEquals(family.equals("multinomial") ? 3 : 1, checked);
  }

  /** Item 10: MLlib's L-BFGS capped at 3 iterations is reported unconverged, with a warning line. */
  @Test
  void iterationCapIsReported() throws IOException {
    Run run = sweep(yaml("logistic", data("breast_cancer.csv", Map.of()), "malignant", BREAST_FEATURES),
        "sweep.alpha=[0]", "sweep.lambda.values=[0.001]", "cv.folds=3", "run.engine=mllib", "model.maxIter=3");
    List<Row> trials = run.rows("trials");
    assertEquals(3, trials.size());
    for (Row r : trials) {
      assertFalse(r.<Boolean>getAs("converged"));
      assertEquals(3, r.<Integer>getAs("iterations"));
    }
    assertTrue(run.log().contains("warning: 4 fits stopped at an iteration cap before converging "
        + "(trials.converged = false; model.maxIter = 3): point 0 (α=0.0 · λ=0.001): fold 1, fold 2, fold 3, all data"),
        run.log());

    Run converged = sweep(yaml("logistic", data("breast_cancer.csv", Map.of()), "malignant", BREAST_FEATURES),
        "sweep.alpha=[0]", "sweep.lambda.values=[0.001]", "cv.folds=3", "run.engine=mllib");
    for (Row r : converged.rows("trials")) assertTrue(r.<Boolean>getAs("converged"));
    assertFalse(converged.log().contains("iteration cap"), converged.log());
  }

  /** Item 10 in the fast engines' solver: coordinate descent cut off by its sweep cap says so. */
  @Test
  void coordinateDescentCapIsReported() {
    double[] a = {1, 0.9, 0.9, 1};   // correlated: descent needs many sweeps
    double[] c = {1, 0.5};
    double[] ones = {1, 1};
    ElasticNetQuadratic capped = new ElasticNetQuadratic(2, a, c, ones, ones, 1e-13, 2);
    ElasticNetQuadratic.Descent d = capped.minimize(new double[2], 0.01, 0);
    assertFalse(d.converged());
    assertEquals(2, d.sweeps());
    ElasticNetQuadratic.Descent full = new ElasticNetQuadratic(2, a, c, ones, ones, 1e-13).minimize(new double[2], 0.01, 0);
    assertTrue(full.converged());
    assertTrue(full.sweeps() > 2);
  }
}
