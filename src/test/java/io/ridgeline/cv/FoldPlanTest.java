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
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
      Vector x = Vectors.dense(i, r.nextGaussian());
      rows.add(RowFactory.create(x, label(i), 1.0 + (i % 3), (double) (i / 10 % 4) * 10));
    }
    return labeled(rows, LabeledData.USER_FOLD, DataTypes.DoubleType, withUserFold, partitions);
  }

  /** Rows of (features, label, weight, extra) on {@code partitions} partitions; without extra unless kept. */
  private static LabeledData labeled(List<Row> rows, String extra, DataType type, boolean keep, int partitions) {
    StructType schema = new StructType()
        .add(LabeledData.FEATURES, SQLDataTypes.VectorType())
        .add(LabeledData.LABEL, DataTypes.DoubleType)
        .add(LabeledData.WEIGHT, DataTypes.DoubleType)
        .add(extra, type);
    Dataset<Row> frame = spark.createDataFrame(rows, schema).repartition(partitions);
    if (!keep) frame = frame.drop(extra);
    return new LabeledData(frame, List.of("i", "z"), 3, rows.size(), "test-data", "y");
  }

  private static CvSpec cv(int folds, long seed, boolean stratify, String foldColumn) {
    return new CvSpec(folds, seed, stratify, foldColumn, null, Metric.LOGLOSS, SelectionRule.MIN);
  }

  private static CvSpec grouped(int folds, long seed, boolean stratify) {
    return new CvSpec(folds, seed, stratify, null, LabeledData.USER_GROUP, Metric.LOGLOSS, SelectionRule.MIN);
  }

  /**
   * The 1003 distinct rows of {@link #data}, row i written {@code copies(i)} times; with a group column,
   * a text group id ({@link #groupOf}): groups of 1 to 19 rows, each of one class.
   */
  private static LabeledData copied(int partitions, java.util.function.IntUnaryOperator copies, boolean withGroup) {
    Random r = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Vector x = Vectors.dense(i, r.nextGaussian());
      for (int c = 0; c < copies.applyAsInt(i); c++) {
        rows.add(RowFactory.create(x, label(i), 1.0 + (i % 3), groupOf(i)));
      }
    }
    return labeled(rows, LabeledData.USER_GROUP, DataTypes.StringType, withGroup, partitions);
  }

  private static double label(int i) {
    return i % 10 < 6 ? 0 : (i % 10 < 9 ? 1 : 2);
  }

  /** The rows of each class cut, in row order, into consecutive groups of 1, 2, …, 19, 1, 2, … rows. */
  private static String groupOf(int i) {
    int block = 0;
    int start = 0;
    int classOf = (int) label(i);
    int rank = 0;
    for (int j = 0; j < i; j++) if ((int) label(j) == classOf) rank++;
    while (rank >= start + (block % 19) + 1) {
      start += (block % 19) + 1;
      block++;
    }
    return "c" + classOf + "-g" + block;
  }

  /** Row id → every fold its copies went to. */
  private static Map<Integer, java.util.Set<Integer>> foldsOfCopies(FoldedData f) {
    Map<Integer, java.util.Set<Integer>> m = new HashMap<>();
    for (Row r : f.frame().collectAsList()) {
      m.computeIfAbsent((int) ((Vector) r.get(0)).apply(0), i -> new java.util.TreeSet<>()).add(r.getInt(3));
    }
    return m;
  }

  private static long spread(long[] values) {
    return Arrays.stream(values).max().getAsLong() - Arrays.stream(values).min().getAsLong();
  }

  /** [class][fold] row counts. */
  private static long[][] classCounts(FoldedData f, int folds) {
    long[][] counts = new long[3][folds];
    for (Row r : f.frame().groupBy("label", "fold").count().collectAsList()) {
      counts[(int) r.getDouble(0)][r.getInt(1)] = r.getLong(2);
    }
    return counts;
  }

  @Test
  void rowsWrittenTwiceStayInOneFold() {
    FoldedData f = FoldPlan.assign(spark, copied(4, i -> 2, false), cv(5, 11, false, null), 3);
    Map<Integer, java.util.Set<Integer>> m = foldsOfCopies(f);
    long[] sizes = f.foldSizes();
    f.release();
    assertEquals(ROWS, m.size());
    m.forEach((row, folds) -> assertEquals(1, folds.size(), "row " + row + " in folds " + folds));
    assertEquals(2L * ROWS, Arrays.stream(sizes).sum());
    // Groups of 2 rows: the folds differ by at most the largest group.
    assertTrue(spread(sizes) <= 2, Arrays.toString(sizes));
  }

  @Test
  void duplicatesAndTriplicatesStayInOneFoldBalancedAndStratifiedOnAnyPartitioning() {
    java.util.function.IntUnaryOperator copies = i -> 1 + i % 3;
    FoldedData one = FoldPlan.assign(spark, copied(1, copies, false), cv(7, 5, true, null), 1);
    long[] sizes = one.foldSizes();
    long[][] perClass = classCounts(one, 7);
    Map<Integer, java.util.Set<Integer>> m = foldsOfCopies(one);
    one.release();
    m.forEach((row, folds) -> assertEquals(1, folds.size(), "row " + row + " in folds " + folds));
    System.out.println("copies 1-3, stratified: fold sizes " + Arrays.toString(sizes) + ", per class "
        + Arrays.deepToString(perClass));
    // Groups of 1 to 3 identical rows, each of one class: a class within 3 rows, the folds within 3 · 3.
    assertTrue(spread(sizes) <= 3 * 3, "within the classes' largest groups: " + Arrays.toString(sizes));
    for (long[] c : perClass) assertTrue(spread(c) <= 3, "a class within its largest group: " + Arrays.toString(c));
    FoldedData many = FoldPlan.assign(spark, copied(13, copies, false), cv(7, 5, true, null), 7);
    assertEquals(m, foldsOfCopies(many));
    many.release();
  }

  @Test
  void groupsNeverStraddleFoldsAndAreBalancedStratifiedAndIndependentOfPartitioning() {
    FoldedData one = FoldPlan.assign(spark, copied(1, i -> 1, true), grouped(5, 9, true), 1);
    Map<Integer, java.util.Set<Integer>> rows = foldsOfCopies(one);
    Map<String, java.util.Set<Integer>> groups = new HashMap<>();
    rows.forEach((row, folds) -> groups.computeIfAbsent(groupOf(row), g -> new java.util.TreeSet<>()).addAll(folds));
    long[] sizes = one.foldSizes();
    long[][] perClass = classCounts(one, 5);
    one.release();
    groups.forEach((g, folds) -> assertEquals(1, folds.size(), "group " + g + " in folds " + folds));
    System.out.println("groups of 1-19, stratified: fold sizes " + Arrays.toString(sizes) + ", per class "
        + Arrays.deepToString(perClass));
    // Each class is cut into groups of 1..19 rows: stratified, a class's rows per fold are within its
    // largest group, and the fold sizes within the sum of the classes' largest groups.
    assertTrue(spread(sizes) <= 3 * 19, "within the classes' largest groups: " + Arrays.toString(sizes));
    for (long[] c : perClass) assertTrue(spread(c) <= 19, "class per fold " + Arrays.toString(c));

    FoldedData many = FoldPlan.assign(spark, copied(13, i -> 1, true), grouped(5, 9, true), 7);
    assertEquals(rows, foldsOfCopies(many));
    many.release();
  }

  @Test
  void tooFewGroupsOrAMissingGroupIdAreRefused() {
    LabeledData data = copied(2, i -> 1, true);
    LabeledData two = new LabeledData(data.frame().withColumn(LabeledData.USER_GROUP,
        org.apache.spark.sql.functions.col(LabeledData.LABEL).cast("string")), data.featureNames(), 3, data.rows(),
        "test-data", "y");
    io.ridgeline.data.DataException few = org.junit.jupiter.api.Assertions.assertThrows(
        io.ridgeline.data.DataException.class, () -> FoldPlan.assign(spark, two, grouped(4, 1, false), 2));
    assertEquals("test-data: cv.groupColumn 'user_group' holds 3 groups, which cannot make 4 folds (cv.folds)",
        few.getMessage());
    LabeledData nulls = new LabeledData(data.frame().withColumn(LabeledData.USER_GROUP,
        org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.col(LabeledData.LABEL).equalTo(2), null)
            .otherwise(org.apache.spark.sql.functions.col(LabeledData.USER_GROUP))),
        data.featureNames(), 3, data.rows(), "test-data", "y");
    io.ridgeline.data.DataException none = org.junit.jupiter.api.Assertions.assertThrows(
        io.ridgeline.data.DataException.class, () -> FoldPlan.assign(spark, nulls, grouped(4, 1, false), 2));
    assertEquals("test-data: cv.groupColumn 'user_group' has no value in 100 rows; every row needs a group id",
        none.getMessage());
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

  /**
   * Not only the folds but where the folded rows sit — which partition, in which order — is a function
   * of the rows alone, so every pass sums them in the same order whatever the source's partitioning (a
   * resumed run reproduces an uninterrupted one bit for bit): with duplicates (rows placed by their
   * group key), with a group column and with a fold column (rows placed by their own hash).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duplicates", "groups", "fold column"})
  void placementDependsOnTheRowsNotOnPartitioning(String kind) {
    java.util.function.IntFunction<FoldedData> folded = partitions -> switch (kind) {
      case "duplicates" -> FoldPlan.assign(spark, copied(partitions, i -> 1 + i % 3, false), cv(5, 4, true, null), 4);
      case "groups" -> FoldPlan.assign(spark, copied(partitions, i -> 1, true), grouped(5, 4, true), 4);
      default -> FoldPlan.assign(spark, data(partitions, true), cv(5, 4, false, LabeledData.USER_FOLD), 4);
    };
    List<List<String>> one = placement(folded.apply(1));
    List<List<String>> many = placement(folded.apply(13));
    assertEquals(4, one.size());
    assertTrue(one.stream().allMatch(p -> !p.isEmpty()), "every partition holds rows");
    assertEquals(one, many);
  }

  /** The folded rows partition by partition, in order (then released). */
  private static List<List<String>> placement(FoldedData f) {
    List<List<String>> out = new ArrayList<>();
    for (List<Row> part : f.frame().javaRDD().glom().collect()) out.add(part.stream().map(Row::toString).toList());
    f.release();
    return out;
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
