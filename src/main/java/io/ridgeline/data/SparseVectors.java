package io.ridgeline.data;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Column functions over ML vectors that read only a vector's stored entries: a sparse vector costs its
 * non-zeros, never its size (unlike {@code vector_to_array}, which writes out all p doubles).
 */
public final class SparseVectors {
  private SparseVectors() {}

  private static final UserDefinedFunction CHECKED_SIZE = functions.udf(
      (UDF1<Vector, Integer>) v -> v == null ? null : allFinite(stored(v)) ? v.size() : -1,
      DataTypes.IntegerType);

  private static final UserDefinedFunction STORED_VALUES = functions.udf(
      (UDF1<Vector, double[]>) v -> v == null ? null : stored(v),
      DataTypes.createArrayType(DataTypes.DoubleType, false));

  private static final UserDefinedFunction SPARSE_INDICES = functions.udf(
      (UDF1<Vector, int[]>) v -> v instanceof SparseVector s ? s.indices() : null,
      DataTypes.createArrayType(DataTypes.IntegerType, false));

  /**
   * The vector's size when every stored value is finite, −1 when one is NaN or ±∞, null for a null
   * vector: one pass over the stored values.
   */
  public static Column checkedSize(Column vector) {
    return CHECKED_SIZE.apply(vector);
  }

  /**
   * What a vector is hashed by, as columns: its stored values, then (sparse only, else null) their
   * indices. A dense vector's values are all p entries, so {@code xxhash64(…, values, indices, …)} of a
   * dense vector equals {@code xxhash64(…, vector_to_array(v), …)} (Spark's hash skips nulls); a sparse
   * one hashes its non-zeros and where they are. Equal vectors stored alike hash alike.
   */
  public static Column[] hashKey(Column vector) {
    return new Column[] {STORED_VALUES.apply(vector), SPARSE_INDICES.apply(vector)};
  }

  private static double[] stored(Vector v) {
    return v instanceof SparseVector s ? s.values() : ((DenseVector) v).values();
  }

  private static boolean allFinite(double[] values) {
    for (double x : values) if (!Double.isFinite(x)) return false;
    return true;
  }
}
