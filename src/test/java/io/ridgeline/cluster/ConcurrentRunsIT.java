package io.ridgeline.cluster;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.cluster.Cluster.Result;
import io.ridgeline.cluster.Cluster.Script;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real {@code jobs/ridgeline} processes sharing one output, started together, round after round: two
 * race for one run id (exactly one runs it; the other is refused as bad input, the id being locked or,
 * if it came late, finished) in 2 rounds, and in the first three other run ids publish into the same
 * output at the same time (all succeed, each with its own {@code runs} row and whole tables: 4 run ids
 * at once). Each run is a one-point Gaussian sweep of the diabetes sample on 2 folds, so its time is the
 * JVM's and Spark's start; 7 processes in all. The lock itself is raced far harder in process, by
 * threads ({@code RunLockTest}).
 */
@Tag("cluster")
class ConcurrentRunsIT {
  /** Rounds of the race; the first {@link #PUBLISHING_ROUNDS} also have {@link #OTHERS} other run ids. */
  private static final int ROUNDS = 2;
  private static final int PUBLISHING_ROUNDS = 1;
  private static final int OTHERS = 3;
  /** A log4j line from Spark or Hadoop (conf/log4j2.properties' pattern): the console must carry none. */
  private static final Pattern LIBRARY_LOG = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d (TRACE|DEBUG|INFO|WARN|ERROR) ");

  private static Script sweep(Path out, Path log, String runId) {
    return new Script(log, line -> {}, "env", "RIDGELINE_DRIVER_MEMORY=1g", "jobs/ridgeline", "sweep",
        "conf/diabetes.yaml", "--set", "run.output=" + out, "--set", "run.master=local[1]",
        "--set", "run.engine=auto", "--set", "sweep.alpha=[1]", "--set", "sweep.lambda.path=null",
        "--set", "sweep.lambda.values=[1]", "--set", "cv.folds=2", "--run-id", runId);
  }

  @Test
  void racersForOneRunIdNeverBothRunAndOtherRunIdsAllPublish() throws Exception {
    Path work = TestSpark.tempDir("concurrent-it");
    Path out = work.resolve("out");
    List<String> published = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      String race = "race-" + round;
      List<String> ids = new ArrayList<>(List.of(race, race));
      int others = round < PUBLISHING_ROUNDS ? OTHERS : 0;
      for (int i = 0; i < others; i++) ids.add("pub-" + round + "-" + i);
      List<Script> scripts = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) scripts.add(sweep(out, work.resolve(round + "-" + i + ".log"), ids.get(i)));
      List<Result> results = new ArrayList<>();
      for (Script s : scripts) {
        try (s) {
          results.add(s.await(600));
        }
      }
      for (Result r : results) {
        for (String line : r.lines()) assertFalse(LIBRARY_LOG.matcher(line).find(), "a library's log line: " + line);
      }

      List<Result> racers = results.subList(0, 2);
      long ran = racers.stream().filter(r -> r.exit() == 0).count();
      assertEquals(1, ran, "round " + round + ": exactly one racer runs\n" + racers.get(0).text() + "\n---\n"
          + racers.get(1).text());
      Result loser = racers.stream().filter(r -> r.exit() != 0).findFirst().orElseThrow();
      assertEquals(2, loser.exit(), loser.text());
      assertTrue(loser.text().contains("ridgeline: run id '" + race + "' is locked by another run (pid ")
          || loser.text().contains("ridgeline: run id '" + race + "' already finished in "), loser.text());
      published.add(race);
      for (int i = 0; i < others; i++) {
        Result r = results.get(2 + i);
        assertEquals(0, r.exit(), ids.get(2 + i) + ":\n" + r.text());
        published.add(ids.get(2 + i));
      }
    }

    // Every published run id: one runs row, succeeded; its whole trials (1 point × 2 folds) and model.
    SparkSession spark = TestSpark.session();
    List<Row> runs = spark.read().parquet(out.resolve("runs").toString()).select("run_id", "status").collectAsList();
    assertEquals(published.size(), runs.size(), "one runs row per run id: " + runs);
    for (String id : published) {
      assertEquals(1, runs.stream().filter(r -> r.getString(0).equals(id) && r.getString(1).equals("succeeded")).count(), id);
      assertEquals(2, spark.read().parquet(out.resolve("trials").toString()).where(col("run_id").equalTo(id)).count(), id);
      assertTrue(Files.isDirectory(out.resolve("models").resolve(id)), id + "'s model");
    }
    assertFalse(Files.exists(out.resolve("_staging")), "every staging directory removed, and _staging/ with them");
    assertFalse(Files.exists(out.resolve("_locks")), "every lock released, and _locks/ with them");
  }
}
