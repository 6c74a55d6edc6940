package io.ridgeline.glm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The log's notes on degenerate training sets, one line each, the same for every engine: the features
 * that are exactly constant in a training set (held at 0 there) and a constant label (β = 0, b₀ = ȳ).
 */
final class DegenerateSets {
  private static final int NAMED = 5;

  private DegenerateSets() {}

  /** Notes every training set of {@code stats} (each fold held out, then all rows) that is degenerate. */
  static void note(FeatureStats stats, List<String> featureNames, Consumer<String> note) {
    int k = stats.folds();
    for (int held = 0; held <= k; held++) {
      FeatureStats.Set set = stats.training(held);
      String where = held < k ? "the training rows of fold " + (held + 1) + "/" + k : "all rows";
      if (set.labelConstant()) {
        note.accept(where + ": the label is constant (" + set.labelMin + "): coefficients 0, intercept at its mean");
      }
      List<String> names = new ArrayList<>();
      for (int j = 0; j < set.constant.length; j++) if (set.constant[j]) names.add(featureNames.get(j));
      if (names.isEmpty()) continue;
      String listed = String.join(", ", names.subList(0, Math.min(NAMED, names.size())))
          + (names.size() > NAMED ? ", … (" + (names.size() - NAMED) + " more)" : "");
      note.accept(where + ": " + names.size() + " feature" + (names.size() == 1 ? " is" : "s are")
          + " constant (" + listed + "): coefficient" + (names.size() == 1 ? "" : "s") + " held at 0 there");
    }
  }
}
