package io.ridgeline.glm;

import io.ridgeline.cv.Auc;
import io.ridgeline.cv.Evaluation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;

/**
 * The wide engines' executor-side pass: for many models at once, each over the rows outside its held-out
 * fold, at its current point, the loss, the FULL gradient and second-order information restricted to
 * its working set — one pass over the {@link SparseBlocks}, whatever the number of models.
 *
 * <p>For a model with held-out fold h, coefficients β (non-zero only on its working set W), intercept
 * b̃₀ (in the blocks' shifted coordinates) and η_i = b̃₀ + x̃_iᵀβ, each row i with fold ≠ h adds
 * <pre>
 *   gaussian: ℓ_i = ½w_i(ỹ_i − η_i)²,               r_i = w_i(ỹ_i − η_i),  v_i = w_i
 *   binomial: ℓ_i = w_i(log(1 + e^{η_i}) − y_iη_i),  r_i = w_i(y_i − p_i),   v_i = w_i·p_i(1 − p_i)
 * </pre>
 * to: L = Σℓ, R = Σr, S = Σv, G_j = Σr·x̃_ij for every feature j (p doubles: the KKT check and the
 * strong rule), and when the model asks for it, h_W = Σv·x̃_W and H_W = Σv·x̃_W x̃_Wᵀ (upper triangle
 * packed, element (a, b), a ≤ b, at b(b+1)/2 + a, in W's order). A row costs, per model, its stored
 * entries for η and G plus (entries in W)² / 2 for H: nothing grows with p but the model's gradient.
 *
 * <p>The coefficients travel over the union U of the models' working sets: β as |U| doubles per model,
 * W as positions in U. Each task maps feature → position in U once (p ints) and model × U → position in
 * W (|U| ints per model), buffers allocated once per task.
 */
final class WidePass {
  private WidePass() {}

  /**
   * The models of one pass: what is broadcast. {@code classes}: 0 gaussian, 2 binomial, K ≥ 3 multinomial
   * (scoring only: model m's K coefficient vectors are {@code beta[m]} as K×|U| row-major, its intercepts
   * {@code intercept[m·K + k]}).
   */
  record Models(int classes, int p, int[] union, int[] held, double[] intercept, double[][] beta,
      int[][] working, boolean[] hessian) implements Serializable {
    int size() {
      return held.length;
    }

    boolean binomial() {
      return classes == 2;
    }

    /** Doubles of model m's result: L, R, S, G (p), then h (|W|) and H (|W|(|W|+1)/2) if asked. */
    int width(int m) {
      int w = working[m].length;
      return 3 + p + (hessian[m] ? w + w * (w + 1) / 2 : 0);
    }

    int[] offsets() {
      int[] o = new int[size() + 1];
      for (int m = 0; m < size(); m++) o[m + 1] = o[m] + width(m);
      return o;
    }
  }

  /** Offsets within a model's result. */
  static final int LOSS = 0;
  static final int RESIDUAL = 1;
  static final int CURVATURE = 2;
  static final int GRADIENT = 3;

  /** One pass (the models broadcast); model m's result starts at {@code Models.offsets()[m]}. */
  static double[] aggregate(JavaRDD<SparseBlocks.Block> blocks, Broadcast<Models> models) {
    return blocks.mapPartitions(it -> {
      Models m = models.value();
      return List.of(accumulate(it, m, m.offsets())).iterator();
    }).treeReduce(SparseBlocks::sum, 2);
  }

  /** Per-task scratch: feature → U position, and per model U position → W position. */
  private static final class Maps {
    final int[] inUnion;
    final int[][] inWorking;

    Maps(Models models) {
      inUnion = unionMap(models);
      inWorking = new int[models.size()][];
      for (int m = 0; m < models.size(); m++) {
        inWorking[m] = new int[models.union().length];
        Arrays.fill(inWorking[m], -1);
        int[] w = models.working()[m];
        for (int a = 0; a < w.length; a++) inWorking[m][w[a]] = a;
      }
    }
  }

  /** Feature → its position in U, or −1. */
  static int[] unionMap(Models models) {
    int[] inUnion = new int[models.p()];
    Arrays.fill(inUnion, -1);
    for (int u = 0; u < models.union().length; u++) inUnion[models.union()[u]] = u;
    return inUnion;
  }

  private static double[] accumulate(Iterator<SparseBlocks.Block> it, Models models, int[] offsets) {
    double[] acc = new double[offsets[models.size()]];
    Maps maps = new Maps(models);
    int p = models.p();
    int[] rowU = new int[16];
    double[] rowUValue = new double[16];
    int[] rowW = new int[16];
    double[] rowWValue = new double[16];
    while (it.hasNext()) {
      SparseBlocks.Block b = it.next();
      for (int i = 0; i < b.n(); i++) {
        int from = b.rowStart()[i];
        int to = b.rowStart()[i + 1];
        if (to - from > rowU.length) {
          rowU = new int[to - from];
          rowUValue = new double[to - from];
          rowW = new int[to - from];
          rowWValue = new double[to - from];
        }
        int inU = 0;   // the row's entries in U
        for (int e = from; e < to; e++) {
          int u = maps.inUnion[b.index()[e]];
          if (u < 0) continue;
          rowU[inU] = u;
          rowUValue[inU++] = b.value()[e];
        }
        int fold = b.fold()[i];
        double y = b.y()[i];
        double w = b.w()[i];
        for (int m = 0; m < models.size(); m++) {
          if (models.held()[m] == fold) continue;
          double[] beta = models.beta()[m];
          double eta = models.intercept()[m];
          for (int c = 0; c < inU; c++) eta += beta[rowU[c]] * rowUValue[c];
          double loss;
          double r;
          double v;
          if (models.binomial()) {
            double p1 = 1 / (1 + Math.exp(-eta));
            loss = w * ((eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta))) - y * eta);
            r = w * (y - p1);
            v = w * p1 * (1 - p1);
          } else {
            double e = y - eta;
            loss = 0.5 * w * e * e;
            r = w * e;
            v = w;
          }
          int o = offsets[m];
          acc[o + LOSS] += loss;
          acc[o + RESIDUAL] += r;
          acc[o + CURVATURE] += v;
          int g = o + GRADIENT;
          for (int e = from; e < to; e++) acc[g + b.index()[e]] += r * b.value()[e];
          if (!models.hessian()[m]) continue;
          int[] pos = maps.inWorking[m];
          int inW = 0;
          for (int c = 0; c < inU; c++) {
            int a = pos[rowU[c]];
            if (a < 0) continue;
            rowW[inW] = a;
            rowWValue[inW++] = rowUValue[c];
          }
          int h = g + p;
          int packed = h + models.working()[m].length;
          for (int c = 0; c < inW; c++) {
            int a = rowW[c];
            double vx = v * rowWValue[c];
            acc[h + a] += vx;
            for (int d = 0; d <= c; d++) {
              int bb = rowW[d];
              int at = a >= bb ? a * (a + 1) / 2 + bb : bb * (bb + 1) / 2 + a;
              acc[packed + at] += vx * rowWValue[d];
            }
          }
        }
      }
    }
    return acc;
  }

  /** η = b̃₀ + x̃ᵀβ of model m at row i of b ({@code inUnion}: feature → position in U, or −1). */
  private static double eta(Models models, int m, int[] inUnion, SparseBlocks.Block b, int i) {
    double eta = models.intercept()[m];
    double[] beta = models.beta()[m];
    for (int x = b.rowStart()[i]; x < b.rowStart()[i + 1]; x++) {
      int u = inUnion[b.index()[x]];
      if (u >= 0) eta += beta[u] * b.value()[x];
    }
    return eta;
  }

  /** Model m's class probabilities on row i (as {@link LinearPredictor}: a stable softmax). */
  private static void softmax(Models models, int m, int classes, int width, int[] inUnion, SparseBlocks.Block b, int i,
      double[] out) {
    double[] beta = models.beta()[m];
    for (int k = 0; k < classes; k++) {
      double eta = models.intercept()[m * classes + k];
      for (int x = b.rowStart()[i]; x < b.rowStart()[i + 1]; x++) {
        int u = inUnion[b.index()[x]];
        if (u >= 0) eta += beta[k * width + u] * b.value()[x];
      }
      out[k] = eta;
    }
    LinearPredictor.softmax(out, classes);
  }

  /** As {@link LinearPredictor} (and MLlib's model): p₁ = 1/(1 + e^−η). */
  private static double probability(double eta) {
    return 1 / (1 + Math.exp(-eta));
  }

  /**
   * Scores every model on its own fold's rows (the held-out fold of each model), in one pass: the
   * prediction is η for regression (label and prediction both around the label shift, so every
   * metric is computed on well-scaled numbers), (1 − σ(η), σ(η)) for binomial, into one
   * {@link Evaluation} per model. {@code models.working} and {@code hessian} are not used.
   */
  static Evaluation[] score(JavaRDD<SparseBlocks.Block> blocks, Broadcast<Models> broadcast) {
    Models shape = broadcast.value();
    int classes = shape.classes();
    int size = shape.size();
    List<Evaluation[]> parts = blocks.mapPartitions(it -> List.<Evaluation[]>of(score(it, broadcast.value())).iterator()).collect();
    Evaluation[] total = new Evaluation[size];
    for (int m = 0; m < total.length; m++) {
      total[m] = new Evaluation(classes);
      for (Evaluation[] part : parts) total[m].merge(part[m]);
    }
    return total;
  }

  /** {@link #score}'s work on the blocks of one task: every model on its held-out fold's rows among them. */
  static Evaluation[] score(Iterator<SparseBlocks.Block> blocks, Models models) {
    int classes = models.classes();
    Evaluation[] e = new Evaluation[models.size()];
    for (int m = 0; m < e.length; m++) e[m] = new Evaluation(classes);
    int[] inUnion = unionMap(models);
    double[] out = new double[Math.max(2, classes)];
    int width = models.union().length;
    while (blocks.hasNext()) {
      SparseBlocks.Block b = blocks.next();
      for (int i = 0; i < b.n(); i++) {
        int fold = b.fold()[i];
        for (int m = 0; m < e.length; m++) {
          if (models.held()[m] != fold) continue;
          if (classes > 2) {
            softmax(models, m, classes, width, inUnion, b, i, out);
            e[m].add(b.y()[i], b.w()[i], out);
            continue;
          }
          double eta = eta(models, m, inUnion, b, i);
          if (models.binomial()) {
            double p1 = probability(eta);
            out[0] = 1 - p1;
            out[1] = p1;
          } else {
            out[0] = eta;
          }
          e[m].add(b.y()[i], b.w()[i], out);
        }
      }
    }
    return e;
  }

  /**
   * Binomial AUC of every model on its held-out fold's rows when one task holds them all ({@code
   * blocks}): each model's scores gathered and ranked in the task ({@link Auc#of(double[], double[],
   * double[], int)}), no shuffle.
   */
  static double[] auc(List<SparseBlocks.Block> blocks, Models models) {
    int[] inUnion = unionMap(models);
    int rows = 0;
    for (SparseBlocks.Block b : blocks) rows += b.n();
    double[] scores = new double[rows];
    double[] pos = new double[rows];
    double[] neg = new double[rows];
    double[] auc = new double[models.size()];
    for (int m = 0; m < auc.length; m++) {
      int n = 0;
      for (SparseBlocks.Block b : blocks) {
        for (int i = 0; i < b.n(); i++) {
          if (b.fold()[i] != models.held()[m]) continue;
          scores[n] = probability(eta(models, m, inUnion, b, i));
          pos[n] = b.y()[i] > 0 ? b.w()[i] : 0;
          neg[n++] = b.y()[i] > 0 ? 0 : b.w()[i];
        }
      }
      auc[m] = Auc.of(scores, pos, neg, n);
    }
    return auc;
  }

  /**
   * Binomial AUC of every model on its own fold's rows, exactly ({@link Auc}): each row of fold f makes
   * one record, the scores σ(η) of the models held out on f — which must be contiguous in
   * {@code models} (the first at {@code first[f]}) — as {@link #score} computes them.
   */
  static double[] auc(JavaRDD<SparseBlocks.Block> blocks, Broadcast<Models> broadcast, long largestFold) {
    Models shape = broadcast.value();
    int folds = 0;
    for (int h : shape.held()) folds = Math.max(folds, h + 1);
    int[] first = new int[folds];
    int[] count = new int[folds];
    Arrays.fill(first, -1);
    for (int m = 0; m < shape.size(); m++) {
      int h = shape.held()[m];
      if (first[h] < 0) first[h] = m;
      else if (first[h] + count[h] != m) {
        throw new IllegalArgumentException("the models held out on fold " + h + " are not contiguous");
      }
      count[h]++;
    }
    JavaRDD<Auc.Scored> records = blocks.flatMap(b -> {
      Models models = broadcast.value();
      int[] inUnion = unionMap(models);
      List<Auc.Scored> rows = new ArrayList<>(b.n());
      for (int i = 0; i < b.n(); i++) {
        int fold = b.fold()[i];
        if (fold >= first.length || first[fold] < 0) continue;
        double[] scores = new double[count[fold]];
        for (int c = 0; c < scores.length; c++) scores[c] = probability(eta(models, first[fold] + c, inUnion, b, i));
        rows.add(Auc.record(first[fold], scores, b.y()[i], b.w()[i]));
      }
      return rows.iterator();
    });
    return Auc.of(records, shape.size(), largestFold);
  }
}
