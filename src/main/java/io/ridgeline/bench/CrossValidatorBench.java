package io.ridgeline.bench;

import static org.apache.spark.sql.functions.col;

import io.ridgeline.config.ConfigException;
import io.ridgeline.config.ConfigLoader;
import io.ridgeline.config.Family;
import io.ridgeline.config.Metric;
import io.ridgeline.config.SelectionRule;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.FoldPlan;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.DataException;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.data.LabeledData;
import io.ridgeline.job.SweepJob;
import io.ridgeline.linear.LambdaMax;
import io.ridgeline.sweep.Grid;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times a Ridgeline sweep against Spark MLlib's {@code CrossValidator} on the same grid and the same
 * folds, in one JVM and one local SparkSession, and checks that both compute the same cross-validated
 * metric at every grid point and choose the same (α, λ).
 *
 * <p>The data (generated, or {@code --data}) is loaded, checked and folded once by Ridgeline
 * ({@link DatasetLoader}, {@link FoldPlan}) and cached; that frame ({@code features, label, weight,
 * fold}) is the input of both sides. The λ values are log-spaced from λ_max of the largest α down to
 * λ_max/100 and given to both sides as one explicit list.
 *
 * <ul>
 *   <li>Ridgeline: wall time of {@link SweepJob#run(FoldedData, String)}: every (fold, point) trial on
 *       {@code --parallelism} threads, the refit of the selected point on all data
 *       ({@code report.coefficients: false}), and writing the reports and the model. Its per-point means
 *       and its choice are read back from the {@code summary} and {@code selection} reports.
 *   <li>CrossValidator: wall time of {@code fit} with {@code foldCol = fold}, the estimator set as
 *       Ridgeline's trainers set it, and an evaluator of the same weighted metric (rmse; logLoss for
 *       logistic). It trains the points of one fold at a time on {@code --parallelism} threads, then
 *       refits the best point on all data.
 * </ul>
 * With {@code --repeat R} the two sides alternate R times (Ridgeline first); min and median are reported.
 * Ends with one {@code RESULT key=value …} line for scripts.
 */
@Command(name = "bench-cv", sortOptions = false,
    description = "Time a Ridgeline sweep against Spark MLlib's CrossValidator on the same folds and grid.")
public final class CrossValidatorBench implements Callable<Integer> {
  /** Generated data and the reports go under these directories (relative to the working directory). */
  private static final String DATA_ROOT = "target/bench-data";
  private static final String OUTPUT = "target/bench-out";
  private static final double LAMBDA_MIN_RATIO = 0.01;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--family", paramLabel = "linear|logistic", description = "model family (default: linear)")
  String family = "linear";

  @Option(names = "--rows", paramLabel = "N", description = "rows of generated data (default: 20000)")
  long rows = 20_000;

  @Option(names = "--features", paramLabel = "P", description = "features of generated data (default: 20)")
  int features = 20;

  @Option(names = "--folds", paramLabel = "K", description = "cross-validation folds (default: 5)")
  int folds = 5;

  @Option(names = "--alphas", paramLabel = "A", split = ",", defaultValue = "0,0.5,1",
      description = "elastic-net mixing values (default: 0,0.5,1)")
  List<Double> alphas;

  @Option(names = "--lambdas", paramLabel = "L", description = "number of λ values (default: 4)")
  int lambdas = 4;

  @Option(names = "--parallelism", paramLabel = "T", description = "concurrent fits on each side (default: 2)")
  int parallelism = 2;

  @Option(names = "--seed", paramLabel = "S", description = "seed of the data and the folds (default: 7)")
  long seed = 7;

  @Option(names = "--data", paramLabel = "PATH", description = "an existing csv, parquet or libsvm file instead of "
      + "generated data")
  String data;

  @Option(names = "--label", paramLabel = "COLUMN", description = "label column of --data (generated data: y)")
  String label;

  @Option(names = "--repeat", paramLabel = "R", description = "run both sides R times, alternately (default: 1)")
  int repeat = 1;

  @Option(names = "--ridgeline-only", description = "time Ridgeline alone (for scaling runs on large data)")
  boolean ridgelineOnly;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[2])")
  String master = "local[2]";

  /** A grid point. */
  record Point(double alpha, double lambda) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "α=%s λ=%.6g", plain(alpha), lambda);
    }
  }

  /** One side's run: wall seconds, mean validation metric per point, and the chosen point. */
  record SideRun(double seconds, Map<Point, Double> means, Point chosen) {}

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new CrossValidatorBench());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      boolean input = e instanceof ConfigException || e instanceof DataException
          || e instanceof IllegalArgumentException;
      line.getErr().println("bench-cv: " + (input ? e.getMessage() : DatasetLoader.rootMessage(e)));
      if (!input) e.printStackTrace(line.getErr());
      return input ? 2 : 1;
    });
    System.exit(cl.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Family fam = Arrays.stream(Family.values()).filter(f -> f.key().equals(family)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--family must be linear or logistic, not '" + family + "'"));
    if (repeat < 1 || lambdas < 1 || folds < 2 || parallelism < 1 || rows < folds || features < 1) {
      throw new IllegalArgumentException("--repeat, --lambdas, --parallelism, --features must be ≥ 1, --folds ≥ 2,"
          + " --rows ≥ --folds");
    }
    PrintStream out = System.out;
    SparkSession spark = SparkSession.builder().appName("ridgeline bench-cv").master(master)
        .config("spark.scheduler.mode", "FAIR")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate();
    Path tempDir = null;
    try {
      String path;
      String origin;
      if (data == null) {
        Files.createDirectories(Path.of(DATA_ROOT));
        tempDir = Files.createTempDirectory(Path.of(DATA_ROOT), fam.key() + "-" + rows + "x" + features + "-");
        path = tempDir.resolve("data.parquet").toAbsolutePath().toString();
        int partitions = (int) Math.max(4, Math.min(8, rows / 200_000));
        Synthetic truth = Synthetic.of(fam, features, seed);
        long start = System.nanoTime();
        spark.sparkContext().setJobDescription("generate synthetic data");
        truth.frame(spark, rows, partitions, seed).write().parquet(path);
        spark.sparkContext().setJobDescription(null);
        origin = String.format(Locale.ROOT, "generated (%s; %d partitions, %.1f s) → %s", truth.describe(),
            partitions, seconds(start), path);
      } else {
        path = data;
        origin = data;
      }

      // Load, check and fold once; this cached frame is the input of both sides.
      String yaml = yaml(fam, path, data == null ? "y" : label);
      SweepSpec loading = ConfigLoader.parse(yaml, "bench-cv", List.of());
      LabeledData labeled = DatasetLoader.load(spark, loading);
      FoldedData folded = FoldPlan.assign(spark, labeled, loading.cv(), loading.run().partitions());
      try {
        folded.frame().count();
        double maxAlpha = Collections.max(loading.sweep().alphas());
        double lambdaMax = LambdaMax.of(folded.frame(), loading.model(), labeled.numFeatures(), labeled.numClasses())
            .at(maxAlpha);
        if (!(lambdaMax > 0)) throw new IllegalArgumentException("λ_max is 0: no feature varies with the label");
        String values = Arrays.stream(Grid.path(lambdaMax, LAMBDA_MIN_RATIO, lambdas))
            .mapToObj(CrossValidatorBench::plain).collect(Collectors.joining(", ", "[", "]"));
        SweepSpec spec = ConfigLoader.parse(yaml, "bench-cv", List.of("sweep.lambda.values=" + values));

        List<Point> grid = new ArrayList<>();
        for (double a : spec.sweep().alphas()) for (double l : spec.sweep().lambdaValues()) grid.add(new Point(a, l));
        int k = folded.folds();
        Metric metric = spec.cv().metric();
        out.println("Ridgeline sweep vs MLlib CrossValidator · " + fam.key() + " · " + master
            + " · parallelism " + parallelism);
        out.println("data:   " + origin);
        out.printf(Locale.ROOT, "        %d rows × %d features%s · folds of %s rows · %d cached partitions%n",
            labeled.rows(), labeled.numFeatures(),
            labeled.numClasses() > 0 ? " · " + labeled.numClasses() + " classes" : "",
            Arrays.toString(folded.foldSizes()), folded.frame().rdd().getNumPartitions());
        out.printf(Locale.ROOT, "grid:   %d α × %d λ = %d points × %d folds = %d fits (+1 refit on all data per side)%n",
            spec.sweep().alphas().size(), spec.sweep().lambdaValues().size(), grid.size(), k, grid.size() * k);
        out.printf(Locale.ROOT, "        α %s · λ %s (λ_max at α=%s: %.6g)%n", spec.sweep().alphas(),
            spec.sweep().lambdaValues(), plain(maxAlpha), lambdaMax);
        out.println("metric: " + metric.key() + " (weighted), mean over folds; rule min");

        List<SideRun> ours = new ArrayList<>();
        List<SideRun> theirs = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
          ours.add(ridgeline(spark, spec, folded, "bench-" + SweepJob.newRunId() + "-" + (r + 1)));
          if (ridgelineOnly) {
            out.printf(Locale.ROOT, "run %d/%d: ridgeline %.2f s%n", r + 1, repeat, ours.get(r).seconds());
            continue;
          }
          theirs.add(crossValidator(spec, folded, labeled.numClasses()));
          out.printf(Locale.ROOT, "run %d/%d: ridgeline %.2f s · crossvalidator %.2f s%n", r + 1, repeat,
              ours.get(r).seconds(), theirs.get(r).seconds());
        }
        if (ridgelineOnly) {
          double[] t = ours.stream().mapToDouble(SideRun::seconds).toArray();
          out.printf(Locale.ROOT, "RESULT family=%s rows=%d features=%d points=%d folds=%d repeat=%d "
                  + "ridgeline_s=%.3f ridgeline_min_s=%.3f%n", fam.key(), labeled.rows(), labeled.numFeatures(),
              grid.size(), k, repeat, median(t), min(t));
        } else {
          report(out, fam, labeled, grid, k, metric, ours, theirs);
        }
      } finally {
        folded.release();
      }
      return 0;
    } finally {
      spark.stop();
      if (tempDir != null) deleteRecursively(tempDir);
    }
  }

  /** The sweep's configuration; λ values are added as an override once λ_max is known. */
  private String yaml(Family fam, String path, String labelColumn) {
    StringBuilder y = new StringBuilder();
    y.append("name: bench-cv-").append(fam.key()).append('\n');
    y.append("data:\n  path: '").append(path.replace("'", "''")).append("'\n");
    if (data == null) y.append("  format: parquet\n");
    if (labelColumn != null) y.append("  label: '").append(labelColumn.replace("'", "''")).append("'\n");
    y.append("  features: all\n");
    y.append("model:\n  family: ").append(fam.key()).append('\n');
    y.append("sweep:\n  alpha: ")
        .append(alphas.stream().map(CrossValidatorBench::plain).collect(Collectors.joining(", ", "[", "]")))
        .append('\n');
    y.append("cv:\n  folds: ").append(folds).append("\n  seed: ").append(seed)
        .append("\n  metric: ").append(fam == Family.LINEAR ? "rmse" : "logloss").append("\n  rule: min\n");
    y.append("run:\n  output: ").append(OUTPUT).append("\n  parallelism: ").append(parallelism).append('\n');
    y.append("report:\n  coefficients: false\n");
    return y.toString();
  }

  /** Side A: the Ridgeline sweep, then its summary and selection read back from the reports. */
  private SideRun ridgeline(SparkSession spark, SweepSpec spec, FoldedData folded, String runId) throws IOException {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    long start = System.nanoTime();
    new SweepJob(spark, spec, quiet).run(folded, runId);
    double seconds = seconds(start);

    String output = spec.run().output();
    Map<Point, Double> means = new LinkedHashMap<>();
    List<Row> summary = spark.read().parquet(output + "/summary/run_id=" + runId)
        .where(col("metric").equalTo(spec.cv().metric().key()))
        .select("alpha", "lambda", "mean").collectAsList();
    for (Row r : summary) means.put(new Point(r.getDouble(0), r.getDouble(1)), r.isNullAt(2) ? Double.NaN : r.getDouble(2));
    Row chosen = spark.read().parquet(output + "/selection/run_id=" + runId)
        .where(col("scope").equalTo("all").and(col("rule").equalTo(SelectionRule.MIN.key())))
        .select("alpha", "lambda").first();
    return new SideRun(seconds, means, new Point(chosen.getDouble(0), chosen.getDouble(1)));
  }

  /** Side B: MLlib's CrossValidator on the same frame, folds ({@code foldCol}), grid and metric. */
  private SideRun crossValidator(SweepSpec spec, FoldedData folded, int numClasses) {
    ModelSpec m = spec.model();
    Estimator<?> estimator;
    DoubleParam regParam;
    DoubleParam elasticNetParam;
    Evaluator evaluator;
    if (m.family() == Family.LINEAR) {
      LinearRegression lr = new LinearRegression()
          .setFeaturesCol(LabeledData.FEATURES).setLabelCol(LabeledData.LABEL).setWeightCol(LabeledData.WEIGHT)
          .setStandardization(m.standardize()).setFitIntercept(m.intercept())
          .setMaxIter(m.maxIter()).setTol(m.tol());
      estimator = lr;
      regParam = lr.regParam();
      elasticNetParam = lr.elasticNetParam();
      evaluator = new RegressionEvaluator().setMetricName("rmse")
          .setLabelCol(LabeledData.LABEL).setWeightCol(LabeledData.WEIGHT);
    } else {
      LogisticRegression lr = new LogisticRegression()
          .setFamily(numClasses == 2 ? "binomial" : "multinomial")
          .setFeaturesCol(LabeledData.FEATURES).setLabelCol(LabeledData.LABEL).setWeightCol(LabeledData.WEIGHT)
          .setStandardization(m.standardize()).setFitIntercept(m.intercept())
          .setMaxIter(m.maxIter()).setTol(m.tol());
      estimator = lr;
      regParam = lr.regParam();
      elasticNetParam = lr.elasticNetParam();
      evaluator = new MulticlassClassificationEvaluator().setMetricName("logLoss")
          .setLabelCol(LabeledData.LABEL).setWeightCol(LabeledData.WEIGHT);
    }
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(elasticNetParam, spec.sweep().alphas().stream().mapToDouble(Double::doubleValue).toArray())
        .addGrid(regParam, spec.sweep().lambdaValues().stream().mapToDouble(Double::doubleValue).toArray())
        .build();
    CrossValidator cv = new CrossValidator()
        .setEstimator(estimator)
        .setEstimatorParamMaps(grid)
        .setEvaluator(evaluator)
        .setFoldCol(FoldedData.FOLD)
        .setNumFolds(folded.folds())
        .setParallelism(parallelism)
        .setSeed(seed);

    long start = System.nanoTime();
    CrossValidatorModel model = cv.fit(folded.frame());
    double seconds = seconds(start);

    double[] avg = model.avgMetrics();
    ParamMap[] maps = model.getEstimatorParamMaps();
    Map<Point, Double> means = new LinkedHashMap<>();
    int best = 0;
    for (int i = 0; i < maps.length; i++) {
      means.put(new Point((Double) maps[i].apply(elasticNetParam), (Double) maps[i].apply(regParam)), avg[i]);
      // As CrossValidator: the first best average.
      if (evaluator.isLargerBetter() ? avg[i] > avg[best] : avg[i] < avg[best]) best = i;
    }
    Point chosen = new Point((Double) maps[best].apply(elasticNetParam), (Double) maps[best].apply(regParam));
    return new SideRun(seconds, means, chosen);
  }

  /** The per-point comparison (of the first run; later runs must agree with it), the timings, the RESULT line. */
  private void report(PrintStream out, Family fam, LabeledData labeled, List<Point> grid, int k, Metric metric,
      List<SideRun> ours, List<SideRun> theirs) {
    double maxAbs = 0;
    double maxRel = 0;
    Point worst = null;
    boolean same = true;
    for (int r = 0; r < ours.size(); r++) {
      SideRun a = ours.get(r);
      SideRun b = theirs.get(r);
      same &= a.chosen().equals(b.chosen());
      for (Point p : grid) {
        Double x = a.means().get(p);
        Double y = b.means().get(p);
        if (x == null || y == null) {
          throw new IllegalStateException("grid point " + p + " is missing from " + (x == null ? "Ridgeline" : "CrossValidator"));
        }
        double abs = Math.abs(x - y);
        double rel = abs == 0 ? 0 : abs / Math.max(Math.abs(x), Math.abs(y));
        if (Double.isNaN(abs) || abs > maxAbs) {
          maxAbs = abs;
          worst = p;
        }
        maxRel = Double.isNaN(rel) ? Double.NaN : Math.max(maxRel, rel);
      }
    }

    out.println();
    out.printf(Locale.ROOT, "%-26s %16s %16s %10s%n", "point", "ridgeline " + metric.key(),
        "cv " + metric.key(), "rel diff");
    SideRun a0 = ours.get(0);
    SideRun b0 = theirs.get(0);
    for (Point p : grid) {
      double x = a0.means().get(p);
      double y = b0.means().get(p);
      double rel = x == y ? 0 : Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
      out.printf(Locale.ROOT, "%-26s %16.10f %16.10f %10.2e%s%n", p, x, y, rel,
          p.equals(a0.chosen()) || p.equals(b0.chosen())
              ? "  ← " + (p.equals(a0.chosen()) ? "ridgeline" : "") + (p.equals(a0.chosen()) && p.equals(b0.chosen())
                  ? " + " : "") + (p.equals(b0.chosen()) ? "cv" : "")
              : "");
    }

    double[] ta = ours.stream().mapToDouble(SideRun::seconds).toArray();
    double[] tb = theirs.stream().mapToDouble(SideRun::seconds).toArray();
    double ratio = median(tb) / median(ta);
    out.println();
    out.printf(Locale.ROOT, "seconds      ridgeline: min %.2f · median %.2f   (%s)%n", min(ta), median(ta), list(ta));
    out.printf(Locale.ROOT, "        crossvalidator: min %.2f · median %.2f   (%s)%n", min(tb), median(tb), list(tb));
    out.printf(Locale.ROOT, "ratio CV/Ridgeline (medians): %.2f%n", ratio);
    out.printf(Locale.ROOT, "mean %s over %d points: max |Δ| = %.3e (at %s) · max relative Δ = %.3e%n",
        metric.key(), grid.size(), maxAbs, worst, maxRel);
    out.printf(Locale.ROOT, "selected: ridgeline %s · crossvalidator %s → %s%n", a0.chosen(), b0.chosen(),
        same ? "same" : "DIFFERENT");
    out.printf(Locale.ROOT, "RESULT family=%s rows=%d features=%d points=%d folds=%d repeat=%d parallelism=%d "
            + "ridgeline_s=%.3f crossvalidator_s=%.3f ratio=%.3f ridgeline_min_s=%.3f crossvalidator_min_s=%.3f "
            + "max_abs_diff=%.3e max_rel_diff=%.3e same_selection=%b%n",
        fam.key(), labeled.rows(), labeled.numFeatures(), grid.size(), k, ours.size(), parallelism,
        median(ta), median(tb), ratio, min(ta), min(tb), maxAbs, maxRel, same);
  }

  /**
   * Synthetic data with a known sparse truth. Features are standard normal with pairwise correlation
   * 0.09/0.58 ≈ 0.16: x_j = (0.7·z_j + 0.3·z_0)/√0.58 with z standard normal. A quarter of β (at least
   * one coefficient) is non-zero, ±U(0.5, 2). Linear: y = 3 + xᵀβ + ε, ε ~ N(0, σ²) with σ² = Var(xᵀβ)/4,
   * so R² = 0.8. Logistic: y ~ Bernoulli(sigmoid(−0.5 + c·xᵀβ)) with c set so that the Bayes accuracy
   * E[sigmoid(|η|)] is 0.85. Rows are made inside Spark: each partition of {@code spark.range} draws
   * from its own {@link Random} seeded by (seed, partition index), so the data depend only on the seed,
   * the size and the partition count.
   *
   * @param noiseSd σ (linear)
   * @param scale   c (logistic)
   */
  record Synthetic(Family family, int p, double[] beta, double noiseSd, double scale) implements Serializable {
    private static final double MIX_OWN = 0.7;
    private static final double MIX_SHARED = 0.3;
    private static final double MIX_SD = Math.sqrt(MIX_OWN * MIX_OWN + MIX_SHARED * MIX_SHARED);
    private static final double INTERCEPT_LINEAR = 3;
    private static final double INTERCEPT_LOGISTIC = -0.5;
    private static final double R2 = 0.8;
    private static final double BAYES_ACCURACY = 0.85;

    static Synthetic of(Family family, int p, long seed) {
      Random rnd = new Random(seed);
      List<Integer> order = new ArrayList<>(IntStream.range(0, p).boxed().toList());
      Collections.shuffle(order, rnd);
      double[] beta = new double[p];
      for (int i = 0; i < Math.max(1, p / 4); i++) {
        beta[order.get(i)] = (rnd.nextBoolean() ? 1 : -1) * (0.5 + 1.5 * rnd.nextDouble());
      }
      // Var(xᵀβ) = βᵀΣβ with Σ = (0.49·I + 0.09·11ᵀ)/0.58.
      double sumSq = 0;
      double sum = 0;
      for (double b : beta) {
        sumSq += b * b;
        sum += b;
      }
      double signalVar = (MIX_OWN * MIX_OWN * sumSq + MIX_SHARED * MIX_SHARED * sum * sum) / (MIX_SD * MIX_SD);
      double noiseSd = Math.sqrt(signalVar * (1 - R2) / R2);
      double scale = etaSdForAccuracy(INTERCEPT_LOGISTIC, BAYES_ACCURACY) / Math.sqrt(signalVar);
      return new Synthetic(family, p, beta, noiseSd, scale);
    }

    String describe() {
      long nonzero = Arrays.stream(beta).filter(b -> b != 0).count();
      return family == Family.LINEAR
          ? String.format(Locale.ROOT, "seeded; %d of %d β non-zero; σ = %.4g for R² = %.2f", nonzero, p, noiseSd, R2)
          : String.format(Locale.ROOT, "seeded; %d of %d β non-zero; c = %.4g for Bayes accuracy %.2f", nonzero, p,
              scale, BAYES_ACCURACY);
    }

    /** Columns x1..xp and y. */
    Dataset<Row> frame(SparkSession spark, long rows, int partitions, long seed) {
      StructType schema = new StructType();
      for (int j = 1; j <= p; j++) schema = schema.add("x" + j, DataTypes.DoubleType, false);
      schema = schema.add("y", DataTypes.DoubleType, false);
      Synthetic truth = this;
      JavaRDD<Row> generated = spark.range(0, rows, 1, partitions).javaRDD().mapPartitionsWithIndex((index, ids) -> {
        Random rnd = new Random(seed ^ (0x9E3779B97F4A7C15L * (index + 1)));
        return new Iterator<Row>() {
          @Override
          public boolean hasNext() {
            return ids.hasNext();
          }

          @Override
          public Row next() {
            ids.next();
            return truth.row(rnd);
          }
        };
      }, false);
      return spark.createDataFrame(generated, schema);
    }

    private Row row(Random rnd) {
      Object[] values = new Object[p + 1];
      double shared = rnd.nextGaussian();
      double eta = 0;
      for (int j = 0; j < p; j++) {
        double x = (MIX_OWN * rnd.nextGaussian() + MIX_SHARED * shared) / MIX_SD;
        values[j] = x;
        eta += beta[j] * x;
      }
      values[p] = family == Family.LINEAR
          ? INTERCEPT_LINEAR + eta + noiseSd * rnd.nextGaussian()
          : (rnd.nextDouble() < sigmoid(INTERCEPT_LOGISTIC + scale * eta) ? 1.0 : 0.0);
      return RowFactory.create(values);
    }

    /** The sd of η ~ N(mean, sd²) at which E[sigmoid(|η|)] (the Bayes accuracy) is {@code accuracy}. */
    static double etaSdForAccuracy(double mean, double accuracy) {
      double lo = 1e-3;
      double hi = 100;
      for (int i = 0; i < 60; i++) {
        double mid = (lo + hi) / 2;
        if (bayesAccuracy(mean, mid) < accuracy) lo = mid;
        else hi = mid;
      }
      return (lo + hi) / 2;
    }

    /** E[sigmoid(|η|)] for η ~ N(mean, sd²), by Simpson's rule over mean ± 10 sd. */
    static double bayesAccuracy(double mean, double sd) {
      int n = 4000;
      double lo = mean - 10 * sd;
      double h = 20 * sd / n;
      double sum = 0;
      for (int i = 0; i <= n; i++) {
        double eta = lo + i * h;
        double z = (eta - mean) / sd;
        double w = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2);
        sum += w * sigmoid(Math.abs(eta)) * Math.exp(-0.5 * z * z);
      }
      return sum * h / 3 / (sd * Math.sqrt(2 * Math.PI));
    }

    private static double sigmoid(double x) {
      return 1 / (1 + Math.exp(-x));
    }
  }

  /** A number as plain decimal text that parses back to the same double (YAML and labels). */
  static String plain(double x) {
    return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double min(double[] xs) {
    return Arrays.stream(xs).min().orElse(Double.NaN);
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static String list(double[] xs) {
    return Arrays.stream(xs).mapToObj(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(", "));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
