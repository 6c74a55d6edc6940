package io.ridgeline.glm;

import io.ridgeline.config.BadInputException;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.LabeledData;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.Trainer;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MLlib {@code LinearRegression} with squared loss. MLlib's "auto" solver takes the normal equations
 * (one pass over the data; OWL-QN on the p × p system when α·λ &gt; 0) up to 4096 features, L-BFGS/OWL-QN
 * over the data beyond.
 *
 * <p>In a sweep each training set goes through {@link MllibInput} (constant features zeroed and held at
 * 0, label and features shifted by their means with an intercept) and the model returned holds the
 * coefficients and intercept for raw data. A training set whose label is constant gets MLlib's and
 * glmnet's answer without a fit (β = 0, b₀ = ȳ; MLlib's own fit there dies with a
 * NullPointerException); without an intercept a constant non-zero label is refused, as MLlib refuses
 * to regularize it.
 */
public final class LinearRegressionTrainer implements Trainer {
  private final ModelSpec spec;
  private final int numFeatures;
  private final MllibInput input;

  public LinearRegressionTrainer(ModelSpec spec, int numFeatures) {
    this.spec = spec;
    this.numFeatures = numFeatures;
    this.input = new MllibInput(spec, numFeatures, 0);
  }

  @Override
  public FittedModel fit(FoldedData folded, int held, GridPoint point, SweepRunner runner) {
    MllibInput.Prepared in = input.prepare(folded, held, runner::note);
    FeatureStats.Set set = in.set();
    if (set != null && set.labelConstant()) {
      if (!spec.intercept() && set.labelMean != 0) {
        throw new BadInputException("data.label is constant (" + set.labelMean + ") in a training set and "
            + "model.intercept is false: MLlib's objective cannot be regularized there");
      }
      return model(point, new double[numFeatures], spec.intercept() ? set.labelMean : 0, 0, true);
    }
    LinearRegressionModel m = estimator(point).fit(in.rows());
    double[] beta = m.coefficients().toArray();
    in.zeroConstant(beta);
    int iterations = m.hasSummary() ? m.summary().totalIterations() : 0;
    return model(point, beta, in.rawIntercepts(new double[] {m.intercept()}, beta)[0], iterations,
        MllibFit.belowCap(iterations, spec.maxIter()));
  }

  /** An MLlib model for raw data holding (β, b₀), with the estimator's parameters. */
  private FittedModel model(GridPoint point, double[] beta, double intercept, int iterations, boolean converged) {
    LinearRegression estimator = estimator(point);
    LinearRegressionModel raw = new LinearRegressionModel(estimator.uid(), Vectors.dense(beta), intercept);
    estimator.copyValues(raw, ParamMap.empty());
    return new MllibFit(raw, 0, numFeatures, beta, new double[] {intercept}, iterations, converged);
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
