package io.ridgeline.linear;

import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.data.LabeledData;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.Trainer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** MLlib {@code LogisticRegression}: binomial for two classes, multinomial (softmax) for more. */
public final class LogisticRegressionTrainer implements Trainer {
  private final ModelSpec spec;
  private final int numFeatures;
  private final int numClasses;

  public LogisticRegressionTrainer(ModelSpec spec, int numFeatures, int numClasses) {
    this.spec = spec;
    this.numFeatures = numFeatures;
    this.numClasses = numClasses;
  }

  @Override
  public FittedModel fit(Dataset<Row> rows, GridPoint point) {
    LogisticRegressionModel m = estimator(point).fit(rows);
    Matrix beta = m.coefficientMatrix();
    int rowsOut = beta.numRows();
    double[] coef = new double[rowsOut * numFeatures];
    for (int k = 0; k < rowsOut; k++) {
      for (int j = 0; j < numFeatures; j++) coef[k * numFeatures + j] = beta.apply(k, j);
    }
    int iterations = m.hasSummary() ? m.summary().totalIterations() : 0;
    return new MllibFit(m, numClasses, numFeatures, coef, m.interceptVector().toArray(), iterations);
  }

  /** The MLlib estimator of a grid point. */
  LogisticRegression estimator(GridPoint point) {
    return new LogisticRegression()
        .setFamily(numClasses == 2 ? "binomial" : "multinomial")
        .setFeaturesCol(LabeledData.FEATURES)
        .setLabelCol(LabeledData.LABEL)
        .setWeightCol(LabeledData.WEIGHT)
        .setRegParam(point.lambda())
        .setElasticNetParam(point.alpha())
        .setStandardization(spec.standardize())
        .setFitIntercept(spec.intercept())
        .setMaxIter(spec.maxIter())
        .setTol(spec.tol());
  }
}
