package io.ridgeline;

import io.ridgeline.config.ConfigLoader;
import io.ridgeline.config.SweepSpec;
import java.util.List;

/** Configs over the bundled data samples, for tests. */
public final class Samples {
  private Samples() {}

  public static final String DIABETES = "data:\n  path: data-samples/diabetes.csv\n  label: progression\n"
      + "model:\n  family: linear\n";
  public static final String BREAST_CANCER = "data:\n  path: data-samples/breast_cancer.csv\n  label: malignant\n"
      + "model:\n  family: logistic\n";
  public static final String WINE = "data:\n  path: data-samples/wine.csv\n  label: cultivar\n"
      + "model:\n  family: logistic\n";
  public static final String WINE_LIBSVM = "data:\n  path: data-samples/wine.libsvm\n"
      + "model:\n  family: logistic\n";

  public static SweepSpec spec(String yaml, String... overrides) {
    return ConfigLoader.parse(yaml, "test.yaml", List.of(overrides));
  }
}
