package io.ridgeline.mlp;

import io.ridgeline.mlp.Network.Mode;
import io.ridgeline.mlp.Network.Workspace;
import io.ridgeline.mlp.Optimizer.State;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Data-parallel mini-batch training of a {@link Network} over shards (one per partition).
 *
 * <h2>Batches</h2>
 * With N training rows and batch size B there are T = ⌈N/B⌉ steps per epoch. In epoch e, partition p
 * (n_p rows) visits its rows in a permutation seeded by (seed, e, p), and its part of global step t is
 * the slice [⌊t n_p/T⌋, ⌊(t+1) n_p/T⌋) of that order: every row once per epoch, about B rows per step
 * over all partitions. Dropout masks are seeded by (seed, e, p, t). Nothing depends on which executor
 * runs a task or when it finishes: per-partition results are collected and combined on the driver in
 * partition order, so a fixed seed, data and partitioning give a bit-identical model.
 *
 * <h2>sync</h2>
 * Each step is one Spark job (the {@code RDDLossFunction} shape): broadcast (θ, BN running statistics)
 * → each partition returns G_p = Σ_{i∈batch_p} ω_i ∇ℓ_i, its loss and weight Ω_p = Σ ω_i and its BN batch
 * statistics → the driver forms g = Σ_p G_p / Σ_p Ω_p + ∇penalty(θ), applies the {@link Optimizer}, and
 * moves the running statistics r ← β r + (1 − β) Σ_p Ω_p s_p / Σ_p Ω_p (s_p: batch mean, and the
 * unbiased batch variance) → the broadcast is destroyed. (Σ over the collected array, in partition order,
 * rather than {@code treeAggregate}, whose merge order follows task completion.)
 *
 * <h2>local-sgd</h2>
 * Each round is one Spark job: every partition starts from the broadcast (θ, optimizer state, running
 * statistics) and takes H local steps (the same global step indices, learning rates and batch slices as
 * sync would) with g_p = G_p/Ω_p + ∇penalty(θ_p), updating its own running statistics from its own batch
 * statistics; then θ, the optimizer state and the running statistics are averaged with weights Ω_p (the
 * partition's weight in the round). A round never crosses an epoch boundary. For H = 1 and the
 * {@code sgd} optimizer (any momentum, Nesterov, weight decay, L1/L2) the update is linear in the
 * gradient, so the result equals sync up to floating-point rounding; for Adam it does not (v averages g²).
 *
 * <h2>Validation, early stopping, history</h2>
 * The training loss of an epoch is the Ω-weighted mean of its mini-batch losses (data term, training
 * mode). With a validation part, the model at the end of each epoch is scored (inference mode) on it in
 * the first job of the next epoch (one extra job after the last); training stops after
 * {@code patience} epochs without improvement and the best epoch's model is returned.
 *
 * <h2>BN population statistics</h2>
 * Optionally, after training, the running statistics are replaced by the exact population mean and
 * unbiased variance of each BN layer's input over all training rows, θ frozen, one pass per BN layer
 * (earlier layers already using their population statistics).
 */
public final class Trainer {
  private Trainer() {}

  /** Maps a function over all shards, results in partition order. */
  public interface Engine {
    <R> List<R> map(ShardFn<R> fn, Object payload);

    /** Names the jobs that follow (the Spark UI's job description); no-op by default. */
    default void describe(String what) {}
  }

  /** A per-shard computation. */
  public interface ShardFn<R> extends Serializable {
    R apply(Shard shard, Object payload);
  }

  /** Spark: the shards are an RDD with one shard per partition; the payload is broadcast. */
  public static final class SparkEngine implements Engine {
    private final JavaRDD<Shard> shards;
    private final JavaSparkContext jsc;

    public SparkEngine(JavaRDD<Shard> shards) {
      this.shards = shards;
      this.jsc = JavaSparkContext.fromSparkContext(shards.context());
    }

    @Override
    public void describe(String what) {
      jsc.setJobDescription(what);
    }

    @Override
    public <R> List<R> map(ShardFn<R> fn, Object payload) {
      Broadcast<Object> b = jsc.broadcast(payload);
      try {
        return shards.map(s -> fn.apply(s, b.value())).collect();
      } finally {
        b.destroy();
      }
    }
  }

  /** Single process, no Spark: the same computation over an in-memory list. */
  public static final class LocalEngine implements Engine {
    private final List<Shard> shards;

    public LocalEngine(List<Shard> shards) {
      this.shards = shards;
    }

    @Override
    public <R> List<R> map(ShardFn<R> fn, Object payload) {
      List<R> out = new ArrayList<>();
      for (Shard s : shards) out.add(fn.apply(s, payload));
      return out;
    }
  }

  /** Parameters, optimizer state and BN running statistics: what is broadcast and averaged. */
  static final class Snapshot implements Serializable {
    private static final long serialVersionUID = 1L;
    final double[] theta;
    final State opt;
    final double[] runMean;
    final double[] runVar;

    Snapshot(double[] theta, State opt, double[] runMean, double[] runVar) {
      this.theta = theta;
      this.opt = opt;
      this.runMean = runMean;
      this.runVar = runVar;
    }

    Snapshot copy() {
      return new Snapshot(theta.clone(), opt.copy(), runMean.clone(), runVar.clone());
    }
  }

  /** One job's instructions: the steps [tStart, tEnd) of epoch e, and whether to score validation. */
  record Plan(Snapshot snap, int epoch, int tStart, int tEnd, int stepsPerEpoch, boolean validate)
      implements Serializable {}

  /** What one partition returns from a job. */
  static final class Part implements Serializable {
    private static final long serialVersionUID = 1L;
    double[] grad;
    Snapshot snap;
    double loss;
    double weight;
    double[] bnMean;
    double[] bnVar;
    double validLoss;
    double validWeight;
  }

  /** The trained parameters and per-epoch history. */
  public record Fit(double[] theta, double[] runMean, double[] runVar, double[] trainLoss, double[] validLoss,
      int bestEpoch, long steps) {}

  /**
   * Trains from the initial θ of {@code net.init(seed)} for {@code maxEpochs} epochs.
   *
   * @param nTrain training rows over all shards (sets T = ⌈nTrain/batchSize⌉)
   */
  public static Fit fit(Engine engine, Network net, TrainConfig cfg, long nTrain, boolean hasValid) {
    return train(engine, net, cfg, nTrain, hasValid, start(net, cfg), cfg.maxEpochs());
  }

  /** A fresh state for {@link #train}: θ from {@code net.init(seed)}, nothing trained. */
  public static TrainState start(Network net, TrainConfig cfg) {
    return TrainState.start(net, cfg, optimizer(net, cfg));
  }

  private static Optimizer optimizer(Network net, TrainConfig cfg) {
    return new Optimizer(cfg.optimizer(), cfg.momentum(), cfg.nesterov(), cfg.weightDecay(), net.penalized);
  }

  /**
   * Trains {@code s} on until {@code epochs} epochs of the {@code maxEpochs} schedule are done (or early
   * stopping ends it), advancing {@code s} in place, and returns the model a fit stopping there returns
   * (the best validation epoch's with early stopping). The schedule's horizon stays {@code maxEpochs},
   * so training a state to E₁ epochs and then on to E₂ gives, bit for bit, what training a fresh state
   * to E₂ gives: shuffles and dropout masks depend only on (seed, epoch, partition, step), and the state
   * carries everything else. For a constant schedule (warm-up included) that is also what a fit with
   * {@code maxEpochs} = E₂ gives. A validation of the last epoch, taken when a call ends, counts as the
   * one the next epoch's first job would take.
   *
   * @param nTrain training rows over all shards (sets T = ⌈nTrain/batchSize⌉)
   */
  public static Fit train(Engine engine, Network net, TrainConfig cfg, long nTrain, boolean hasValid, TrainState s,
      int epochs) {
    if (s.trainLoss.length != cfg.maxEpochs() || s.snap.theta.length != net.numParams) {
      throw new IllegalArgumentException("the training state is of another schedule or network ("
          + s.trainLoss.length + " epochs, " + s.snap.theta.length + " parameters; this fit: " + cfg.maxEpochs()
          + ", " + net.numParams + ")");
    }
    if (epochs < s.epochs || epochs > cfg.maxEpochs()) {
      throw new IllegalArgumentException("train to epoch " + epochs + ": the state has " + s.epochs
          + " epochs and the schedule " + cfg.maxEpochs());
    }
    int T = (int) Math.max(1, (nTrain + cfg.batchSize() - 1) / cfg.batchSize());
    Optimizer opt = optimizer(net, cfg);
    int E = cfg.maxEpochs();
    StepFn fn = new StepFn(net, cfg, opt);
    for (int e = s.epochs; e < epochs && !s.stopped; e++) {
      double lossSum = 0.0;
      double weightSum = 0.0;
      int H = cfg.localSgd() ? cfg.localSteps() : 1;
      for (int t0 = 0; t0 < T; ) {
        int t1 = Math.min(T, t0 + H);
        boolean validate = hasValid && t0 == 0 && s.validated < e;
        engine.describe(String.format("mlp %s · epoch %d/%d · step %d/%d%s", cfg.localSgd() ? "local-sgd" : "sync",
            e + 1, E, t1, T, validate ? " · validate" : ""));
        List<Part> parts = engine.map(fn, new Plan(s.snap, e, t0, t1, T, validate));
        if (validate) {
          double v = 0.0;
          double vw = 0.0;
          for (Part p : parts) {
            v += p.validLoss;
            vw += p.validWeight;
          }
          s.validation(e - 1, v / vw, cfg.patience());
          if (s.stopped) break;
        }
        for (Part p : parts) {
          lossSum += p.loss;
          weightSum += p.weight;
        }
        s.snap = cfg.localSgd() ? average(parts, s.snap) : syncUpdate(net, cfg, opt, parts, s.snap, e, t0, T);
        s.steps += t1 - t0;
        t0 = t1;
      }
      if (s.stopped) break;
      s.trainLoss[e] = lossSum / weightSum;
      s.epochs = e + 1;
    }
    if (hasValid && !s.stopped && s.validated < s.epochs) {
      engine.describe("mlp · validate epoch " + s.epochs);
      double[] v = evaluate(engine, net, s.snap, true);
      s.validation(s.epochs - 1, v[0] / v[1], cfg.patience());
    }
    // A copy: population statistics must not reach the state a later call goes on from.
    Snapshot out = (hasValid && s.best != null ? s.best : s.snap).copy();
    if (cfg.bnPopulationStats() && net.batchNorm) {
      engine.describe("mlp · BN population statistics");
      populationStats(engine, net, out);
    }
    engine.describe(null);
    return new Fit(out.theta, out.runMean, out.runVar, Arrays.copyOf(s.trainLoss, s.epochs),
        Arrays.copyOf(s.validLoss, s.epochs), hasValid ? s.bestEpoch : s.epochs - 1, s.steps);
  }

  /** sync: g = Σ G_p / Σ Ω_p + ∇penalty; one optimizer step; running statistics from the batch statistics. */
  private static Snapshot syncUpdate(Network net, TrainConfig cfg, Optimizer opt, List<Part> parts, Snapshot s,
      int epoch, int t, int T) {
    double omega = 0.0;
    for (Part p : parts) omega += p.weight;
    if (!(omega > 0)) return s;
    int n = net.numParams;
    double[] g = new double[n];
    for (Part p : parts) {
      if (p.grad == null) continue;
      for (int q = 0; q < n; q++) g[q] += p.grad[q];
    }
    for (int q = 0; q < n; q++) g[q] /= omega;
    net.addPenaltyGradient(s.theta, cfg.l1(), cfg.l2(), g);
    double[] theta = s.theta.clone();
    State st = s.opt.copy();
    opt.step(theta, g, cfg.lr((long) epoch * T + t, T), st);
    double[] rm = s.runMean.clone();
    double[] rv = s.runVar.clone();
    if (net.numBn > 0) {
      double[] bm = new double[net.numBn];
      double[] bv = new double[net.numBn];
      for (Part p : parts) {
        if (p.bnMean == null) continue;
        for (int k = 0; k < net.numBn; k++) {
          bm[k] += p.bnMean[k];
          bv[k] += p.bnVar[k];
        }
      }
      double beta = cfg.bnMomentum();
      for (int k = 0; k < net.numBn; k++) {
        rm[k] = beta * rm[k] + (1 - beta) * (bm[k] / omega);
        rv[k] = beta * rv[k] + (1 - beta) * (bv[k] / omega);
      }
    }
    return new Snapshot(theta, st, rm, rv);
  }

  /** local-sgd: Ω_p-weighted mean of θ, optimizer moments and running statistics, in partition order. */
  private static Snapshot average(List<Part> parts, Snapshot s) {
    double omega = 0.0;
    for (Part p : parts) omega += p.weight;
    if (!(omega > 0)) return s;
    Snapshot out = new Snapshot(new double[s.theta.length], s.opt.copy(), new double[s.runMean.length],
        new double[s.runVar.length]);
    Arrays.fill(out.opt.m, 0.0);
    Arrays.fill(out.opt.v, 0.0);
    out.opt.t = 0;
    for (Part p : parts) {
      if (!(p.weight > 0)) continue;
      double c = p.weight / omega;
      axpy(c, p.snap.theta, out.theta);
      axpy(c, p.snap.opt.m, out.opt.m);
      axpy(c, p.snap.opt.v, out.opt.v);
      axpy(c, p.snap.runMean, out.runMean);
      axpy(c, p.snap.runVar, out.runVar);
      out.opt.t = Math.max(out.opt.t, p.snap.opt.t);
    }
    return out;
  }

  private static void axpy(double c, double[] x, double[] y) {
    for (int q = 0; q < x.length; q++) y[q] += c * x[q];
  }

  /** Per-thread buffers, reused across tasks while the network and capacity fit. */
  private static final ThreadLocal<Buffers> BUFFERS = new ThreadLocal<>();

  static final class Buffers {
    final Workspace ws;
    final double[] y;
    final double[] w;

    Buffers(Network net, int capacity) {
      ws = new Workspace(net, capacity);
      y = new double[capacity];
      w = new double[capacity];
    }

    static Buffers get(Network net, int rows) {
      Buffers b = BUFFERS.get();
      if (b == null || !b.ws.fits(net, rows)) {
        b = new Buffers(net, Math.max(rows, 256));
        BUFFERS.set(b);
      }
      return b;
    }
  }

  /** Copies rows order[from..to) of the block into the buffers; returns Σ ω. */
  static double gather(Shard.Block b, int[] order, int from, int to, Buffers buf) {
    int p = b.p;
    double[] x = buf.ws.input();
    double omega = 0.0;
    for (int i = from, r = 0; i < to; i++, r++) {
      int row = order == null ? i : order[i];
      System.arraycopy(b.x, row * p, x, r * p, p);
      buf.y[r] = b.y[row];
      buf.w[r] = b.w[row];
      omega += b.w[row];
    }
    return omega;
  }

  /** Σ ω ℓ and Σ ω over a block in inference mode, in chunks of the buffer capacity. */
  static double[] score(Network net, Shard.Block b, double[] theta, double[] rm, double[] rv) {
    double loss = 0.0;
    double weight = 0.0;
    if (b.n == 0) return new double[] {0.0, 0.0};
    Buffers buf = Buffers.get(net, Math.min(b.n, 256));
    int cap = buf.ws.capacity;
    for (int from = 0; from < b.n; from += cap) {
      int to = Math.min(b.n, from + cap);
      weight += gather(b, null, from, to, buf);
      net.forward(theta, buf.ws, to - from, Mode.EVAL, rm, rv, 0L);
      loss += net.loss(buf.ws, to - from, buf.y, buf.w);
    }
    return new double[] {loss, weight};
  }

  /** The per-partition work of one sync step or one local-sgd round. */
  static final class StepFn implements ShardFn<Part> {
    private static final long serialVersionUID = 1L;
    final Network net;
    final TrainConfig cfg;
    final Optimizer opt;

    StepFn(Network net, TrainConfig cfg, Optimizer opt) {
      this.net = net;
      this.cfg = cfg;
      this.opt = opt;
    }

    @Override
    public Part apply(Shard shard, Object payload) {
      Plan plan = (Plan) payload;
      Snapshot in = plan.snap();
      Part out = new Part();
      if (plan.validate()) {
        double[] v = score(net, shard.valid, in.theta, in.runMean, in.runVar);
        out.validLoss = v[0];
        out.validWeight = v[1];
      }
      Shard.Block b = shard.train;
      int T = plan.stepsPerEpoch();
      int e = plan.epoch();
      int[] order = shard.order(cfg.seed(), e);
      int maxRows = (int) ((long) b.n / T + 2);
      Buffers buf = Buffers.get(net, maxRows);
      Workspace ws = buf.ws;
      if (!cfg.localSgd()) {
        int t = plan.tStart();
        int from = (int) ((long) t * b.n / T);
        int to = (int) ((long) (t + 1) * b.n / T);
        int m = to - from;
        if (m == 0) return out;
        double omega = gather(b, order, from, to, buf);
        net.forward(in.theta, ws, m, Mode.TRAIN, in.runMean, in.runVar, Seeds.mix(cfg.seed(), 2, e, shard.partition, t));
        out.loss = net.loss(ws, m, buf.y, buf.w);
        out.weight = omega;
        out.grad = new double[net.numParams];
        net.backward(in.theta, ws, m, out.grad);
        if (net.numBn > 0) {
          out.bnMean = new double[net.numBn];
          out.bnVar = new double[net.numBn];
          double unbias = m > 1 ? m / (m - 1.0) : 1.0;
          for (int k = 0; k < net.numBn; k++) {
            out.bnMean[k] = omega * ws.bnMean[k];
            out.bnVar[k] = omega * ws.bnVar[k] * unbias;
          }
        }
        return out;
      }
      Snapshot s = in.copy();
      double[] g = new double[net.numParams];
      double beta = cfg.bnMomentum();
      for (int t = plan.tStart(); t < plan.tEnd(); t++) {
        int from = (int) ((long) t * b.n / T);
        int to = (int) ((long) (t + 1) * b.n / T);
        int m = to - from;
        if (m == 0) continue;
        double omega = gather(b, order, from, to, buf);
        net.forward(s.theta, ws, m, Mode.TRAIN, s.runMean, s.runVar, Seeds.mix(cfg.seed(), 2, e, shard.partition, t));
        out.loss += net.loss(ws, m, buf.y, buf.w);
        out.weight += omega;
        Arrays.fill(g, 0.0);
        net.backward(s.theta, ws, m, g);
        for (int q = 0; q < g.length; q++) g[q] /= omega;
        net.addPenaltyGradient(s.theta, cfg.l1(), cfg.l2(), g);
        opt.step(s.theta, g, cfg.lr((long) e * T + t, T), s.opt);
        double unbias = m > 1 ? m / (m - 1.0) : 1.0;
        for (int k = 0; k < net.numBn; k++) {
          s.runMean[k] = beta * s.runMean[k] + (1 - beta) * ws.bnMean[k];
          s.runVar[k] = beta * s.runVar[k] + (1 - beta) * (ws.bnVar[k] * unbias);
        }
      }
      out.snap = s;
      return out;
    }
  }

  /** Σ ω ℓ and Σ ω on the validation (or training) blocks, inference mode. */
  static double[] evaluate(Engine engine, Network net, Snapshot s, boolean valid) {
    ShardFn<double[]> fn = (shard, payload) -> {
      Snapshot p = (Snapshot) payload;
      return score(net, valid ? shard.valid : shard.train, p.theta, p.runMean, p.runVar);
    };
    double[] sum = new double[2];
    for (double[] r : engine.map(fn, s)) {
      sum[0] += r[0];
      sum[1] += r[1];
    }
    return sum;
  }

  /** Replaces the running statistics of each BN layer, in order, by its exact population statistics. */
  static void populationStats(Engine engine, Network net, Snapshot s) {
    for (int l = 0; l < net.layers - 1; l++) {
      final int layer = l;
      int width = net.sizes[l + 1];
      ShardFn<double[]> fn = (shard, payload) -> {
        Snapshot p = (Snapshot) payload;
        Shard.Block b = shard.train;
        double[] acc = new double[2 * width + 1];
        if (b.n == 0) return acc;
        Buffers buf = Buffers.get(net, Math.min(b.n, 256));
        int cap = buf.ws.capacity;
        for (int from = 0; from < b.n; from += cap) {
          int to = Math.min(b.n, from + cap);
          gather(b, null, from, to, buf);
          net.forward(p.theta, buf.ws, to - from, Mode.EVAL, p.runMean, p.runVar, 0L);
          double[] z = buf.ws.z[layer];
          for (int i = 0, r = 0; i < to - from; i++, r += width) {
            for (int k = 0; k < width; k++) {
              acc[k] += z[r + k];
              acc[width + k] += z[r + k] * z[r + k];
            }
          }
          acc[2 * width] += to - from;
        }
        return acc;
      };
      double[] acc = new double[2 * width + 1];
      for (double[] r : engine.map(fn, s)) axpy(1.0, r, acc);
      double n = acc[2 * width];
      int off = net.bnOff[l];
      for (int k = 0; k < width; k++) {
        double mean = acc[k] / n;
        s.runMean[off + k] = mean;
        s.runVar[off + k] = n > 1 ? Math.max(0.0, (acc[width + k] - n * mean * mean) / (n - 1)) : 0.0;
      }
    }
  }
}
