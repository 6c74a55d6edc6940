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

  /**
   * out[i] = Σ_j a[ao + j]·x[rows[i] + j] for i &lt; m: the margins of a chunk of rows under one coefficient
   * vector, four rows at a time (each coefficient loaded once for four rows).
   */
  void margins(double[] a, int ao, double[] x, int[] rows, int m, int p, double[] out) {
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      java.util.Arrays.fill(out, i, i + 4, 0.0);
      margins4(a, ao, x, rows, i, 0, p, out);
    }
    for (; i < m; i++) out[i] = dot(a, ao, x, rows[i], p);
  }

  /** out[i + r] += Σ_{from ≤ j &lt; p} a[ao + j]·x[rows[i + r] + j] for r &lt; 4. */
  static void margins4(double[] a, int ao, double[] x, int[] rows, int i, int from, int p, double[] out) {
    int r0 = rows[i];
    int r1 = rows[i + 1];
    int r2 = rows[i + 2];
    int r3 = rows[i + 3];
    double s0 = out[i];
    double s1 = out[i + 1];
    double s2 = out[i + 2];
    double s3 = out[i + 3];
    for (int j = from; j < p; j++) {
      double aj = a[ao + j];
      s0 += aj * x[r0 + j];
      s1 += aj * x[r1 + j];
      s2 += aj * x[r2 + j];
      s3 += aj * x[r3 + j];
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }

  /**
   * y[yo + j] += Σ_{i&lt;m} c[i]·x[rows[i] + j] for j &lt; p: a chunk's shares of a gradient, four rows at
   * a time (each element of y loaded and stored once for four rows).
   */
  void combine(double[] c, double[] x, int[] rows, int m, int p, double[] y, int yo) {
    int i = 0;
    for (; i + 4 <= m; i += 4) combine4(c, x, rows, i, 0, p, y, yo);
    for (; i < m; i++) axpy(c[i], x, rows[i], y, yo, p);
  }

  /** y[yo + j] += Σ_{r&lt;4} c[i + r]·x[rows[i + r] + j] for from ≤ j &lt; p. */
  static void combine4(double[] c, double[] x, int[] rows, int i, int from, int p, double[] y, int yo) {
    int r0 = rows[i];
    int r1 = rows[i + 1];
    int r2 = rows[i + 2];
    int r3 = rows[i + 3];
    double c0 = c[i];
    double c1 = c[i + 1];
    double c2 = c[i + 2];
    double c3 = c[i + 3];
    for (int j = from; j < p; j++) y[yo + j] += c0 * x[r0 + j] + c1 * x[r1 + j] + c2 * x[r2 + j] + c3 * x[r3 + j];
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
