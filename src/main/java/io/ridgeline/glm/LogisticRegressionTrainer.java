package io.ridgeline.glm;

import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.LabeledData;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.SweepRunner;
import io.ridgeline.sweep.Trainer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MLlib {@code LogisticRegression}: binomial for two classes, multinomial (softmax) for more. In a sweep
 * each training set goes through {@link MllibInput} (constant features zeroed and held at 0, dense
 * features shifted by their means with an intercept) and the model returned holds the coefficients
 * and intercepts for raw data. (A training set with one class cannot occur in a sweep: every fold
 * holds every class.)
 */
public final class LogisticRegressionTrainer implements Trainer {
  private final ModelSpec spec;
  private final int numFeatures;
  private final int numClasses;
  private final MllibInput input;

  public LogisticRegressionTrainer(ModelSpec spec, int numFeatures, int numClasses) {
    this.spec = spec;
    this.numFeatures = numFeatures;
    this.numClasses = numClasses;
    this.input = new MllibInput(spec, numFeatures, numClasses);
  }

  @Override
  public FittedModel fit(Dataset<Row> rows, GridPoint point) {
    LogisticRegressionModel m = estimator(point).fit(rows);
    int iterations = m.hasSummary() ? m.summary().totalIterations() : 0;
    return new MllibFit(m, numClasses, numFeatures, coefficients(m), m.interceptVector().toArray(), iterations,
        MllibFit.belowCap(iterations, spec.maxIter()));
  }

  @Override
  public FittedModel fit(FoldedData folded, int held, GridPoint point, SweepRunner runner) {
    MllibInput.Prepared in = input.prepare(folded, held, runner::note);
    LogisticRegressionModel m = estimator(point).fit(in.rows());
    double[] coef = coefficients(m);
    in.zeroConstant(coef);
    int iterations = m.hasSummary() ? m.summary().totalIterations() : 0;
    return model(point, coef, in.rawIntercepts(m.interceptVector().toArray(), coef), iterations,
        MllibFit.belowCap(iterations, spec.maxIter()));
  }

  /** A genuine MLlib model holding (β: K'×p row-major, intercepts), with the estimator's parameters. */
  FittedModel model(GridPoint point, double[] coef, double[] intercept, int iterations, boolean converged) {
    LogisticRegression estimator = estimator(point);
    // Row-major (transposed) storage, as MLlib's binomial models require.
    LogisticRegressionModel raw = new LogisticRegressionModel(estimator.uid(),
        new DenseMatrix(intercept.length, numFeatures, coef.clone(), true), Vectors.dense(intercept.clone()),
        numClasses, numClasses > 2);
    estimator.copyValues(raw, ParamMap.empty());
    return new MllibFit(raw, numClasses, numFeatures, coef, intercept, iterations, converged);
  }

  /** The coefficient matrix, K'×p row-major. */
  private double[] coefficients(LogisticRegressionModel m) {
    Matrix beta = m.coefficientMatrix();
    int rowsOut = beta.numRows();
    double[] coef = new double[rowsOut * numFeatures];
    for (int k = 0; k < rowsOut; k++) {
      for (int j = 0; j < numFeatures; j++) coef[k * numFeatures + j] = beta.apply(k, j);
    }
    return coef;
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
