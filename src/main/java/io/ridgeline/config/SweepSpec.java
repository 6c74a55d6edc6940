package io.ridgeline.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A validated sweep configuration. Only {@link ConfigLoader} builds one, so every instance has passed
 * validation; the records below carry plain values and no further checks.
 *
 * @param name       a run name for the {@code runs} table ({@code name}, default: the config file name)
 * @param source     where the configuration came from (a file path), for messages and provenance
 * @param text       the configuration as the user wrote it, with {@code --set} overrides appended
 * @param sha256     SHA-256 of the effective (flattened, overridden) configuration
 */
public record SweepSpec(
    String name,
    DataSpec data,
    ModelSpec model,
    GridSpec sweep,
    CvSpec cv,
    RunSpec run,
    ReportSpec report,
    String source,
    String text,
    String sha256) {

  /**
   * @param features    null for {@code all}; otherwise the columns to assemble, or one vector column
   * @param weight      null when every row weighs 1
   * @param categorical numeric columns to one-hot encode as categories (text and boolean ones always are)
   * @param maxLevels   the most levels a categorical column may have
   * @param missing     what a null or NaN in a numeric column does: refuse the data, or drop the row
   */
  public record DataSpec(String path, DataFormat format, String label, List<String> features, String weight,
      List<String> categorical, int maxLevels, MissingValues missing) {}

  /**
   * @param classification logistic, or mlp with {@code model.task: classification}
   * @param mlp            fixed MLP estimator parameters ({@code model.mlp.<param>}), by name
   */
  public record ModelSpec(Family family, boolean classification, boolean standardize, boolean intercept,
      int maxIter, double tol, java.util.Map<String, JsonNode> mlp) {}

  /**
   * @param lambdaValues explicit λ values (sorted decreasing), or null for a path
   * @param pathCount    number of λ on a path from λ_max down to λ_max·pathMinRatio
   * @param mlp          MLP axes by parameter name ({@code sweep.mlp.<param>}): lists or distributions
   * @param search       how the MLP's points are chosen and trained ({@code sweep.search})
   * @param samples      points to draw ({@code sweep.samples}), or 0: the grid of the lists
   * @param seed         the sampler's seed ({@code sweep.seed})
   * @param halving      successive halving's settings ({@code sweep.halving}), or null unless search is halving
   */
  public record GridSpec(List<Double> alphas, List<Double> lambdaValues, int pathCount, double pathMinRatio,
      java.util.Map<String, MlpAxis> mlp, Search search, int samples, long seed, HalvingSpec halving) {
    /** Whether the MLP's points are drawn by the sampler rather than the product of the lists. */
    public boolean drawn() {
      return samples > 0;
    }
  }

  /**
   * {@code sweep.halving}: rungs of growing epoch budgets; each keeps the best 1/η of its candidates.
   *
   * @param eta       η ≥ 2: the fraction kept per rung is 1/η and the budget grows η-fold
   * @param minEpochs the first rung's budget, or 0 for the default (maxEpochs/η², at least 1)
   * @param maxEpochs the last rung's budget, or 0 for the estimator's {@code maxEpochs}
   */
  public record HalvingSpec(int eta, int minEpochs, int maxEpochs) {}

  /**
   * @param stratify    stratify folds by label (default: true for classification)
   * @param foldColumn  a column that already holds fold ids, or null
   * @param groupColumn a column of group ids (no group straddles folds), or null; never with foldColumn
   */
  public record CvSpec(int folds, long seed, boolean stratify, String foldColumn, String groupColumn, Metric metric,
      SelectionRule rule) {}

  /**
   * @param partitions partitions of the cached data, or 0 for automatic
   */
  public record RunSpec(String output, int parallelism, String master, int partitions, EngineChoice engine) {}

  public record ReportSpec(boolean coefficients) {}
}
