package io.ridgeline.sweep;

import io.ridgeline.cv.Predictor;
import java.io.IOException;
import java.util.List;

/** A trained model: a predictor plus what the reports need about it. */
public interface FittedModel {
  Predictor predictor();

  /** Solver iterations MLlib reports (0 where its solver reports none, as the normal equations). */
  int iterations();

  /** Whether the fit met its solver's tolerance (false: an iteration cap ended it). */
  default boolean converged() {
    return true;
  }

  /** Non-zero coefficients, intercepts excluded. */
  int nonzero();

  /** Every coefficient, intercepts included. */
  List<Coefficient> coefficients(List<String> featureNames);

  /** Per-epoch training and validation loss ({@code [0]}, {@code [1]}) for iterative models, else null. */
  default double[][] history() {
    return null;
  }

  /** Saves the model in MLlib's format. */
  void save(String path) throws IOException;

  /**
   * @param classIndex class for multinomial models, null otherwise
   * @param feature    feature name, or {@code (intercept)}
   */
  record Coefficient(Integer classIndex, String feature, double value) {}
}
