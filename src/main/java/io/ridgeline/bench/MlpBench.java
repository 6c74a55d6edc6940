package io.ridgeline.bench;

import io.ridgeline.mlp.MlpEstimator;
import io.ridgeline.mlp.MlpModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time-to-accuracy of Ridgeline's MLP against MLlib's {@code MultilayerPerceptronClassifier} (MLPC) on
 * the same data, split, hidden layers and partitions, in one JVM.
 *
 * <ol>
 *   <li>The data is read, assembled, split (80/20, fixed seed), repartitioned and cached; both sides
 *       train on the same cached frame.
 *   <li>MLPC (L-BFGS, its defaults but {@code maxIter}, {@code tol}) is fitted to convergence; its
 *       held-out accuracy is the target and its fit time the reference.
 *   <li>Ridgeline is fitted with E = 1, 2, … epochs (each a fresh, independent, deterministic fit; the fit
 *       with E epochs is the first E epochs of any longer fit with a constant learning rate) until its
 *       held-out accuracy reaches the target; the time of that fit is its time to the target.
 * </ol>
 * Samples/s per core = rows processed (epochs × training rows; for MLPC iterations × training rows) /
 * fit seconds / cores. Both timings are medians of {@code --repeat} runs.
 */
@Command(name = "bench-mlp", sortOptions = false,
    description = "Time Ridgeline's MLP to MLlib MultilayerPerceptronClassifier's held-out accuracy.")
public final class MlpBench implements Callable<Integer> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--data", description = "CSV with a header (default: data-samples/digits.csv)")
  String data = "data-samples/digits.csv";

  @Option(names = "--label", description = "label column (default: digit)")
  String label = "digit";

  @Option(names = "--hidden", split = ",", description = "hidden layer widths (default: 64)")
  int[] hidden = {64};

  @Option(names = "--partitions", description = "partitions of the training data (default: 2)")
  int partitions = 2;

  @Option(names = "--mlpc-max-iter", description = "MLPC maxIter (default: 400)")
  int mlpcMaxIter = 400;

  @Option(names = "--max-epochs", description = "give up after this many epochs (default: 60)")
  int maxEpochs = 60;

  @Option(names = "--mode", description = "sync or local-sgd (default: local-sgd)")
  String mode = "local-sgd";

  @Option(names = "--local-steps", description = "H for local-sgd (default: 1000, i.e. one round per epoch)")
  int localSteps = 1000;

  @Option(names = "--batch-size", description = "mini-batch size (default: 32)")
  int batchSize = 32;

  @Option(names = "--learning-rate", description = "Adam learning rate (default: 0.003)")
  double learningRate = 3e-3;

  @Option(names = "--final-epochs", description = "also time a fit of this many epochs and report its accuracy "
      + "(default: 30; 0: skip)")
  int finalEpochs = 30;

  @Option(names = "--mlpc-tol", description = "MLPC tol (default: 1e-6, MLlib's default)")
  double mlpcTol = 1e-6;

  @Option(names = "--repeat", description = "timed runs of each side (default: 3)")
  int repeat = 3;

  @Option(names = "--seed", description = "seed of the split and both models (default: 1)")
  long seed = 1;

  @Option(names = "--master", description = "Spark master (default: local[2])")
  String master = "local[2]";

  public static void main(String[] args) {
    System.exit(new CommandLine(new MlpBench()).execute(args));
  }

  @Override
  public Integer call() {
    SparkSession spark = SparkSession.builder().appName("ridgeline bench-mlp").master(master)
        .config("spark.ui.showConsoleProgress", "false").getOrCreate();
    int cores = spark.sparkContext().defaultParallelism();
    Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true).csv(data);
    String[] cols = Arrays.stream(raw.columns()).filter(c -> !c.equals(label)).toArray(String[]::new);
    Dataset<Row> df = new VectorAssembler().setInputCols(cols).setOutputCol("features").transform(raw)
        .selectExpr("features", "cast(" + io.ridgeline.data.Columns.quoted(label) + " as double) as label").coalesce(1);
    Dataset<Row>[] split = df.randomSplit(new double[] {0.8, 0.2}, seed);
    Dataset<Row> train = split[0].repartition(partitions).cache();
    Dataset<Row> test = split[1].cache();
    long nTrain = train.count();
    long nTest = test.count();
    int numClasses = (int) train.agg(org.apache.spark.sql.functions.max("label")).first().getDouble(0) + 1;
    MulticlassClassificationEvaluator acc = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    int[] layers = new int[hidden.length + 2];
    layers[0] = cols.length;
    System.arraycopy(hidden, 0, layers, 1, hidden.length);
    layers[layers.length - 1] = numClasses;
    System.out.printf(Locale.ROOT, "data %s: %d train / %d test rows, %d features, %d classes; layers %s; "
        + "%d partitions, %d cores%n", data, nTrain, nTest, cols.length, numClasses, Arrays.toString(layers),
        partitions, cores);

    MultilayerPerceptronClassifier mlpc = new MultilayerPerceptronClassifier().setLayers(layers)
        .setMaxIter(mlpcMaxIter).setTol(mlpcTol).setSeed(seed);
    mlpc.fit(train); // warm-up (JIT, BLAS)
    double[] mlpcTimes = new double[repeat];
    MultilayerPerceptronClassificationModel mm = null;
    for (int r = 0; r < repeat; r++) {
      long t0 = System.nanoTime();
      mm = mlpc.fit(train);
      mlpcTimes[r] = (System.nanoTime() - t0) / 1e9;
    }
    double target = acc.evaluate(mm.transform(test));
    int iterations = mm.summary().totalIterations();
    double mlpcTime = median(mlpcTimes);
    System.out.printf(Locale.ROOT, "MLPC: accuracy %.4f after %d L-BFGS iterations, %.2f s (median of %d), "
        + "%.0f samples/s/core%n", target, iterations, mlpcTime, repeat, iterations * nTrain / mlpcTime / cores);

    MlpEstimator est = new MlpEstimator().setHiddenLayers(hidden).setMode(mode).setLocalSteps(localSteps)
        .setBatchSize(batchSize).setLearningRate(learningRate).setSeed(seed);
    est.copy(new org.apache.spark.ml.param.ParamMap()).setMaxEpochs(2).fit(train); // warm-up
    int reached = -1;
    double ours = Double.NaN;
    for (int e = 1; e <= maxEpochs; e++) {
      MlpEstimator at = est.copy(new org.apache.spark.ml.param.ParamMap()).setMaxEpochs(e);
      long t0 = System.nanoTime();
      MlpModel m = at.fit(train);
      double sec = (System.nanoTime() - t0) / 1e9;
      double a = acc.evaluate(m.transform(test));
      if (a >= target) {
        reached = e;
        double[] times = new double[repeat];
        times[0] = sec;
        for (int r = 1; r < repeat; r++) {
          long t1 = System.nanoTime();
          at.fit(train);
          times[r] = (System.nanoTime() - t1) / 1e9;
        }
        ours = median(times);
        System.out.printf(Locale.ROOT, "Ridgeline MLP (%s, H=%d, batch %d, adam lr %s): accuracy %.4f ≥ %.4f "
            + "after %d epochs, %.2f s (median of %d), %.0f samples/s/core%n", mode, localSteps, batchSize,
            learningRate, a, target, e, ours, repeat, e * nTrain / ours / cores);
        break;
      }
    }
    if (reached < 0) {
      System.out.printf("Ridgeline MLP did not reach %.4f within %d epochs%n", target, maxEpochs);
    }
    if (finalEpochs > 0) {
      MlpEstimator at = est.copy(new org.apache.spark.ml.param.ParamMap()).setMaxEpochs(finalEpochs);
      long t0 = System.nanoTime();
      MlpModel m = at.fit(train);
      double sec = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "Ridgeline MLP, %d epochs: accuracy %.4f, %.2f s, %.0f samples/s/core%n",
          finalEpochs, acc.evaluate(m.transform(test)), sec, finalEpochs * nTrain / sec / cores);
    }
    System.out.printf(Locale.ROOT, "RESULT target_accuracy=%.4f mlpc_seconds=%.3f ridgeline_seconds=%.3f "
        + "ratio=%.3f epochs=%d%n", target, mlpcTime, ours, ours / mlpcTime, reached);
    spark.stop();
    return reached > 0 ? 0 : 1;
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
