package io.ridgeline.glm;

/**
 * The hot loops of every dense logistic pass: H += Σ_i v_i·x_i x_iᵀ over a chunk of rows, into the lower
 * triangle of H packed by rows (element (j, q), q ≤ j, at {@code at + j(j+1)/2 + q}); and a row's
 * margin (a dot product) and its share of the gradient (an axpy).
 *
 * <p>Two implementations with the same contract: {@link VectorGramKernel}, register-tiled on the
 * incubating Vector API ({@code jdk.incubator.vector}; on these AVX-512 machines 3.2× the scalar kernel
 * at p = 30 and 4.2× at p = 300, {@code GramKernelBench}), taken when
 * the module is in the JVM's boot layer ({@code --add-modules=jdk.incubator.vector}, as
 * {@code conf/jvm.options} and Spark's own launcher pass it); otherwise, or with
 * {@code -Dridgeline.vector=false}, this class's scalar rank-4 update. They differ only in the order of
 * the additions (relative differences ~1e−15·m).
 */
class GramKernel {
  /** Rows per call: the chunk and its scaled copy stay in the L2 cache for p up to a few hundred. */
  static final int CHUNK = 64;

  private static final GramKernel INSTANCE = choose();

  /** The kernel for this JVM. */
  static GramKernel get() {
    return INSTANCE;
  }

  /** Which implementation runs ({@code vector} or {@code scalar}), for the log. */
  String name() {
    return "scalar";
  }

  private static GramKernel choose() {
    boolean wanted = !"false".equals(System.getProperty("ridgeline.vector"));
    if (wanted && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        return (GramKernel) Class.forName("io.ridgeline.glm.VectorGramKernel").getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        // The module is there but unusable on this JVM: the scalar kernel is exact too.
      }
    }
    return new GramKernel();
  }

  /** A scratch buffer for {@link #add} at p features, allocated once per pass. */
  double[] scratch(int p) {
    return new double[0];
  }

  /**
   * Adds Σ_{i<m} v[i]·x_i x_iᵀ (x_i = x[rows[i] .. rows[i] + p)) to the packed lower triangle at
   * {@code acc[at..]}; {@code scratch} comes from {@link #scratch}(p), m ≤ {@link #CHUNK}.
   */
  void add(double[] x, int p, int[] rows, double[] v, int m, double[] acc, int at, double[] scratch) {
    int i = 0;
    for (; i + 4 <= m; i += 4) rank4(x, p, rows[i], rows[i + 1], rows[i + 2], rows[i + 3], v, i, acc, at);
    for (; i < m; i++) rank4(x, p, rows[i], rows[i], rows[i], rows[i], new double[] {v[i], 0, 0, 0}, 0, acc, at);
  }

  /** Σ_j a[ao + j]·b[bo + j] over p terms (four partial sums: the additions do not wait on each other). */
  double dot(double[] a, int ao, double[] b, int bo, int p) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 4 <= p; j += 4) {
      s0 += a[ao + j] * b[bo + j];
      s1 += a[ao + j + 1] * b[bo + j + 1];
      s2 += a[ao + j + 2] * b[bo + j + 2];
      s3 += a[ao + j + 3] * b[bo + j + 3];
    }
    for (; j < p; j++) s0 += a[ao + j] * b[bo + j];
    return (s0 + s1) + (s2 + s3);
  }

  /** y[yo + j] += c·x[xo + j] for j &lt; p. */
  void axpy(double c, double[] x, int xo, double[] y, int yo, int p) {
    for (int j = 0; j < p; j++) y[yo + j] += c * x[xo + j];
  }

  /** Four rows at once: four multiply-adds per load and store of an element of H. */
  private static void rank4(double[] x, int p, int a, int b, int c, int d, double[] v, int o, double[] acc, int at) {
    double va = v[o];
    double vb = v[o + 1];
    double vc = v[o + 2];
    double vd = v[o + 3];
    for (int j = 0; j < p; j++) {
      double ja = va * x[a + j];
      double jb = vb * x[b + j];
      double jc = vc * x[c + j];
      double jd = vd * x[d + j];
      int base = at + j * (j + 1) / 2;
      for (int q = 0; q <= j; q++) {
        acc[base + q] += ja * x[a + q] + jb * x[b + q] + jc * x[c + q] + jd * x[d + q];
      }
    }
  }
}
