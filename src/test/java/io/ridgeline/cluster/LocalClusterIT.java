package io.ridgeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Reports;
import io.ridgeline.TestSpark;
import io.ridgeline.cli.Main;
import io.ridgeline.cluster.Cluster.Result;
import io.ridgeline.cluster.Cluster.Script;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real standalone cluster (a master and 2 workers, each its own JVM, started by jobs/local-cluster) runs
 * sweeps submitted by jobs/submit; their reports must equal a local-mode run of the same config, also
 * when an executor is killed in the middle of the sweep.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {
  /**
   * The bundled diabetes sweep, made small: 2 α × 2 λ × 3 folds = 6 cross-validation paths, then 2 full-data
   * paths. The MLlib engine fits each path with Spark jobs on the executors (the Gaussian engine would
   * finish the cross-validation in one pass), and progress lines come as paths finish, so "the middle"
   * of the sweep is observable.
   */
  private static final List<String> SWEEP = List.of("sweep", "conf/diabetes.yaml", "--set", "run.engine=mllib",
      "--set", "sweep.alpha=[0.5, 1]", "--set", "sweep.lambda.path.count=2", "--set", "cv.folds=3");
  private static final double REL_TOL = 1e-9;
  private static final Pattern PROGRESS = Pattern.compile("^\\[\\s*(\\d+)/(\\d+)\\]");

  private static Path work;
  private static Path localOut;
  private static CompletableFuture<Integer> localRun;
  private static final Thread STOP_ON_EXIT = new Thread(LocalClusterIT::stopQuietly, "stop-local-cluster");

  @BeforeAll
  static void startClusterAndRunLocally() throws Exception {
    work = TestSpark.tempDir("cluster");
    Runtime.getRuntime().addShutdownHook(STOP_ON_EXIT);
    // The reference: the same sweep in local mode, in this JVM (the shared local[2] session), while the
    // cluster starts and runs the first sweep.
    TestSpark.session();
    localOut = work.resolve("local");
    List<String> args = new ArrayList<>(SWEEP);
    args.addAll(List.of("--set", "run.output=" + localOut, "--run-id", "local"));
    localRun = CompletableFuture.supplyAsync(() -> {
      long t = System.nanoTime();
      int exit = Main.execute(args.toArray(String[]::new));
      System.out.printf("local-mode sweep: %.1f s%n", seconds(t));
      return exit;
    }, r -> {
      Thread t = new Thread(r, "local-sweep");
      t.setDaemon(true);
      t.start();
    });

    long t0 = System.nanoTime();
    Result started = Cluster.run(work.resolve("local-cluster-start.log"), 180, "jobs/local-cluster", "start", "2");
    assertEquals(0, started.exit(), started.text());
    System.out.printf("local cluster up in %.1f s: %s%n", seconds(t0), started.text());
  }

  /** The local-mode reference run's reports, once it has finished. */
  private static Path localReports() throws Exception {
    assertEquals(0, localRun.get(300, TimeUnit.SECONDS), "local-mode sweep");
    return localOut;
  }

  @AfterAll
  static void stopCluster() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(STOP_ON_EXIT);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  private static void stopQuietly() {
    try {
      Result r = Cluster.run(work.resolve("local-cluster-stop.log"), 60, "jobs/local-cluster", "stop");
      System.out.println(r.text());
    } catch (Exception | AssertionError e) {
      System.err.println("stopping the local cluster failed: " + e);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static String[] submit(Path output, String runId) {
    List<String> cmd = new ArrayList<>(List.of("jobs/submit", "--"));
    cmd.addAll(SWEEP);
    cmd.addAll(List.of("--set", "run.output=" + output, "--run-id", runId));
    return cmd.toArray(String[]::new);
  }

  @Test
  @Order(1)
  void aSweepOnTheClusterReportsWhatLocalModeReports() throws Exception {
    Path out = work.resolve("cluster-a");
    long t0 = System.nanoTime();
    Result r = Cluster.run(work.resolve("submit-a.log"), 240, submit(out, "cluster-a"));
    System.out.printf("cluster sweep: %.1f s%n", seconds(t0));
    assertEquals(0, r.exit(), r.text());
    assertTrue(r.text().contains("submit: spark://127.0.0.1:"), "submitted to the local cluster:\n" + r.text());

    List<org.apache.spark.sql.Row> runs = Reports.rows(out, "runs", "cluster-a");
    assertTrue(runs.get(0).<String>getAs("master").startsWith("spark://127.0.0.1:"), "ran on the cluster");
    Reports.assertSameReports(localReports(), "local", out, "cluster-a", REL_TOL);
  }

  @Test
  @Order(2)
  void aSweepSurvivesTheLossOfAnExecutor() throws Exception {
    Path out = work.resolve("cluster-b");
    for (int i = 0; i < 100 && !Cluster.executorPids(work.resolve("executors.log")).isEmpty(); i++) {
      Thread.sleep(200);   // the first sweep's executors are still exiting
    }
    // The victim is chosen before the sweep makes progress and killed from the output reader's thread on
    // the first progress line, so the kill lands right after the first path, whatever the machine's speed.
    AtomicReference<ProcessHandle> victim = new AtomicReference<>();
    AtomicReference<String> atKill = new AtomicReference<>();
    CountDownLatch killed = new CountDownLatch(1);
    long t0 = System.nanoTime();
    Result r;
    try (Script s = new Script(work.resolve("submit-b.log"), line -> {
      if (PROGRESS.matcher(line).find() && atKill.get() == null && victim.get() != null) {
        atKill.set(line);
        victim.get().destroyForcibly();   // SIGKILL on Linux
        killed.countDown();
      }
    }, submit(out, "cluster-b"))) {
      List<Long> executors = List.of();
      for (long deadline = System.nanoTime() + 120_000_000_000L; executors.size() < 2 && System.nanoTime() < deadline; ) {
        Thread.sleep(200);
        executors = Cluster.executorPids(work.resolve("executors.log"));
      }
      assertEquals(2, executors.size(), "one executor per worker: " + executors);
      Optional<ProcessHandle> handle = ProcessHandle.of(executors.get(0));
      assertTrue(handle.isPresent(), "executor " + executors.get(0) + " is alive");
      victim.set(handle.get());
      assertTrue(killed.await(180, TimeUnit.SECONDS), "no progress line within 180 s");
      handle.get().onExit().get(30, TimeUnit.SECONDS);
      System.out.printf("killed executor %d at %.1f s, after: %s%n", handle.get().pid(), seconds(t0), atKill.get());
      r = s.await(240);
    }
    System.out.printf("cluster sweep with a lost executor: %.1f s%n", seconds(t0));
    assertEquals(0, r.exit(), r.text());
    assertFalse(victim.get().isAlive(), "the victim is dead");

    // It was the middle of the sweep: progress lines came after the kill.
    Matcher m = PROGRESS.matcher(atKill.get());
    assertTrue(m.find());
    assertTrue(Integer.parseInt(m.group(1)) < Integer.parseInt(m.group(2)), "killed before the end: " + atKill.get());
    List<String> progress = r.lines().stream().filter(l -> PROGRESS.matcher(l).find()).toList();
    assertTrue(progress.indexOf(atKill.get()) < progress.size() - 1, "progress after the kill:\n" + r.text());

    Reports.assertSameReports(localReports(), "local", out, "cluster-b", REL_TOL);
  }
}
