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
import io.ridgeline.config.BadInputException;
import io.ridgeline.sweep.Checkpoints;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a run's tables and model so that they appear together or not at all. Everything is written
 * under {@code <output>/_staging/<run_id>/} first (Spark ignores paths that start with '_'); publishing
 * renames each staged directory into place — the model, the page, then the tables, {@code runs} last — and
 * undoes the renames already made if one fails. A run that fails publishes only its {@code runs} row,
 * with status {@code failed} and the error, and keeps its staging directory's {@link Checkpoints}, so
 * that running it again resumes it; that attempt's {@code runs} row then replaces the failed one. All
 * through the Hadoop FileSystem API.
 *
 * <p>Any number of run ids may publish into one output at once: a run creates, moves and removes only
 * its own paths ({@code _staging/<run_id>}, {@code <table>/run_id=<run_id>}, {@code models/<run_id>});
 * the directories they share ({@code _staging/}, the table roots) are created idempotently and removed
 * only while empty, atomically ({@link AtomicPaths}).
 */
public final class ReportWriter {
  private static final String MODEL = "model";
  /** The run's HTML page, staged as {@code _staging/<run_id>/html}, published to {@code html/<run_id>}. */
  private static final String PAGE = "html";
  /** Where a failed attempt's {@code runs} row waits while a later attempt publishes. */
  private static final String FAILED_RUNS = "failed-runs";

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

  /** Where this run's page goes: {@code <output>/html/<run_id>/}. */
  public Path pagePath() {
    return fs.makeQualified(new Path(new Path(output, PAGE), runId));
  }

  public FileSystem fileSystem() {
    return fs;
  }

  /** The status ("succeeded" or "failed") of this run id's published {@code runs} row, if there is one. */
  public Optional<String> status() throws IOException {
    Path runs = tablePath(Tables.RUNS);
    if (!fs.exists(runs)) return Optional.empty();
    List<Row> rows = spark.read().parquet(fs.makeQualified(runs).toString()).select("status").collectAsList();
    return Optional.of(rows.isEmpty() ? "failed" : rows.get(0).getString(0));
  }

  /** Locks this run id on the output file system; an output that cannot be written is named as such. */
  public RunLock lock(boolean breakStale) {
    try {
      return RunLock.acquire(fs, output, runId, breakStale);
    } catch (RunLock.HeldException e) {
      throw e;
    } catch (IOException e) {
      throw new BadInputException("run.output " + output + " cannot be written: " + e.getMessage(), e);
    }
  }

  /** The records of this run's finished units, and of an earlier attempt's. */
  public Checkpoints checkpoints() {
    return new Checkpoints(fs, staging);
  }

  /**
   * Prepares the staging directory: created if new (failing early if the output cannot be written);
   * an earlier attempt's unit records, their training states and manifest are kept, anything else it staged is removed, and so
   * is whatever it had moved into place when it died while publishing (its {@code runs} row, moved last,
   * was not there yet; the caller holds the run id's lock and has checked the run is not finished).
   */
  public void open() throws IOException {
    AtomicPaths.mkdirs(fs, staging);
    clearStaged();
    for (String table : List.of(Tables.TRIALS, Tables.SUMMARY, Tables.SELECTION, Tables.COEFFICIENTS, Tables.HISTORY)) {
      fs.delete(tablePath(table), true);
    }
    fs.delete(modelPath(), true);
    fs.delete(pagePath(), true);
  }

  private void clearStaged() throws IOException {
    for (FileStatus f : fs.listStatus(staging)) {
      String name = f.getPath().getName();
      if (!name.equals(Checkpoints.UNITS) && !name.equals(Checkpoints.STATES) && !name.equals(Checkpoints.MANIFEST)) {
        fs.delete(f.getPath(), true);
      }
    }
    staged.clear();
  }

  /** The tables staged so far, in staging order. */
  public List<String> tables() {
    return staged.keySet().stream().filter(t -> !t.equals(MODEL) && !t.equals(PAGE)).toList();
  }

  /** Where the selected model is to be saved before publishing. */
  public String stagedModelPath() {
    Path p = new Path(staging, MODEL);
    staged.put(MODEL, p);
    return fs.makeQualified(p).toString();
  }

  /** Where the run's page is to be written before publishing. */
  public Path stagedPagePath() {
    Path p = new Path(staging, PAGE);
    staged.put(PAGE, p);
    return p;
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
    ExecutorService pool = Executors.newFixedThreadPool(writes.size());
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

  /** Moves everything staged into place, {@code runs} last (replacing a failed attempt's); all or nothing. */
  public void publish() throws IOException {
    List<Path[]> done = new ArrayList<>();
    List<String> order = new ArrayList<>(staged.keySet());
    order.remove(Tables.RUNS);
    if (staged.containsKey(Tables.RUNS)) order.add(Tables.RUNS);
    try {
      for (String name : order) {
        Path target = name.equals(MODEL) ? modelPath() : name.equals(PAGE) ? pagePath() : tablePath(name);
        if (name.equals(Tables.RUNS) && fs.exists(target)) move(target, new Path(staging, FAILED_RUNS), done);
        if (fs.exists(target)) throw new IOException(target + " already exists");
        move(staged.get(name), target, done);
      }
    } catch (IOException e) {
      for (int i = done.size() - 1; i >= 0; i--) fs.rename(done.get(i)[1], done.get(i)[0]);
      throw e;
    }
    discard();
  }

  private void move(Path from, Path to, List<Path[]> done) throws IOException {
    fs.mkdirs(to.getParent());
    if (!fs.rename(from, to)) throw new IOException("cannot move " + from + " to " + to);
    done.add(new Path[] {from, to});
  }

  /**
   * Records a failed attempt: its {@code runs} row (status failed, with the error) replaces any earlier
   * failed row of this run id; everything else it staged is removed, its unit records are kept.
   */
  public void fail(Table runs) throws IOException {
    clearStaged();
    stage(List.of(runs), () -> {});
    Path target = tablePath(Tables.RUNS);
    if (fs.exists(target)) fs.delete(target, true);
    move(staged.get(Tables.RUNS), target, new ArrayList<>());
    staged.clear();
  }

  /**
   * Removes the staging directory, unit records included (after publishing), and {@code _staging/} if
   * no other run is staging in it: never another run id's files (see {@link AtomicPaths}).
   */
  public void discard() throws IOException {
    fs.delete(staging, true);
    AtomicPaths.removeIfEmpty(fs, staging.getParent());
  }
}
