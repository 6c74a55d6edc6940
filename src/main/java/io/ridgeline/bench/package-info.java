/**
 * Benchmarks: Ridgeline's sweep side by side with Spark MLlib's own tools and R's cv.glmnet on identical
 * input ({@link io.ridgeline.bench.CrossValidatorBench}, its generated data {@link io.ridgeline.bench.SyntheticData},
 * its glmnet side {@link io.ridgeline.bench.GlmnetSide} running {@code jobs/bench-glmnet.R}), and Ridgeline's MLP against
 * {@code MultilayerPerceptronClassifier} ({@link io.ridgeline.bench.MlpBench}, which imports {@code mlp}), and
 * successive halving against the full MLP grid it starts from ({@link io.ridgeline.bench.SearchBench}). Imports {@code job}, {@code config}, {@code data},
 * {@code cv}, {@code glm} and {@code sweep} for λ_max and the λ path, and {@code report} for the local file
 * system the sweep's sessions use.
 */
package io.ridgeline.bench;
