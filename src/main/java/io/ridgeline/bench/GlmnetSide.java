package io.ridgeline.bench;

import io.ridgeline.bench.CrossValidatorBench.Point;
import io.ridgeline.config.Family;
import io.ridgeline.cv.FoldedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * R's {@code cv.glmnet} as the bench's third side: the same rows, fold ids and grid, one R process
 * (glmnet is single-threaded Fortran), timed inside R. {@link #prepare} writes the folded data
 * ({@link MatrixMarketExport}) and the grid in glmnet's units; {@link #run} runs
 * {@code jobs/bench-glmnet.R} (found under the system property {@code ridgeline.home}, which
 * {@code jobs/bench-cv} sets, else the working directory) and reads back its per-point means and times.
 *
 * <p><b>λ in glmnet's units.</b> Both solve loss + λ[α·c₁·Σs_j|β_j| + (1−α)/2·c₂·Σs_j²β_j²/t] with
 * s_j glmnet's 1/n standard deviation of feature j (t = glmnet's 1/n σ_y for gaussian, 1 for
 * logistic), where (c₁, c₂) = (1, 1) for glmnet and for MLlib:
 * <ul>
 *   <li>linear with p ≤ 4096 (MLlib's normal-equation solver, 1/n deviations): (1, 1), the same λ;
 *   <li>linear with p > 4096 (L-BFGS/OWL-QN on the unbiased σ_j and σ_y, σ = c·s with
 *       c = √(n/(n−1))): L1 term c·s_j, ridge term c²s_j²/(c·σ_y): (c, c);
 *   <li>logistic (unbiased σ_j, no σ_y): (c, c²).
 * </ul>
 * MLlib's (α, λ) is therefore glmnet's (α', λ') with λ'α' = λαc₁ and λ'(1−α') = λ(1−α)c₂:
 * λ' = λ(αc₁ + (1−α)c₂), α' = αc₁/(αc₁ + (1−α)c₂) (GlmnetGoldenTest maps the same way). Inside
 * cross-validation every fold's fit uses its own training rows' deviations, n the training rows; fold
 * sizes differ by at most one row, so one c from the mean training size is exact to ~1/n² (the glmnet
 * grid is one λ vector per α, shared by the folds, as in {@code cv.glmnet}). The bench gives both
 * sides unit weights, standardization and an intercept, which this mapping assumes.
 */
final class GlmnetSide {
  static final String SCRIPT = "jobs/bench-glmnet.R";
  private static final int NORMAL_SOLVER_MAX_FEATURES = 4096;

  /**
   * One R run: wall seconds to read the files and of every cv.glmnet call, their CPU seconds (user +
   * system, which a loaded machine inflates less), mean metric per point.
   */
  record Run(double readSeconds, double fitSeconds, double readCpuSeconds, double fitCpuSeconds,
      Map<Point, Double> means, String perAlpha) {}

  private final Path dir;
  private final String family;
  private final boolean sparse;
  private final List<Point> grid;

  private GlmnetSide(Path dir, String family, boolean sparse, List<Point> grid) {
    this.dir = dir;
    this.family = family;
    this.sparse = sparse;
    this.grid = grid;
  }

  /** Writes the data and the grid for R into {@code dir}; {@code sparse}: hand glmnet a sparse matrix. */
  static GlmnetSide prepare(SparkSession spark, FoldedData folded, Family fam, List<Point> grid, boolean sparse,
      Path dir) throws IOException {
    MatrixMarketExport.write(spark, folded, dir);
    int classes = folded.source().numClasses();
    String family = fam == Family.LINEAR ? "gaussian" : classes > 2 ? "multinomial" : "binomial";
    double trainingRows = folded.rows() * (folded.folds() - 1.0) / folded.folds();
    double[] c = penaltyScales(fam, folded.source().numFeatures(), trainingRows);
    StringBuilder tsv = new StringBuilder("point\talpha\tlambda\tglmnet_alpha\tglmnet_lambda\n");
    for (int i = 0; i < grid.size(); i++) {
      Point pt = grid.get(i);
      double[] g = glmnetPoint(pt.alpha(), pt.lambda(), c[0], c[1]);
      tsv.append(String.format(Locale.ROOT, "%d\t%s\t%s\t%s\t%s%n", i, pt.alpha(), pt.lambda(), g[0], g[1]));
    }
    Files.writeString(dir.resolve("grid.tsv"), tsv.toString(), StandardCharsets.UTF_8);
    return new GlmnetSide(dir, family, sparse, grid);
  }

  /** (c₁, c₂) of MLlib's L1 and ridge terms over glmnet's; see the class comment. */
  static double[] penaltyScales(Family fam, int numFeatures, double trainingRows) {
    double c = Math.sqrt(trainingRows / (trainingRows - 1));
    if (fam == Family.LINEAR) return numFeatures <= NORMAL_SOLVER_MAX_FEATURES ? new double[] {1, 1} : new double[] {c, c};
    return new double[] {c, c * c};
  }

  /** glmnet's (α', λ') for MLlib's (α, λ): λ' = λ(αc₁ + (1−α)c₂), α' = αc₁/(αc₁ + (1−α)c₂). */
  static double[] glmnetPoint(double alpha, double lambda, double c1, double c2) {
    double mix = alpha * c1 + (1 - alpha) * c2;
    return new double[] {alpha * c1 / mix, lambda * mix};
  }

  String input() {
    return sparse ? "sparse" : "dense";
  }

  /** Runs the R script once; its output goes to {@code glmnet.log} in the directory. */
  Run run() throws IOException, InterruptedException {
    String home = System.getProperty("ridgeline.home", ".");
    Path script = Path.of(home, SCRIPT);
    Path log = dir.resolve("glmnet.log");
    ProcessBuilder pb = new ProcessBuilder("Rscript", script.toString(), dir.toString(), family, input())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    int exit = pb.start().waitFor();
    if (exit != 0) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      String last = lines.isEmpty() ? "(no output)" : String.join(" ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
      throw new IllegalStateException(script + " exited with " + exit + ": " + last + " (log: " + log + ")");
    }
    Map<Point, Double> means = new LinkedHashMap<>();
    Map<Integer, Double> byPoint = new HashMap<>();
    for (String[] f : rows(dir.resolve("result.tsv"))) byPoint.put(Integer.parseInt(f[0]), Double.parseDouble(f[1]));
    for (int i = 0; i < grid.size(); i++) {
      Double m = byPoint.get(i);
      if (m == null) throw new IllegalStateException(dir.resolve("result.tsv") + ": no mean for grid point " + grid.get(i));
      means.put(grid.get(i), m);
    }
    String[] timing = rows(dir.resolve("timing.tsv")).get(0);
    return new Run(Double.parseDouble(timing[0]), Double.parseDouble(timing[1]), Double.parseDouble(timing[4]),
        Double.parseDouble(timing[3]), means, timing[2]);
  }

  /** The tab-separated fields of every line after the header. */
  private static List<String[]> rows(Path tsv) throws IOException {
    List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    List<String[]> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) if (!line.isBlank()) out.add(line.split("\t", -1));
    return out;
  }
}
