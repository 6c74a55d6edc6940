package io.ridgeline.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.mlp.Network.Activation;
import io.ridgeline.mlp.Network.Mode;
import io.ridgeline.mlp.Network.Workspace;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Central finite differences of J(θ) = Σ ω ℓ / Σ ω + l1·Σ|W| + (l2/2)·ΣW² against the analytic gradient
 * (forward, loss, backward, penalty gradient), in training mode with a fixed dropout mask (same seed).
 */
class GradientCheckTest {
  static final int M = 7;
  static final int P = 5;
  static final long MASK = 1234L;

  record Batch(double[] x, double[] y, double[] w) {}

  static Batch batch(int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[M * P];
    double[] y = new double[M];
    double[] w = new double[M];
    for (int q = 0; q < x.length; q++) x[q] = r.nextDouble(-2, 2);
    for (int i = 0; i < M; i++) {
      y[i] = classes > 0 ? r.nextInt(classes) : r.nextDouble(-1, 1);
      w[i] = r.nextDouble(0.5, 2.0);
    }
    return new Batch(x, y, w);
  }

  static double objective(Network net, double[] theta, Batch b, double l1, double l2, double[] grad) {
    Workspace ws = new Workspace(net, M);
    System.arraycopy(b.x, 0, ws.input(), 0, b.x.length);
    double[][] run = net.initRunning();
    net.forward(theta, ws, M, Mode.TRAIN, run[0], run[1], MASK);
    double omega = 0;
    for (double v : b.w) omega += v;
    double j = net.loss(ws, M, b.y, b.w) / omega + net.penalty(theta, l1, l2);
    if (grad != null) {
      java.util.Arrays.fill(grad, 0.0);
      net.backward(theta, ws, M, grad);
      for (int q = 0; q < grad.length; q++) grad[q] /= omega;
      net.addPenaltyGradient(theta, l1, l2, grad);
    }
    return j;
  }

  static void assertGradientMatchesFiniteDifferences(Network net, int classes, double l1, double l2) {
    Batch b = batch(classes, 99);
    double[] theta = net.init(7);
    // Perturb biases / BN parameters away from their initial 0/1 so every term is exercised.
    SplittableRandom r = new SplittableRandom(5);
    for (int q = 0; q < theta.length; q++) if (!net.penalized[q]) theta[q] += r.nextDouble(-0.3, 0.3);
    double[] g = new double[net.numParams()];
    objective(net, theta, b, l1, l2, g);
    double h = 1e-6;
    double maxErr = 0;
    for (int q = 0; q < theta.length; q++) {
      double keep = theta[q];
      theta[q] = keep + h;
      double up = objective(net, theta, b, l1, l2, null);
      theta[q] = keep - h;
      double down = objective(net, theta, b, l1, l2, null);
      theta[q] = keep;
      double fd = (up - down) / (2 * h);
      double err = Math.abs(fd - g[q]) / Math.max(1e-3, Math.abs(fd) + Math.abs(g[q]));
      maxErr = Math.max(maxErr, err);
    }
    assertTrue(maxErr < 1e-5, "max relative gradient error " + maxErr);
  }

  @Test
  void denseRegressionMse() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 1}, Activation.RELU, false, 0, false, 0), 0, 0, 0);
  }

  @Test
  void reluHidden() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 6, 4, 1}, Activation.RELU, false, 0, false, 0), 0, 0, 0);
  }

  @Test
  void tanhHidden() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 6, 4, 1}, Activation.TANH, false, 0, false, 0), 0, 0, 0);
  }

  @Test
  void sigmoidHidden() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 6, 4, 1}, Activation.SIGMOID, false, 0, false, 0), 0, 0, 0);
  }

  @Test
  void batchNorm() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 6, 4, 3}, Activation.TANH, true, 0, true, 0), 3, 0, 0);
  }

  @Test
  void dropoutWithFixedMask() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 8, 6, 1}, Activation.SIGMOID, false, 0.3, false, 0), 0, 0, 0);
  }

  @Test
  void dropoutRatePerLayer() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 8, 6, 1}, Activation.RELU, true, new double[] {0.4, 0.0}, false, 0), 0, 0, 0);
  }

  @Test
  void softmaxCrossEntropyMulticlassWithLabelSmoothing() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 6, 4}, Activation.TANH, false, 0, true, 0.1), 4, 0, 0);
  }

  @Test
  void softmaxCrossEntropyBinary() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 6, 2}, Activation.TANH, false, 0, true, 0), 2, 0, 0);
  }

  @Test
  void l1AndL2Penalties() {
    assertGradientMatchesFiniteDifferences(new Network(new int[] {P, 6, 3}, Activation.TANH, true, 0.2, true, 0.05), 3, 0.01, 0.1);
  }

  @Test
  void penaltiesTouchWeightsOnly() {
    Network net = new Network(new int[] {P, 4, 3}, Activation.RELU, true, 0, true, 0);
    double[] theta = net.init(1);
    double[] g = new double[net.numParams()];
    net.addPenaltyGradient(theta, 0.5, 0.5, g);
    for (int q = 0; q < g.length; q++) {
      if (!net.penalized[q]) assertEquals(0.0, g[q], "non-weight parameter " + q);
    }
  }

  @Test
  void dropoutInactiveAtInference() {
    Network drop = new Network(new int[] {P, 8, 3}, Activation.RELU, false, 0.5, true, 0);
    Network none = new Network(new int[] {P, 8, 3}, Activation.RELU, false, 0.0, true, 0);
    double[] theta = drop.init(3);
    Batch b = batch(3, 1);
    double[][] out = new double[3][];
    Network[] nets = {drop, drop, none};
    long[] seeds = {1L, 2L, 3L};
    for (int k = 0; k < 3; k++) {
      Workspace ws = new Workspace(nets[k], M);
      System.arraycopy(b.x, 0, ws.input(), 0, b.x.length);
      double[][] run = nets[k].initRunning();
      nets[k].forward(theta, ws, M, Mode.EVAL, run[0], run[1], seeds[k]);
      out[k] = java.util.Arrays.copyOf(ws.output(), M * 3);
    }
    assertArrayEquals(out[2], out[0], 0.0);
    assertArrayEquals(out[2], out[1], 0.0);
  }
}
