package io.ridgeline.mlp;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.Identifiable$;
import scala.Function1;

/**
 * Param factories shared by {@link MlpEstimator} and {@link MlpModel} (same names, docs and validators on
 * both, so {@code copyValues} carries them from the estimator to its model), and the uid hand-off that
 * lets a Java subclass of a Scala Params class have its uid ready while the superclass constructor
 * creates its own params.
 */
final class MlpParams {
  private MlpParams() {}

  static final List<String> TASKS = List.of("classification", "regression");
  static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid");

  static Param<String> task(Params p) {
    return new Param<>(p, "task", "classification (softmax cross-entropy) or regression (squared error)",
        ParamValidators.inArray(TASKS));
  }

  static IntArrayParam hiddenLayers(Params p) {
    Function1<int[], Object> valid = (Function1<int[], Object> & java.io.Serializable) a -> Arrays.stream(a).allMatch(v -> v > 0);
    return new IntArrayParam(p, "hiddenLayers", "widths of the hidden layers (each > 0; may be empty)", valid);
  }

  static Param<String> activation(Params p) {
    return new Param<>(p, "activation", "hidden activation: relu, tanh or sigmoid", ParamValidators.inArray(ACTIVATIONS));
  }

  static BooleanParam batchNorm(Params p) {
    return new BooleanParam(p, "batchNorm", "batch normalization after each hidden dense layer");
  }

  static BooleanParam standardize(Params p) {
    return new BooleanParam(p, "standardize",
        "standardize features (and the regression label) with training mean and std; undone at prediction");
  }

  static Param<String> probabilityCol(Params p) {
    return new Param<>(p, "probabilityCol", "class probabilities column (classification; empty: none)");
  }

  private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

  /** Stashes a uid for the constructor about to run on this thread; returns a marker. */
  static Void stash(String uid) {
    PENDING.set(uid);
    return null;
  }

  /** The stashed uid (consumed), else a fresh random one with this prefix. */
  static String take(String prefix) {
    String u = PENDING.get();
    PENDING.remove();
    return u != null ? u : Identifiable$.MODULE$.randomUID(prefix);
  }
}
