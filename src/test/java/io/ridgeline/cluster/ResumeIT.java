package io.ridgeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Reports;
import io.ridgeline.TestSpark;
import io.ridgeline.cli.Main;
import io.ridgeline.cluster.Cluster.Result;
import io.ridgeline.cluster.Cluster.Script;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A sweep whose driver is killed with SIGKILL in the middle: running it again with the same run id
 * (after breaking the lock the dead driver left) reuses every unit it recorded and publishes reports
 * equal to an uninterrupted run's, with no duplicated rows.
 */
@Tag("cluster")
class ResumeIT {
  /** 2 α × 2 λ × 3 folds with the MLlib engine: 6 units, one per fold and α, each a few Spark jobs. */
  private static final List<String> SWEEP = List.of("sweep", "conf/diabetes.yaml", "--set", "run.engine=mllib",
      "--set", "sweep.alpha=[0.5, 1]", "--set", "sweep.lambda.path.count=2", "--set", "cv.folds=3",
      "--set", "run.parallelism=1");
  private static final Pattern PROGRESS = Pattern.compile("^\\[\\s*(\\d+)/(\\d+)\\]");
  private static final Pattern REUSED = Pattern.compile("resume: reused (\\d+) recorded units? \\((\\d+) of 12 trials\\)");

  private static String[] sweep(Path out, String runId, String... more) {
    List<String> cmd = new ArrayList<>(List.of("jobs/ridgeline"));
    cmd.addAll(SWEEP);
    cmd.addAll(List.of("--set", "run.output=" + out, "--run-id", runId));
    cmd.addAll(List.of(more));
    return cmd.toArray(String[]::new);
  }

  private static long recordedUnits(Path out, String runId) throws Exception {
    Path units = out.resolve("_staging").resolve(runId).resolve("units");
    if (!Files.isDirectory(units)) return 0;
    try (Stream<Path> s = Files.list(units)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    }
  }

  @Test
  void aSweepKilledMidwayResumesWithoutRedoingFinishedUnits() throws Exception {
    Path work = TestSpark.tempDir("resume-it");
    Path out = work.resolve("out");

    // The driver (jobs/ridgeline execs the JVM) is killed with SIGKILL right after the first unit finishes.
    CountDownLatch progressed = new CountDownLatch(1);
    String atKill;
    List<String> before = new ArrayList<>();
    try (Script s = new Script(work.resolve("killed.log"), line -> {
      if (PROGRESS.matcher(line).find()) progressed.countDown();
    }, sweep(out, "crash"))) {
      assertTrue(progressed.await(240, TimeUnit.SECONDS), "no progress within 240 s");
      s.close();
      Result r = s.await(30);
      before.addAll(r.lines());
      atKill = r.lines().stream().filter(l -> PROGRESS.matcher(l).find()).reduce((a, b) -> b).orElseThrow();
      assertTrue(r.exit() != 0, "killed: " + r.exit());
    }
    assertFalse(Files.exists(out.resolve("trials")), "nothing published by the killed run");
    long recorded = recordedUnits(out, "crash");
    assertTrue(recorded >= 1 && recorded < 6, recorded + " units recorded when killed after: " + atKill);

    // The dead driver's lock refuses a new attempt until it is broken explicitly.
    Result refused = Cluster.run(work.resolve("refused.log"), 240, sweep(out, "crash"));
    assertEquals(2, refused.exit(), refused.text());
    assertTrue(refused.text().contains("run id 'crash' is locked by another run"), refused.text());
    assertTrue(refused.text().contains("--break-lock"), refused.text());

    Result resumed = Cluster.run(work.resolve("resumed.log"), 300, sweep(out, "crash", "--break-lock"));
    assertEquals(0, resumed.exit(), resumed.text());
    var m = REUSED.matcher(resumed.text());
    assertTrue(m.find(), resumed.text());
    assertEquals(recorded, Long.parseLong(m.group(1)), "every recorded unit reused");
    assertEquals(recorded * 2, Long.parseLong(m.group(2)), "2 trials per unit");
    long refitted = resumed.lines().stream().filter(l -> PROGRESS.matcher(l).find() && l.contains("fold ")).count();
    assertEquals(6 - recorded, refitted, "only the unrecorded units ran:\n" + resumed.text());

    // The reference: the same sweep uninterrupted, in this JVM.
    Path reference = work.resolve("reference");
    List<String> args = new ArrayList<>(SWEEP);
    args.addAll(List.of("--set", "run.output=" + reference, "--run-id", "reference"));
    TestSpark.session();
    assertEquals(0, Main.execute(args.toArray(String[]::new)));
    Reports.assertSameReports(reference, "reference", out, "crash", 1e-9);
    assertFalse(Files.exists(out.resolve("_staging")), "staging removed");
    assertFalse(Files.exists(out.resolve("_locks").resolve("crash")), "lock released");
  }
}
