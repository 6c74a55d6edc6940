package io.ridgeline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ridgeline.TestSpark;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.LabeledData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

/** The glmnet side's input: read back, x.mtx and rows.tsv hold exactly the cached rows, in order. */
class MatrixMarketExportTest {
  private static final SparkSession spark = TestSpark.session();

  @Test
  void matrixAndRowsHoldEveryNonzeroLabelWeightAndFoldInOrder() throws Exception {
    StructType schema = new StructType()
        .add(LabeledData.FEATURES, SQLDataTypes.VectorType(), false)
        .add(LabeledData.LABEL, DataTypes.DoubleType, false)
        .add(LabeledData.WEIGHT, DataTypes.DoubleType, false)
        .add(FoldedData.FOLD, DataTypes.IntegerType, false);
    List<Row> input = List.of(
        RowFactory.create(Vectors.sparse(4, new int[] {0, 3}, new double[] {1.5, -2e-7}), 1.0, 1.0, 0),
        RowFactory.create(Vectors.sparse(4, new int[] {}, new double[] {}), 0.0, 2.0, 1), // no entries
        RowFactory.create(Vectors.dense(0.0, 0.1, 0.0, 3.0), 2.0, 0.5, 1), // explicit zeros left out
        RowFactory.create(Vectors.sparse(4, new int[] {2}, new double[] {1.0 / 3}), 1.0, 1.0, 0));
    Dataset<Row> frame = spark.createDataFrame(input, schema).repartition(1).cache();
    LabeledData labeled = new LabeledData(frame.select(LabeledData.FEATURES, LabeledData.LABEL, LabeledData.WEIGHT),
        List.of("a", "b", "c", "d"), 3, 4, "test", "y");
    FoldedData folded = new FoldedData(frame, labeled, 2, new long[] {2, 2}, new double[] {2.0, 2.5}, 0L);
    Path dir = TestSpark.tempDir("mm-export");

    long nonzeros = MatrixMarketExport.write(spark, folded, dir);

    List<Row> cached = frame.collectAsList();
    List<String> expectedEntries = new ArrayList<>();
    List<String> expectedRows = new ArrayList<>(List.of("row\tlabel\tweight\tfold"));
    for (int i = 0; i < cached.size(); i++) {
      Vector v = cached.get(i).getAs(0);
      double[] x = v.toArray();
      for (int j = 0; j < x.length; j++) if (x[j] != 0) expectedEntries.add((i + 1) + " " + (j + 1) + " " + x[j]);
      expectedRows.add((i + 1) + "\t" + cached.get(i).getDouble(1) + "\t" + cached.get(i).getDouble(2) + "\t"
          + (cached.get(i).getInt(3) + 1));
    }
    List<String> matrix = Files.readAllLines(dir.resolve(MatrixMarketExport.MATRIX));
    assertEquals("%%MatrixMarket matrix coordinate real general", matrix.get(0));
    assertEquals("4 4 " + expectedEntries.size(), matrix.get(1));
    assertEquals(expectedEntries, matrix.subList(2, matrix.size()));
    assertEquals(5, nonzeros);
    assertEquals(expectedRows, Files.readAllLines(dir.resolve(MatrixMarketExport.ROWS)));
    assertEquals(List.of(MatrixMarketExport.ROWS, MatrixMarketExport.MATRIX).stream().sorted().toList(),
        Files.list(dir).map(f -> f.getFileName().toString()).sorted().toList(), "the part directories are removed");
    frame.unpersist();
  }
}
