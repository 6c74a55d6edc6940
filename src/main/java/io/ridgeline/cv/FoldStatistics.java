package io.ridgeline.cv;

/**
 * Mean, standard deviation and standard error of one metric over the folds of a grid point:
 * mean = Σm_f / k, std = √(Σ(m_f − mean)² / (k − 1)), se = std / √k, over the k folds whose metric is
 * defined (a fold whose validation rows hold one class has no AUC).
 */
public record FoldStatistics(double mean, double std, double se, int folds) {
  public static FoldStatistics of(double[] values) {
    int k = 0;
    double sum = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        sum += v;
        k++;
      }
    }
    if (k == 0) return new FoldStatistics(Double.NaN, Double.NaN, Double.NaN, 0);
    double mean = sum / k;
    double ss = 0;
    for (double v : values) if (!Double.isNaN(v)) ss += (v - mean) * (v - mean);
    double std = k > 1 ? Math.sqrt(ss / (k - 1)) : Double.NaN;
    return new FoldStatistics(mean, std, k > 1 ? std / Math.sqrt(k) : Double.NaN, k);
  }
}
