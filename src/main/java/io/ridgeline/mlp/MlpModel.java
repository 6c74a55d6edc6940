package io.ridgeline.mlp;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.ridgeline.mlp.Network.Mode;
import io.ridgeline.mlp.Network.Workspace;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A trained {@link MlpEstimator}: inference-mode forward pass (BN with running statistics, no dropout) on
 * standardized features. Classification writes {@code probabilityCol} (softmax) and
 * {@code predictionCol} = argmax; regression writes the prediction mapped back to the label's scale.
 *
 * <p>Persistence (MLlib's layout): {@code path/metadata} (params, via {@code DefaultParamsWriter}),
 * {@code path/data} (Parquet, one row per array: {@code name, values} — layer sizes, θ, BN running mean
 * and variance, standardization), {@code path/history} (Parquet: {@code epoch, train_loss, valid_loss}).
 */
public final class MlpModel extends PredictionModel<Vector, MlpModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private String uid;
  private Network net;
  private double[] theta;
  private double[] runMean;
  private double[] runVar;
  private Standardization std;
  private double[] trainLoss;
  private double[] validLoss;
  private int bestEpoch;
  /** Where training stopped, to go on from (see {@link MlpEstimator#continueFrom}); not saved. */
  private transient TrainState trainState;

  /** For {@code copy} and the reader; the network is attached by {@link #init}. */
  public MlpModel(String uid) {
    this(MlpParams.stash(uid));
  }

  private MlpModel(Void marker) {
    super();
    uid();
    setDefault(task, "classification");
    setDefault(hiddenLayers, new int[] {64, 32});
    setDefault(activation, "relu");
    setDefault(batchNorm, false);
    setDefault(standardize, true);
    setDefault(probabilityCol, "probability");
  }

  MlpModel(String uid, Network net, Trainer.Fit fit, Standardization std) {
    this(uid);
    init(net, fit.theta(), fit.runMean(), fit.runVar(), std, fit.trainLoss(), fit.validLoss(), fit.bestEpoch());
  }

  private void init(Network net, double[] theta, double[] runMean, double[] runVar, Standardization std,
      double[] trainLoss, double[] validLoss, int bestEpoch) {
    this.net = net;
    this.theta = theta;
    this.runMean = runMean;
    this.runVar = runVar;
    this.std = std;
    this.trainLoss = trainLoss;
    this.validLoss = validLoss;
    this.bestEpoch = bestEpoch;
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

  public Param<String> task() { return task; }
  public IntArrayParam hiddenLayers() { return hiddenLayers; }
  public Param<String> activation() { return activation; }
  public BooleanParam batchNorm() { return batchNorm; }
  public BooleanParam standardize() { return standardize; }
  public Param<String> probabilityCol() { return probabilityCol; }

  public MlpModel setProbabilityCol(String v) { return (MlpModel) set(probabilityCol, v); }

  /** Per-epoch history: {@code [0]} training loss (mean mini-batch loss), {@code [1]} validation loss (NaN without validation). */
  public double[][] history() {
    return new double[][] {trainLoss.clone(), validLoss.clone()};
  }

  /** Where the fit that made this model stopped, to go on from; null for a loaded or copied model. */
  public TrainState trainState() {
    return trainState;
  }

  void trainState(TrainState state) {
    this.trainState = state;
  }

  /** The epoch (0-based) whose parameters the model holds (the best validation epoch with early stopping). */
  public int bestEpoch() {
    return bestEpoch;
  }

  public Network network() {
    return net;
  }

  /** A copy of θ (see {@link Network} for the layout). */
  public double[] parameters() {
    return theta.clone();
  }

  /** BN running means and variances (copies). */
  public double[][] bnStatistics() {
    return new double[][] {runMean.clone(), runVar.clone()};
  }

  @Override
  public int numFeatures() {
    return net.numInputs();
  }

  public int numClasses() {
    return net.classification ? net.numOutputs() : 0;
  }

  /** Inference-mode outputs for one row: class probabilities, or the prediction on the label's scale. */
  public double[] raw(Vector features) {
    return scorer().raw(features);
  }

  Scorer scorer() {
    return new Scorer(net, theta, runMean, runVar, std);
  }

  /** What a prediction needs, and nothing else (this is what UDFs ship to executors). */
  record Scorer(Network net, double[] theta, double[] runMean, double[] runVar, Standardization std)
      implements java.io.Serializable {
    private static final ThreadLocal<Workspace> ROW = new ThreadLocal<>();

    double[] raw(Vector features) {
      Workspace ws = ROW.get();
      if (ws == null || !ws.fits(net, 1)) {
        ws = new Workspace(net, 1);
        ROW.set(ws);
      }
      double[] x = ws.input();
      for (int j = 0; j < net.numInputs(); j++) x[j] = features.apply(j);
      std.features(x);
      net.forward(theta, ws, 1, Mode.EVAL, runMean, runVar, 0L);
      double[] z = ws.output();
      int K = net.numOutputs();
      if (!net.classification) return new double[] {std.unlabel(z[0])};
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < K; k++) max = Math.max(max, z[k]);
      double[] p = new double[K];
      double s = 0.0;
      for (int k = 0; k < K; k++) s += p[k] = Math.exp(z[k] - max);
      for (int k = 0; k < K; k++) p[k] /= s;
      return p;
    }

    double predict(Vector features) {
      double[] r = raw(features);
      return net.classification ? argmax(r) : r[0];
    }
  }

  @Override
  public double predict(Vector features) {
    double[] r = raw(features);
    return net.classification ? argmax(r) : r[0];
  }

  private static double argmax(double[] p) {
    int best = 0;
    for (int k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    return best;
  }

  private boolean withProbability() {
    return net != null && net.classification && !getOrDefault(probabilityCol).isEmpty();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StructType out = super.transformSchema(schema);
    if ("classification".equals(getOrDefault(task)) && !getOrDefault(probabilityCol).isEmpty()) {
      out = out.add(new StructField(getOrDefault(probabilityCol), new VectorUDT(), false, Metadata.empty()));
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Column features = col(getFeaturesCol());
    Scorer sc = scorer();
    if (withProbability()) {
      UserDefinedFunction prob = udf((UDF1<Vector, Vector>) v -> Vectors.dense(sc.raw(v)), new VectorUDT());
      UserDefinedFunction arg = udf((UDF1<Vector, Double>) v -> argmax(v.toArray()), DataTypes.DoubleType);
      Dataset<Row> withP = dataset.withColumn(getOrDefault(probabilityCol), prob.apply(features));
      return getPredictionCol().isEmpty() ? withP
          : withP.withColumn(getPredictionCol(), arg.apply(col(getOrDefault(probabilityCol))));
    }
    UserDefinedFunction pred = udf((UDF1<Vector, Double>) sc::predict, DataTypes.DoubleType);
    return dataset.withColumn(getPredictionCol(), pred.apply(features));
  }

  @Override
  public MlpModel copy(ParamMap extra) {
    MlpModel m = copyValues(new MlpModel(uid()), extra);
    m.init(net, theta, runMean, runVar, std, trainLoss, validLoss, bestEpoch);
    return m.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  public static MLReader<MlpModel> read() {
    return new Reader();
  }

  public static MlpModel load(String path) {
    return read().load(path);
  }

  private static final StructType DATA = new StructType()
      .add("name", DataTypes.StringType, false)
      .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
  private static final StructType HISTORY = new StructType()
      .add("epoch", DataTypes.IntegerType, false)
      .add("train_loss", DataTypes.DoubleType, false)
      .add("valid_loss", DataTypes.DoubleType, true);

  private static Row row(String name, double[] v) {
    List<Double> list = new ArrayList<>(v.length);
    for (double d : v) list.add(d);
    return RowFactory.create(name, list);
  }

  static final class Writer extends MLWriter {
    private final MlpModel model;

    Writer(MlpModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      SparkSession spark = sparkSession();
      DefaultParamsWriter.saveMetadata(model, path + "", spark);
      Network n = model.net;
      double[] sizes = new double[n.sizes.length];
      for (int l = 0; l < sizes.length; l++) sizes[l] = n.sizes[l];
      Standardization s = model.std;
      List<Row> rows = List.of(row("sizes", sizes), row("theta", model.theta), row("bnRunningMean", model.runMean),
          row("bnRunningVar", model.runVar), row("featureMean", s.mean()), row("featureStd", s.std()),
          row("label", new double[] {s.yMean(), s.yStd()}), row("bestEpoch", new double[] {model.bestEpoch}));
      spark.createDataFrame(rows, DATA).repartition(1).write().parquet(path + "/data");
      List<Row> hist = new ArrayList<>();
      for (int e = 0; e < model.trainLoss.length; e++) {
        double v = model.validLoss[e];
        hist.add(RowFactory.create(e, model.trainLoss[e], Double.isNaN(v) ? null : v));
      }
      spark.createDataFrame(hist, HISTORY).repartition(1).write().parquet(path + "/history");
    }
  }

  static final class Reader extends MLReader<MlpModel> {
    @Override
    public MlpModel load(String path) {
      SparkSession spark = sparkSession();
      DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path, spark, MlpModel.class.getName());
      MlpModel m = new MlpModel(meta.uid());
      meta.getAndSetParams(m, meta.getAndSetParams$default$2());
      java.util.Map<String, double[]> data = new java.util.HashMap<>();
      for (Row r : spark.read().parquet(path + "/data").collectAsList()) {
        List<Double> v = r.getList(1);
        double[] a = new double[v.size()];
        for (int q = 0; q < a.length; q++) a[q] = v.get(q);
        data.put(r.getString(0), a);
      }
      double[] s = data.get("sizes");
      int[] sizes = new int[s.length];
      for (int l = 0; l < sizes.length; l++) sizes[l] = (int) s[l];
      boolean classification = "classification".equals(m.getOrDefault(m.task));
      Network net = new Network(sizes, Network.Activation.of(m.getOrDefault(m.activation)),
          (Boolean) m.getOrDefault(m.batchNorm), 0.0, classification, 0.0);
      List<Row> hist = spark.read().parquet(path + "/history").orderBy("epoch").collectAsList();
      double[] tl = new double[hist.size()];
      double[] vl = new double[hist.size()];
      for (int e = 0; e < tl.length; e++) {
        tl[e] = hist.get(e).getDouble(1);
        vl[e] = hist.get(e).isNullAt(2) ? Double.NaN : hist.get(e).getDouble(2);
      }
      double[] label = data.get("label");
      m.init(net, data.get("theta"), data.get("bnRunningMean"), data.get("bnRunningVar"),
          new Standardization(data.get("featureMean"), data.get("featureStd"), label[0], label[1]), tl, vl,
          (int) data.get("bestEpoch")[0]);
      return m;
    }
  }

  static double[] dense(Vector v) {
    return v instanceof DenseVector d ? d.values() : v.toArray();
  }
}
