package io.ridgeline.mlp;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A fully connected network's shape, parameter layout and its forward and backward passes on a
 * mini-batch held in a {@link Workspace}. Immutable and serializable; the parameters θ live in one
 * flat {@code double[]} so optimizers, averaging and broadcasting see a single vector.
 *
 * <h2>Layout of θ</h2>
 * For layer l = 0..L−1 with n_l inputs and n_{l+1} outputs: W_l (n_{l+1}×n_l, row-major), then either
 * the bias b_l, or — for a hidden layer with batch normalization, where a bias would be cancelled by the
 * centring — the scale γ_l and shift β_l. {@link #penalized} marks the entries of the W_l: L1, L2 and
 * weight decay apply to them only, never to biases or BN parameters. BN running statistics are not in
 * θ; they are two separate vectors (mean, variance) of Σ hidden widths, laid out by {@link #bnOff}.
 *
 * <h2>Forward (m rows, a_0 = X)</h2>
 * <pre>
 *   hidden l:  z = a_l W_lᵀ (+ b_l)
 *              BN (training): μ = (1/m)Σ_i z_i, σ² = (1/m)Σ_i (z_i − μ)², ẑ = (z − μ)/√(σ² + ε), y = γ ẑ + β
 *              BN (inference): the same with the running μ, σ² in place of the batch statistics
 *              h = f(y)                        f ∈ {relu, tanh, sigmoid}
 *              a_{l+1} = h ⊙ r / (1 − p_l)     inverted dropout, r_ij ~ Bernoulli(1 − p_l); training only
 *   output:    z_L = a_{L−1} W_Lᵀ + b_L
 *   loss:      J = Σ_i ω_i ℓ_i                 (the caller divides by Σω and adds the penalty)
 *     classification: p = softmax(z_L), q = (1 − s)·e_y + s/K (label smoothing s), ℓ = −Σ_k q_k log p_k
 *     regression:     ℓ = (z_L − y)²
 * </pre>
 * <h2>Backward</h2>
 * <pre>
 *   δ_L = ∂J/∂z_L = ω_i (p_i − q_i)  or  2 ω_i (z_i − y_i)
 *   any layer:  ∂W_l = δᵀ a_l,  ∂b_l = Σ_i δ_i,  ∂a_l = δ W_l
 *   dropout:    ∂h = ∂a_{l+1} ⊙ r / (1 − p_l)
 *   activation: ∂y = ∂h ⊙ f'(y):  relu 1[h > 0],  tanh 1 − h²,  sigmoid h(1 − h)
 *   BN:         ∂γ = Σ_i ∂y_i ẑ_i,  ∂β = Σ_i ∂y_i,  ∂ẑ = γ ∂y,
 *               ∂z_i = (1/(m σ̃)) (m ∂ẑ_i − Σ_j ∂ẑ_j − ẑ_i Σ_j ∂ẑ_j ẑ_j),  σ̃ = √(σ² + ε)
 * </pre>
 * Cost per batch: three matrix products per layer (see {@link Tensors}), O(m·Σ n_l n_{l+1}).
 */
public final class Network implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Batch-norm ε inside the square root. */
  public static final double BN_EPS = 1e-5;

  /** Hidden-layer non-linearity. */
  public enum Activation {
    RELU, TANH, SIGMOID;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Activation of(String key) {
      return valueOf(key.toUpperCase(Locale.ROOT));
    }
  }

  /** Forward mode: training (batch statistics, dropout) or inference (running statistics). */
  public enum Mode { TRAIN, EVAL }

  final int[] sizes;
  final Activation activation;
  final boolean batchNorm;
  /** Dropout rate per hidden layer. */
  final double[] dropout;
  final boolean anyDropout;
  final boolean classification;
  final double labelSmoothing;
  final int layers;
  final int[] wOff;
  final int[] bOff;
  final int[] gOff;
  final int[] betaOff;
  final int[] bnOff;
  final int numParams;
  final int numBn;
  final boolean[] penalized;
  final int maxWidth;

  /**
   * @param sizes inputs, hidden widths..., outputs (K classes, or 1 for regression)
   */
  public Network(int[] sizes, Activation activation, boolean batchNorm, double dropout, boolean classification,
      double labelSmoothing) {
    this(sizes, activation, batchNorm, uniform(dropout, sizes.length - 2), classification, labelSmoothing);
  }

  private static double[] uniform(double rate, int n) {
    double[] d = new double[Math.max(0, n)];
    Arrays.fill(d, rate);
    return d;
  }

  /**
   * @param sizes inputs, hidden widths..., outputs (K classes, or 1 for regression)
   * @param dropout one rate per hidden layer
   */
  public Network(int[] sizes, Activation activation, boolean batchNorm, double[] dropout, boolean classification,
      double labelSmoothing) {
    if (sizes.length < 2) throw new IllegalArgumentException("a network needs inputs and outputs");
    if (dropout.length != sizes.length - 2) {
      throw new IllegalArgumentException("dropout: " + dropout.length + " rates for " + (sizes.length - 2) + " hidden layers");
    }
    this.sizes = sizes.clone();
    this.activation = activation;
    this.batchNorm = batchNorm;
    this.dropout = dropout.clone();
    this.anyDropout = Arrays.stream(dropout).anyMatch(r -> r > 0);
    this.classification = classification;
    this.labelSmoothing = labelSmoothing;
    this.layers = sizes.length - 1;
    wOff = new int[layers];
    bOff = new int[layers];
    gOff = new int[layers];
    betaOff = new int[layers];
    bnOff = new int[layers];
    int off = 0;
    int bn = 0;
    int width = 0;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      width = Math.max(width, Math.max(in, out));
      wOff[l] = off;
      off += in * out;
      if (hasBn(l)) {
        bOff[l] = -1;
        gOff[l] = off;
        off += out;
        betaOff[l] = off;
        off += out;
        bnOff[l] = bn;
        bn += out;
      } else {
        bOff[l] = off;
        off += out;
        gOff[l] = betaOff[l] = bnOff[l] = -1;
      }
    }
    numParams = off;
    numBn = bn;
    maxWidth = width;
    penalized = new boolean[numParams];
    for (int l = 0; l < layers; l++) Arrays.fill(penalized, wOff[l], wOff[l] + sizes[l] * sizes[l + 1], true);
  }

  boolean hasBn(int l) {
    return batchNorm && l < layers - 1;
  }

  boolean hidden(int l) {
    return l < layers - 1;
  }

  public int numInputs() {
    return sizes[0];
  }

  public int numOutputs() {
    return sizes[layers];
  }

  public int numParams() {
    return numParams;
  }

  public int numBnStats() {
    return numBn;
  }

  public int[] sizes() {
    return sizes.clone();
  }

  /**
   * Initial θ: W ~ N(0, 2/n_in) (He) for relu hidden layers, N(0, 2/(n_in + n_out)) (Glorot) for
   * tanh/sigmoid hidden layers and the output layer; biases and β 0, γ 1.
   */
  public double[] init(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] theta = new double[numParams];
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      boolean he = hidden(l) && activation == Activation.RELU;
      double sd = Math.sqrt(he ? 2.0 / in : 2.0 / (in + out));
      for (int k = 0; k < in * out; k++) theta[wOff[l] + k] = sd * gaussian(rng);
      if (hasBn(l)) Arrays.fill(theta, gOff[l], gOff[l] + out, 1.0);
    }
    return theta;
  }

  static double gaussian(SplittableRandom rng) {
    // Box–Muller, one value per call: deterministic and independent of any other state.
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** Running statistics at start: mean 0, variance 1. */
  public double[][] initRunning() {
    double[] var = new double[numBn];
    Arrays.fill(var, 1.0);
    return new double[][] {new double[numBn], var};
  }

  /**
   * Forward pass over the first m rows of {@code ws.a[0]}. In TRAIN mode BN uses the batch statistics
   * (left in {@code ws.bnMean}, {@code ws.bnVar}, biased) and dropout draws its masks from
   * {@code maskSeed}; in EVAL mode BN uses {@code runMean}/{@code runVar} and there is no dropout.
   */
  public void forward(double[] theta, Workspace ws, int m, Mode mode, double[] runMean, double[] runVar,
      long maskSeed) {
    boolean train = mode == Mode.TRAIN;
    SplittableRandom rng = train && anyDropout ? new SplittableRandom(maskSeed) : null;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      double[] z = ws.z[l];
      Tensors.affine(ws.a[l], m, in, theta, wOff[l], out, z);
      if (bOff[l] >= 0) {
        int b = bOff[l];
        for (int i = 0, r = 0; i < m; i++, r += out) {
          for (int k = 0; k < out; k++) z[r + k] += theta[b + k];
        }
      }
      if (!hidden(l)) break;
      double[] h = ws.h[l];
      if (hasBn(l)) {
        double[] zhat = ws.zhat[l];
        double[] inv = ws.invStd[l];
        int s = bnOff[l];
        if (train) {
          double[] mean = ws.bnMean;
          double[] var = ws.bnVar;
          Arrays.fill(mean, s, s + out, 0.0);
          Arrays.fill(var, s, s + out, 0.0);
          for (int i = 0, r = 0; i < m; i++, r += out) {
            for (int k = 0; k < out; k++) mean[s + k] += z[r + k];
          }
          for (int k = 0; k < out; k++) mean[s + k] /= m;
          for (int i = 0, r = 0; i < m; i++, r += out) {
            for (int k = 0; k < out; k++) {
              double c = z[r + k] - mean[s + k];
              var[s + k] += c * c;
            }
          }
          for (int k = 0; k < out; k++) {
            var[s + k] /= m;
            inv[k] = 1.0 / Math.sqrt(var[s + k] + BN_EPS);
            ws.mu[l][k] = mean[s + k];
          }
        } else {
          for (int k = 0; k < out; k++) {
            inv[k] = 1.0 / Math.sqrt(runVar[s + k] + BN_EPS);
            ws.mu[l][k] = runMean[s + k];
          }
        }
        double[] mu = ws.mu[l];
        int g = gOff[l];
        int be = betaOff[l];
        for (int i = 0, r = 0; i < m; i++, r += out) {
          for (int k = 0; k < out; k++) {
            double zh = (z[r + k] - mu[k]) * inv[k];
            zhat[r + k] = zh;
            h[r + k] = theta[g + k] * zh + theta[be + k];
          }
        }
      } else {
        System.arraycopy(z, 0, h, 0, m * out);
      }
      activate(h, m * out);
      double[] next = ws.a[l + 1];
      if (rng != null && dropout[l] > 0) {
        double keep = 1.0 - dropout[l];
        double scale = 1.0 / keep;
        double[] mask = ws.mask[l];
        for (int q = 0; q < m * out; q++) {
          double r = rng.nextDouble() < keep ? scale : 0.0;
          mask[q] = r;
          next[q] = h[q] * r;
        }
      } else {
        System.arraycopy(h, 0, next, 0, m * out);
      }
    }
  }

  private void activate(double[] h, int n) {
    switch (activation) {
      case RELU -> {
        for (int q = 0; q < n; q++) if (h[q] < 0) h[q] = 0.0;
      }
      case TANH -> {
        for (int q = 0; q < n; q++) h[q] = Math.tanh(h[q]);
      }
      case SIGMOID -> {
        for (int q = 0; q < n; q++) h[q] = 1.0 / (1.0 + Math.exp(-h[q]));
      }
    }
  }

  /**
   * The head: Σ ω_i ℓ_i over the m rows of the last {@link #forward}, and δ_L = ∂(Σ ω ℓ)/∂z_L into
   * {@code ws.delta}. Class probabilities are left in {@code ws.z[L−1]} (classification).
   */
  public double loss(Workspace ws, int m, double[] y, double[] w) {
    int K = numOutputs();
    double[] z = ws.z[layers - 1];
    double[] d = ws.delta;
    double sum = 0.0;
    if (classification) {
      double s = labelSmoothing;
      double off = s / K;
      for (int i = 0, r = 0; i < m; i++, r += K) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < K; k++) max = Math.max(max, z[r + k]);
        double norm = 0.0;
        for (int k = 0; k < K; k++) norm += Math.exp(z[r + k] - max);
        double logNorm = max + Math.log(norm);
        int yi = (int) y[i];
        double li = 0.0;
        for (int k = 0; k < K; k++) {
          double logp = z[r + k] - logNorm;
          double q = off + (k == yi ? 1.0 - s : 0.0);
          if (q != 0.0) li -= q * logp;
          double p = Math.exp(logp);
          d[r + k] = w[i] * (p - q);
          z[r + k] = p;
        }
        sum += w[i] * li;
      }
    } else {
      for (int i = 0; i < m; i++) {
        double e = z[i] - y[i];
        sum += w[i] * e * e;
        d[i] = 2.0 * w[i] * e;
      }
    }
    return sum;
  }

  /**
   * Back-propagates {@code ws.delta} through the last TRAIN forward, adding ∂(Σ ω ℓ)/∂θ to {@code grad}.
   */
  public void backward(double[] theta, Workspace ws, int m, double[] grad) {
    double[] d = ws.delta;
    double[] spare = ws.back;
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      Tensors.weightGrad(d, m, out, ws.a[l], in, grad, wOff[l]);
      if (bOff[l] >= 0) {
        int b = bOff[l];
        for (int i = 0, r = 0; i < m; i++, r += out) {
          for (int k = 0; k < out; k++) grad[b + k] += d[r + k];
        }
      }
      if (l == 0) break;
      // ∂a_l = δ W_l, then back through hidden layer j = l − 1 (dropout, activation, BN).
      double[] da = spare;
      Tensors.backprop(d, m, out, theta, wOff[l], in, da);
      int j = l - 1;
      double[] h = ws.h[j];
      int n = m * in;
      if (dropout[j] > 0) {
        double[] mask = ws.mask[j];
        for (int q = 0; q < n; q++) da[q] *= mask[q];
      }
      switch (activation) {
        case RELU -> {
          for (int q = 0; q < n; q++) if (h[q] <= 0) da[q] = 0.0;
        }
        case TANH -> {
          for (int q = 0; q < n; q++) da[q] *= 1.0 - h[q] * h[q];
        }
        case SIGMOID -> {
          for (int q = 0; q < n; q++) da[q] *= h[q] * (1.0 - h[q]);
        }
      }
      if (hasBn(j)) {
        double[] zhat = ws.zhat[j];
        double[] inv = ws.invStd[j];
        double[] sumD = ws.colA;
        double[] sumDZ = ws.colB;
        int g = gOff[j];
        int be = betaOff[j];
        Arrays.fill(sumD, 0, in, 0.0);
        Arrays.fill(sumDZ, 0, in, 0.0);
        for (int i = 0, r = 0; i < m; i++, r += in) {
          for (int k = 0; k < in; k++) {
            double dy = da[r + k];
            grad[g + k] += dy * zhat[r + k];
            grad[be + k] += dy;
            double dzh = dy * theta[g + k];
            da[r + k] = dzh;
            sumD[k] += dzh;
            sumDZ[k] += dzh * zhat[r + k];
          }
        }
        for (int i = 0, r = 0; i < m; i++, r += in) {
          for (int k = 0; k < in; k++) {
            da[r + k] = inv[k] / m * (m * da[r + k] - sumD[k] - zhat[r + k] * sumDZ[k]);
          }
        }
      }
      spare = d;
      d = da;
    }
  }

  /** Σ over weights of l1·|w| + (l2/2)·w². */
  public double penalty(double[] theta, double l1, double l2) {
    if (l1 == 0 && l2 == 0) return 0.0;
    double a = 0.0;
    double b = 0.0;
    for (int q = 0; q < numParams; q++) {
      if (penalized[q]) {
        a += Math.abs(theta[q]);
        b += theta[q] * theta[q];
      }
    }
    return l1 * a + 0.5 * l2 * b;
  }

  /** g += l1·sign(w) + l2·w on the weights (the L1 subgradient is 0 at w = 0). */
  public void addPenaltyGradient(double[] theta, double l1, double l2, double[] g) {
    if (l1 == 0 && l2 == 0) return;
    for (int q = 0; q < numParams; q++) {
      if (penalized[q]) g[q] += l1 * Math.signum(theta[q]) + l2 * theta[q];
    }
  }

  /**
   * Buffers for batches of up to {@code capacity} rows: per-layer inputs, pre-activations, normalized
   * values, activations, dropout masks, and the backward deltas. Allocate once and reuse.
   */
  public static final class Workspace {
    final int capacity;
    final Network net;
    final double[][] a;
    final double[][] z;
    final double[][] zhat;
    final double[][] h;
    final double[][] mask;
    final double[][] invStd;
    final double[][] mu;
    final double[] bnMean;
    final double[] bnVar;
    final double[] delta;
    final double[] back;
    final double[] colA;
    final double[] colB;

    public Workspace(Network net, int capacity) {
      this.net = net;
      this.capacity = capacity;
      int L = net.layers;
      a = new double[L][];
      z = new double[L][];
      zhat = new double[L][];
      h = new double[L][];
      mask = new double[L][];
      invStd = new double[L][];
      mu = new double[L][];
      for (int l = 0; l < L; l++) {
        int out = net.sizes[l + 1];
        a[l] = new double[capacity * net.sizes[l]];
        z[l] = new double[capacity * out];
        if (net.hidden(l)) {
          h[l] = new double[capacity * out];
          if (net.dropout[l] > 0) mask[l] = new double[capacity * out];
          if (net.hasBn(l)) {
            zhat[l] = new double[capacity * out];
            invStd[l] = new double[out];
            mu[l] = new double[out];
          }
        }
      }
      bnMean = new double[net.numBn];
      bnVar = new double[net.numBn];
      delta = new double[capacity * net.maxWidth];
      back = new double[capacity * net.maxWidth];
      colA = new double[net.maxWidth];
      colB = new double[net.maxWidth];
    }

    /** The input block a_0 (row-major, {@code capacity × inputs}): copy a batch here before forward. */
    public double[] input() {
      return a[0];
    }

    /** The output of the last forward: probabilities after {@link Network#loss}, else z_L. */
    public double[] output() {
      return z[net.layers - 1];
    }

    boolean fits(Network other, int rows) {
      return net.equals(other) && capacity >= rows;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Network n && Arrays.equals(sizes, n.sizes) && activation == n.activation
        && batchNorm == n.batchNorm && Arrays.equals(dropout, n.dropout) && classification == n.classification
        && labelSmoothing == n.labelSmoothing;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sizes) * 31 + activation.hashCode();
  }
}
