package io.ridgeline.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.mlp.Network.Activation;
import io.ridgeline.mlp.Network.Mode;
import io.ridgeline.mlp.Network.Workspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** The data-parallel trainer: sync against plain gradient descent, local-SGD against sync, determinism, BN statistics. */
class TrainerTest {
  static final int P = 4;
  static final int K = 3;

  static List<Shard> shards(int parts, int rowsEach, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Shard> out = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      double[] x = new double[rowsEach * P];
      double[] y = new double[rowsEach];
      double[] w = new double[rowsEach];
      for (int i = 0; i < rowsEach; i++) {
        double s = 0;
        for (int j = 0; j < P; j++) {
          x[i * P + j] = r.nextDouble(-1, 1);
          s += (j + 1) * x[i * P + j];
        }
        y[i] = s < -1 ? 0 : s < 1 ? 1 : 2;
        w[i] = r.nextDouble(0.5, 1.5);
      }
      out.add(new Shard(p, new Shard.Block(rowsEach, P, x, y, w), new Shard.Block(0, P, new double[0], new double[0],
          new double[0])));
    }
    return out;
  }

  static Trainer.Engine spark(List<Shard> shards) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    return new Trainer.SparkEngine(jsc.parallelize(shards, shards.size()).cache());
  }

  static TrainConfig cfg(Optimizer.Kind opt, double momentum, boolean nesterov, int batch, int epochs, boolean local,
      int h) {
    return new TrainConfig(0.001, 0.01, 0.02, opt, 0.1, momentum, nesterov, "cosine", 1.0, batch, epochs, 0, 1,
        local, h, 17L, 0.9, false);
  }

  @Test
  void syncOnOnePartitionEqualsSingleProcessGradientDescent() {
    Network net = new Network(new int[] {P, 5, K}, Activation.TANH, true, 0, true, 0.1);
    List<Shard> data = shards(1, 30, 1);
    TrainConfig c = new TrainConfig(0.0, 0.01, 0.02, Optimizer.Kind.SGD, 0.2, 0.0, false, "constant", 0, 1000, 5, 0,
        1, false, 1, 3L, 0.9, false);
    Trainer.Fit fit = Trainer.fit(spark(data), net, c, 30, false);

    // Reference: full-batch gradient descent with decoupled weight decay, written out here.
    double[] theta = net.init(Seeds.mix(3L, 0));
    double[][] run = net.initRunning();
    Shard.Block b = data.get(0).train;
    Workspace ws = new Workspace(net, 30);
    double omega = Arrays.stream(b.w).sum();
    for (int e = 0; e < 5; e++) {
      System.arraycopy(b.x, 0, ws.input(), 0, b.x.length);
      net.forward(theta, ws, 30, Mode.TRAIN, run[0], run[1], 0L);
      net.loss(ws, 30, b.y, b.w);
      double[] g = new double[net.numParams()];
      net.backward(theta, ws, 30, g);
      for (int q = 0; q < g.length; q++) g[q] /= omega;
      net.addPenaltyGradient(theta, 0.0, 0.01, g);
      for (int q = 0; q < g.length; q++) theta[q] -= 0.2 * (g[q] + (net.penalized[q] ? 0.02 * theta[q] : 0.0));
      for (int k = 0; k < net.numBnStats(); k++) {
        run[0][k] = 0.9 * run[0][k] + 0.1 * ws.bnMean[k];
        run[1][k] = 0.9 * run[1][k] + 0.1 * ws.bnVar[k] * 30 / 29.0;
      }
    }
    assertArrayEquals(theta, fit.theta(), 1e-12);
    assertArrayEquals(run[0], fit.runMean(), 1e-12);
    assertArrayEquals(run[1], fit.runVar(), 1e-12);
    assertEquals(5, fit.trainLoss().length);
    assertTrue(fit.trainLoss()[4] < fit.trainLoss()[0]);
  }

  @Test
  void sparkSyncIsBitIdenticalToLocalEngine() {
    Network net = new Network(new int[] {P, 6, K}, Activation.RELU, true, 0.2, true, 0);
    List<Shard> data = shards(1, 50, 2);
    TrainConfig c = cfg(Optimizer.Kind.ADAMW, 0, false, 8, 3, false, 1);
    Trainer.Fit a = Trainer.fit(spark(data), net, c, 50, false);
    Trainer.Fit b = Trainer.fit(new Trainer.LocalEngine(data), net, c, 50, false);
    assertArrayEquals(b.theta(), a.theta(), 0.0);
    assertArrayEquals(b.runVar(), a.runVar(), 0.0);
    assertArrayEquals(b.trainLoss(), a.trainLoss(), 0.0);
  }

  /** SGD (momentum, Nesterov, decoupled decay, L1, L2), BN and dropout: the update is linear in g. */
  @Test
  void localSgdWithOneLocalStepEqualsSync() {
    Network net = new Network(new int[] {P, 6, 5, K}, Activation.TANH, true, 0.2, true, 0.05);
    List<Shard> data = shards(3, 20, 3);
    Trainer.Engine engine = spark(data);
    Trainer.Fit sync = Trainer.fit(engine, net, cfg(Optimizer.Kind.SGD, 0.9, true, 12, 3, false, 1), 60, false);
    Trainer.Fit local = Trainer.fit(engine, net, cfg(Optimizer.Kind.SGD, 0.9, true, 12, 3, true, 1), 60, false);
    assertArrayEquals(sync.theta(), local.theta(), 1e-12);
    assertArrayEquals(sync.runMean(), local.runMean(), 1e-12);
    assertArrayEquals(sync.runVar(), local.runVar(), 1e-12);
    assertArrayEquals(sync.trainLoss(), local.trainLoss(), 1e-12);
  }

  @Test
  void sameSeedDataAndPartitioningGiveBitIdenticalModels() {
    Network net = new Network(new int[] {P, 6, K}, Activation.RELU, true, 0.3, true, 0);
    List<Shard> data = shards(3, 25, 4);
    TrainConfig c = cfg(Optimizer.Kind.ADAM, 0, false, 10, 3, true, 3);
    Trainer.Fit a = Trainer.fit(spark(data), net, c, 75, false);
    Trainer.Fit b = Trainer.fit(spark(data), net, c, 75, false);
    Trainer.Fit l = Trainer.fit(new Trainer.LocalEngine(data), net, c, 75, false);
    assertArrayEquals(a.theta(), b.theta(), 0.0);
    assertArrayEquals(a.runMean(), b.runMean(), 0.0);
    assertArrayEquals(a.theta(), l.theta(), 0.0);
  }

  @Test
  void batchNormRunningStatisticsFollowTheBatchStatistics() {
    Network net = new Network(new int[] {P, 5, K}, Activation.RELU, true, 0, true, 0);
    List<Shard> data = shards(2, 15, 5);
    // One epoch, one full-batch step per partition: r = 0.9·r0 + 0.1·(Ω-weighted mean of the partitions' batch statistics).
    TrainConfig c = new TrainConfig(0, 0, 0, Optimizer.Kind.SGD, 0.1, 0, false, "constant", 0, 1000, 1, 0, 1, false, 1,
        9L, 0.9, false);
    Trainer.Fit fit = Trainer.fit(spark(data), net, c, 30, false);
    double[] theta0 = net.init(Seeds.mix(9L, 0));
    double[] mean = new double[5];
    double[] var = new double[5];
    double omega = 0;
    for (Shard s : data) {
      double[] x = s.train.x;
      double w = Arrays.stream(s.train.w).sum();
      omega += w;
      for (int k = 0; k < 5; k++) {
        double[] z = new double[15];
        for (int i = 0; i < 15; i++) {
          for (int j = 0; j < P; j++) z[i] += theta0[net.wOff[0] + k * P + j] * x[i * P + j];
        }
        double mu = Arrays.stream(z).average().orElseThrow();
        double ss = Arrays.stream(z).map(v -> (v - mu) * (v - mu)).sum();
        mean[k] += w * mu;
        var[k] += w * ss / 14;
      }
    }
    for (int k = 0; k < 5; k++) {
      assertEquals(0.1 * mean[k] / omega, fit.runMean()[k], 1e-12);
      assertEquals(0.9 + 0.1 * var[k] / omega, fit.runVar()[k], 1e-12);
    }

    // Population statistics: exact mean and unbiased variance of z = x W₀ᵀ over all rows with the final θ.
    TrainConfig pop = new TrainConfig(0, 0, 0, Optimizer.Kind.SGD, 0.1, 0, false, "constant", 0, 8, 2, 0, 1, false, 1,
        9L, 0.9, true);
    Trainer.Fit f = Trainer.fit(spark(data), net, pop, 30, false);
    for (int k = 0; k < 5; k++) {
      double[] z = new double[30];
      int i0 = 0;
      for (Shard s : data) {
        for (int i = 0; i < 15; i++, i0++) {
          for (int j = 0; j < P; j++) z[i0] += f.theta()[net.wOff[0] + k * P + j] * s.train.x[i * P + j];
        }
      }
      double mu = Arrays.stream(z).average().orElseThrow();
      double v = Arrays.stream(z).map(q -> (q - mu) * (q - mu)).sum() / 29;
      assertEquals(mu, f.runMean()[k], 1e-10);
      assertEquals(v, f.runVar()[k], 1e-10);
    }
  }
  // ---- stopping and going on (successive halving's rungs) ----

  /** Shards with a validation part of {@code validEach} rows per partition, for early stopping. */
  static List<Shard> withValidation(int parts, int rowsEach, int validEach, long seed) {
    List<Shard> train = shards(parts, rowsEach, seed);
    List<Shard> valid = shards(parts, validEach, seed + 1000);
    List<Shard> out = new ArrayList<>();
    for (int p = 0; p < parts; p++) out.add(new Shard(p, train.get(p).train, valid.get(p).train));
    return out;
  }

  private static void assertSameFit(Trainer.Fit expected, Trainer.Fit actual) {
    // Bit for bit: measured max |Δ| = 0 for θ, running statistics and both histories.
    assertArrayEquals(expected.theta(), actual.theta(), 0.0);
    assertArrayEquals(expected.runMean(), actual.runMean(), 0.0);
    assertArrayEquals(expected.runVar(), actual.runVar(), 0.0);
    assertArrayEquals(expected.trainLoss(), actual.trainLoss(), 0.0);
    assertArrayEquals(expected.validLoss(), actual.validLoss(), 0.0);
    assertEquals(expected.bestEpoch(), actual.bestEpoch());
    assertEquals(expected.steps(), actual.steps());
  }

  /**
   * A fit stopped after 3 epochs, its state written to bytes and read back (as a halving rung records
   * it), and continued to 7 is the fit that ran 7 epochs straight, for any schedule (cosine here, with
   * warm-up: the horizon stays maxEpochs = 9), with BN, dropout, AdamW and local-SGD averaging.
   */
  @Test
  void aFitContinuedFromItsRecordedStateEqualsOneThatRanThrough() {
    Network net = new Network(new int[] {P, 6, 5, K}, Activation.RELU, true, 0.2, true, 0.05);
    List<Shard> data = shards(3, 25, 6);
    Trainer.Engine engine = spark(data);
    for (boolean local : new boolean[] {false, true}) {
      TrainConfig c = cfg(Optimizer.Kind.ADAMW, 0, false, 10, 9, local, 3);
      TrainState first = Trainer.start(net, c);
      Trainer.Fit three = Trainer.train(engine, net, c, 75, false, first, 3);
      assertEquals(3, first.epochs());
      assertEquals(3, three.trainLoss().length);
      TrainState recorded = TrainState.fromBytes(first.toBytes());
      Trainer.Fit continued = Trainer.train(engine, net, c, 75, false, recorded, 7);
      Trainer.Fit through = Trainer.train(engine, net, c, 75, false, Trainer.start(net, c), 7);
      assertSameFit(through, continued);
      assertEquals(7, recorded.epochs());
      assertTrue(Arrays.stream(three.theta()).anyMatch(x -> x != 0) && !Arrays.equals(three.theta(), continued.theta()),
          "the continued fit moved on");
    }
  }

  /**
   * With a constant learning rate (warm-up included) the schedule does not depend on its horizon, so a
   * rung continued from 2 to 5 epochs equals a plain fit with maxEpochs = 5 on the same seed.
   */
  @Test
  void withAConstantScheduleAContinuedFitEqualsAFreshFitOfTheLongerBudget() {
    Network net = new Network(new int[] {P, 6, K}, Activation.TANH, true, 0.1, true, 0);
    List<Shard> data = shards(2, 30, 7);
    Trainer.Engine engine = spark(data);
    TrainConfig horizon9 = new TrainConfig(0.0, 0.01, 0.001, Optimizer.Kind.ADAM, 0.05, 0, false, "constant", 1.0, 8,
        9, 0, 1, true, 2, 23L, 0.9, false);
    TrainConfig budget5 = new TrainConfig(0.0, 0.01, 0.001, Optimizer.Kind.ADAM, 0.05, 0, false, "constant", 1.0, 8,
        5, 0, 1, true, 2, 23L, 0.9, false);
    TrainState s = Trainer.start(net, horizon9);
    Trainer.train(engine, net, horizon9, 60, false, s, 2);
    Trainer.Fit continued = Trainer.train(engine, net, horizon9, 60, false, TrainState.fromBytes(s.toBytes()), 5);
    assertSameFit(Trainer.fit(engine, net, budget5, 60, false), continued);
  }

  /**
   * Early stopping carries over: the best epoch, its snapshot and the epochs without improvement are
   * part of the state, and the validation taken when a rung ends counts as the one the next epoch would
   * take. Stopping at 2, 4 and 6 epochs and going on to 12 equals one fit of 12 (which stops early here).
   */
  @Test
  void earlyStoppingStateCarriesAcrossRungs() {
    Network net = new Network(new int[] {P, 8, K}, Activation.RELU, false, 0, true, 0);
    List<Shard> data = withValidation(2, 30, 12, 8);
    Trainer.Engine engine = new Trainer.LocalEngine(data);
    TrainConfig c = new TrainConfig(0, 0, 0, Optimizer.Kind.ADAM, 0.3, 0, false, "constant", 0, 6, 12, 0.3, 2, false,
        1, 5L, 0.9, false);
    Trainer.Fit through = Trainer.fit(engine, net, c, 60, true);
    assertTrue(through.trainLoss().length < 12, "stops early: " + through.trainLoss().length + " epochs");
    TrainState s = Trainer.start(net, c);
    Trainer.Fit rung = null;
    for (int budget : new int[] {2, 4, 6, 12}) {
      rung = Trainer.train(engine, net, c, 60, true, s, budget);
      s = TrainState.fromBytes(s.toBytes());
    }
    assertSameFit(through, rung);
  }
}
