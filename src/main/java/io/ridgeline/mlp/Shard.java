package io.ridgeline.mlp;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * One partition's data stacked once into dense row-major blocks: the training rows and the held-out
 * validation rows (early stopping). No per-row objects remain after stacking; the trainer's hot loops
 * gather mini-batches from these arrays into preallocated buffers.
 */
public final class Shard implements Serializable {
  private static final long serialVersionUID = 1L;

  /** n rows × p features (row-major), labels and instance weights. */
  public static final class Block implements Serializable {
    private static final long serialVersionUID = 1L;
    public final int n;
    public final int p;
    public final double[] x;
    public final double[] y;
    public final double[] w;

    public Block(int n, int p, double[] x, double[] y, double[] w) {
      this.n = n;
      this.p = p;
      this.x = x;
      this.y = y;
      this.w = w;
    }
  }

  public final int partition;
  public final Block train;
  public final Block valid;
  /**
   * The last permutation computed and its (seed, epoch), kept on the (cached) shard object. Fits sharing
   * these blocks may run at once with other seeds or epochs: a new permutation is a new array, so one
   * handed out is never changed.
   */
  private transient int[] perm;
  private transient long permSeed;
  private transient long permEpoch = -1;

  public Shard(int partition, Block train, Block valid) {
    this.partition = partition;
    this.train = train;
    this.valid = valid;
  }

  /**
   * The training rows in epoch e's order: a Fisher–Yates shuffle seeded by (seed, e, partition), so the
   * order depends on nothing but those three.
   */
  synchronized int[] order(long seed, int epoch) {
    if (perm == null || permEpoch != epoch || permSeed != seed) {
      int n = train.n;
      int[] a = new int[n];
      for (int i = 0; i < n; i++) a[i] = i;
      SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 1, epoch, partition));
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      perm = a;
      permSeed = seed;
      permEpoch = epoch;
    }
    return perm;
  }

  /** Stacks rows given as parallel growable arrays into a block. */
  static Block block(int n, int p, DoubleBuffer x, DoubleBuffer y, DoubleBuffer w) {
    return new Block(n, p, x.toArray(), y.toArray(), w.toArray());
  }

  /** A growable primitive buffer (used once, while stacking). */
  static final class DoubleBuffer {
    private double[] a = new double[64];
    private int size;

    void add(double v) {
      if (size == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
      a[size++] = v;
    }

    double[] toArray() {
      return java.util.Arrays.copyOf(a, size);
    }
  }
}
