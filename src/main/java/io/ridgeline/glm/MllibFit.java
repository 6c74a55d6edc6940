package io.ridgeline.glm;

import io.ridgeline.cv.Predictor;
import io.ridgeline.sweep.FittedModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Transformer;

/** A fitted MLlib linear or logistic model, its coefficients copied out once. */
final class MllibFit implements FittedModel {
  private final Transformer model;
  private final int numClasses;
  private final int p;
  private final double[] coef;
  private final double[] intercept;
  private final int iterations;
  private final boolean converged;

  MllibFit(Transformer model, int numClasses, int p, double[] coef, double[] intercept, int iterations) {
    this(model, numClasses, p, coef, intercept, iterations, true);
  }

  MllibFit(Transformer model, int numClasses, int p, double[] coef, double[] intercept, int iterations,
      boolean converged) {
    this.converged = converged;
    this.model = model;
    this.numClasses = numClasses;
    this.p = p;
    this.coef = coef;
    this.intercept = intercept;
    this.iterations = iterations;
  }

  @Override
  public Predictor predictor() {
    return new LinearPredictor(numClasses, p, coef, intercept);
  }

  @Override
  public int iterations() {
    return iterations;
  }

  @Override
  public boolean converged() {
    return converged;
  }

  /**
   * Whether an MLlib fit stopped before its cap: its optimizers (L-BFGS, OWL-QN) count an iteration per
   * entry of the objective history after the first, and stop at {@code maxIter} whether converged or not.
   */
  static boolean belowCap(int iterations, int maxIter) {
    return iterations < maxIter;
  }

  @Override
  public int nonzero() {
    return nonzero(coef);
  }

  /** Non-zero entries of a coefficient vector. */
  static int nonzero(double[] coef) {
    int n = 0;
    for (double c : coef) if (c != 0) n++;
    return n;
  }

  @Override
  public List<Coefficient> coefficients(List<String> featureNames) {
    boolean multinomial = intercept.length > 1;
    List<Coefficient> out = new ArrayList<>(coef.length + intercept.length);
    for (int k = 0; k < intercept.length; k++) {
      Integer cls = multinomial ? k : null;
      out.add(new Coefficient(cls, INTERCEPT, intercept[k]));
      for (int j = 0; j < p; j++) out.add(new Coefficient(cls, featureNames.get(j), coef[k * p + j]));
    }
    return out;
  }

  @Override
  public Transformer transformer() {
    return model;
  }
}
