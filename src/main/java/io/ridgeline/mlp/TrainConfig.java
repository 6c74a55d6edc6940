package io.ridgeline.mlp;

import java.io.Serializable;
import java.util.Locale;

/**
 * The training hyper-parameters, validated, as the data-parallel trainer sees them (the estimator's
 * Params map to this one-to-one).
 *
 * <p>Learning-rate schedule over global steps s = 0, 1, … with T steps per epoch, warm-up
 * W = round(warmupEpochs·T) steps and S = maxEpochs·T steps in all:
 * <pre>
 *   warm-up (s &lt; W):  η_s = η (s + 1)/W
 *   constant:        η_s = η
 *   step:            η_s = η · 0.1^(number of the epochs ⌊S/2⌋, ⌊3S/4⌋ already passed)   (×0.1 at 50% and 75%)
 *   cosine:          η_s = η · ½ (1 + cos(π (s − W)/(S − W)))
 * </pre>
 */
public record TrainConfig(
    double l1, double l2, double weightDecay,
    Optimizer.Kind optimizer, double learningRate, double momentum, boolean nesterov,
    String lrSchedule, double warmupEpochs,
    int batchSize, int maxEpochs, double validationFraction, int patience,
    boolean localSgd, int localSteps, long seed, double bnMomentum, boolean bnPopulationStats)
    implements Serializable {

  public TrainConfig {
    if (!(l1 >= 0 && l2 >= 0 && weightDecay >= 0)) throw new IllegalArgumentException("l1, l2, weightDecay must be ≥ 0");
    if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0");
    if (batchSize < 1 || maxEpochs < 1 || localSteps < 1 || patience < 1) {
      throw new IllegalArgumentException("batchSize, maxEpochs, localSteps, patience must be ≥ 1");
    }
    lrSchedule = lrSchedule.toLowerCase(Locale.ROOT);
  }

  /** η at global step s of S = maxEpochs·T. */
  public double lr(long s, int stepsPerEpoch) {
    long total = (long) maxEpochs * stepsPerEpoch;
    long warm = Math.round(warmupEpochs * stepsPerEpoch);
    if (s < warm) return learningRate * (s + 1) / warm;
    return switch (lrSchedule) {
      case "step" -> learningRate * (s >= total * 3 / 4 ? 0.01 : s >= total / 2 ? 0.1 : 1.0);
      case "cosine" -> total <= warm ? learningRate
          : learningRate * 0.5 * (1 + Math.cos(Math.PI * (s - warm) / (double) (total - warm)));
      default -> learningRate;
    };
  }
}
