package io.ridgeline.mlp;

import java.util.List;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A multilayer perceptron as a Spark ML {@link Predictor}: dense layers with relu/tanh/sigmoid, optional
 * batch normalization and inverted dropout on the hidden layers, and a softmax cross-entropy head
 * ({@code task = classification}; labels 0..K−1, K ≥ 2, from the label's nominal metadata or the
 * largest label) or a linear squared-error head ({@code regression}). Trained by data-parallel
 * mini-batch SGD/Adam/AdamW ({@link Trainer}, modes {@code sync} and {@code local-sgd}) on the
 * partitions of the input as they are: repartition the input to choose the parallelism.
 *
 * <p>Objective (weights ω from {@code weightCol}, else 1; penalties on weights only):
 * <pre>
 *   J(θ) = Σ_i ω_i ℓ_i / Σ_i ω_i + l1·Σ|W| + (l2/2)·Σ W²
 * </pre>
 * plus {@code weightDecay} applied by the optimizer (decoupled for {@code sgd}/{@code adamw}, as L2 inside
 * Adam's moments for {@code adam}). With {@code standardize} (default) the features, and for regression the
 * label, are standardized with their training mean and (1/n) standard deviation; the model undoes it, so
 * callers never see standardized values. The data is read twice: once for statistics, once to stack each
 * partition into dense blocks that are cached for the fit and released after it.
 *
 * <p>Deterministic: the same seed, data and partitioning give a bit-identical model.
 */
public final class MlpEstimator extends Predictor<Vector, MlpEstimator, MlpModel> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private String uid;

  public MlpEstimator() {
    this((Void) null);
  }

  public MlpEstimator(String uid) {
    this(MlpParams.stash(uid));
  }

  private MlpEstimator(Void marker) {
    super();
    uid();
    setDefault(task, "classification");
    setDefault(hiddenLayers, new int[] {64, 32});
    setDefault(activation, "relu");
    setDefault(batchNorm, false);
    setDefault(standardize, true);
    setDefault(probabilityCol, "probability");
    setDefault(weightCol, "");
    setDefault(dropout, 0.0);
    setDefault(dropoutRates, new double[0]);
    setDefault(l1, 0.0);
    setDefault(l2, 0.0);
    setDefault(weightDecay, 0.0);
    setDefault(optimizer, "adam");
    setDefault(learningRate, 1e-3);
    setDefault(momentum, 0.9);
    setDefault(nesterov, false);
    setDefault(lrSchedule, "constant");
    setDefault(warmupEpochs, 0.0);
    setDefault(batchSize, 64);
    setDefault(maxEpochs, 50);
    setDefault(validationFraction, 0.0);
    setDefault(patience, 10);
    setDefault(labelSmoothing, 0.0);
    setDefault(mode, "sync");
    setDefault(localSteps, 8);
    setDefault(seed, 42L);
    setDefault(bnMomentum, 0.9);
    setDefault(bnPopulationStats, false);
  }

  @Override
  public String uid() {
    if (uid == null) uid = MlpParams.take("mlp");
    return uid;
  }

  private final Param<String> task = MlpParams.task(this);
  private final IntArrayParam hiddenLayers = MlpParams.hiddenLayers(this);
  private final Param<String> activation = MlpParams.activation(this);
  private final BooleanParam batchNorm = MlpParams.batchNorm(this);
  private final BooleanParam standardize = MlpParams.standardize(this);
  private final Param<String> probabilityCol = MlpParams.probabilityCol(this);
  private final Param<String> weightCol = new Param<>(this, "weightCol", "instance weight column (≥ 0; empty: 1)");
  private final DoubleParam dropout = new DoubleParam(this, "dropout", "dropout rate of every hidden layer, in [0, 1)",
      ParamValidators.inRange(0.0, 1.0, true, false));
  private final DoubleArrayParam dropoutRates = new DoubleArrayParam(this, "dropoutRates",
      "dropout rate per hidden layer, each in [0, 1); overrides dropout when not empty",
      (scala.Function1<double[], Object> & java.io.Serializable) a -> java.util.Arrays.stream(a).allMatch(r -> r >= 0 && r < 1));
  private final DoubleParam l1 = new DoubleParam(this, "l1", "L1 penalty on the weights (≥ 0)", ParamValidators.gtEq(0));
  private final DoubleParam l2 = new DoubleParam(this, "l2", "L2 penalty (l2/2)·ΣW² on the weights (≥ 0)",
      ParamValidators.gtEq(0));
  private final DoubleParam weightDecay = new DoubleParam(this, "weightDecay",
      "weight decay on the weights (≥ 0): decoupled for sgd and adamw, coupled (L2) for adam", ParamValidators.gtEq(0));
  private final Param<String> optimizer = new Param<>(this, "optimizer", "sgd, adam or adamw",
      ParamValidators.inArray(List.of("sgd", "adam", "adamw")));
  private final DoubleParam learningRate = new DoubleParam(this, "learningRate", "base learning rate (> 0)",
      ParamValidators.gt(0));
  private final DoubleParam momentum = new DoubleParam(this, "momentum", "sgd momentum in [0, 1)",
      ParamValidators.inRange(0.0, 1.0, true, false));
  private final BooleanParam nesterov = new BooleanParam(this, "nesterov", "Nesterov momentum (sgd)");
  private final Param<String> lrSchedule = new Param<>(this, "lrSchedule",
      "constant, step (×0.1 at 50% and 75% of the steps) or cosine", ParamValidators.inArray(List.of("constant", "step", "cosine")));
  private final DoubleParam warmupEpochs = new DoubleParam(this, "warmupEpochs", "linear warm-up length in epochs (≥ 0)",
      ParamValidators.gtEq(0));
  private final IntParam batchSize = new IntParam(this, "batchSize", "global mini-batch size (≥ 1)", ParamValidators.gtEq(1));
  private final IntParam maxEpochs = new IntParam(this, "maxEpochs", "passes over the training rows (≥ 1)",
      ParamValidators.gtEq(1));
  private final DoubleParam validationFraction = new DoubleParam(this, "validationFraction",
      "fraction of rows held out for early stopping, in [0, 1) (0: no early stopping)",
      ParamValidators.inRange(0.0, 1.0, true, false));
  private final IntParam patience = new IntParam(this, "patience", "epochs without validation improvement before stopping",
      ParamValidators.gtEq(1));
  private final DoubleParam labelSmoothing = new DoubleParam(this, "labelSmoothing", "label smoothing in [0, 1)",
      ParamValidators.inRange(0.0, 1.0, true, false));
  private final Param<String> mode = new Param<>(this, "mode", "sync (one job per step) or local-sgd (H local steps "
      + "per job, then averaging)", ParamValidators.inArray(List.of("sync", "local-sgd")));
  private final IntParam localSteps = new IntParam(this, "localSteps", "H: local steps per round in local-sgd (≥ 1)",
      ParamValidators.gtEq(1));
  private final LongParam seed = new LongParam(this, "seed", "random seed (initialization, shuffling, dropout, split)");
  private final DoubleParam bnMomentum = new DoubleParam(this, "bnMomentum",
      "BN running statistics: r ← bnMomentum·r + (1 − bnMomentum)·batch statistic", ParamValidators.inRange(0.0, 1.0));
  private final BooleanParam bnPopulationStats = new BooleanParam(this, "bnPopulationStats",
      "after training, replace BN running statistics by exact population statistics (one pass per BN layer)");

  // Param accessors (Spark discovers params by these public no-argument methods).
  public Param<String> task() { return task; }
  public IntArrayParam hiddenLayers() { return hiddenLayers; }
  public Param<String> activation() { return activation; }
  public BooleanParam batchNorm() { return batchNorm; }
  public BooleanParam standardize() { return standardize; }
  public Param<String> probabilityCol() { return probabilityCol; }
  public Param<String> weightCol() { return weightCol; }
  public DoubleParam dropout() { return dropout; }
  public DoubleArrayParam dropoutRates() { return dropoutRates; }
  public DoubleParam l1() { return l1; }
  public DoubleParam l2() { return l2; }
  public DoubleParam weightDecay() { return weightDecay; }
  public Param<String> optimizer() { return optimizer; }
  public DoubleParam learningRate() { return learningRate; }
  public DoubleParam momentum() { return momentum; }
  public BooleanParam nesterov() { return nesterov; }
  public Param<String> lrSchedule() { return lrSchedule; }
  public DoubleParam warmupEpochs() { return warmupEpochs; }
  public IntParam batchSize() { return batchSize; }
  public IntParam maxEpochs() { return maxEpochs; }
  public DoubleParam validationFraction() { return validationFraction; }
  public IntParam patience() { return patience; }
  public DoubleParam labelSmoothing() { return labelSmoothing; }
  public Param<String> mode() { return mode; }
  public IntParam localSteps() { return localSteps; }
  public LongParam seed() { return seed; }
  public DoubleParam bnMomentum() { return bnMomentum; }
  public BooleanParam bnPopulationStats() { return bnPopulationStats; }

  // Setters.
  public MlpEstimator setTask(String v) { return (MlpEstimator) set(task, v); }
  public MlpEstimator setHiddenLayers(int... v) { return (MlpEstimator) set(hiddenLayers, v); }
  public MlpEstimator setActivation(String v) { return (MlpEstimator) set(activation, v); }
  public MlpEstimator setBatchNorm(boolean v) { return (MlpEstimator) set(batchNorm, v); }
  public MlpEstimator setStandardize(boolean v) { return (MlpEstimator) set(standardize, v); }
  public MlpEstimator setProbabilityCol(String v) { return (MlpEstimator) set(probabilityCol, v); }
  public MlpEstimator setWeightCol(String v) { return (MlpEstimator) set(weightCol, v); }
  public MlpEstimator setDropout(double v) { return (MlpEstimator) set(dropout, v); }
  public MlpEstimator setDropoutRates(double... v) { return (MlpEstimator) set(dropoutRates, v); }
  public MlpEstimator setL1(double v) { return (MlpEstimator) set(l1, v); }
  public MlpEstimator setL2(double v) { return (MlpEstimator) set(l2, v); }
  public MlpEstimator setWeightDecay(double v) { return (MlpEstimator) set(weightDecay, v); }
  public MlpEstimator setOptimizer(String v) { return (MlpEstimator) set(optimizer, v); }
  public MlpEstimator setLearningRate(double v) { return (MlpEstimator) set(learningRate, v); }
  public MlpEstimator setMomentum(double v) { return (MlpEstimator) set(momentum, v); }
  public MlpEstimator setNesterov(boolean v) { return (MlpEstimator) set(nesterov, v); }
  public MlpEstimator setLrSchedule(String v) { return (MlpEstimator) set(lrSchedule, v); }
  public MlpEstimator setWarmupEpochs(double v) { return (MlpEstimator) set(warmupEpochs, v); }
  public MlpEstimator setBatchSize(int v) { return (MlpEstimator) set(batchSize, v); }
  public MlpEstimator setMaxEpochs(int v) { return (MlpEstimator) set(maxEpochs, v); }
  public MlpEstimator setValidationFraction(double v) { return (MlpEstimator) set(validationFraction, v); }
  public MlpEstimator setPatience(int v) { return (MlpEstimator) set(patience, v); }
  public MlpEstimator setLabelSmoothing(double v) { return (MlpEstimator) set(labelSmoothing, v); }
  public MlpEstimator setMode(String v) { return (MlpEstimator) set(mode, v); }
  public MlpEstimator setLocalSteps(int v) { return (MlpEstimator) set(localSteps, v); }
  public MlpEstimator setSeed(long v) { return (MlpEstimator) set(seed, v); }
  public MlpEstimator setBnMomentum(double v) { return (MlpEstimator) set(bnMomentum, v); }
  public MlpEstimator setBnPopulationStats(boolean v) { return (MlpEstimator) set(bnPopulationStats, v); }

  private <T> T value(Param<T> p) {
    return getOrDefault(p);
  }

  private double dbl(Param<Object> p) {
    return (Double) getOrDefault(p);
  }

  private int integer(Param<Object> p) {
    return (Integer) getOrDefault(p);
  }

  private boolean bool(Param<Object> p) {
    return (Boolean) getOrDefault(p);
  }

  /** The validated training configuration these params describe. */
  public TrainConfig trainConfig() {
    return new TrainConfig(dbl(l1), dbl(l2), dbl(weightDecay), Optimizer.Kind.of(value(optimizer)), dbl(learningRate),
        dbl(momentum), bool(nesterov), value(lrSchedule), dbl(warmupEpochs), integer(batchSize), integer(maxEpochs),
        dbl(validationFraction), integer(patience), "local-sgd".equals(value(mode)), integer(localSteps),
        (Long) getOrDefault(seed), dbl(bnMomentum), bool(bnPopulationStats));
  }

  /** Where the next fit starts (null: afresh) and how many epochs it ends after (0: maxEpochs). */
  private transient TrainState from;
  private transient int epochs;

  /**
   * Makes the next {@code fit} go on from {@code state} (a state an earlier fit of the same data and
   * params ended in; null: start afresh) and stop after {@code epochs} epochs of the {@code maxEpochs}
   * schedule; the model's {@link MlpModel#trainState} is where it stopped. Not a Param: where a fit
   * starts, not how it trains.
   */
  public MlpEstimator continueFrom(TrainState state, int epochs) {
    this.from = state;
    this.epochs = epochs;
    return this;
  }

  @Override
  public MlpModel train(Dataset<?> dataset) {
    try (StackedRows rows = stack(dataset)) {
      return train(rows);
    }
  }

  /** The rows stacked as this estimator's fits read them (released by the caller). */
  StackedRows stack(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    return StackedRows.of(dataset, getFeaturesCol(), getLabelCol(), value(weightCol), "classification".equals(value(task)),
        bool(standardize), dbl(validationFraction), (Long) getOrDefault(seed));
  }

  /**
   * What {@link #stack} depends on besides the rows: estimators with equal keys stack the same rows into
   * the same blocks, so their fits can share them.
   */
  List<Object> stackingKey() {
    return List.of(getFeaturesCol(), getLabelCol(), value(weightCol), value(task), bool(standardize),
        dbl(validationFraction), getOrDefault(seed));
  }

  /** Predictor.fit on rows stacked already (by an estimator of the same {@link #stackingKey}). */
  MlpModel fit(StackedRows rows) {
    return copyValues(train(rows).setParent(this), ParamMap.empty());
  }

  /** Trains on stacked rows: the network these params describe, from {@link #continueFrom}'s state if set. */
  private MlpModel train(StackedRows rows) {
    boolean classification = "classification".equals(value(task));
    TrainConfig cfg = trainConfig();
    int[] hidden = value(hiddenLayers);
    int[] sizes = new int[hidden.length + 2];
    sizes[0] = rows.numFeatures;
    System.arraycopy(hidden, 0, sizes, 1, hidden.length);
    sizes[sizes.length - 1] = rows.numOutputs;
    double[] rates = value(dropoutRates);
    if (rates.length == 0) {
      rates = new double[hidden.length];
      java.util.Arrays.fill(rates, dbl(dropout));
    } else if (rates.length != hidden.length) {
      throw new IllegalArgumentException("MlpEstimator: dropoutRates has " + rates.length + " rates for "
          + hidden.length + " hidden layers");
    }
    Network net = new Network(sizes, Network.Activation.of(value(activation)), bool(batchNorm), rates,
        classification, classification ? dbl(labelSmoothing) : 0.0);
    TrainState state = from != null ? from : Trainer.start(net, cfg);
    Trainer.Fit fit = Trainer.train(new Trainer.SparkEngine(rows.shards), net, cfg, rows.nTrain, rows.nValid > 0, state,
        epochs > 0 ? epochs : cfg.maxEpochs());
    MlpModel model = new MlpModel(uid(), net, fit, rows.std);
    model.trainState(state);
    return model;
  }

  /** Adds {@code probabilityCol} (classification) to Predictor's schema: label, features, prediction. */
  @Override
  public StructType transformSchema(StructType schema) {
    StructType out = super.transformSchema(schema);
    String p = value(probabilityCol);
    if ("classification".equals(value(task)) && !p.isEmpty()) {
      out = out.add(new StructField(p, new VectorUDT(), false, Metadata.empty()));
    }
    return out;
  }

  public static MLReader<MlpEstimator> read() {
    return new DefaultParamsReader<>();
  }

  public static MlpEstimator load(String path) {
    return read().load(path);
  }

  @Override
  public MlpEstimator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public MLWriter write() {
    return DefaultParamsWritable.super.write();
  }
}
