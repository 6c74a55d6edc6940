package io.ridgeline.bench;

import io.ridgeline.config.BadInputException;
import io.ridgeline.config.Family;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Synthetic data with a known sparse truth, generated inside Spark: each partition of
 * {@code spark.range} draws its rows from its own {@link Random} seeded by (seed, partition index), so
 * the data depend only on the seed, the size and the partition count, and no row passes the driver.
 *
 * <p><b>Features.</b> Dense ({@code nonzerosPerRow = 0}): columns {@code x1..xp}, standard normal with
 * pairwise correlation 0.09/0.58 ≈ 0.16: x_j = (0.7·z_j + 0.3·z_0)/√0.58, z standard normal, so
 * Cov(aᵀx, bᵀx) = (0.49·aᵀb + 0.09·Σa·Σb)/0.58. Sparse ({@code nonzerosPerRow = m > 0}): one
 * {@code features} column of {@link SparseVector}s of size p with exactly m non-zeros at distinct
 * uniformly random indices (Floyd's sampling, O(m log m) time and O(m) memory per row), each standard
 * normal, so E[x_j x_l] = δ_jl·m/p and Cov(aᵀx, bᵀx) = (m/p)·aᵀb.
 *
 * <p><b>Truth.</b> Per class vector (one for linear and binomial, K for multinomial) a quarter of the
 * coefficients (at least one; or a given number), at random positions, are ±U(0.5, 2); the rest are
 * zero. With η = xᵀβ:
 * <ul>
 *   <li>linear: y = 3 + η + ε, ε ~ N(0, σ²), σ² = Var(η)/4, so R² = 0.8;
 *   <li>binomial: y ~ Bernoulli(sigmoid(−0.5 + c·η)), c set so that the Bayes accuracy
 *       E[sigmoid(|−0.5 + cη|)] is 0.85 for η normal;
 *   <li>multinomial (K ≥ 3): P(y = k) = softmax_k(c·η), η_k = xᵀβ_k, c set so that the Bayes accuracy
 *       E[max_k softmax_k(cη)] is 0.85 for η ~ N(0, Cov(η)) (Monte Carlo, {@value #CALIBRATION_DRAWS}
 *       seeded draws, bisection on c).
 * </ul>
 * For sparse rows η is a sum of about m/4 terms, so the normal approximation behind c is rough when m
 * is small; the calibration only sets the signal strength, nothing depends on it being exact.
 *
 * @param classes        1 for linear, K ≥ 2 for logistic
 * @param nonzerosPerRow 0 for dense rows, else the non-zeros of every sparse row
 * @param beta           the truth, class-major: β_k(j) = beta[k·p + j] (one class unless multinomial)
 * @param noiseSd        σ (linear)
 * @param scale          c (logistic)
 */
public record SyntheticData(Family family, int p, int classes, int nonzerosPerRow, double[] beta, double noiseSd,
    double scale) implements Serializable {
  public static final String LABEL = "y";
  public static final String FEATURES = "features";

  private static final double MIX_OWN = 0.7;
  private static final double MIX_SHARED = 0.3;
  private static final double MIX_SD = Math.sqrt(MIX_OWN * MIX_OWN + MIX_SHARED * MIX_SHARED);
  private static final double INTERCEPT_LINEAR = 3;
  private static final double INTERCEPT_LOGISTIC = -0.5;
  private static final double R2 = 0.8;
  private static final double BAYES_ACCURACY = 0.85;
  private static final int CALIBRATION_DRAWS = 20_000;

  /**
   * The truth for {@code family} with p features; {@code classes} is ignored for linear (K = 2 is
   * binomial); {@code nonzerosPerRow} 0 for dense data, else 1..p.
   */
  public static SyntheticData of(Family family, int p, int classes, int nonzerosPerRow, long seed) {
    return of(family, p, classes, nonzerosPerRow, Math.max(1, p / 4), seed);
  }

  /** As above, with {@code informative} non-zero coefficients per class vector (1..p). */
  public static SyntheticData of(Family family, int p, int classes, int nonzerosPerRow, int informative, long seed) {
    if (p < 1) throw new BadInputException("--features must be ≥ 1, not " + p);
    if (informative < 1 || informative > p) {
      throw new BadInputException("--informative must be between 1 and --features (" + p + "), not " + informative);
    }
    if (nonzerosPerRow < 0 || nonzerosPerRow > p) {
      throw new BadInputException("--sparse must be between 1 and --features (" + p + "), not " + nonzerosPerRow);
    }
    int k = family == Family.LINEAR ? 1 : classes;
    if (family != Family.LINEAR && (k < 2 || k > 1000)) {
      throw new BadInputException("--classes must be between 2 and 1000, not " + classes);
    }
    int vectors = k > 2 ? k : 1;
    Random rnd = new Random(seed);
    double[] beta = new double[vectors * p];
    for (int c = 0; c < vectors; c++) {
      List<Integer> order = new ArrayList<>(IntStream.range(0, p).boxed().toList());
      Collections.shuffle(order, rnd);
      for (int i = 0; i < informative; i++) {
        beta[c * p + order.get(i)] = (rnd.nextBoolean() ? 1 : -1) * (0.5 + 1.5 * rnd.nextDouble());
      }
    }
    SyntheticData shape = new SyntheticData(family, p, k, nonzerosPerRow, beta, 0, 0);
    double[] cov = shape.etaCovariance();
    double noiseSd = Math.sqrt(cov[0] * (1 - R2) / R2);
    double scale = vectors == 1
        ? etaSdForAccuracy(INTERCEPT_LOGISTIC, BAYES_ACCURACY) / Math.sqrt(cov[0])
        : softmaxScaleForAccuracy(cov, vectors, BAYES_ACCURACY, new Random(seed + 1));
    return new SyntheticData(family, p, k, nonzerosPerRow, beta, noiseSd, scale);
  }

  public boolean sparse() {
    return nonzerosPerRow > 0;
  }

  private int vectors() {
    return classes > 2 ? classes : 1;
  }

  public String describe() {
    long nonzero = Arrays.stream(beta).filter(b -> b != 0).count();
    String rows = sparse()
        ? String.format(Locale.ROOT, "sparse rows, %d non-zeros each", nonzerosPerRow)
        : "dense rows";
    String truth = String.format(Locale.ROOT, "%d of %d β non-zero", nonzero, beta.length);
    return switch (vectors() > 1 ? "multinomial" : family.key()) {
      case "linear" -> String.format(Locale.ROOT, "seeded; %s; %s; σ = %.4g for R² = %.2f", rows, truth, noiseSd, R2);
      case "multinomial" -> String.format(Locale.ROOT, "seeded; %s; %d classes; %s; c = %.4g for Bayes accuracy %.2f",
          rows, classes, truth, scale, BAYES_ACCURACY);
      default -> String.format(Locale.ROOT, "seeded; %s; %s; c = %.4g for Bayes accuracy %.2f", rows, truth, scale,
          BAYES_ACCURACY);
    };
  }

  /** Dense: columns x1..xp and y; sparse: columns features (vector) and y. */
  public Dataset<Row> frame(SparkSession spark, long rows, int partitions, long seed) {
    StructType schema = new StructType();
    if (sparse()) {
      schema = schema.add(FEATURES, SQLDataTypes.VectorType(), false);
    } else {
      for (int j = 1; j <= p; j++) schema = schema.add("x" + j, DataTypes.DoubleType, false);
    }
    schema = schema.add(LABEL, DataTypes.DoubleType, false);
    SyntheticData truth = this;
    JavaRDD<Row> generated = spark.range(0, rows, 1, partitions).javaRDD().mapPartitionsWithIndex((index, ids) -> {
      Random rnd = new Random(seed ^ (0x9E3779B97F4A7C15L * (index + 1)));
      double[] eta = new double[truth.vectors()];
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return ids.hasNext();
        }

        @Override
        public Row next() {
          ids.next();
          return truth.sparse() ? truth.sparseRow(rnd, eta) : truth.denseRow(rnd, eta);
        }
      };
    }, false);
    return spark.createDataFrame(generated, schema);
  }

  private Row denseRow(Random rnd, double[] eta) {
    Object[] values = new Object[p + 1];
    Arrays.fill(eta, 0);
    double shared = rnd.nextGaussian();
    for (int j = 0; j < p; j++) {
      double x = (MIX_OWN * rnd.nextGaussian() + MIX_SHARED * shared) / MIX_SD;
      values[j] = x;
      for (int c = 0; c < eta.length; c++) eta[c] += beta[c * p + j] * x;
    }
    values[p] = label(rnd, eta);
    return RowFactory.create(values);
  }

  private Row sparseRow(Random rnd, double[] eta) {
    int m = nonzerosPerRow;
    int[] index = sampleIndices(rnd, p, m);
    double[] value = new double[m];
    Arrays.fill(eta, 0);
    for (int i = 0; i < m; i++) {
      value[i] = rnd.nextGaussian();
      for (int c = 0; c < eta.length; c++) eta[c] += beta[c * p + index[i]] * value[i];
    }
    return RowFactory.create(new SparseVector(p, index, value), label(rnd, eta));
  }

  private double label(Random rnd, double[] eta) {
    if (family == Family.LINEAR) return INTERCEPT_LINEAR + eta[0] + noiseSd * rnd.nextGaussian();
    if (eta.length == 1) return rnd.nextDouble() < sigmoid(INTERCEPT_LOGISTIC + scale * eta[0]) ? 1.0 : 0.0;
    // Inverse CDF of softmax(c·η), shifted by max η for stability.
    double max = Double.NEGATIVE_INFINITY;
    for (double e : eta) max = Math.max(max, e);
    double total = 0;
    for (double e : eta) total += Math.exp(scale * (e - max));
    double u = rnd.nextDouble() * total;
    for (int c = 0; c < eta.length - 1; c++) {
      u -= Math.exp(scale * (eta[c] - max));
      if (u < 0) return c;
    }
    return eta.length - 1;
  }

  /**
   * m distinct indices of 0..p−1, sorted, uniformly among all m-subsets: Floyd's algorithm (for
   * j = p−m..p−1 take t ~ U{0..j}, or j itself when t is taken), kept sorted by insertion.
   */
  static int[] sampleIndices(Random rnd, int p, int m) {
    int[] chosen = new int[m];
    int n = 0;
    for (int j = p - m; j < p; j++) {
      int t = rnd.nextInt(j + 1);
      int at = Arrays.binarySearch(chosen, 0, n, t);
      if (at >= 0) {
        chosen[n++] = j; // every chosen index is < j: j goes last
      } else {
        int insert = -at - 1;
        System.arraycopy(chosen, insert, chosen, insert + 1, n - insert);
        chosen[insert] = t;
        n++;
      }
    }
    return chosen;
  }

  /** Cov(η_a, η_b) for the class vectors, row-major V×V (V = 1 unless multinomial). */
  private double[] etaCovariance() {
    int v = vectors();
    double[] cov = new double[v * v];
    for (int a = 0; a < v; a++) {
      for (int b = 0; b < v; b++) {
        double dot = 0;
        double sumA = 0;
        double sumB = 0;
        for (int j = 0; j < p; j++) {
          dot += beta[a * p + j] * beta[b * p + j];
          sumA += beta[a * p + j];
          sumB += beta[b * p + j];
        }
        cov[a * v + b] = sparse()
            ? dot * nonzerosPerRow / p
            : (MIX_OWN * MIX_OWN * dot + MIX_SHARED * MIX_SHARED * sumA * sumB) / (MIX_SD * MIX_SD);
      }
    }
    return cov;
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

  /**
   * The c at which E[max_k softmax_k(c·η)] = accuracy for η ~ N(0, cov): η = Lz with cov = LLᵀ
   * (Cholesky, a jitter of 1e−12·trace for rank-deficient cov), the expectation over fixed draws z, c
   * by bisection (each draw's max probability grows with c, so the mean does).
   */
  static double softmaxScaleForAccuracy(double[] cov, int k, double accuracy, Random rnd) {
    double[] l = cholesky(cov, k);
    double[] eta = new double[CALIBRATION_DRAWS * k];
    double[] z = new double[k];
    for (int d = 0; d < CALIBRATION_DRAWS; d++) {
      for (int i = 0; i < k; i++) z[i] = rnd.nextGaussian();
      for (int i = 0; i < k; i++) {
        double s = 0;
        for (int j = 0; j <= i; j++) s += l[i * k + j] * z[j];
        eta[d * k + i] = s;
      }
    }
    double lo = 0;
    double hi = 1;
    while (meanMaxSoftmax(eta, k, hi) < accuracy) {
      hi *= 2;
      if (hi > 1e12) throw new IllegalStateException("Bayes accuracy " + accuracy + " is out of reach");
    }
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (meanMaxSoftmax(eta, k, mid) < accuracy) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }

  private static double meanMaxSoftmax(double[] eta, int k, double c) {
    double sum = 0;
    int draws = eta.length / k;
    for (int d = 0; d < draws; d++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) max = Math.max(max, eta[d * k + i]);
      double total = 0;
      for (int i = 0; i < k; i++) total += Math.exp(c * (eta[d * k + i] - max));
      sum += 1 / total;
    }
    return sum / draws;
  }

  private static double[] cholesky(double[] a, int k) {
    double trace = 0;
    for (int i = 0; i < k; i++) trace += a[i * k + i];
    double jitter = 1e-12 * trace;
    double[] l = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * k + j] + (i == j ? jitter : 0);
        for (int t = 0; t < j; t++) s -= l[i * k + t] * l[j * k + t];
        l[i * k + j] = i == j ? Math.sqrt(Math.max(s, 0)) : (l[j * k + j] > 0 ? s / l[j * k + j] : 0);
      }
    }
    return l;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
