package io.ridgeline.bench;

import static org.apache.spark.sql.functions.col;

import io.ridgeline.config.BadInputException;
import io.ridgeline.config.ConfigLoader;
import io.ridgeline.config.Metric;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.cv.FoldPlan;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.data.LabeledData;
import io.ridgeline.job.SweepJob;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Successive halving against the full grid it starts from, on the same MLP grid (learning rate ×
 * dropout × weight decay, 27 points by default), data, folds and metric, in one JVM and one local
 * SparkSession.
 *
 * <ol>
 *   <li>The data is loaded, checked and folded once ({@link DatasetLoader}, {@link FoldPlan}) and cached;
 *       a one-point, one-epoch sweep warms the JVM and Spark up, untimed.
 *   <li>Full grid: {@code sweep.search: grid}, every point on every fold to {@code --max-epochs}.
 *   <li>Halving: {@code sweep.search: halving} over the same points, η = {@code --eta}, rungs from
 *       {@code --min-epochs} to {@code --max-epochs}.
 * </ol>
 * Each side's wall time is {@link SweepJob#run(FoldedData, String)}'s (cross-validation, the refit of the
 * chosen point on all data, the reports and the model) and its cross-validation phase alone; its epochs
 * are {@code runs.epochs_spent}. The target: halving's chosen point has a full-budget CV metric (read from
 * the full grid's summary) within one standard error of the full grid's best, in at most 1/3 of the
 * epochs and of the wall time. With {@code --repeat R} the sides alternate R times (the grid first, then
 * the other way round); medians are reported. Ends with one {@code RESULT key=value …} line for scripts.
 */
@Command(name = "bench-search", sortOptions = false,
    description = "Time successive halving against the full MLP grid it starts from, and compare their choices.")
public final class SearchBench implements Callable<Integer> {
  private static final String OUTPUT = "target/bench-search-out";
  private static final String CROSS_VALIDATION = "cross-validation";

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--data", description = "CSV with a header (default: data-samples/digits.csv)")
  String data = "data-samples/digits.csv";

  @Option(names = "--label", description = "label column, classes 0..K−1 (default: digit)")
  String label = "digit";

  @Option(names = "--learning-rates", split = ",", description = "default: 0.001,0.003,0.01")
  List<String> learningRates = List.of("0.001", "0.003", "0.01");

  @Option(names = "--dropouts", split = ",", description = "default: 0.0,0.2,0.4")
  List<String> dropouts = List.of("0.0", "0.2", "0.4");

  @Option(names = "--weight-decays", split = ",", description = "decoupled (AdamW) weight decays (default: 0.0,0.01,0.1)")
  List<String> weightDecays = List.of("0.0", "0.01", "0.1");

  @Option(names = "--hidden", split = ",", description = "hidden layer widths (default: 64)")
  List<Integer> hidden = List.of(64);

  @Option(names = "--eta", description = "halving's η (default: 3)")
  int eta = 3;

  @Option(names = "--min-epochs", description = "the first rung's epochs (default: 3)")
  int minEpochs = 3;

  @Option(names = "--max-epochs", description = "the full budget: the grid's epochs and the last rung's (default: 27)")
  int maxEpochs = 27;

  @Option(names = "--folds", description = "cross-validation folds (default: 5)")
  int folds = 5;

  @Option(names = "--parallelism", description = "concurrent fits (run.parallelism, default: 2)")
  int parallelism = 2;

  @Option(names = "--repeat", description = "run both sides R times, alternately (default: 1)")
  int repeat = 1;

  @Option(names = "--master", description = "Spark master (default: local[2])")
  String master = "local[2]";

  @Option(names = "--verbose", description = "print the sweeps' own console lines")
  boolean verbose;

  /** One side's run: wall and cross-validation seconds, epochs, every point's mean and se, the choice. */
  record Side(double seconds, double cvSeconds, long epochs, Map<String, double[]> summary, String chosen) {}

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new SearchBench());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      boolean input = e instanceof BadInputException;
      line.getErr().println("bench-search: " + (input ? e.getMessage() : DatasetLoader.rootMessage(e)));
      if (!input) e.printStackTrace(line.getErr());
      return input ? 2 : 1;
    });
    System.exit(cl.execute(args));
  }

  /** The halving side's config; the grid side overrides its search. */
  String yaml() {
    return "name: bench-search\ndata:\n  path: " + data + "\n  label: " + label + "\nmodel:\n  family: mlp\n"
        + "  mlp:\n    hiddenLayers: " + hidden + "\n    optimizer: adamw\n    batchSize: 64\n"
        + "    mode: local-sgd\n    localSteps: 8\n"
        + "sweep:\n  search: halving\n  halving: {eta: " + eta + ", minEpochs: " + minEpochs + ", maxEpochs: "
        + maxEpochs + "}\n  mlp:\n    learningRate: " + learningRates + "\n    dropout: " + dropouts
        + "\n    weightDecay: " + weightDecays + "\n"
        + "cv:\n  folds: " + folds + "\n  metric: accuracy\nrun:\n  output: " + OUTPUT + "\n  parallelism: "
        + parallelism + "\n";
  }

  @Override
  public Integer call() throws Exception {
    if (repeat < 1) throw new BadInputException("--repeat must be ≥ 1");
    SweepSpec halving = ConfigLoader.parse(yaml(), "bench-search", List.of());
    SweepSpec grid = ConfigLoader.parse(yaml(), "bench-search", List.of("sweep.search=grid", "sweep.halving=null",
        "model.mlp.maxEpochs=" + maxEpochs));
    SweepSpec warmUp = ConfigLoader.parse(yaml(), "bench-search", List.of("sweep.search=grid", "sweep.halving=null",
        "model.mlp.maxEpochs=1", "sweep.mlp.learningRate=[" + learningRates.get(0) + "]",
        "sweep.mlp.dropout=[" + dropouts.get(0) + "]", "sweep.mlp.weightDecay=[" + weightDecays.get(0) + "]"));
    SparkSession spark = SparkSession.builder().appName("ridgeline bench-search").master(master)
        .config("spark.scheduler.mode", "FAIR").config("spark.ui.showConsoleProgress", "false").getOrCreate();
    PrintStream out = System.out;
    LabeledData labeled = DatasetLoader.load(spark, halving);
    FoldedData folded = FoldPlan.assign(spark, labeled, halving.cv(), halving.run().partitions());
    try {
      folded.frame().count();
      String stamp = SweepJob.newRunId();
      run(spark, warmUp, folded, "bench-search-" + stamp + "-warm-up");
      out.printf(Locale.ROOT, "bench-search: %s · %d rows × %d features · %d folds · %d points (learningRate %s × "
          + "dropout %s × weightDecay %s) · hidden %s · %d epochs · halving η = %d from %d epochs%n", data,
          labeled.rows(), labeled.numFeatures(), folded.folds(), learningRates.size() * dropouts.size()
              * weightDecays.size(), learningRates, dropouts, weightDecays, hidden, maxEpochs, eta, minEpochs);
      List<Side> grids = new ArrayList<>();
      List<Side> halvings = new ArrayList<>();
      for (int r = 0; r < repeat; r++) {
        boolean gridFirst = r % 2 == 0;
        for (int side = 0; side < 2; side++) {
          boolean isGrid = (side == 0) == gridFirst;
          String id = "bench-search-" + stamp + "-" + (isGrid ? "grid" : "halving") + "-" + (r + 1);
          Side s = run(spark, isGrid ? grid : halving, folded, id);
          (isGrid ? grids : halvings).add(s);
          out.printf(Locale.ROOT, "  %-8s run %d: %6.1f s (cross-validation %6.1f s) · %5d epochs · chose %s%n",
              isGrid ? "grid" : "halving", r + 1, s.seconds(), s.cvSeconds(), s.epochs(), s.chosen());
        }
      }
      report(out, grids, halvings);
      return 0;
    } finally {
      folded.release();
    }
  }

  private Side run(SparkSession spark, SweepSpec spec, FoldedData folded, String runId) throws IOException {
    PrintStream console = verbose ? System.out : new PrintStream(OutputStream.nullOutputStream());
    long start = System.nanoTime();
    SweepJob.Outcome o = new SweepJob(spark, spec, console).run(folded, runId);
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, double[]> summary = new HashMap<>();
    for (Row r : spark.read().parquet(OUTPUT + "/summary/run_id=" + runId)
        .where(col("metric").equalTo(Metric.ACCURACY.key())).collectAsList()) {
      summary.put(params(r), new double[] {r.getAs("mean"), r.isNullAt(r.fieldIndex("se")) ? 0 : r.getAs("se")});
    }
    Row run = spark.read().parquet(OUTPUT + "/runs/run_id=" + runId).first();
    String chosen = params(spark.read().parquet(OUTPUT + "/selection/run_id=" + runId).first());
    return new Side(seconds, o.times().seconds(CROSS_VALIDATION), run.getAs("epochs_spent"), summary, chosen);
  }

  /** A point's parameters as one stable text: "dropout=0.2 · learningRate=0.003 · weightDecay=0.0". */
  private static String params(Row r) {
    return new TreeMap<>(r.<String, String>getJavaMap(r.fieldIndex("params"))).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" · "));
  }

  private void report(PrintStream out, List<Side> grids, List<Side> halvings) {
    // The full-budget CV accuracy of every point, from the (first) full grid's summary.
    Map<String, double[]> full = grids.get(0).summary();
    String best = full.entrySet().stream().max((a, b) -> Double.compare(a.getValue()[0], b.getValue()[0]))
        .orElseThrow().getKey();
    double bestMean = full.get(best)[0];
    double bestSe = full.get(best)[1];
    String chosen = halvings.get(0).chosen();
    double chosenFull = full.get(chosen)[0];
    boolean within = chosenFull >= bestMean - bestSe;
    double epochs = (double) halvings.get(0).epochs() / grids.get(0).epochs();
    double wall = median(halvings, Side::seconds) / median(grids, Side::seconds);
    double cv = median(halvings, Side::cvSeconds) / median(grids, Side::cvSeconds);
    out.printf(Locale.ROOT, "full grid best:  %s · cv accuracy %.4f ± %.4f (se)%n", best, bestMean, bestSe);
    out.printf(Locale.ROOT, "halving chose:   %s · full-budget cv accuracy %.4f (%s one se of the best; at its "
        + "last rung %.4f)%n", chosen, chosenFull, within ? "within" : "NOT within", halvings.get(0).summary()
            .get(chosen)[0]);
    out.printf(Locale.ROOT, "epochs:          halving %d / grid %d = %.3f%n", halvings.get(0).epochs(),
        grids.get(0).epochs(), epochs);
    out.printf(Locale.ROOT, "wall time:       halving %.1f s / grid %.1f s = %.3f (cross-validation alone: %.1f / "
        + "%.1f s = %.3f)%s%n", median(halvings, Side::seconds), median(grids, Side::seconds), wall,
        median(halvings, Side::cvSeconds), median(grids, Side::cvSeconds), cv, repeat > 1 ? " · medians of "
            + repeat : "");
    boolean met = within && epochs <= 1 / 3.0 && wall <= 1 / 3.0;
    out.printf(Locale.ROOT, "target (within one se, ≤ 1/3 of the epochs and of the wall time): %s%n",
        met ? "met" : "NOT met");
    out.printf(Locale.ROOT, "RESULT within_se=%s epochs_ratio=%.4f wall_ratio=%.4f cv_wall_ratio=%.4f "
        + "grid_best=%.5f grid_se=%.5f halving_full=%.5f%n", within, epochs, wall, cv, bestMean, bestSe, chosenFull);
  }

  private static double median(List<Side> sides, java.util.function.ToDoubleFunction<Side> f) {
    double[] v = sides.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
