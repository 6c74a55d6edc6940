package io.ridgeline.mlp;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The one place that talks to BLAS: the three mini-batch matrix products of a dense layer, on
 * row-major {@code double[]} blocks. Everything else in the package works on primitive arrays and
 * never sees a matrix library (or Scala implicits).
 *
 * <p>BLAS is column-major; a row-major r×c array is the column-major c×r transpose, so each product
 * below is written as the transposed product. With X the m×in layer input, W the out×in weights and
 * D = ∂J/∂Z the m×out gradient at the layer output:
 * <pre>
 *   forward   Z  = X·Wᵀ           dgemm("T","N", out, m, in;  W, X → Zᵀ)
 *   weights   ∂W += Dᵀ·X          dgemm("N","T", in, out, m;  X, D → ∂Wᵀ)
 *   input     ∂X = D·W            dgemm("N","N", in, m, out;  W, D → ∂Xᵀ)
 * </pre>
 * The BLAS is Spark's {@code dev.ludovic.netlib} (native when a system BLAS is installed, otherwise
 * its vectorized Java implementation). Breeze's {@code DenseMatrix *} would call the same routine;
 * calling it directly avoids a copy per product.
 */
final class Tensors {
  private static final BLAS BLAS_ = BLAS.getInstance();

  private Tensors() {}

  /** z[m×out] = x[m×in] · Wᵀ, W = theta[wOff .. wOff + out·in) row-major out×in. */
  static void affine(double[] x, int m, int in, double[] theta, int wOff, int out, double[] z) {
    BLAS_.dgemm("T", "N", out, m, in, 1.0, theta, wOff, in, x, 0, in, 0.0, z, 0, out);
  }

  /** grad[wOff ..] (out×in row-major) += dᵀ[out×m] · a[m×in]. */
  static void weightGrad(double[] d, int m, int out, double[] a, int in, double[] grad, int wOff) {
    BLAS_.dgemm("N", "T", in, out, m, 1.0, a, 0, in, d, 0, out, 1.0, grad, wOff, in);
  }

  /** dA[m×in] = d[m×out] · W. */
  static void backprop(double[] d, int m, int out, double[] theta, int wOff, int in, double[] dA) {
    BLAS_.dgemm("N", "N", in, m, out, 1.0, theta, wOff, in, d, 0, out, 0.0, dA, 0, in);
  }
}
