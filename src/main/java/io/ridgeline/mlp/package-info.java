/**
 * The {@code mlp} family: a data-parallel multilayer perceptron as a Spark ML estimator.
 * {@link io.ridgeline.mlp.MlpEstimator} → {@link io.ridgeline.mlp.MlpModel} (Predictor/PredictionModel,
 * MLlib persistence); {@link io.ridgeline.mlp.Network} (layers, forward, backward, penalties),
 * {@link io.ridgeline.mlp.Optimizer} (SGD/momentum/Nesterov, Adam, AdamW),
 * {@link io.ridgeline.mlp.TrainConfig} (hyper-parameters, learning-rate schedule),
 * {@link io.ridgeline.mlp.Trainer} (sync and local-SGD training over cached dense
 * {@link io.ridgeline.mlp.Shard}s), and {@link io.ridgeline.mlp.Tensors} (the facade over Breeze's matrix products). The estimator imports
 * only Spark and Breeze; {@link io.ridgeline.mlp.MlpTrainer} adapts it to the sweep (and imports
 * {@code config}, {@code data}, {@code cv}, {@code sweep}).
 */
package io.ridgeline.mlp;
