package io.ridgeline.cv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.posexplode;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The exact weighted area under the ROC curve of many binomial models at once, distributed: nothing on
 * the driver grows with the rows or the partitions (it receives one record per model).
 *
 * <p>For one model with scores s_i (P(class 1)) and weights w_i, over its distinct scores s:
 * <pre>
 *   AUC = Σ_s W⁺(s)·(W⁻(&lt;s) + ½W⁻(s)) / (W⁺·W⁻),
 * </pre>
 * W⁺(s), W⁻(s) the weights of the positive and negative rows scoring exactly s, W⁻(&lt;s) those scoring
 * below s, W⁺, W⁻ the totals: the weighted Mann–Whitney statistic with ties counted one half, which is
 * MLlib's {@code BinaryClassificationEvaluator} with {@code numBins = 0}. NaN when a class is absent.
 *
 * <p>Two ways, one shuffle each. Where every model scores at most {@value #IN_MEMORY_ROWS} rows (the caller
 * says how many at most), each partition gathers every model's (score, W⁺, W⁻) in primitive arrays and
 * sends them as one record per model; the model's task ranks its rows in memory ({@link #of(double[],
 * double[], double[], int)}: its arrays, 24 bytes a row, held twice, and the ranking's, up to 72 more, so at
 * most 120 bytes a row of one model at a time). Otherwise, or when the caller cannot say, every
 * (model, score, W⁺, W⁻) goes as a Spark SQL row to the partition of its model, sorted there by (model,
 * score) (Spark's sort, spilling to disk as it does), and one scan of a partition sums each model's
 * numerator with ties merged. On the 100,000 × 30 binomial benchmark (150 models, 3,000,000 scored rows;
 * Spark event log): the arrays gathered by model 1.0–1.1 s; the sort's two jobs 0.8 and 2.2 s; Spark SQL's
 * group-by, window and group-by, the first form of this class, 1.6, 1.1 and 3.0 s.
 *
 * <p>Callers make one {@link #record} per scored row: the index of its first model, the scores of
 * consecutive models on it, and its weight as positive or negative. Where one task holds all of a
 * model's rows, {@link #of(double[], double[], double[], int)} ranks them there instead.
 */
public final class Auc {
  /** One scored row: models {@code first, first+1, …} score it {@code scores}; its weight as pos or neg. */
  public record Scored(int first, double[] scores, double pos, double neg) implements Serializable {}

  /** A scored row as Spark SQL takes it: models {@code first, …} score it {@code scores}. */
  private static final StructType RECORD = new StructType()
      .add("first", DataTypes.IntegerType, false)
      .add("scores", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("pos", DataTypes.DoubleType, false)
      .add("neg", DataTypes.DoubleType, false);

  private Auc() {}

  /** A row of label y (0 or 1) and weight w scored by models {@code first…first+scores.length−1}. */
  public static Scored record(int first, double[] scores, double y, double w) {
    return new Scored(first, scores, y > 0 ? w : 0.0, y > 0 ? 0.0 : w);
  }

  /** Rows a model may score for {@link #of(JavaRDD, int, long)} to rank them in memory. */
  public static final long IN_MEMORY_ROWS = 1L << 20;

  /** AUC of models 0..models−1 from their {@link Scored} rows, by the distributed sort. */
  public static double[] of(JavaRDD<Scored> records, int models) {
    return of(records, models, Long.MAX_VALUE);
  }

  /**
   * AUC of models 0..models−1 from their {@link Scored} rows, each model scoring at most {@code rowsPerModel}
   * rows: ranked in memory up to {@link #IN_MEMORY_ROWS}, else by the distributed sort.
   */
  public static double[] of(JavaRDD<Scored> records, int models, long rowsPerModel) {
    int partitions = Math.max(1, Math.min(models, records.context().defaultParallelism()));
    List<double[]> sums = rowsPerModel <= IN_MEMORY_ROWS ? inMemory(records, models, partitions)
        : sorted(records, partitions);
    double[] auc = new double[models];
    Arrays.fill(auc, Double.NaN);
    for (double[] s : sums) {
      double wPos = s[2];
      double wNeg = s[3];
      if (wPos > 0 && wNeg > 0) auc[(int) s[0]] = s[1] / (wPos * wNeg);
    }
    return auc;
  }

  /** One model's rows of one partition, in arrays. */
  private record Run(double[] scores, double[] pos, double[] neg) implements Serializable {}

  /**
   * The sum over one model's distinct scores in ascending order: {@link #add} each score's W⁺(s), W⁻(s);
   * {@link #result} is {model, Σ W⁺(s)(W⁻(&lt;s) + ½W⁻(s)), W⁺, W⁻}.
   */
  private static final class Ranked {
    private double numerator;
    private double below;
    private double positive;

    void add(double pos, double neg) {
      numerator += pos * (below + 0.5 * neg);
      below += neg;
      positive += pos;
    }

    double[] result(int model) {
      return new double[] {model, numerator, positive, below};
    }
  }

  /** Per model {model, numerator, W⁺, W⁻}: each partition's rows gathered by model, each model ranked in its task. */
  private static List<double[]> inMemory(JavaRDD<Scored> records, int models, int partitions) {
    return records.mapPartitionsToPair(it -> {
      double[][] scores = new double[models][0];
      double[][] pos = new double[models][0];
      double[][] neg = new double[models][0];
      int[] count = new int[models];
      while (it.hasNext()) {
        Scored r = it.next();
        for (int c = 0; c < r.scores().length; c++) {
          int m = r.first() + c;
          int at = count[m]++;
          if (at == scores[m].length) {
            int grown = Math.max(1024, 2 * at);
            scores[m] = Arrays.copyOf(scores[m], grown);
            pos[m] = Arrays.copyOf(pos[m], grown);
            neg[m] = Arrays.copyOf(neg[m], grown);
          }
          scores[m][at] = r.scores()[c];
          pos[m][at] = r.pos();
          neg[m][at] = r.neg();
        }
      }
      List<Tuple2<Integer, Run>> out = new ArrayList<>();
      for (int m = 0; m < models; m++) {
        int n = count[m];
        if (n > 0) out.add(new Tuple2<>(m, new Run(Arrays.copyOf(scores[m], n), Arrays.copyOf(pos[m], n),
            Arrays.copyOf(neg[m], n))));
      }
      return out.iterator();
    }).groupByKey(partitions).map(group -> {
      int n = 0;
      for (Run r : group._2()) n += r.scores().length;
      double[] scores = new double[n];
      double[] pos = new double[n];
      double[] neg = new double[n];
      int at = 0;
      for (Run r : group._2()) {
        int length = r.scores().length;
        System.arraycopy(r.scores(), 0, scores, at, length);
        System.arraycopy(r.pos(), 0, pos, at, length);
        System.arraycopy(r.neg(), 0, neg, at, length);
        at += length;
      }
      return ranked(scores, pos, neg, n).result(group._1());
    }).collect();
  }

  /** Per model {model, numerator, W⁺, W⁻}: one Spark SQL shuffle by model, sorted by (model, score), scanned. */
  private static List<double[]> sorted(JavaRDD<Scored> records, int partitions) {
    SparkSession spark = SparkSession.active();
    Dataset<Row> scored = spark.createDataFrame(records.map(r -> RowFactory.create(r.first(), r.scores(), r.pos(),
            r.neg())), RECORD)
        .select(col("first"), posexplode(col("scores")).as(new String[] {"at", "score"}), col("pos"), col("neg"))
        .select(col("first").plus(col("at")).as("model"), col("score"), col("pos"), col("neg"));
    return scored.repartition(partitions, col("model")).sortWithinPartitions(col("model"), col("score"))
        .javaRDD().mapPartitions(Auc::perModel).collect();
  }

  /**
   * One model's AUC from its rows held in memory (scores, and each row's weight as positive or negative;
   * the first n entries): the distinct scores sorted, each row's weights summed into its score's slot, then
   * the same sum as {@link #of(JavaRDD, int)} in ascending order. O(n log n), primitive arrays only.
   */
  public static double of(double[] scores, double[] pos, double[] neg, int n) {
    Ranked r = ranked(scores, pos, neg, n);
    return r.positive > 0 && r.below > 0 ? r.numerator / (r.positive * r.below) : Double.NaN;
  }

  /**
   * One model's rows in memory, summed over their distinct scores in ascending order: the distinct scores
   * sorted, then each row's weights added into its score's slot, found through an open-addressing table
   * keyed by the score's bits (one or two probes a row; a binary search took about as long again as the
   * sort: the binomial benchmark's ranking stage, 150 models of 20,000 rows, 0.75 s then, 0.57 s now).
   */
  private static Ranked ranked(double[] scores, double[] pos, double[] neg, int n) {
    double[] distinct = Arrays.copyOf(scores, n);
    Arrays.sort(distinct);
    int d = 0;
    for (int i = 0; i < n; i++) if (d == 0 || Double.compare(distinct[i], distinct[d - 1]) != 0) distinct[d++] = distinct[i];
    int mask = Integer.highestOneBit(Math.max(1, 2 * d - 1)) * 2 - 1;   // a power of two ≥ 2d, less 1
    long[] keys = new long[mask + 1];
    int[] slot = new int[mask + 1];
    Arrays.fill(slot, -1);
    for (int s = 0; s < d; s++) {
      long key = Double.doubleToLongBits(distinct[s]);   // equal bits iff Double.compare finds them equal
      int h = probe(key, mask);
      while (slot[h] >= 0) h = (h + 1) & mask;
      keys[h] = key;
      slot[h] = s;
    }
    double[] wPos = new double[d];
    double[] wNeg = new double[d];
    for (int i = 0; i < n; i++) {
      long key = Double.doubleToLongBits(scores[i]);
      int h = probe(key, mask);
      while (keys[h] != key || slot[h] < 0) h = (h + 1) & mask;
      wPos[slot[h]] += pos[i];
      wNeg[slot[h]] += neg[i];
    }
    Ranked r = new Ranked();
    for (int s = 0; s < d; s++) r.add(wPos[s], wNeg[s]);
    return r;
  }

  /** A key's first slot: its bits mixed by the golden-ratio multiplier, the high half folded in. */
  private static int probe(long key, int mask) {
    long k = key * 0x9E3779B97F4A7C15L;
    return (int) (k ^ (k >>> 32)) & mask;
  }

  /** One scan of a partition sorted by (model, score): per model {model, Σ W⁺(s)(W⁻(&lt;s) + ½W⁻(s)), W⁺, W⁻}. */
  private static Iterator<double[]> perModel(Iterator<Row> sorted) {
    List<double[]> out = new ArrayList<>();
    int model = -1;
    double score = Double.NaN;
    double pos = 0;   // the current score's W⁺(s), W⁻(s)
    double neg = 0;
    Ranked ranked = new Ranked();
    while (true) {
      Row next = sorted.hasNext() ? sorted.next() : null;
      boolean newScore = next == null || next.getInt(0) != model || next.getDouble(1) != score;
      if (newScore && model >= 0) {
        ranked.add(pos, neg);
        pos = 0;
        neg = 0;
        if (next == null || next.getInt(0) != model) {
          out.add(ranked.result(model));
          ranked = new Ranked();
        }
      }
      if (next == null) return out.iterator();
      model = next.getInt(0);
      score = next.getDouble(1);
      pos += next.getDouble(2);
      neg += next.getDouble(3);
    }
  }
}
