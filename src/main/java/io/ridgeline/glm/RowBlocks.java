package io.ridgeline.glm;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The cached data as dense row-major blocks of primitive arrays (features shifted by a constant vector,
 * label, weight, fold id), so a pass over it is a tight loop with no per-row objects. Up to
 * {@value #ROWS} rows a block (1 MiB at p = 32). Built lazily from {@code FoldedData.frame()} (columns
 * features, label, weight, fold first) and cached until {@link #release}.
 */
final class RowBlocks {
  static final int ROWS = 4096;

  /** n rows × p features, row-major; x holds x − shift. */
  record Block(int n, double[] x, double[] y, double[] w, int[] fold) implements Serializable {}

  private final JavaRDD<Block> rdd;

  private RowBlocks(JavaRDD<Block> rdd) {
    this.rdd = rdd;
  }

  static RowBlocks of(Dataset<Row> frame, int p, double[] shift) {
    JavaRDD<Block> rdd = frame.javaRDD().mapPartitions(rows -> blocks(rows, p, shift))
        .persist(StorageLevel.MEMORY_AND_DISK());
    rdd.setName("ridgeline: row blocks");
    return new RowBlocks(rdd);
  }

  JavaRDD<Block> rdd() {
    return rdd;
  }

  void release() {
    rdd.unpersist(false);
  }

  private static Iterator<Block> blocks(Iterator<Row> rows, int p, double[] shift) {
    List<Block> out = new ArrayList<>();
    double[] x = new double[ROWS * p];
    double[] y = new double[ROWS];
    double[] w = new double[ROWS];
    int[] fold = new int[ROWS];
    int n = 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      Vector v = (Vector) r.get(0);
      int o = n * p;
      if (v instanceof DenseVector d) {
        System.arraycopy(d.values(), 0, x, o, p);
      } else {
        SparseVector s = (SparseVector) v;
        int[] idx = s.indices();
        double[] val = s.values();
        for (int i = 0; i < idx.length; i++) x[o + idx[i]] = val[i];
      }
      for (int j = 0; j < p; j++) x[o + j] -= shift[j];
      y[n] = r.getDouble(1);
      w[n] = r.getDouble(2);
      fold[n] = r.getInt(3);
      if (++n == ROWS) {
        out.add(new Block(n, x, y, w, fold));
        x = new double[ROWS * p];
        y = new double[ROWS];
        w = new double[ROWS];
        fold = new int[ROWS];
        n = 0;
      }
    }
    if (n > 0) {
      out.add(new Block(n, java.util.Arrays.copyOf(x, n * p), java.util.Arrays.copyOf(y, n),
          java.util.Arrays.copyOf(w, n), java.util.Arrays.copyOf(fold, n)));
    }
    return out.iterator();
  }
}
