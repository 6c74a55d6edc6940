package io.ridgeline.report;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.ridgeline.config.Metric;
import io.ridgeline.cv.FoldStatistics;
import io.ridgeline.cv.Selection.Choice;
import io.ridgeline.sweep.FittedModel.Coefficient;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.TrialResult;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The report tables' schemas and rows. Each table is stored under {@code <output>/<table>/run_id=<id>/}
 * so all runs read as one table with a {@code run_id} column; the files themselves hold the columns
 * below. Grid-point columns ({@code point, params, alpha, lambda}) come first in every table.
 */
public final class Tables {
  public static final String TRIALS = "trials";
  public static final String SUMMARY = "summary";
  public static final String SELECTION = "selection";
  public static final String COEFFICIENTS = "coefficients";
  public static final String RUNS = "runs";
  public static final String HISTORY = "history";
  public static final List<String> ALL = List.of(TRIALS, SUMMARY, SELECTION, COEFFICIENTS, RUNS);

  private Tables() {}

  private static StructType withPoint() {
    return new StructType()
        .add("point", IntegerType, false)
        .add("params", DataTypes.createMapType(StringType, StringType), false)
        .add("alpha", DoubleType, true)
        .add("lambda", DoubleType, true);
  }

  /** point, params, alpha, lambda (null for points without them). */
  private static List<Object> pointValues(GridPoint p) {
    List<Object> v = new ArrayList<>(List.of(p.id(), p.params()));
    v.add(nan(p.alpha()));
    v.add(nan(p.lambda()));
    return v;
  }

  /** The metrics, then successive halving's rung and its epoch budget (null outside halving). */
  public static final StructType TRIALS_SCHEMA = rungColumns(metricColumns(withPoint()
      .add("fold", IntegerType, false)
      .add("n_train", LongType, false)
      .add("n_valid", LongType, false)
      .add("iterations", IntegerType, false)
      .add("seconds", DoubleType, false)
      .add("nonzero", IntegerType, false)
      .add("converged", BooleanType, false)));

  /** rung, epochs: appended (nullable), so tables of runs from before them read with these schemas. */
  private static StructType rungColumns(StructType s) {
    return s.add("rung", IntegerType, true).add("epochs", IntegerType, true);
  }

  private static StructType metricColumns(StructType s) {
    for (Metric m : Metric.values()) s = s.add(m.key(), DoubleType, true);
    return s;
  }

  public static Row trial(TrialResult t) {
    List<Object> v = pointValues(t.point());
    v.addAll(List.of(t.fold(), t.nTrain(), t.nValid(), t.iterations(), t.seconds(), t.nonzero(), t.converged()));
    for (Metric m : Metric.values()) v.add(t.metrics().get(m));
    v.add(t.rung());
    v.add(t.epochs());
    return RowFactory.create(v.toArray());
  }

  /** Under successive halving a point's summary is at the last rung it reached ({@code rung}, {@code epochs}). */
  public static final StructType SUMMARY_SCHEMA = rungColumns(withPoint()
      .add("metric", StringType, false)
      .add("mean", DoubleType, true)
      .add("std", DoubleType, true)
      .add("se", DoubleType, true)
      .add("folds", IntegerType, false)
      .add("nonzero_full", IntegerType, true));

  public static Row summary(GridPoint p, Metric metric, FoldStatistics s, Integer nonzeroFull, Integer rung,
      Integer epochs) {
    List<Object> v = pointValues(p);
    v.addAll(java.util.Arrays.asList(metric.key(), nan(s.mean()), nan(s.std()), nan(s.se()), s.folds()));
    v.add(nonzeroFull);
    v.add(rung);
    v.add(epochs);
    return RowFactory.create(v.toArray());
  }

  public static final StructType SELECTION_SCHEMA = withPoint()
      .add("scope", StringType, false)
      .add("rule", StringType, false)
      .add("refit", BooleanType, false)
      .add("metric", StringType, false)
      .add("mean", DoubleType, false)
      .add("se", DoubleType, true);

  public static Row selection(Choice c, GridPoint p, Metric metric, boolean refit) {
    List<Object> v = pointValues(p);
    v.addAll(List.of(c.scope(), c.rule().key(), refit, metric.key(), c.point().mean()));
    v.add(nan(c.point().se()));
    return RowFactory.create(v.toArray());
  }

  public static final StructType COEFFICIENTS_SCHEMA = withPoint()
      .add("class", IntegerType, true)
      .add("feature", StringType, false)
      .add("value", DoubleType, false);

  public static Row coefficient(GridPoint p, Coefficient c) {
    List<Object> v = pointValues(p);
    v.add(c.classIndex());
    v.add(c.feature());
    v.add(c.value());
    return RowFactory.create(v.toArray());
  }

  public static final StructType HISTORY_SCHEMA = withPoint()
      .add("fold", IntegerType, false)
      .add("epoch", IntegerType, false)
      .add("train_loss", DoubleType, true)
      .add("valid_loss", DoubleType, true);

  /** One row per epoch of an iterative trial (mlp). */
  public static List<Row> history(TrialResult t) {
    List<Row> rows = new ArrayList<>();
    double[][] h = t.history();
    for (int e = 0; e < h[0].length; e++) {
      List<Object> v = pointValues(t.point());
      v.addAll(List.of(t.fold(), e));
      v.add(nan(h[0][e]));
      v.add(nan(h[1][e]));
      rows.add(RowFactory.create(v.toArray()));
    }
    return rows;
  }

  public static final StructType RUNS_SCHEMA = new StructType()
      .add("name", StringType, false)
      .add("status", StringType, false)
      .add("started_at", TimestampType, false)
      .add("ended_at", TimestampType, false)
      .add("seconds", DoubleType, false)
      .add("family", StringType, false)
      .add("metric", StringType, false)
      .add("rule", StringType, false)
      .add("engine", StringType, false)
      .add("config_source", StringType, false)
      .add("config_text", StringType, false)
      .add("config_sha256", StringType, false)
      .add("data_path", StringType, false)
      .add("data_format", StringType, false)
      .add("rows", LongType, false)
      .add("features", IntegerType, false)
      .add("classes", IntegerType, false)
      .add("folds", IntegerType, false)
      .add("fold_sizes", DataTypes.createArrayType(LongType, false), false)
      .add("data_fingerprint", StringType, false)
      .add("seed", LongType, false)
      .add("grid_points", IntegerType, false)
      .add("selected_point", IntegerType, true)
      .add("selected_alpha", DoubleType, true)
      .add("selected_lambda", DoubleType, true)
      .add("model_path", StringType, true)
      .add("spark_version", StringType, false)
      .add("java_version", StringType, false)
      .add("app_version", StringType, false)
      .add("master", StringType, false)
      .add("error", StringType, true)
      // Appended (nullable), so runs from before them read with this schema.
      .add("search", StringType, true)
      .add("epochs_spent", LongType, true)
      .add("epochs_full_grid", LongType, true)
      // What the index page's drift figures need of a run, so it reads no other table (2026-12-07).
      .add("selected_mean", DoubleType, true)
      .add("selected_nonzero", IntegerType, true);

  public static Row run(RunInfo r) {
    return RowFactory.create(
        r.name(), r.status(), Timestamp.from(r.startedAt()), Timestamp.from(r.endedAt()),
        (r.endedAt().toEpochMilli() - r.startedAt().toEpochMilli()) / 1000.0,
        r.family(), r.metric(), r.rule(), r.engine(),
        r.configSource(), r.configText(), r.configSha256(),
        r.dataPath(), r.dataFormat(), r.rows(), r.features(), r.classes(),
        r.folds(), r.foldSizes(), r.dataFingerprint(), r.seed(), r.gridPoints(),
        r.selectedPoint(), r.selectedAlpha(), r.selectedLambda(), r.modelPath(),
        r.sparkVersion(), r.javaVersion(), r.appVersion(), r.master(), r.error(), r.search(), r.epochsSpent(),
        r.epochsFullGrid(), r.selectedMean(), r.selectedNonzero());
  }

  private static Double nan(double x) {
    return Double.isNaN(x) ? null : x;
  }
}
