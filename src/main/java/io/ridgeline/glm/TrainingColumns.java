package io.ridgeline.glm;

import java.util.Iterator;

/**
 * One training set's rows held by one task, by column (compressed sparse columns over the stored,
 * shifted values of {@link SparseBlocks}): what coordinate descent needs, each coordinate's work ∝ its
 * column's stored entries. Built from the blocks of every partition, skipping the rows of the held-out
 * fold (held ≥ k: none). Memory: 12 bytes per stored entry, 16 per row, 4 per feature.
 */
final class TrainingColumns {
  final int n;
  final int p;
  /** Column j's entries are at {@code start[j]..start[j+1]}: rows {@code row}, values {@code value}. */
  final int[] start;
  final int[] row;
  final double[] value;
  final double[] y;
  final double[] w;
  /** Whether every weight is 1 (the descent's loops then skip them). */
  final boolean unitWeights;

  private TrainingColumns(int n, int p, int[] start, int[] row, double[] value, double[] y, double[] w) {
    this.n = n;
    this.p = p;
    this.start = start;
    this.row = row;
    this.value = value;
    this.y = y;
    this.w = w;
    boolean unit = true;
    for (double wi : w) unit &= wi == 1;
    unitWeights = unit;
  }

  /** The set's columns from {@code blocks} (iterated twice: counting, then filling). */
  static TrainingColumns of(Iterable<SparseBlocks.Block> blocks, int p, int held) {
    int n = 0;
    int[] start = new int[p + 1];
    for (SparseBlocks.Block b : blocks) {
      for (int i = 0; i < b.n(); i++) {
        if (b.fold()[i] == held) continue;
        n++;
        for (int e = b.rowStart()[i]; e < b.rowStart()[i + 1]; e++) start[b.index()[e] + 1]++;
      }
    }
    for (int j = 0; j < p; j++) start[j + 1] += start[j];
    int[] next = java.util.Arrays.copyOf(start, p);
    int[] row = new int[start[p]];
    double[] value = new double[start[p]];
    double[] y = new double[n];
    double[] w = new double[n];
    int r = 0;
    for (SparseBlocks.Block b : blocks) {
      for (int i = 0; i < b.n(); i++) {
        if (b.fold()[i] == held) continue;
        y[r] = b.y()[i];
        w[r] = b.w()[i];
        for (int e = b.rowStart()[i]; e < b.rowStart()[i + 1]; e++) {
          int at = next[b.index()[e]]++;
          row[at] = r;
          value[at] = b.value()[e];
        }
        r++;
      }
    }
    return new TrainingColumns(n, p, start, row, value, y, w);
  }

  /** The blocks of one partition iterator, kept for the two passes of {@link #of}. */
  static java.util.List<SparseBlocks.Block> collect(Iterator<SparseBlocks.Block> it) {
    java.util.List<SparseBlocks.Block> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
