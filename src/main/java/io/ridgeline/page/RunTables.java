package io.ridgeline.page;

import io.ridgeline.report.ReportWriter;
import io.ridgeline.report.Tables;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One run's report tables, as rows with the columns of {@link Tables}' schemas: the sweep hands over
 * the rows it stages, {@code report --html} reads them back from the published Parquet; both draw the
 * same page from them.
 *
 * @param history empty for runs without epochs (the linear families)
 */
public record RunTables(String runId, Row run, List<Row> summary, List<Row> selection, List<Row> coefficients,
    List<Row> trials, List<Row> history) {

  /**
   * The tables a sweep stages, with their values as Spark reads them back from Parquet (Scala maps and
   * sequences), so the page drawn now is the one {@code report --html} draws later.
   */
  public static RunTables of(SparkSession spark, String runId, List<ReportWriter.Table> tables) {
    java.util.Map<String, List<Row>> byName = new java.util.HashMap<>();
    for (ReportWriter.Table t : tables) {
      byName.put(t.name(), spark.createDataFrame(t.rows(), t.schema()).collectAsList());
    }
    return new RunTables(runId, byName.get(Tables.RUNS).get(0), byName.getOrDefault(Tables.SUMMARY, List.of()),
        byName.getOrDefault(Tables.SELECTION, List.of()), byName.getOrDefault(Tables.COEFFICIENTS, List.of()),
        byName.getOrDefault(Tables.TRIALS, List.of()), byName.getOrDefault(Tables.HISTORY, List.of()));
  }

  /** A published run's tables under {@code output} (any Hadoop path). */
  public static RunTables read(SparkSession spark, String output, String runId) throws IOException {
    Path root = new Path(output);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    return new RunTables(runId, rows(spark, fs, root, Tables.RUNS, runId).get(0),
        rows(spark, fs, root, Tables.SUMMARY, runId), rows(spark, fs, root, Tables.SELECTION, runId),
        rows(spark, fs, root, Tables.COEFFICIENTS, runId), rows(spark, fs, root, Tables.TRIALS, runId),
        rows(spark, fs, root, Tables.HISTORY, runId));
  }

  private static List<Row> rows(SparkSession spark, FileSystem fs, Path root, String table, String runId)
      throws IOException {
    Path p = new Path(new Path(root, table), "run_id=" + runId);
    if (!fs.exists(p)) return List.of();
    spark.sparkContext().setJobDescription("read " + table + " for the run page");
    return spark.read().parquet(fs.makeQualified(p).toString()).collectAsList();
  }

  /** The selecting metric's name ({@code runs.metric}). */
  public String metric() {
    return run.getAs("metric");
  }

  public boolean isMlp() {
    return "mlp".equals(run.getAs("family"));
  }

  /** The summary rows of the selecting metric. */
  public List<Row> metricSummary() {
    return summary.stream().filter(r -> metric().equals(r.getAs("metric"))).toList();
  }

  /** The selection row for (scope, rule), of the given α when the scope is "alpha"; null if absent. */
  public Row choice(String scope, String rule, Double alpha) {
    for (Row r : selection) {
      if (!scope.equals(r.getAs("scope")) || !rule.equals(r.getAs("rule"))) continue;
      if (alpha == null || alpha.equals(r.getAs("alpha"))) return r;
    }
    return null;
  }

  /** Successive halving's rungs (empty for a run without them). */
  public io.ridgeline.report.RungSummary rungs() {
    return io.ridgeline.report.RungSummary.of(trials, metric());
  }

  /** A column of the runs row, or null where the row has no such column (runs from before it) or no value. */
  public Object runValue(String column) {
    int i = java.util.Arrays.asList(run.schema().fieldNames()).indexOf(column);
    return i < 0 || run.isNullAt(i) ? null : run.get(i);
  }

  /** The selection row the model was refitted at. */
  public Row refit() {
    for (Row r : selection) if (r.<Boolean>getAs("refit")) return r;
    return selection.isEmpty() ? null : selection.get(0);
  }
}
