package io.ridgeline.cv;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.ridgeline.config.SweepSpec.CvSpec;
import io.ridgeline.data.DataException;
import io.ridgeline.data.LabeledData;
import io.ridgeline.data.SparseVectors;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Assigns every row a fold id in 0..k−1 and caches the result (then releases the loader's cached
 * source columns, {@link LabeledData#release}).
 *
 * <p><b>Groups.</b> Rows are dealt out in groups that never straddle folds: with {@code cv.groupColumn},
 * the rows sharing a value of that column (GroupKFold); otherwise the rows identical in features, label
 * and weight, so a duplicated row never sits on both sides of a split. A group's key is
 * h = xxhash64(seed, group value) or xxhash64(seed, features, label, weight) (the key rows had before
 * groups existed, so data without duplicates keeps its folds); rows are grouped by h (two groups whose
 * keys collide, with odds about G²/2⁶⁵, are dealt together).
 *
 * <p><b>Dealing.</b> Groups are ranked and the group of rank r goes to fold r mod k. Sizes dealt
 * round-robin in decreasing order, s₀ ≥ s₁ ≥ …, give fold f the sizes s_f, s_{k+f}, s_{2k+f}, …, so
 * size(0) − size(k−1) = Σ_i (s_{ik} − s_{ik+k−1}) ≤ Σ_i (s_{ik} − s_{(i+1)k}) ≤ s₀: the folds differ by
 * at most the largest group, and a run of consecutive ranks starting anywhere obeys the same bound.
 * <ul>
 *   <li>Unstratified: ranked by (size descending, h): <b>fold sizes within the largest group</b>.
 *   <li>Stratified classes: by (stratum, size descending, h), the stratum being the class nearest the
 *       group's mean label (its class, for a group of one class, as duplicates always are): each
 *       stratum's rows per fold within its largest group, the fold sizes within the sum over strata of
 *       their largest groups.
 *   <li>Stratified regression: by (size descending, label midrange (min + max)/2, h): fold sizes within
 *       the largest group, and each size's groups spread over the label range.
 * </ul>
 * With every row its own group (no duplicates, no group column) this is the plain rank-mod-k deal: fold
 * sizes and every class within one row. Among equal sizes and strata the order is h's: random for the
 * seed.
 *
 * <p>All of it is a function of the rows alone, never of their order or partitioning: groups are
 * aggregated by key, ranked by a distributed sort ({@code repartitionByRange} + {@code zipWithIndex},
 * a total order since keys are unique), and joined back to their rows; the driver sees counts only.
 *
 * <p>With {@code cv.foldColumn}, its distinct values, sorted, become folds 0..k−1.
 *
 * <p>The job that counts the folds' rows per class also sums their weights and fingerprints the data:
 * F = Σ_rows xxhash64(features, label, weight, fold) mod 2⁶⁴, summed as the four 16-bit quarters of
 * each hash (F = Σ_q 2^(16q) · S_q mod 2⁶⁴; each S_q is a long that cannot overflow below 2⁴⁷ rows per
 * fold and class, where Spark's ANSI sum would fail). F does not depend on row order or partitioning, and
 * changing any value of any row changes it (but for a 2⁻⁶⁴ chance); vectors are hashed as stored,
 * sparse ones without densifying.
 */
public final class FoldPlan {
  private static final long TARGET_PARTITION_BYTES = 32L << 20;
  private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
  /** The fingerprint's hashes are summed in 16-bit quarters. */
  private static final int QUARTERS = 4;
  /** Internal columns of the assignment: a row's group key, a group's size and stratum. */
  private static final String KEY = "__group";
  private static final String SIZE = "__size";
  private static final String STRATUM = "__stratum";

  private FoldPlan() {}

  public static FoldedData assign(SparkSession spark, LabeledData data, CvSpec cv, int partitions) {
    int numPartitions = partitions > 0 ? partitions : autoPartitions(spark, data);
    sizeShuffles(spark, numPartitions);
    spark.sparkContext().setJobDescription("assign folds");
    List<Dataset<Row>> scratch = new ArrayList<>();
    try {
      Dataset<Row> framed;
      int k;
      if (cv.foldColumn() != null) {
        double[] ids = userFoldIds(data, cv);
        k = ids.length;
        Column fold = lit(-1);
        for (int i = ids.length - 1; i >= 0; i--) {
          fold = org.apache.spark.sql.functions.when(col(LabeledData.USER_FOLD).equalTo(ids[i]), i).otherwise(fold);
        }
        framed = placed(data.frame()
            .select(col(LabeledData.FEATURES), col(LabeledData.LABEL), col(LabeledData.WEIGHT),
                fold.as(FoldedData.FOLD)), numPartitions);
      } else {
        k = cv.folds();
        if (data.rows() < k) {
          throw new DataException(data.path() + ": " + data.rows() + " rows cannot make " + k + " folds (cv.folds)");
        }
        framed = randomFolds(spark, data, cv, k, numPartitions, scratch);
      }
      framed = withMetadata(framed, data).persist(StorageLevel.MEMORY_AND_DISK());
      long[] sizes = new long[k];
      double[] weights = new double[k];
      long fingerprint = 0;
      int classes = data.numClasses();
      long[][] perClass = new long[k][Math.max(1, classes)];
      Column byClass = classes > 0 ? col(LabeledData.LABEL).cast("int") : lit(0);
      Column hash = xxhash64(col(LabeledData.FEATURES), col(LabeledData.LABEL), col(LabeledData.WEIGHT),
          col(FoldedData.FOLD));
      Column[] sums = new Column[1 + QUARTERS];   // the weight, then the hash's quarters
      sums[0] = sum(col(LabeledData.WEIGHT));
      for (int q = 0; q < QUARTERS; q++) sums[1 + q] = sum(shiftrightunsigned(hash, 16 * q).bitwiseAND(lit(0xFFFFL)));
      for (Row r : framed.groupBy(col(FoldedData.FOLD), byClass.as("class")).agg(count(lit(1)), sums)
          .collectAsList()) {
        sizes[r.getInt(0)] += r.getLong(2);
        perClass[r.getInt(0)][r.getInt(1)] = r.getLong(2);
        weights[r.getInt(0)] += r.getDouble(3);
        for (int q = 0; q < QUARTERS; q++) fingerprint += r.getLong(4 + q) << (16 * q);   // mod 2⁶⁴
      }
      try {
        checkEveryFoldHasEveryClass(data, cv, perClass);
      } catch (DataException e) {
        framed.unpersist();
        throw e;
      }
      return new FoldedData(framed, data, k, sizes, weights, fingerprint);
    } finally {
      scratch.forEach(Dataset::unpersist);
      data.release();   // the folded rows, cached above, are all that is read from here on
      spark.sparkContext().setJobDescription(null);
    }
  }

  /**
   * A fold without a row of some class cannot be scored for it (auc is undefined, the class's log-loss
   * unmeasured), so every fold must hold every class: refused with the class, its count and the fold.
   */
  private static void checkEveryFoldHasEveryClass(LabeledData data, CvSpec cv, long[][] perClass) {
    int k = perClass.length;
    for (int c = 0; c < data.numClasses(); c++) {
      long total = 0;
      int firstEmpty = -1;
      for (int f = 0; f < k; f++) {
        total += perClass[f][c];
        if (perClass[f][c] == 0 && firstEmpty < 0) firstEmpty = f;
      }
      if (firstEmpty < 0) continue;
      String folds = cv.foldColumn() != null ? "cv.foldColumn '" + cv.foldColumn() + "'" : "cv.folds = " + k;
      throw new DataException(data.path() + ": class " + c + " of data.label '" + data.labelColumn() + "' ("
          + total + " rows) is missing from fold " + (firstEmpty + 1) + " of " + k + " (" + folds
          + "); every fold needs every class: use fewer folds" + (cv.stratify() || cv.foldColumn() != null
              ? "" : " or cv.stratify: true"));
    }
  }

  /**
   * Declares the feature vector's size and the number of classes in column metadata, as MLlib's own
   * transformers do: MLlib then need not run a job per fit to find the vector size, and a training fold
   * that happens to lack the highest class still gets a K-class model.
   */
  private static Dataset<Row> withMetadata(Dataset<Row> frame, LabeledData data) {
    frame = frame.withMetadata(LabeledData.FEATURES,
        new AttributeGroup(LabeledData.FEATURES, data.numFeatures()).toMetadata());
    if (data.numClasses() > 0) {
      frame = frame.withMetadata(LabeledData.LABEL, NominalAttribute.defaultAttr()
          .withName(LabeledData.LABEL).withNumValues(data.numClasses()).toMetadata());
    }
    return frame;
  }

  /**
   * Deals whole groups out to the folds (see the class comment): groups are aggregated by key, ranked
   * by a distributed sort, and group r goes to fold r mod k; the rows get their group's fold by a join.
   * The driver sees only counts (the groups, the rows of a null group, the sort's partition sizes).
   */
  private static Dataset<Row> randomFolds(SparkSession spark, LabeledData data, CvSpec cv, int k, int numPartitions,
      List<Dataset<Row>> scratch) {
    String group = cv.groupColumn();
    Column[] features = SparseVectors.hashKey(col(LabeledData.FEATURES));
    Column key = group != null
        ? when(col(LabeledData.USER_GROUP).isNotNull(), xxhash64(lit(cv.seed()), col(LabeledData.USER_GROUP)))
        : xxhash64(lit(cv.seed()), features[0], features[1], col(LabeledData.LABEL), col(LabeledData.WEIGHT));
    // Read twice (the grouping, the join back): assembled and hashed once, cached until the folded rows
    // are. Partitioned by key, so neither the grouping nor the join moves these rows again.
    Dataset<Row> keyed = data.frame()
        .select(col(LabeledData.FEATURES), col(LabeledData.LABEL), col(LabeledData.WEIGHT), key.as(KEY))
        .repartition(numPartitions, col(KEY))
        .persist(StorageLevel.MEMORY_AND_DISK());
    scratch.add(keyed);
    // Classes: the class nearest the mean label (exact: integer sums); regression: the label midrange
    // (exact and order-free, where a floating-point mean would depend on the partitioning).
    boolean classes = data.numClasses() > 0;
    Column stratum = classes ? rint(avg(col(LabeledData.LABEL)))
        : min(col(LabeledData.LABEL)).plus(max(col(LabeledData.LABEL))).divide(2);
    Dataset<Row> groups = keyed.groupBy(col(KEY)).agg(count(lit(1)).as(SIZE), stratum.as(STRATUM))
        .persist(StorageLevel.MEMORY_AND_DISK());
    scratch.add(groups);
    Row g = groups.agg(count(lit(1)), coalesce(sum(when(col(KEY).isNull(), col(SIZE))), lit(0L))).first();
    data.release();   // keyed holds the rows now: the executors keep two copies at most, not three
    long count = g.getLong(0);
    long nullRows = g.getLong(1);
    if (nullRows > 0) {
      throw new DataException(data.path() + ": cv.groupColumn '" + group + "' has no value in " + nullRows
          + (nullRows == 1 ? " row" : " rows") + "; every row needs a group id");
    }
    if (count < k) {
      throw new DataException(data.path() + ": " + (group != null
          ? "cv.groupColumn '" + group + "' holds " + count + (count == 1 ? " group, which" : " groups, which")
          : data.rows() + " rows hold only " + count + " distinct ones (identical rows share a fold), which")
          + " cannot make " + k + " folds (cv.folds)");
    }
    Column[] order = !cv.stratify() ? new Column[] {col(SIZE).desc(), col(KEY)}
        : classes ? new Column[] {col(STRATUM), col(SIZE).desc(), col(KEY)}
        : new Column[] {col(SIZE).desc(), col(STRATUM), col(KEY)};
    JavaRDD<Row> dealt = groups.select(col(KEY), col(SIZE), col(STRATUM))
        .repartitionByRange(numPartitions, order).sortWithinPartitions(order)
        .javaRDD().zipWithIndex().map(t -> RowFactory.create(t._1().getLong(0), (int) (t._2() % k)));
    StructType schema = new StructType()
        .add(KEY, DataTypes.LongType, false)
        .add(FoldedData.FOLD, DataTypes.IntegerType, false);
    Dataset<Row> joined = keyed.join(spark.createDataFrame(dealt, schema), KEY);
    return group != null ? placed(joined, numPartitions) : sortedByKey(joined);
  }

  /**
   * Rows hash-partitioned by their key (the join's output, as {@code keyed} is), which without a group
   * column is a hash of the row's own features, label and weight: sorted by it within each partition,
   * their placement is a function of the rows alone, as {@link #placed} makes it, at no further shuffle.
   * Rows with equal keys are identical and share a fold (but for a 2⁻⁶⁴ chance), so their order among
   * themselves is moot. (With a group column a key covers a whole group, whose rows differ and may be
   * many: those are {@link #placed} by their own hash.)
   */
  private static Dataset<Row> sortedByKey(Dataset<Row> rows) {
    return rows.sortWithinPartitions(col(KEY))
        .select(col(LabeledData.FEATURES), col(LabeledData.LABEL), col(LabeledData.WEIGHT), col(FoldedData.FOLD));
  }

  /**
   * The folded rows in a placement that is a function of the rows alone: hash-partitioned by a row's
   * own hash and sorted by it within each partition. A shuffle delivers its blocks in no fixed order,
   * and every sum an engine takes over a partition would otherwise differ in its last bits from run to
   * run (a resumed run must reproduce the λ path and metrics of an uninterrupted one bit for bit). Rows
   * with equal hashes are identical (but for a 2⁻⁶⁴ chance), so their order among themselves is moot.
   */
  private static Dataset<Row> placed(Dataset<Row> rows, int numPartitions) {
    Column[] features = SparseVectors.hashKey(col(LabeledData.FEATURES));
    Column row = xxhash64(features[0], features[1], col(LabeledData.LABEL), col(LabeledData.WEIGHT),
        col(FoldedData.FOLD));
    return rows.withColumn("__row", row)
        .repartition(numPartitions, col("__row"))
        .sortWithinPartitions(col("__row"))
        .select(col(LabeledData.FEATURES), col(LabeledData.LABEL), col(LabeledData.WEIGHT), col(FoldedData.FOLD));
  }

  private static double[] userFoldIds(LabeledData data, CvSpec cv) {
    List<Row> distinct = data.frame().select(LabeledData.USER_FOLD).distinct().limit(1001).collectAsList();
    List<Double> ids = new ArrayList<>();
    for (Row r : distinct) ids.add(r.getDouble(0));
    ids.sort(Double::compare);
    String where = data.path() + ": cv.foldColumn '" + cv.foldColumn() + "'";
    if (ids.size() < 2) throw new DataException(where + " holds a single fold id; cross-validation needs at least 2");
    if (ids.size() > 1000) throw new DataException(where + " holds more than 1000 distinct fold ids");
    return ids.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Shuffles sized as the data: unless the launch set {@code spark.sql.shuffle.partitions}, every
   * aggregation and join from here on (fold assignment, fold counts, reports) shuffles into as many
   * partitions as the folded data has, not Spark's default 200 — on the bundled samples those 200
   * tiny tasks per stage were a third of a whole run (11 of 38 s).
   */
  private static void sizeShuffles(SparkSession spark, int numPartitions) {
    if (!spark.sparkContext().getConf().contains(SHUFFLE_PARTITIONS)) {
      spark.conf().set(SHUFFLE_PARTITIONS, Integer.toString(numPartitions));
    }
  }

  /**
   * Enough partitions to keep both cores busy, and no partition much over 32 MiB: a row's size is its
   * stored entries (a sparse row 12 bytes per non-zero, a dense one 8 per feature; estimated from the
   * first 1000 rows) and 24 bytes of label, weight and fold.
   */
  static int autoPartitions(SparkSession spark, LabeledData data) {
    List<Long> stored = data.frame().javaRDD()
        .map(r -> (long) ((org.apache.spark.ml.linalg.Vector) r.getAs(LabeledData.FEATURES)).numActives()).take(1000);
    double perRow = stored.isEmpty() ? data.numFeatures() : stored.stream().mapToLong(Long::longValue).average().orElse(0);
    long bytes = (long) (data.rows() * (perRow * (perRow >= data.numFeatures() ? 8 : 12) + 24));
    int bySize = (int) Math.min(10_000, (bytes + TARGET_PARTITION_BYTES - 1) / TARGET_PARTITION_BYTES);
    return Math.max(spark.sparkContext().defaultParallelism(), bySize);
  }
}
