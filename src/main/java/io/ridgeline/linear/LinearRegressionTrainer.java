package io.ridgeline.linear;

import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.data.LabeledData;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.Trainer;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MLlib {@code LinearRegression} with squared loss. MLlib's "auto" solver takes the normal equations
 * (one pass over the data; OWL-QN on the p × p system when α·λ &gt; 0) up to 4096 features, L-BFGS/OWL-QN
 * over the data beyond.
 */
public final class LinearRegressionTrainer implements Trainer {
  private final ModelSpec spec;
  private final int numFeatures;

  public LinearRegressionTrainer(ModelSpec spec, int numFeatures) {
    this.spec = spec;
    this.numFeatures = numFeatures;
  }

  @Override
  public FittedModel fit(Dataset<Row> rows, GridPoint point) {
    LinearRegressionModel m = estimator(point).fit(rows);
    int iterations = m.hasSummary() ? m.summary().totalIterations() : 0;
    return new MllibFit(m, 0, numFeatures, m.coefficients().toArray(), new double[] {m.intercept()}, iterations);
  }

  /** The MLlib estimator of a grid point. */
  LinearRegression estimator(GridPoint point) {
    return new LinearRegression()
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
