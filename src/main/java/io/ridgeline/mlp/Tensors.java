package io.ridgeline.mlp;

import breeze.linalg.DenseMatrix;
import breeze.linalg.operators.HasOps$;
import breeze.linalg.DenseMatrix$mcD$sp;
import breeze.generic.UFunc;

/**
 * The one place that talks to the matrix library: the three mini-batch matrix products of a dense
 * layer, on row-major {@code double[]} blocks, computed with Breeze ({@code DenseMatrix *}, which calls
 * BLAS {@code dgemm} through Spark's netlib). Everything else in the package works on primitive arrays
 * and never sees Breeze or Scala implicits: this class builds Breeze views over the arrays (no copy in)
 * and copies each product out.
 *
 * <p>A row-major r×c array is Breeze's column-major c×r matrix, or an r×c matrix viewed transposed.
 * With X the m×in layer input, W the out×in weights and D = ∂J/∂Z the m×out gradient at the output:
 * <pre>
 *   forward   Z  = X·Wᵀ      as  Zᵀ(out×m)  = W(out×in) · Xᵀ(in×m)
 *   weights   ∂W += Dᵀ·X     as  ∂Wᵀ(in×out) += Xᵀ(in×m) · D(m×out)
 *   input     ∂X = D·W       as  ∂Xᵀ(in×m)  = Wᵀ(in×out) · Dᵀ(out×m)
 * </pre>
 */
final class Tensors {
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final UFunc.UImpl2 TIMES = (UFunc.UImpl2) HasOps$.MODULE$.impl_OpMulMatrix_DMD_DMD_eq_DMD();

  private Tensors() {}

  /** A column-major rows×cols view of {@code data} from {@code offset} (a row-major cols×rows block). */
  private static DenseMatrix<Object> colMajor(int rows, int cols, double[] data, int offset) {
    return new DenseMatrix$mcD$sp(rows, cols, data, offset, rows, false);
  }

  /** A rows×cols view of a row-major rows×cols block. */
  private static DenseMatrix<Object> rowMajor(int rows, int cols, double[] data, int offset) {
    return new DenseMatrix$mcD$sp(rows, cols, data, offset, cols, true);
  }

  @SuppressWarnings("unchecked")
  private static double[] times(DenseMatrix<Object> a, DenseMatrix<Object> b) {
    DenseMatrix<Object> c = (DenseMatrix<Object>) TIMES.apply(a, b);
    return c.data$mcD$sp();
  }

  /** z[m×out] = x[m×in] · Wᵀ, W = theta[wOff .. wOff + out·in) row-major out×in. */
  static void affine(double[] x, int m, int in, double[] theta, int wOff, int out, double[] z) {
    double[] zt = times(rowMajor(out, in, theta, wOff), colMajor(in, m, x, 0));
    System.arraycopy(zt, 0, z, 0, out * m);
  }

  /** grad[wOff ..] (out×in row-major) += dᵀ[out×m] · a[m×in]. */
  static void weightGrad(double[] d, int m, int out, double[] a, int in, double[] grad, int wOff) {
    double[] gt = times(colMajor(in, m, a, 0), rowMajor(m, out, d, 0));
    for (int i = 0; i < in * out; i++) grad[wOff + i] += gt[i];
  }

  /** dA[m×in] = d[m×out] · W. */
  static void backprop(double[] d, int m, int out, double[] theta, int wOff, int in, double[] dA) {
    double[] at = times(colMajor(in, out, theta, wOff), colMajor(out, m, d, 0));
    System.arraycopy(at, 0, dA, 0, in * m);
  }
}
