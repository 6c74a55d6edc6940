package io.ridgeline.glm;

import java.util.Random;

/**
 * A developer's harness, not a test: times both {@link GramKernel}s on one block of dense rows (the
 * Hessian pass's inner loop, H += Σv·xxᵀ in chunks of {@link GramKernel#CHUNK} rows), one thread, and
 * prints GFLOP/s (2 flops per multiply-add, p(p+1)/2 of them a row). Usage: {@code java
 * --add-modules=jdk.incubator.vector -cp target/test-classes:target/classes io.ridgeline.glm.GramKernelBench
 * [P] [ROWS] [REPEAT]} (defaults 300, 4096, 8); the last repeats are the warmed-up figures.
 */
public final class GramKernelBench {
  private GramKernelBench() {}

  public static void main(String[] args) {
    int p = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    int repeat = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    Random rnd = new Random(1);
    double[] x = new double[n * p];
    for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian();
    double[] v = new double[GramKernel.CHUNK];
    for (int i = 0; i < v.length; i++) v[i] = rnd.nextDouble();
    int[] rows = new int[GramKernel.CHUNK];
    GramKernel[] kernels = {new GramKernel(), new VectorGramKernel()};
    double flops = 2.0 * n * p * (p + 1) / 2;
    for (int r = 0; r < repeat; r++) {
      StringBuilder line = new StringBuilder("run " + (r + 1) + ":");
      for (GramKernel kernel : kernels) {
        double[] acc = new double[p * (p + 1) / 2];
        double[] scratch = kernel.scratch(p);
        long start = System.nanoTime();
        for (int c = 0; c < n; c += GramKernel.CHUNK) {
          int m = Math.min(GramKernel.CHUNK, n - c);
          for (int i = 0; i < m; i++) rows[i] = (c + i) * p;
          kernel.add(x, p, rows, v, m, acc, 0, scratch);
        }
        line.append(String.format("  %s %.1f GFLOP/s", kernel.name(), flops / (System.nanoTime() - start)));
      }
      System.out.println(line);
    }
  }
}
