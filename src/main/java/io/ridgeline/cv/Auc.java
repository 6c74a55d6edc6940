package io.ridgeline.cv;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The exact weighted area under the ROC curve of many binomial models at once, by a distributed sort:
 * nothing on the driver grows with the rows or the partitions (it receives one record per model).
 *
 * <p>For one model with scores s_i (P(class 1)) and weights w_i, over its distinct scores s:
 * <pre>
 *   AUC = Σ_s W⁺(s)·(W⁻(&lt;s) + ½W⁻(s)) / (W⁺·W⁻),
 * </pre>
 * W⁺(s), W⁻(s) the weights of the positive and negative rows scoring exactly s, W⁻(&lt;s) those scoring
 * below s, W⁺, W⁻ the totals: the weighted Mann–Whitney statistic with ties counted one half, which is
 * MLlib's {@code BinaryClassificationEvaluator} with {@code numBins = 0}. NaN when a class is absent.
 *
 * <p>One shuffle: every (model, score, W⁺, W⁻) goes to the partition of its model, sorted there by
 * (model, score) (Spark's sort, spilling to disk as it does); one scan of a partition then sums each
 * model's numerator with ties merged, and the driver collects one record per model. (Spark SQL's
 * group-by, window and group-by took three shuffles and about a second of planning on a 50,000-row
 * sweep, more than the scores' own pass.)
 *
 * <p>Callers make one {@link #record} per scored row: the index of its first model, the scores of
 * consecutive models on it, and its weight as positive or negative. Where one task holds all of a
 * model's rows, {@link #of(double[], double[], double[], int)} ranks them there instead.
 */
public final class Auc {
  /** One scored row: models {@code first, first+1, …} score it {@code scores}; its weight as pos or neg. */
  public record Scored(int first, double[] scores, double pos, double neg) implements Serializable {}

  /** A sort key: model, then score (scores in [0, 1], never NaN). */
  private record Key(int model, double score) implements Comparable<Key>, Serializable {
    @Override
    public int compareTo(Key o) {
      return model != o.model ? Integer.compare(model, o.model) : Double.compare(score, o.score);
    }
  }

  private Auc() {}

  /** A row of label y (0 or 1) and weight w scored by models {@code first…first+scores.length−1}. */
  public static Scored record(int first, double[] scores, double y, double w) {
    return new Scored(first, scores, y > 0 ? w : 0.0, y > 0 ? 0.0 : w);
  }

  /** AUC of models 0..models−1 from their {@link Scored} rows. */
  public static double[] of(JavaRDD<Scored> records, int models) {
    int partitions = Math.max(1, Math.min(models, records.context().defaultParallelism()));
    List<double[]> sums = records
        .flatMapToPair(r -> {
          List<Tuple2<Key, double[]>> out = new ArrayList<>(r.scores().length);
          double[] weight = {r.pos(), r.neg()};
          for (int m = 0; m < r.scores().length; m++) out.add(new Tuple2<>(new Key(r.first() + m, r.scores()[m]), weight));
          return out.iterator();
        })
        .repartitionAndSortWithinPartitions(new ModelPartitioner(partitions))
        .mapPartitions(Auc::perModel)
        .collect();
    double[] auc = new double[models];
    Arrays.fill(auc, Double.NaN);
    for (double[] s : sums) {
      double wPos = s[2];
      double wNeg = s[3];
      if (wPos > 0 && wNeg > 0) auc[(int) s[0]] = s[1] / (wPos * wNeg);
    }
    return auc;
  }

  /**
   * One model's AUC from its rows held in memory (scores, and each row's weight as positive or negative;
   * the first n entries): the distinct scores sorted, each row's weights summed into its score's slot, then
   * the same sum as {@link #of(JavaRDD, int)} in ascending order. O(n log n), primitive arrays only.
   */
  public static double of(double[] scores, double[] pos, double[] neg, int n) {
    double[] distinct = Arrays.copyOf(scores, n);
    Arrays.sort(distinct);
    int d = 0;
    for (int i = 0; i < n; i++) if (d == 0 || Double.compare(distinct[i], distinct[d - 1]) != 0) distinct[d++] = distinct[i];
    double[] wPos = new double[d];
    double[] wNeg = new double[d];
    for (int i = 0; i < n; i++) {
      int at = Arrays.binarySearch(distinct, 0, d, scores[i]);
      wPos[at] += pos[i];
      wNeg[at] += neg[i];
    }
    double numerator = 0;
    double below = 0;
    double totalPos = 0;
    for (int s = 0; s < d; s++) {
      numerator += wPos[s] * (below + 0.5 * wNeg[s]);
      below += wNeg[s];
      totalPos += wPos[s];
    }
    return totalPos > 0 && below > 0 ? numerator / (totalPos * below) : Double.NaN;
  }

  /** One scan of a partition sorted by (model, score): per model {model, Σ W⁺(s)(W⁻(&lt;s) + ½W⁻(s)), W⁺, W⁻}. */
  private static Iterator<double[]> perModel(Iterator<Tuple2<Key, double[]>> sorted) {
    List<double[]> out = new ArrayList<>();
    int model = -1;
    double score = Double.NaN;
    double pos = 0;   // the current score's W⁺(s), W⁻(s)
    double neg = 0;
    double below = 0;
    double numerator = 0;
    double totalPos = 0;
    while (true) {
      Tuple2<Key, double[]> next = sorted.hasNext() ? sorted.next() : null;
      boolean newScore = next == null || next._1().model() != model || next._1().score() != score;
      if (newScore && model >= 0) {
        numerator += pos * (below + 0.5 * neg);
        below += neg;
        totalPos += pos;
        pos = 0;
        neg = 0;
        if (next == null || next._1().model() != model) {
          out.add(new double[] {model, numerator, totalPos, below});
          below = 0;
          numerator = 0;
          totalPos = 0;
        }
      }
      if (next == null) return out.iterator();
      model = next._1().model();
      score = next._1().score();
      pos += next._2()[0];
      neg += next._2()[1];
    }
  }

  /** Partitions keys by model. */
  private static final class ModelPartitioner extends org.apache.spark.Partitioner {
    private final HashPartitioner hash;

    ModelPartitioner(int partitions) {
      hash = new HashPartitioner(partitions);
    }

    @Override
    public int numPartitions() {
      return hash.numPartitions();
    }

    @Override
    public int getPartition(Object key) {
      return hash.getPartition(((Key) key).model());
    }
  }
}
