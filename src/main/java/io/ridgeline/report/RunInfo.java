package io.ridgeline.report;

import java.time.Instant;
import java.util.List;

/**
 * Provenance of one run: the {@code runs} table's row.
 *
 * @param status "succeeded" or "failed"
 * @param engine which engine trained the trials ("mllib")
 * @param dataFingerprint the data's order-independent hash over every row (see {@code FoldPlan}), 16 hex digits
 * @param search          {@code sweep.search}: grid, random or halving
 * @param epochsSpent     mlp: epochs trained over every (point, fold) of cross-validation; else null
 * @param epochsFullGrid  mlp: what training every point on every fold to its maxEpochs costs; else null
 * @param selectedMean    the selected point's mean CV metric (the refit choice's); null when none was selected
 * @param selectedNonzero the selected model's non-zero coefficients (its full-data fit); null when none
 */
public record RunInfo(
    String runId, String name, String status, Instant startedAt, Instant endedAt,
    String family, String metric, String rule, String engine,
    String configSource, String configText, String configSha256,
    String dataPath, String dataFormat, long rows, int features, int classes,
    int folds, List<Long> foldSizes, String dataFingerprint, long seed, int gridPoints,
    Integer selectedPoint, Double selectedAlpha, Double selectedLambda, String modelPath,
    String sparkVersion, String javaVersion, String appVersion, String master, String error,
    String search, Long epochsSpent, Long epochsFullGrid, Double selectedMean, Integer selectedNonzero) {}
