package io.ridgeline.mlp;

/** Deterministic seeds derived from (seed, purpose, epoch, partition, step) by SplitMix64 mixing. */
final class Seeds {
  private Seeds() {}

  static long mix(long seed, long... parts) {
    long h = splitmix(seed);
    for (long p : parts) h = splitmix(h ^ splitmix(p + 0x632BE59BD9B4E019L));
    return h;
  }

  private static long splitmix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
