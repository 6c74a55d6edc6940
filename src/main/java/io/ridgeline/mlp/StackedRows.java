package io.ridgeline.mlp;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * A training set stacked for fits: each partition's rows as dense row-major blocks ({@link Shard}s,
 * standardized, split into training and validation rows), cached on the executors, and what a fit needs
 * to know of them. Two passes over the rows: the first for the size, moments, label range and the
 * validation split's counts; the second (the same split's draws, seeded by (seed, partition)) stacks.
 * Nothing in it depends on the network or its training, so fits of many points can share one.
 */
final class StackedRows implements AutoCloseable {
  final JavaRDD<Shard> shards;
  final Standardization std;
  final long nTrain;
  final long nValid;
  final int numFeatures;
  /** Classes (at least 2) for classification, 1 for regression. */
  final int numOutputs;

  private StackedRows(JavaRDD<Shard> shards, Standardization std, long nTrain, long nValid, int numFeatures,
      int numOutputs) {
    this.shards = shards;
    this.std = std;
    this.nTrain = nTrain;
    this.nValid = nValid;
    this.numFeatures = numFeatures;
    this.numOutputs = numOutputs;
  }

  /**
   * Stacks {@code dataset}'s rows; classes from the label's nominal metadata or the largest label. The
   * blocks are computed by the first job that reads them.
   *
   * @param weightCol empty: every row weighs 1
   */
  static StackedRows of(Dataset<?> dataset, String featuresCol, String labelCol, String weightCol,
      boolean classification, boolean standardize, double validationFraction, long seed) {
    Dataset<Row> df = dataset.select(col(featuresCol), col(labelCol).cast(DataTypes.DoubleType),
        weightCol.isEmpty() ? lit(1.0) : col(weightCol).cast(DataTypes.DoubleType));
    JavaRDD<Row> rows = df.javaRDD();
    double vf = validationFraction;

    // Pass 1: size, moments, label range, and the validation split's counts (same draws as pass 2).
    Standardization.Stats stats = rows.mapPartitionsWithIndex((Integer part, Iterator<Row> it) -> {
      java.util.SplittableRandom rng = new java.util.SplittableRandom(Seeds.mix(seed, 3, part));
      Standardization.Stats s = new Standardization.Stats();
      while (it.hasNext()) {
        Row r = it.next();
        s.add(((Vector) r.get(0)).toArray(), r.getDouble(1), r.getDouble(2));
        if (vf > 0 && rng.nextDouble() < vf) s.validRows++;
      }
      return List.of(s).iterator();
    }, true).collect().stream().reduce(Standardization.Stats::merge).orElseThrow();
    if (stats.n == 0) throw new IllegalArgumentException("MlpEstimator: no rows to train on");
    int numFeatures = stats.p;
    int numOutputs = 1;
    if (classification) {
      int k = -1;
      Attribute a = Attribute.fromStructField(dataset.schema().apply(labelCol));
      if (a instanceof NominalAttribute nom && nom.getNumValues().isDefined()) k = (Integer) nom.getNumValues().get();
      numOutputs = Math.max(2, Math.max(k, (int) stats.maxLabel + 1));
      if (stats.minLabel < 0 || stats.nonInteger) {
        throw new IllegalArgumentException("MlpEstimator: classification labels must be 0, 1, …, K−1");
      }
    }
    Standardization std = Standardization.of(stats, standardize, classification);
    if (stats.n - stats.validRows == 0) {
      throw new IllegalArgumentException("MlpEstimator: no training rows after the validation split");
    }

    // Pass 2: stack each partition once into dense blocks (train / validation), cached.
    int p = numFeatures;
    JavaRDD<Shard> shards = rows.mapPartitionsWithIndex((Integer part, Iterator<Row> it) -> {
      java.util.SplittableRandom rng = new java.util.SplittableRandom(Seeds.mix(seed, 3, part));
      Shard.DoubleBuffer[] tr = {new Shard.DoubleBuffer(), new Shard.DoubleBuffer(), new Shard.DoubleBuffer()};
      Shard.DoubleBuffer[] va = {new Shard.DoubleBuffer(), new Shard.DoubleBuffer(), new Shard.DoubleBuffer()};
      int nt = 0;
      int nv = 0;
      double[] buf = new double[p];
      while (it.hasNext()) {
        Row r = it.next();
        boolean valid = vf > 0 && rng.nextDouble() < vf;
        Shard.DoubleBuffer[] to = valid ? va : tr;
        Vector x = (Vector) r.get(0);
        for (int j = 0; j < p; j++) buf[j] = x.apply(j);
        std.features(buf);
        for (int j = 0; j < p; j++) to[0].add(buf[j]);
        to[1].add(std.label(r.getDouble(1)));
        to[2].add(r.getDouble(2));
        if (valid) nv++; else nt++;
      }
      List<Shard> one = new ArrayList<>(1);
      one.add(new Shard(part, Shard.block(nt, p, tr[0], tr[1], tr[2]), Shard.block(nv, p, va[0], va[1], va[2])));
      return one.iterator();
    }, true).persist(StorageLevel.MEMORY_AND_DISK());
    return new StackedRows(shards, std, stats.n - stats.validRows, stats.validRows, numFeatures, numOutputs);
  }

  /** Releases the cached blocks. */
  @Override
  public void close() {
    shards.unpersist(false);
  }
}
