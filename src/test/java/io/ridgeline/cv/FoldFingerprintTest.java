package io.ridgeline.cv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.ridgeline.TestSpark;
import io.ridgeline.config.Metric;
import io.ridgeline.config.SelectionRule;
import io.ridgeline.config.SweepSpec.CvSpec;
import io.ridgeline.data.LabeledData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The data fingerprint that guards resume: a function of the rows and their folds alone (not of their
 * order or partitioning), changed by one value of one row, and computed with the fold weights in the
 * fold-counting job.
 */
class FoldFingerprintTest {
  private static final SparkSession spark = TestSpark.session();
  private static final CvSpec CV = new CvSpec(4, 42, false, null, null, Metric.RMSE, SelectionRule.MIN);
  private static final StructType SCHEMA = new StructType()
      .add(LabeledData.FEATURES, SQLDataTypes.VectorType())
      .add(LabeledData.LABEL, DataTypes.DoubleType)
      .add(LabeledData.WEIGHT, DataTypes.DoubleType);

  /** 200 rows, every fifth with a sparse feature vector; weights 1, 2, 3, 1, … */
  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      var x = i % 5 == 0 ? Vectors.sparse(3, new int[] {1}, new double[] {i}) : Vectors.dense(i, i % 7, -i * 0.5);
      rows.add(RowFactory.create(x, i * 0.25, 1.0 + i % 3));
    }
    return rows;
  }

  private static FoldedData fold(List<Row> rows, int partitions) {
    var frame = spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    return FoldPlan.assign(spark, new LabeledData(frame, List.of("a", "b", "c"), 0, rows.size(), "t", "y"), CV,
        partitions);
  }

  private static FoldedData changed(UnaryOperator<Row> change, int index) {
    List<Row> rows = rows();
    rows.set(index, change.apply(rows.get(index)));
    return fold(rows, 3);
  }

  @Test
  void independentOfOrderAndPartitioningChangedByOneValue() {
    FoldedData base = fold(rows(), 3);
    List<Row> reversed = rows();
    Collections.reverse(reversed);
    FoldedData other = fold(reversed, 7);
    assertEquals(base.fingerprintHex(), other.fingerprintHex(), "same rows, other order and partitions");
    assertEquals(16, base.fingerprintHex().length());
    double[] weights = new double[CV.folds()];
    for (Row r : base.frame().groupBy(FoldedData.FOLD).sum(LabeledData.WEIGHT).collectAsList()) {
      weights[r.getInt(0)] = r.getDouble(1);
    }
    assertArrayEquals(weights, base.foldWeights(), 0, "weights per fold");
    assertEquals(67 * 1 + 67 * 2 + 66 * 3, java.util.Arrays.stream(base.foldWeights()).sum(), 0);

    String label = changed(r -> RowFactory.create(r.get(0), r.getDouble(1) + 1e-9, r.getDouble(2)), 17)
        .fingerprintHex();
    String feature = changed(r -> RowFactory.create(Vectors.sparse(3, new int[] {1}, new double[] {11}),
        r.getDouble(1), r.getDouble(2)), 10).fingerprintHex();
    String weight = changed(r -> RowFactory.create(r.get(0), r.getDouble(1), 2.5), 3).fingerprintHex();
    for (String f : List.of(label, feature, weight)) assertNotEquals(base.fingerprintHex(), f);
    for (FoldedData f : List.of(base, other)) f.release();
  }
}
