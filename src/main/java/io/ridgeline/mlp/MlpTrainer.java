package io.ridgeline.mlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ridgeline.config.MlpAxis;
import io.ridgeline.config.Names;
import io.ridgeline.config.Search;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.cv.Predictor;
import io.ridgeline.data.LabeledData;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.sweep.EpochTrainer;
import io.ridgeline.sweep.FittedModel;
import io.ridgeline.sweep.Halving;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.Trainer;
import io.ridgeline.sweep.SweepRunner;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.apache.spark.ml.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The mlp family in a sweep: one {@link MlpEstimator} fit per trial. Fixed parameters come from
 * {@code model.mlp.<param>}, the grid point's from {@code sweep.mlp.<param>}; names are the estimator's
 * own parameter names and values are checked by its own validators.
 */
public final class MlpTrainer implements Trainer, EpochTrainer {
  /** Parameters Ridgeline sets itself. */
  private static final Set<String> RESERVED = Set.of(
      "featuresCol", "labelCol", "weightCol", "predictionCol", "probabilityCol", "task");

  private final ModelSpec spec;
  private final long seed;
  /** The schedule's horizon when > 0 (successive halving's last budget); else each point's maxEpochs. */
  private final int horizon;
  /** Stacked training sets by what stacks them (see {@link #stacked}). */
  private final ConcurrentHashMap<List<Object>, FutureTask<StackedRows>> stacks = new ConcurrentHashMap<>();

  public MlpTrainer(ModelSpec spec, long seed) {
    this(spec, seed, 0);
  }

  /** @param horizon maxEpochs for every fit (successive halving's last budget), or 0 for the configured one */
  public MlpTrainer(ModelSpec spec, long seed, int horizon) {
    this.spec = spec;
    this.seed = seed;
    this.horizon = horizon;
  }

  /**
   * Successive halving's rungs for this config: {@code sweep.halving} with its defaults — maxEpochs the
   * estimator's ({@code model.mlp.maxEpochs}, else 50), minEpochs max(1, ⌊maxEpochs/η²⌋), three rungs
   * or fewer.
   */
  public static Halving halving(SweepSpec spec) {
    SweepSpec.HalvingSpec h = spec.sweep().halving();
    int max = h.maxEpochs() > 0 ? h.maxEpochs() : configured(spec.model()).trainConfig().maxEpochs();
    int min = h.minEpochs() > 0 ? h.minEpochs() : Math.max(1, max / (h.eta() * h.eta()));
    return Halving.of(h.eta(), min, max);
  }

  /** An estimator with the fixed parameters of {@code model.mlp} (already checked). */
  private static MlpEstimator configured(ModelSpec spec) {
    MlpEstimator e = new MlpEstimator();
    spec.mlp().forEach((name, v) -> set(e, name, v));
    return e;
  }

  /** How successive halving's epochs fit the estimator's: one problem per clash, naming the key. */
  private static void checkHalving(SweepSpec spec, List<String> problems) {
    SweepSpec.HalvingSpec h = spec.sweep().halving();
    if (spec.sweep().mlp().containsKey("maxEpochs")) {
      problems.add("sweep.mlp.maxEpochs: halving sets the epochs (sweep.halving.minEpochs and maxEpochs), "
          + "so they are not swept");
      return;
    }
    int configured = configured(spec.model()).trainConfig().maxEpochs();
    if (h.maxEpochs() > 0 && spec.model().mlp().containsKey("maxEpochs") && h.maxEpochs() != configured) {
      problems.add("sweep.halving.maxEpochs: " + h.maxEpochs() + " differs from model.mlp.maxEpochs " + configured
          + ": give one of them");
    } else if (h.minEpochs() > (h.maxEpochs() > 0 ? h.maxEpochs() : configured)) {
      problems.add("sweep.halving.minEpochs: " + h.minEpochs() + " is more than maxEpochs " + configured + " ("
          + (spec.model().mlp().containsKey("maxEpochs") ? "model.mlp.maxEpochs" : "the estimator's default") + ")");
    }
  }

  /** Every problem with {@code model.mlp.*} and {@code sweep.mlp.*}, each naming its key and value. */
  public static List<String> problems(SweepSpec spec) {
    List<String> problems = new ArrayList<>();
    MlpEstimator probe = new MlpEstimator();
    spec.model().mlp().forEach((name, v) -> check(probe, "model.mlp." + name, name, v, problems));
    spec.sweep().mlp().forEach((name, axis) -> {
      String key = "sweep.mlp." + name;
      if (axis instanceof MlpAxis.Values list) {
        if (list.values().isEmpty()) problems.add(key + ": expected at least one value");
        for (JsonNode v : list.values()) check(probe, key, name, v, problems);
      } else if (axis instanceof MlpAxis.Choice choice) {
        for (JsonNode v : choice.values()) check(probe, key, name, v, problems);
      } else if (known(probe, key, name, problems)) {
        checkRange(probe, key, name, axis, problems);
      }
    });
    if (problems.isEmpty() && spec.sweep().search() == Search.HALVING) checkHalving(spec, problems);
    return problems;
  }

  private static void check(MlpEstimator probe, String key, String name, JsonNode v, List<String> problems) {
    if (!known(probe, key, name, problems)) return;
    try {
      set(probe, name, v);
    } catch (IllegalArgumentException e) {
      problems.add(key + " = " + v + ": " + e.getMessage());
    }
  }

  /** Whether {@code name} is an estimator parameter a config may set; a problem naming the key if not. */
  private static boolean known(MlpEstimator probe, String key, String name, List<String> problems) {
    if (RESERVED.contains(name)) {
      problems.add(key + ": set by Ridgeline" + (name.equals("task") ? " (use model.task)" : ""));
      return false;
    }
    if (!probe.hasParam(name)) {
      List<String> names = Arrays.stream(probe.params()).map(Param::name).filter(n -> !RESERVED.contains(n)).toList();
      problems.add(key + ": unknown MLP parameter"
          + Names.nearest(names, name).map(n -> " (did you mean '" + n + "'?)").orElse(""));
      return false;
    }
    return true;
  }

  /**
   * A range suits a parameter when it draws the parameter's kind of number (real for a DoubleParam, whole
   * for an Int/LongParam) and both of its bounds pass the parameter's validator (the validators are
   * intervals, so every value between them does too).
   */
  private static void checkRange(MlpEstimator probe, String key, String name, MlpAxis axis, List<String> problems) {
    Param<?> p = probe.getParam(name);
    boolean whole = p instanceof IntParam || p instanceof LongParam;
    boolean real = p instanceof DoubleParam;
    String at = key + " = " + axis.describe() + ": ";
    double low;
    double high;
    if (axis instanceof MlpAxis.IntUniform i) {
      if (!whole) {
        problems.add(at + "intUniform draws whole numbers, but " + name + " takes "
            + (real ? "real numbers (use uniform or logUniform)" : "no number (use choice)"));
        return;
      }
      low = i.low();
      high = i.high();
    } else {
      String kind = axis instanceof MlpAxis.Uniform ? "uniform" : "logUniform";
      if (!real) {
        problems.add(at + kind + " draws real numbers, but " + name + " takes "
            + (whole ? "whole numbers (use intUniform)" : "no number (use choice)"));
        return;
      }
      low = axis instanceof MlpAxis.Uniform u ? u.low() : ((MlpAxis.LogUniform) axis).low();
      high = axis instanceof MlpAxis.Uniform u ? u.high() : ((MlpAxis.LogUniform) axis).high();
    }
    for (double bound : new double[] {low, high}) {
      JsonNode v = whole ? JsonNodeFactory.instance.numberNode((long) bound) : JsonNodeFactory.instance.numberNode(bound);
      try {
        set(probe, name, v);
      } catch (IllegalArgumentException e) {
        problems.add(at + MlpAxis.number(bound) + " is not a valid " + name + " (" + p.doc() + ")");
        return;
      }
    }
  }

  @Override
  public FittedModel fit(Dataset<Row> rows, GridPoint point) {
    return new Fit(estimator(point).fit(rows));
  }

  /** A fold's trial: on the fold's training rows as stacked once for every fit that stacks them alike. */
  @Override
  public FittedModel fit(FoldedData folded, int held, GridPoint point, SweepRunner runner) {
    if (held == folded.folds()) return fit(folded.frame(), point);
    MlpEstimator e = estimator(point);
    return new Fit(e.fit(stacked(e, folded, held)));
  }

  /** A fit that stops after {@code epochs} epochs of the horizon, going on from {@code from} (null: afresh). */
  @Override
  public Stage fit(FoldedData folded, int held, GridPoint point, int epochs, byte[] from) {
    MlpEstimator e = estimator(point).continueFrom(from == null ? null : TrainState.fromBytes(from), epochs);
    MlpModel m = e.fit(stacked(e, folded, held));
    return new Stage(new Fit(m), m.trainState().toBytes());
  }

  /**
   * The training rows of fold {@code held} as {@code e} stacks them: stacked by the first fit that needs
   * them and shared by every later fit whose estimator stacks alike (same fold, standardization,
   * validation split and seed), until {@link #release}. Cross-validation then reads and stacks each
   * fold's rows once, not once per point and rung; it holds up to k stacked training sets meanwhile
   * (cached MEMORY_AND_DISK).
   */
  private StackedRows stacked(MlpEstimator e, FoldedData folded, int held) {
    List<Object> key = new ArrayList<>(e.stackingKey());
    key.add(held);
    FutureTask<StackedRows> task = new FutureTask<>(() -> {
      StackedRows rows = e.stack(folded.training(held));
      rows.shards.count();   // stacked now, once, rather than by whichever fits start first
      return rows;
    });
    FutureTask<StackedRows> earlier = stacks.putIfAbsent(key, task);
    FutureTask<StackedRows> mine = earlier == null ? task : earlier;
    mine.run();   // a no-op when another thread ran it
    try {
      return mine.get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stacking fold " + (held + 1), ex);
    } catch (ExecutionException ex) {
      stacks.remove(key, mine);
      throw ex.getCause() instanceof RuntimeException r ? r : new IllegalStateException(ex.getCause());
    }
  }

  /** Releases every stacked training set (after cross-validation). */
  public void release() {
    for (FutureTask<StackedRows> t : stacks.values()) {
      if (!t.isDone()) continue;
      try {
        t.get().close();
      } catch (InterruptedException | ExecutionException ex) {
        // nothing stacked, nothing to release
      }
    }
    stacks.clear();
  }

  /** The most epochs a fit of the point runs: its maxEpochs (the horizon, under halving). */
  public int maxEpochs(GridPoint point) {
    return estimator(point).trainConfig().maxEpochs();
  }

  /** The estimator for a grid point: task, standardization, seed, fixed and point parameters, horizon. */
  private MlpEstimator estimator(GridPoint point) {
    MlpEstimator e = new MlpEstimator()
        .setTask(spec.classification() ? "classification" : "regression")
        .setStandardize(spec.standardize())
        .setSeed(seed);
    e.setFeaturesCol(LabeledData.FEATURES);
    e.setLabelCol(LabeledData.LABEL);
    e.setWeightCol(LabeledData.WEIGHT);
    spec.mlp().forEach((name, v) -> set(e, name, v));
    point.params().forEach((name, text) -> set(e, name, parse(text)));
    if (horizon > 0) e.setMaxEpochs(horizon);
    return e;
  }

  /** Sets a parameter from JSON, converting to the parameter's type; the estimator validates the value. */
  private static void set(MlpEstimator e, String name, JsonNode v) {
    Param<?> p = e.getParam(name);
    Object value;
    if (p instanceof DoubleParam) value = number(v).doubleValue();
    else if (p instanceof IntParam) value = integer(v);
    else if (p instanceof LongParam) value = (long) integer(v);
    else if (p instanceof BooleanParam) {
      if (!v.isBoolean()) throw new IllegalArgumentException("expected true or false");
      value = v.booleanValue();
    } else if (p instanceof IntArrayParam) {
      List<Integer> ints = new ArrayList<>();
      if (v.isArray()) v.forEach(x -> ints.add(integer(x)));
      else ints.add(integer(v));
      value = ints.stream().mapToInt(Integer::intValue).toArray();
    } else if (p instanceof DoubleArrayParam) {
      List<Double> ds = new ArrayList<>();
      if (v.isArray()) v.forEach(x -> ds.add(number(x).doubleValue()));
      else ds.add(number(v).doubleValue());
      value = ds.stream().mapToDouble(Double::doubleValue).toArray();
    } else {
      if (!v.isTextual()) throw new IllegalArgumentException("expected text");
      value = v.asText();
    }
    @SuppressWarnings("unchecked")
    Param<Object> param = (Param<Object>) p;
    if (!(Boolean) param.isValid().apply(value)) throw new IllegalArgumentException("not a valid value for " + name);
    e.set(param, value);
  }

  private static Number number(JsonNode v) {
    if (!v.isNumber()) throw new IllegalArgumentException("expected a number");
    return v.numberValue();
  }

  private static int integer(JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new IllegalArgumentException("expected a whole number");
    return v.intValue();
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** A trained MLP as the sweep sees it. */
  private static final class Fit implements FittedModel {
    private final MlpModel model;

    Fit(MlpModel model) {
      this.model = model;
    }

    @Override
    public Predictor predictor() {
      return new MlpPredictor(model.scorer(), model.numClasses());
    }

    @Override
    public int iterations() {
      return model.history()[0].length;
    }

    /** Non-zero parameters (weights, biases, batch-norm scale and shift). */
    @Override
    public int nonzero() {
      int n = 0;
      for (double t : model.parameters()) if (t != 0) n++;
      return n;
    }

    @Override
    public List<Coefficient> coefficients(List<String> featureNames) {
      return List.of();
    }

    @Override
    public double[][] history() {
      return model.history();
    }

    @Override
    public Transformer transformer() {
      return model;
    }
  }

  /** Class probabilities (or the prediction) of an {@link MlpModel}, for the scorer. */
  private record MlpPredictor(MlpModel.Scorer scorer, int numClasses) implements Predictor {
    @Override
    public void predict(Vector x, double[] out) {
      double[] r = scorer.raw(x);
      System.arraycopy(r, 0, out, 0, r.length);
    }
  }

}
