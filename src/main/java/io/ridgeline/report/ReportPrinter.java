package io.ridgeline.report;

import static org.apache.spark.sql.functions.col;

import io.ridgeline.config.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Renders a finished run's summary and selection as text tables (the {@code report} command). */
public final class ReportPrinter {
  private ReportPrinter() {}

  /** A run that is not there. */
  public static final class NoSuchRunException extends BadInputException {
    public NoSuchRunException(String message) {
      super(message);
    }
  }

  /** @param runId a run id, or null for the run that ended last */
  public static String render(SparkSession spark, String output, String runId) {
    Row run = findRun(spark, output, runId);
    String id = run.getAs("run_id");
    String metric = run.getAs("metric");
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "run %s (%s) · %s · %s · %s%n", id, run.getAs("name"),
        run.getAs("status"), run.getAs("family"), run.getAs("started_at")));
    out.append(String.format(Locale.ROOT, "data %s · %d rows × %d features · %d folds · metric %s · rule %s%n%n",
        run.getAs("data_path"), (Long) run.getAs("rows"), (Integer) run.getAs("features"),
        (Integer) run.getAs("folds"), metric, run.getAs("rule")));
    if (!"succeeded".equals(run.getAs("status"))) {
      return out.append("error: ").append((String) run.getAs("error")).append('\n')
          .append("(running the same run id again resumes it)\n").toString();
    }

    List<Row> selection = table(spark, output, Tables.SELECTION, id)
        .orderBy(col("scope"), col("alpha"), col("rule")).collectAsList();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"scope", "rule", "refit", "point", "alpha", "lambda", metric, "se"});
    for (Row r : selection) {
      rows.add(new String[] {r.getAs("scope"), r.getAs("rule"), (Boolean) r.getAs("refit") ? "*" : "",
          String.valueOf((Integer) r.getAs("point")), num(r.getAs("alpha")), num(r.getAs("lambda")),
          num(r.getAs("mean")), num(r.getAs("se"))});
    }
    out.append("selection\n").append(align(rows)).append('\n');

    RungSummary rungs = RungSummary.of(table(spark, output, Tables.TRIALS, id).collectAsList(), metric);
    if (!rungs.isEmpty()) {
      rows = new ArrayList<>();
      rows.add(rungs.header());
      rows.addAll(rungs.table());
      Row published = table(spark, output, Tables.RUNS, id).first();   // this run's row, with every column it has
      out.append("successive halving (").append(epochs(published)).append(")\n").append(align(rows)).append('\n');
    }

    List<Row> summary = table(spark, output, Tables.SUMMARY, id).where(col("metric").equalTo(metric))
        .orderBy(col("point")).collectAsList();
    rows = new ArrayList<>();
    rows.add(rungs.isEmpty() ? new String[] {"point", "alpha", "lambda", "mean", "std", "se", "nonzero"}
        : new String[] {"point", "params", "rung", "epochs", "mean", "std", "se"});
    for (Row r : summary) {
      String point = String.valueOf((Integer) r.getAs("point"));
      rows.add(rungs.isEmpty()
          ? new String[] {point, num(r.getAs("alpha")), num(r.getAs("lambda")), num(r.getAs("mean")),
              num(r.getAs("std")), num(r.getAs("se")),
              r.isNullAt(r.fieldIndex("nonzero_full")) ? "" : String.valueOf((Integer) r.getAs("nonzero_full"))}
          : new String[] {point, String.valueOf(new java.util.TreeMap<>(r.<String, String>getJavaMap(
              r.fieldIndex("params")))), String.valueOf(r.<Integer>getAs("rung") + 1),
              String.valueOf((Integer) r.getAs("epochs")), num(r.getAs("mean")), num(r.getAs("std")),
              num(r.getAs("se"))});
    }
    out.append("summary (").append(metric).append(" over folds").append(rungs.isEmpty() ? "" : ", at each point's last rung")
        .append(")\n").append(align(rows));
    return out.toString();
  }

  /** "189 epochs over every (point, fold), 26 % of the full grid's 729", from the runs row. */
  public static String epochs(Row run) {
    List<String> names = java.util.Arrays.asList(run.schema().fieldNames());
    if (!names.contains("epochs_spent") || run.isNullAt(run.fieldIndex("epochs_spent"))) return "";
    long spent = run.getAs("epochs_spent");
    long full = run.getAs("epochs_full_grid");
    return String.format(Locale.ROOT, "%d epochs over every (point, fold), %.0f %% of the full grid's %d", spent,
        100.0 * spent / full, full);
  }

  /** The {@code runs} row of a run id, or of the run that ended last when {@code runId} is null. */
  public static Row findRun(SparkSession spark, String output, String runId) {
    Dataset<Row> runs;
    try {
      Path root = new Path(output, Tables.RUNS);
      if (!root.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(root)) {
        throw new NoSuchRunException(output + ": no runs here (no '" + Tables.RUNS + "' table)");
      }
      runs = spark.read().parquet(root.toString());
    } catch (java.io.IOException e) {
      throw new NoSuchRunException(output + ": cannot read the reports (" + e.getMessage() + ")");
    }
    Dataset<Row> chosen = runId == null
        ? runs.orderBy(col("ended_at").desc()).limit(1)
        : runs.where(col("run_id").equalTo(runId));
    List<Row> found = chosen.collectAsList();
    if (found.isEmpty()) throw new NoSuchRunException(output + ": no run with id '" + runId + "'");
    return found.get(0);
  }

  private static Dataset<Row> table(SparkSession spark, String output, String table, String runId) {
    return spark.read().parquet(new Path(new Path(output, table), "run_id=" + runId).toString());
  }

  private static String num(Object x) {
    if (x == null) return "";
    return String.format(Locale.ROOT, "%.6g", (Double) x);
  }

  private static String align(List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        b.append(i == 0 ? "  " : "  ").append(String.format("%" + width[i] + "s", r[i]));
      }
      b.append('\n');
    }
    return b.toString();
  }
}
