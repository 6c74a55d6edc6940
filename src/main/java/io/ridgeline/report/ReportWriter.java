package io.ridgeline.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

  /** A table's rows and schema. */
  public record Table(String name, List<Row> rows, StructType schema) {}

  /** Work that writes to the staging directory, such as saving the model. */
  public interface Write {
    void run() throws IOException;
  }

  /**
   * Writes the tables, and {@code more}, to the staging directory concurrently: each is a small,
   * independent Spark job, so together they take about as long as the slowest.
   */
  public void stage(List<Table> tables, Write more) throws IOException {
    List<Write> writes = new ArrayList<>();
    for (Table t : tables) {
      Path p = new Path(staging, t.name());
      staged.put(t.name(), p);
      writes.add(() -> {
        spark.sparkContext().setJobDescription("write report table " + t.name());
        spark.createDataFrame(t.rows(), t.schema()).coalesce(1).write().parquet(fs.makeQualified(p).toString());
      });
    }
    writes.add(more);
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(4, writes.size()));
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (Write w : writes) {
        done.add(pool.submit(() -> {
          w.run();
          return null;
        }));
      }
      for (Future<Void> f : done) f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the reports", e);
    } finally {
      pool.shutdownNow();
    }
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
