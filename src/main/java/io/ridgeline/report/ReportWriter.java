package io.ridgeline.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a run's tables and model so that they appear together or not at all. Everything is written
 * under {@code <output>/_staging/<run_id>/} first (Spark ignores paths that start with '_'); publishing
 * renames each staged directory into place — the model, then the tables, {@code runs} last — and
 * undoes the renames already made if one fails. All through the Hadoop FileSystem API.
 */
public final class ReportWriter {
  private static final String MODEL = "model";

  private final SparkSession spark;
  private final Path output;
  private final String runId;
  private final FileSystem fs;
  private final Path staging;
  private final Map<String, Path> staged = new LinkedHashMap<>();

  public ReportWriter(SparkSession spark, String output, String runId) throws IOException {
    this.spark = spark;
    this.output = new Path(output);
    this.runId = runId;
    this.fs = this.output.getFileSystem(spark.sparkContext().hadoopConfiguration());
    this.staging = new Path(this.output, "_staging/" + runId);
  }

  /** Where a table's partition for this run goes. */
  public Path tablePath(String table) {
    return new Path(new Path(output, table), "run_id=" + runId);
  }

  public Path modelPath() {
    return new Path(new Path(output, "models"), runId);
  }

  /** True when this run id already has published reports. */
  public boolean published() throws IOException {
    return fs.exists(tablePath(Tables.RUNS));
  }

  /** Creates the staging directory (failing early if the output cannot be written). */
  public void open() throws IOException {
    if (fs.exists(staging)) fs.delete(staging, true);
    if (!fs.mkdirs(staging)) throw new IOException("cannot create " + staging);
  }

  /** The tables staged so far, in staging order. */
  public List<String> tables() {
    return staged.keySet().stream().filter(t -> !t.equals(MODEL)).toList();
  }

  /** Where the selected model is to be saved before publishing. */
  public String stagedModelPath() {
    Path p = new Path(staging, MODEL);
    staged.put(MODEL, p);
    return fs.makeQualified(p).toString();
  }

  public void stageTable(String table, List<Row> rows, StructType schema) {
    Path p = new Path(staging, table);
    spark.sparkContext().setJobDescription("write report table " + table);
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(fs.makeQualified(p).toString());
    spark.sparkContext().setJobDescription(null);
    staged.put(table, p);
  }

  /** Moves everything staged into place, {@code runs} last; all or nothing. */
  public void publish() throws IOException {
    List<Path[]> done = new ArrayList<>();
    List<String> order = new ArrayList<>(staged.keySet());
    order.remove(Tables.RUNS);
    if (staged.containsKey(Tables.RUNS)) order.add(Tables.RUNS);
    try {
      for (String name : order) {
        Path target = name.equals(MODEL) ? modelPath() : tablePath(name);
        if (fs.exists(target)) throw new IOException(target + " already exists");
        fs.mkdirs(target.getParent());
        if (!fs.rename(staged.get(name), target)) throw new IOException("cannot move " + name + " to " + target);
        done.add(new Path[] {staged.get(name), target});
      }
    } catch (IOException e) {
      for (Path[] moved : done) fs.rename(moved[1], moved[0]);
      throw e;
    }
    close();
  }

  /** Removes the staging directory (after publishing, or after a failure). */
  public void close() throws IOException {
    fs.delete(staging, true);
    Path parent = staging.getParent();
    if (fs.exists(parent) && fs.listStatus(parent).length == 0) fs.delete(parent, false);
  }
}
