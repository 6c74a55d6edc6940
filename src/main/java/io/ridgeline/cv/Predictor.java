package io.ridgeline.cv;

import java.io.Serializable;
import org.apache.spark.ml.linalg.Vector;

/** A fitted model as the scorer sees it: shipped to executors, called once per row. */
public interface Predictor extends Serializable {
  /** 0 for regression; otherwise the number of classes K. */
  int numClasses();

  /**
   * Writes the prediction into {@code out}: the predicted value in {@code out[0]} for regression,
   * class probabilities in {@code out[0..K−1]} for classification. Must not allocate.
   */
  void predict(Vector x, double[] out);
}
