package io.ridgeline.cv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.config.Metric;
import io.ridgeline.config.SelectionRule;
import io.ridgeline.config.SweepSpec.CvSpec;
import io.ridgeline.data.LabeledData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class FoldPlanTest {
  private static final SparkSession spark = TestSpark.session();
  private static final int ROWS = 1003;

  /**
   * 1003 distinct rows; label is 0/1/2 with unequal class sizes; the user fold id is 0, 10, 20 or 30
   * by blocks of ten rows, so every user fold holds every class.
   */
  private static LabeledData data(int partitions, boolean withUserFold) {
    Random r = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double label = i % 10 < 6 ? 0 : (i % 10 < 9 ? 1 : 2);
      Vector x = Vectors.dense(i, r.nextGaussian());
      rows.add(RowFactory.create(x, label, 1.0 + (i % 3), (double) (i / 10 % 4) * 10));
    }
    StructType schema = new StructType()
        .add(LabeledData.FEATURES, SQLDataTypes.VectorType())
        .add(LabeledData.LABEL, DataTypes.DoubleType)
        .add(LabeledData.WEIGHT, DataTypes.DoubleType)
        .add(LabeledData.USER_FOLD, DataTypes.DoubleType);
    Dataset<Row> frame = spark.createDataFrame(rows, schema).repartition(partitions);
    if (!withUserFold) frame = frame.drop(LabeledData.USER_FOLD);
    return new LabeledData(frame, List.of("i", "z"), 3, ROWS, "test-data", "y");
  }

  private static CvSpec cv(int folds, long seed, boolean stratify, String foldColumn) {
    return new CvSpec(folds, seed, stratify, foldColumn, Metric.LOGLOSS, SelectionRule.MIN);
  }

  /** Row id (the first feature) → fold. */
  private static Map<Integer, Integer> folds(FoldedData f) {
    Map<Integer, Integer> m = new HashMap<>();
    for (Row r : f.frame().collectAsList()) m.put((int) ((Vector) r.get(0)).apply(0), r.getInt(3));
    f.release();
    return m;
  }

  @Test
  void foldsDependOnTheRowsNotOnPartitioning() {
    Map<Integer, Integer> one = folds(FoldPlan.assign(spark, data(1, false), cv(5, 11, true, null), 1));
    Map<Integer, Integer> many = folds(FoldPlan.assign(spark, data(13, false), cv(5, 11, true, null), 7));
    assertEquals(ROWS, one.size());
    assertEquals(one, many);
  }

  @Test
  void seedChangesTheAssignment() {
    Map<Integer, Integer> a = folds(FoldPlan.assign(spark, data(3, false), cv(5, 11, false, null), 2));
    Map<Integer, Integer> b = folds(FoldPlan.assign(spark, data(3, false), cv(5, 12, false, null), 2));
    assertNotEquals(a, b);
  }

  @Test
  void foldSizesDifferByAtMostOne() {
    FoldedData f = FoldPlan.assign(spark, data(4, false), cv(5, 1, false, null), 3);
    long[] sizes = f.foldSizes();
    f.release();
    assertEquals(ROWS, Arrays.stream(sizes).sum());
    assertTrue(Arrays.stream(sizes).max().getAsLong() - Arrays.stream(sizes).min().getAsLong() <= 1,
        Arrays.toString(sizes));
  }

  @Test
  void stratifiedFoldsSpreadEveryClassEvenly() {
    FoldedData f = FoldPlan.assign(spark, data(4, false), cv(7, 5, true, null), 3);
    long[][] counts = new long[3][7];
    for (Row r : f.frame().groupBy("label", "fold").count().collectAsList()) {
      counts[(int) r.getDouble(0)][r.getInt(1)] = r.getLong(2);
    }
    f.release();
    for (long[] perFold : counts) {
      long min = Arrays.stream(perFold).min().getAsLong();
      long max = Arrays.stream(perFold).max().getAsLong();
      assertTrue(max - min <= 1, "class counts per fold " + Arrays.toString(perFold));
    }
  }

  @Test
  void unstratifiedFoldsAreNotSortedByLabel() {
    // Without stratification a fold is a random sample: the classes are not spread exactly evenly.
    FoldedData f = FoldPlan.assign(spark, data(4, false), cv(7, 5, false, null), 3);
    long[][] counts = new long[3][7];
    for (Row r : f.frame().groupBy("label", "fold").count().collectAsList()) {
      counts[(int) r.getDouble(0)][r.getInt(1)] = r.getLong(2);
    }
    f.release();
    long spread = Arrays.stream(counts[0]).max().getAsLong() - Arrays.stream(counts[0]).min().getAsLong();
    assertTrue(spread > 1, "class 0 per fold " + Arrays.toString(counts[0]));
  }

  @Test
  void userFoldColumnMapsSortedDistinctValuesToFolds() {
    FoldedData f = FoldPlan.assign(spark, data(3, true), cv(5, 1, false, LabeledData.USER_FOLD), 2);
    assertEquals(4, f.folds());
    Map<Integer, Integer> m = folds(f);
    for (Map.Entry<Integer, Integer> e : m.entrySet()) assertEquals(e.getKey() / 10 % 4, e.getValue());
  }
}
