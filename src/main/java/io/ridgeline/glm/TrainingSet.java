package io.ridgeline.glm;

import io.ridgeline.config.SweepSpec.ModelSpec;
import java.io.Serializable;

/**
 * One training set's constants of MLlib's objective, from the per-fold {@link SparseBlocks.FoldMoments}: the
 * rows of every fold but {@code held} (held ≥ k: all rows). σ_j is the weighted unbiased std for binomial
 * and for gaussian beyond {@value WidePath#NORMAL_EQUATIONS} features (MLlib's Summarizer, as its L-BFGS
 * path uses), the population std for gaussian up to it (MLlib's normal equations); π_j = σ_j under
 * standardization, 1 without. Shared by the wide engines' two solvers ({@link WidePath},
 * {@link CoordinatePath}).
 */
final class TrainingSet implements Serializable {
  final int held;
  /** Σw over the set. */
  final double weight;
  final double[] sigma;
  final double[] penalty;
  /** 1/σ_y for gaussian (the L2 term's scale and the unit of convergence σ_y), 1 for binomial. */
  final double l2Scale;
  final double yScale;
  /** Mean of the stored (shifted) features. */
  final double[] mean;
  /** The intercept-only optimum (stored coordinates), or 0. */
  final double intercept0;
  /** A constant label: the solution is β = 0, b₀ = intercept0 at every λ (with this note), else null. */
  final String constant;

  TrainingSet(ModelSpec spec, boolean binomial, double yShift, int held, SparseBlocks.FoldMoments fm) {
    this.held = held;
    double[] labelSquare = new double[1];
    Moments m = fm.training(held, labelSquare);
    int p = m.p;
    weight = m.sumW;
    boolean unbiased = binomial || p > WidePath.NORMAL_EQUATIONS;
    sigma = new double[p];
    mean = new double[p];
    for (int j = 0; j < p; j++) {
      sigma[j] = Math.sqrt(unbiased ? m.unbiasedVariance(j) : m.populationVariance(j));
      mean[j] = m.mean(j);
    }
    penalty = spec.standardize() ? sigma : GaussianSolver.ones(p);
    String where = held < fm.folds().length ? "the training set without fold " + (held + 1) : "all rows";
    if (binomial) {
      l2Scale = 1;
      yScale = 1;
      double positive = m.classW[1];
      double negative = m.classW[0];
      if (spec.intercept() && (positive == 0 || negative == 0)) {
        intercept0 = positive == 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        constant = "note: the label is constant in " + where + ": zero coefficients, intercept " + intercept0
            + " (as MLlib)";
      } else {
        intercept0 = spec.intercept() ? Math.log(positive / negative) : 0;
        constant = null;
      }
    } else {
      double yMean = m.sumWY / weight;
      double variance = Math.max(0, labelSquare[0] / weight - yMean * yMean);
      if (unbiased) variance *= weight / (weight - m.sumW2 / weight);
      double ySigma = Math.sqrt(variance);
      intercept0 = spec.intercept() ? yMean : 0;
      if (!(ySigma > 0) && spec.intercept()) {
        constant = "note: the label is constant in " + where + ": zero coefficients, intercept at its mean (as MLlib)";
        ySigma = 1;
      } else {
        constant = null;
        // Without an intercept MLlib scales a constant label by |ȳ| instead.
        if (!(ySigma > 0)) ySigma = Math.abs(yShift + yMean);
        if (!(ySigma > 0)) ySigma = 1;
      }
      l2Scale = 1 / ySigma;
      yScale = ySigma;
    }
  }

  /** Whether feature j varies in this set (a constant one is held at 0). */
  boolean varies(int j) {
    return sigma[j] > 0;
  }
}
