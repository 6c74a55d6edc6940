package io.ridgeline.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs work units on {@code run.parallelism} driver threads, so that many small Spark jobs are in flight
 * at once. Every job goes to the FAIR scheduler pool {@value #POOL} (defined in fairscheduler.xml), so
 * concurrent fits share the executors; a unit's jobs are grouped under its label and a unit may label
 * each job more precisely ({@link #label}), so the Spark UI reads like the sweep. The first failure
 * cancels the rest and is rethrown with the failed unit's label. Cross-validation units go through
 * {@link #runRecorded}: a unit an earlier attempt of the run recorded is reused, the others are recorded
 * as they finish ({@link Checkpoints}).
 */
public final class SweepRunner {
  public static final String POOL = "ridgeline";

  private final SparkSession spark;
  private final int parallelism;
  private final String jobGroup;
  private final Progress progress;
  private final Checkpoints checkpoints;
  private final java.util.concurrent.atomic.DoubleAdder scoring = new java.util.concurrent.atomic.DoubleAdder();

  public SweepRunner(SparkSession spark, int parallelism, String jobGroup, Progress progress, Checkpoints checkpoints) {
    this.spark = spark;
    this.parallelism = parallelism;
    this.jobGroup = jobGroup;
    this.progress = progress;
    this.checkpoints = checkpoints;
  }

  /** A unit that failed, with its label. */
  public static final class UnitFailure extends RuntimeException {
    public UnitFailure(String label, Throwable cause) {
      super(label + " failed: " + cause, cause);
    }
  }

  /** Prints a note line in the sweep's log (see {@link Progress#note}). */
  public void note(String line) {
    progress.note(line);
  }

  /**
   * Scores models: {@code work} under the job label {@code description}, its seconds added to
   * {@link #scoringSeconds}.
   */
  public <T> T scoring(String description, java.util.function.Supplier<T> work) {
    label(description);
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      scoring.add((System.nanoTime() - start) / 1e9);
    }
  }

  /** Seconds spent in {@link #scoring} so far, summed over the threads that scored in parallel. */
  public double scoringSeconds() {
    return scoring.sum();
  }

  /** Labels the Spark jobs this thread submits next (in the Spark UI: the job's description). */
  public void label(String description) {
    spark.sparkContext().setJobDescription(description);
  }

  /**
   * Runs cross-validation units that are identified by {@code keys} (stable across attempts of a run):
   * the trials of a unit already recorded are read back instead of computed, the others are recorded
   * as soon as each finishes. Returns every unit's trials, in the units' order.
   */
  public List<List<TrialResult>> runRecorded(List<String> keys, List<WorkUnit<List<TrialResult>>> units,
      List<GridPoint> grid) {
    List<List<TrialResult>> results = new ArrayList<>(units.size());
    List<WorkUnit<List<TrialResult>>> todo = new ArrayList<>();
    List<Integer> todoIndex = new ArrayList<>();
    for (int i = 0; i < units.size(); i++) {
      String key = keys.get(i);
      WorkUnit<List<TrialResult>> unit = units.get(i);
      List<TrialResult> recorded = checkpoints.find(key, grid).orElse(null);
      results.add(recorded);
      if (recorded != null) {
        progress.reused(recorded.size());
        continue;
      }
      todo.add(new WorkUnit<>(unit.label(), unit.trials(), () -> {
        List<TrialResult> trials = unit.work().call();
        checkpoints.record(key, trials);
        return trials;
      }, unit.summary()));
      todoIndex.add(i);
    }
    List<List<TrialResult>> computed = run(todo);
    for (int i = 0; i < todo.size(); i++) results.set(todoIndex.get(i), computed.get(i));
    return results;
  }

  /**
   * A cross-validation an engine computes all at once (every fold from the same passes) as one recorded
   * unit: read back if an earlier attempt recorded it, else computed and recorded. {@code work} reports
   * its own progress, as it goes.
   */
  public List<TrialResult> runRecordedAsOne(String label, Callable<List<TrialResult>> work, List<GridPoint> grid) {
    return runRecorded(List.of("all-folds"), List.of(new WorkUnit<>(label, 0, work, trials -> "")), grid).get(0);
  }

  /**
   * Full-data models of {@code points} built from solutions an engine already has, one unit per α path
   * ("all data · α=…", with its non-zero count at the smallest λ); returned in the points' order.
   */
  public List<FittedModel> fitPaths(List<GridPoint> points, java.util.function.Function<GridPoint, FittedModel> fit) {
    List<List<GridPoint>> paths = Grid.byAlpha(points);
    List<WorkUnit<List<FittedModel>>> units = new ArrayList<>();
    for (List<GridPoint> path : paths) {
      units.add(new WorkUnit<>("all data · " + Grid.pathLabel(path), path.size(), () -> {
        List<FittedModel> fits = new ArrayList<>();
        for (GridPoint point : path) fits.add(fit.apply(point));
        return fits;
      }, fits -> fits.get(fits.size() - 1).nonzero() + " non-zero at the smallest λ"));
    }
    return Grid.inOrder(points, paths, run(units));
  }

  /** Runs every unit; returns their results in the units' order. */
  public <T> List<T> run(List<WorkUnit<T>> units) {
    if (units.isEmpty()) return List.of();
    AtomicInteger slots = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "ridgeline-worker-" + slots.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    SparkContext sc = spark.sparkContext();
    CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
    List<T> results = new ArrayList<>(units.size());
    for (int i = 0; i < units.size(); i++) results.add(null);
    try {
      for (int i = 0; i < units.size(); i++) {
        int index = i;
        WorkUnit<T> unit = units.get(i);
        done.submit(() -> {
          sc.setJobGroup(jobGroup, unit.label(), false);
          sc.setLocalProperty("spark.scheduler.pool", POOL);
          try {
            T result = unit.work().call();
            results.set(index, result);
            progress.finished(unit.trials(), unit.label(), unit.summary().apply(result));
            return index;
          } catch (Exception | Error e) {
            throw new UnitFailure(unit.label(), e);
          } finally {
            sc.clearJobGroup();
            sc.setLocalProperty("spark.scheduler.pool", null);
          }
        });
      }
      for (int i = 0; i < units.size(); i++) {
        Future<Integer> f = done.take();
        f.get();
      }
      return results;
    } catch (ExecutionException e) {
      sc.cancelJobGroup(jobGroup);
      throw e.getCause() instanceof UnitFailure u ? u : new UnitFailure("sweep", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sc.cancelJobGroup(jobGroup);
      throw new UnitFailure("sweep", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
