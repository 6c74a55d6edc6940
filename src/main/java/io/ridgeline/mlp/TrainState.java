package io.ridgeline.mlp;

import io.ridgeline.mlp.Trainer.Snapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Where a fit stands after some epochs: everything the next epoch needs, so a fit can stop and go on
 * (successive halving's rungs). θ, the optimizer's state (moments m, v and step count t), the BN running
 * statistics; the epoch counter, which with the seed fixes every later shuffle and dropout mask (they are
 * seeded by (seed, epoch, partition, step), so there is no generator state to keep); the per-epoch
 * history; and the early-stopping bookkeeping (the best epoch's snapshot and loss, epochs without
 * improvement, whether training stopped). {@link #toBytes} writes it exactly (every double's bits), so
 * a state read back goes on as the one written would have.
 */
public final class TrainState {
  private static final int FORMAT = 1;

  Snapshot snap;
  /** Epochs done. */
  int epochs;
  /** Optimizer steps taken. */
  long steps;
  /** Per epoch of the schedule's horizon; entries [0, epochs) are set. */
  final double[] trainLoss;
  final double[] validLoss;
  /** Epochs whose validation loss has been taken into account (early stopping). */
  int validated;
  Snapshot best;
  double bestLoss = Double.POSITIVE_INFINITY;
  int bestEpoch = -1;
  /** Validations in a row without improvement. */
  int bad;
  boolean stopped;

  private TrainState(Snapshot snap, int horizon) {
    this.snap = snap;
    this.trainLoss = new double[horizon];
    this.validLoss = new double[horizon];
    Arrays.fill(validLoss, Double.NaN);
  }

  /** A fresh start: θ from {@code net.init(seed)}, zero moments, running statistics (0, 1). */
  static TrainState start(Network net, TrainConfig cfg, Optimizer opt) {
    double[][] run = net.initRunning();
    return new TrainState(new Snapshot(net.init(Seeds.mix(cfg.seed(), 0)), opt.newState(net.numParams), run[0], run[1]),
        cfg.maxEpochs());
  }

  /** Epochs trained so far. */
  public int epochs() {
    return epochs;
  }

  /**
   * Takes epoch {@code epoch}'s validation loss into account, the snapshot at its end being {@link #snap}:
   * a new best keeps that snapshot; else after {@code patience} validations without improvement
   * training stops.
   */
  void validation(int epoch, double loss, int patience) {
    validLoss[epoch] = loss;
    validated = epoch + 1;
    if (loss < bestLoss) {
      bestLoss = loss;
      best = snap.copy();
      bestEpoch = epoch;
      bad = 0;
    } else if (++bad >= patience) {
      stopped = true;
    }
  }

  /** The state as bytes (a version, then every field; doubles by their bits). */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      write(out, snap);
      out.writeInt(epochs);
      out.writeLong(steps);
      write(out, trainLoss);
      write(out, validLoss);
      out.writeInt(validated);
      out.writeBoolean(best != null);
      if (best != null) write(out, best);
      out.writeDouble(bestLoss);
      out.writeInt(bestEpoch);
      out.writeInt(bad);
      out.writeBoolean(stopped);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A state {@link #toBytes} wrote. */
  public static TrainState fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readInt();
      if (format != FORMAT) throw new IllegalArgumentException("training state format " + format + ", expected " + FORMAT);
      Snapshot snap = snapshot(in);
      int epochs = in.readInt();
      long steps = in.readLong();
      double[] trainLoss = doubles(in);
      TrainState s = new TrainState(snap, trainLoss.length);
      System.arraycopy(trainLoss, 0, s.trainLoss, 0, trainLoss.length);
      System.arraycopy(doubles(in), 0, s.validLoss, 0, trainLoss.length);
      s.epochs = epochs;
      s.steps = steps;
      s.validated = in.readInt();
      s.best = in.readBoolean() ? snapshot(in) : null;
      s.bestLoss = in.readDouble();
      s.bestEpoch = in.readInt();
      s.bad = in.readInt();
      s.stopped = in.readBoolean();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("reading a training state", e);
    }
  }

  private static void write(DataOutputStream out, Snapshot s) throws IOException {
    write(out, s.theta);
    write(out, s.opt.m);
    write(out, s.opt.v);
    out.writeLong(s.opt.t);
    write(out, s.runMean);
    write(out, s.runVar);
  }

  private static Snapshot snapshot(DataInputStream in) throws IOException {
    double[] theta = doubles(in);
    double[] m = doubles(in);
    double[] v = doubles(in);
    Optimizer.State opt = new Optimizer.State(m.length, v.length > 0);
    System.arraycopy(m, 0, opt.m, 0, m.length);
    System.arraycopy(v, 0, opt.v, 0, v.length);
    opt.t = in.readLong();
    return new Snapshot(theta, opt, doubles(in), doubles(in));
  }

  private static void write(DataOutputStream out, double[] a) throws IOException {
    out.writeInt(a.length);
    for (double x : a) out.writeDouble(x);
  }

  private static double[] doubles(DataInputStream in) throws IOException {
    double[] a = new double[in.readInt()];
    for (int i = 0; i < a.length; i++) a[i] = in.readDouble();
    return a;
  }
}
