package io.ridgeline.sweep;

import io.ridgeline.cv.Predictor;
import java.util.List;
import org.apache.spark.ml.Transformer;

/** A trained model: a predictor plus what the reports need about it. */
public interface FittedModel {
  /** The feature name of an intercept in {@link #coefficients}. */
  String INTERCEPT = "(intercept)";

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

  /**
   * The fitted model as a Spark ML stage reading the {@code features} column: a genuine MLlib
   * {@code LinearRegressionModel} / {@code LogisticRegressionModel} with the estimator's parameters, or
   * an {@code MlpModel}; persistable, so the saved {@code PipelineModel} can hold it.
   */
  Transformer transformer();

  /**
   * @param classIndex class for multinomial models, null otherwise
   * @param feature    feature name, or {@code (intercept)}
   */
  record Coefficient(Integer classIndex, String feature, double value) {}
}
