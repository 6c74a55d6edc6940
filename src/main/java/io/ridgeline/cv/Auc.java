package io.ridgeline.cv;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.sum;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The exact weighted area under the ROC curve of many binomial models at once, by a distributed sort:
 * nothing on the driver grows with the rows or the partitions (it receives one row per model).
 *
 * <p>For one model with scores s_i (P(class 1)) and weights w_i, over its distinct scores s:
 * <pre>
 *   AUC = Σ_s W⁺(s)·(W⁻(&lt;s) + ½W⁻(s)) / (W⁺·W⁻),
 * </pre>
 * W⁺(s), W⁻(s) the weights of the positive and negative rows scoring exactly s, W⁻(&lt;s) those scoring
 * below s, W⁺, W⁻ the totals: the weighted Mann–Whitney statistic with ties counted one half, which is
 * MLlib's {@code BinaryClassificationEvaluator} with {@code numBins = 0}. NaN when a class is absent.
 *
 * <p>Three Spark SQL steps: (1) group by (model, score) — ties merge into one row with W⁺(s), W⁻(s);
 * (2) a window per model ordered by score sums W⁻ over the rows before each score, W⁻(&lt;s); (3) a
 * group-by per model sums the numerator and the totals. Step 2 sorts each model's distinct scores in
 * one task (executor memory, spilling as Spark's sorts do).
 *
 * <p>Callers make one {@link #record} per scored row: the index of its first model, the scores of
 * consecutive models on it, and its weight as positive or negative.
 */
public final class Auc {
  /** One scored row: models {@code first, first+1, …} score it {@code scores}; its weight w as pos or neg. */
  public static final StructType RECORD = new StructType()
      .add("first", DataTypes.IntegerType, false)
      .add("scores", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("pos", DataTypes.DoubleType, false)
      .add("neg", DataTypes.DoubleType, false);

  private Auc() {}

  /** A row of label y (0 or 1) and weight w scored by models {@code first…first+scores.length−1}. */
  public static Row record(int first, double[] scores, double y, double w) {
    return RowFactory.create(first, scores, y > 0 ? w : 0.0, y > 0 ? 0.0 : w);
  }

  /** AUC of models 0..models−1 from their {@link #RECORD}s. */
  public static double[] of(SparkSession spark, JavaRDD<Row> records, int models) {
    Dataset<Row> scored = spark.createDataFrame(records, RECORD)
        .select(col("first"), posexplode(col("scores")).as(new String[] {"at", "score"}), col("pos"), col("neg"))
        .select(col("first").plus(col("at")).as("model"), col("score"), col("pos"), col("neg"));
    Dataset<Row> ties = scored.groupBy(col("model"), col("score"))
        .agg(sum(col("pos")).as("pos"), sum(col("neg")).as("neg"));
    WindowSpec before = Window.partitionBy(col("model")).orderBy(col("score"))
        .rowsBetween(Window.unboundedPreceding(), -1);
    Dataset<Row> perModel = ties
        .withColumn("below", coalesce(sum(col("neg")).over(before), lit(0.0)))
        .groupBy(col("model"))
        .agg(sum(col("pos").multiply(col("below").plus(col("neg").multiply(0.5)))), sum(col("pos")),
            sum(col("neg")));
    double[] auc = new double[models];
    Arrays.fill(auc, Double.NaN);
    for (Row r : perModel.collectAsList()) {
      double wPos = r.getDouble(2);
      double wNeg = r.getDouble(3);
      if (wPos > 0 && wNeg > 0) auc[r.getInt(0)] = r.getDouble(1) / (wPos * wNeg);
    }
    return auc;
  }
}
