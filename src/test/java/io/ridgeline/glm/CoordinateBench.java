package io.ridgeline.glm;

import io.ridgeline.bench.SyntheticData;
import io.ridgeline.config.Family;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A developer's harness, not a test: times {@link CoordinatePath} on one training set (fold 1 held out) of
 * the bench's synthetic sparse data, in one JVM, so the solver can be profiled without a sweep around it.
 * Usage: {@code java -cp target/test-classes:target/classes:CLASSPATH io.ridgeline.glm.CoordinateBench
 * FAMILY(linear|logistic) CLASSES ROWS FEATURES NONZEROS(0: dense) ALPHAS(comma) LAMBDAS(comma, or −N for N from λ_max, binomial) [REPEAT]}.
 */
public final class CoordinateBench {
  private CoordinateBench() {}

  public static void main(String[] args) {
    Family family = args[0].equals("linear") ? Family.LINEAR : Family.LOGISTIC;
    int classes = family == Family.LINEAR ? 0 : Integer.parseInt(args[1]);
    long rows = Long.parseLong(args[2]);
    int p = Integer.parseInt(args[3]);
    int m = Integer.parseInt(args[4]);
    double[] alphas = Arrays.stream(args[5].split(",")).mapToDouble(Double::parseDouble).toArray();
    double[] lambda = Arrays.stream(args[6].split(",")).mapToDouble(Double::parseDouble).toArray();
    int repeat = args.length > 7 ? Integer.parseInt(args[7]) : 1;
    SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    SyntheticData truth = SyntheticData.of(family, p, Math.max(classes, 2), m, 42);
    Dataset<Row> frame = truth.frame(spark, rows, 4, 42)
        .withColumn("w", functions.lit(1.0))
        .withColumn("fold", functions.monotonically_increasing_id().mod(5).cast("int"));
    if (m == 0) {
      String[] xs = java.util.stream.IntStream.rangeClosed(1, p).mapToObj(j -> "x" + j).toArray(String[]::new);
      frame = new org.apache.spark.ml.feature.VectorAssembler().setInputCols(xs).setOutputCol("features").transform(frame);
      frame = frame.select("features", frame.columns()[p], "w", "fold");
    } else {
      frame = frame.select(frame.columns()[0], frame.columns()[1], "w", "fold");
    }
    SparseBlocks.Layout layout = SparseBlocks.layout(frame, p);
    SparseBlocks blocks = SparseBlocks.of(frame, p, layout.shift(), classes == 0 ? layout.yMean() : 0);
    SparseBlocks.FoldMoments moments = blocks.moments(5, classes);
    List<SparseBlocks.Block> collected = blocks.rdd().collect();
    TrainingColumns columns = TrainingColumns.of(collected, p, 0);
    TrainingSet set = new TrainingSet(WideData.spec(classes >= 2, true, true), classes >= 2, blocks.yShift, 0, moments);
    if (lambda.length == 1 && lambda[0] < 0 && classes == 2) {
      // −N: N λ from λ_max (α = 1, binomial) down to λ_max/100, log-spaced.
      double p0 = 1 / (1 + Math.exp(-set.intercept0));
      double max = 0;
      for (int j = 0; j < p; j++) {
        double g = 0;
        for (int e = columns.start[j]; e < columns.start[j + 1]; e++) {
          int i = columns.row[e];
          g += columns.value[e] * columns.w[i] * (columns.y[i] - p0);
        }
        if (set.varies(j)) max = Math.max(max, Math.abs(g / set.weight) / set.penalty[j]);
      }
      int count = (int) -lambda[0];
      lambda = new double[count];
      for (int l = 0; l < count; l++) lambda[l] = max * Math.pow(0.01, count == 1 ? 0 : l / (count - 1.0));
      System.out.println("λ " + Arrays.toString(lambda));
    }
    double[][] lambdas = new double[alphas.length][];
    Arrays.fill(lambdas, lambda);
    for (int r = 0; r < repeat; r++) {
      long start = System.nanoTime();
      CoordinatePath.Fit[][] fits = CoordinatePath.solve(columns, set, classes, true, alphas, lambdas);
      double seconds = (System.nanoTime() - start) / 1e9;
      StringBuilder line = new StringBuilder(String.format("run %d: %.2f s ·", r + 1, seconds));
      for (CoordinatePath.Fit[] path : fits) {
        for (CoordinatePath.Fit f : path) {
          int nonzero = Arrays.stream(f.index()).mapToInt(i -> i.length).sum();
          line.append(String.format(" %d it/%d nz%s", f.iterations(), nonzero, f.converged() ? "" : "!"));
        }
      }
      System.out.println(line);
    }
    spark.stop();
  }
}
