package io.ridgeline.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.config.BadInputException;
import io.ridgeline.Reports;
import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.report.ReportPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Run status and resume, in process: a run that fails is recorded as failed with nothing else visible,
 * keeps the records of its finished units, and running the same run id again reuses them, replaces
 * whatever a dead attempt left half-published, and replaces the failed row. (Killing the driver with SIGKILL is tested with a real process in ResumeIT.)
 */
@Tag("slow")
class ResumeTest {
  private static final SparkSession spark = TestSpark.session();
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  /**
   * 2 α × 4 λ × 3 folds = 24 trials; the Gaussian engine computes them as one unit (ResumeIT resumes the
   * MLlib engine's units, one per fold and α, after a SIGKILL).
   */
  private static final String[] SWEEP = {"sweep.alpha=[0.5, 1]", "sweep.lambda.path.count=4", "cv.folds=3"};

  private static SweepSpec spec(Path out, String... more) {
    String[] overrides = Stream.concat(Stream.of(SWEEP), Stream.of(more)).toArray(String[]::new);
    String[] all = Stream.concat(Stream.of(overrides), Stream.of("run.output=" + out)).toArray(String[]::new);
    return Samples.spec(Samples.DIABETES, all);
  }

  private static List<Row> rows(Path out, String table, String runId) {
    if (!Files.exists(out.resolve(table))) return List.of();
    return spark.read().parquet(out.resolve(table).toString()).where(col("run_id").equalTo(runId)).collectAsList();
  }

  @Test
  void aFailedRunIsRecordedAndRunningItAgainResumesIt() throws IOException {
    Path reference = TestSpark.tempDir("resume-reference");
    new SweepJob(spark, spec(reference), QUIET).run("reference");

    Path out = TestSpark.tempDir("resume");
    // A file where the models directory goes: publishing fails after every unit finished and was recorded.
    Path blocker = Files.writeString(out.resolve("models"), "in the way\n");
    assertThrows(Exception.class, () -> new SweepJob(spark, spec(out), QUIET).run("again"));

    List<Row> failed = rows(out, "runs", "again");
    assertEquals(1, failed.size());
    assertEquals("failed", failed.get(0).getAs("status"));
    String error = failed.get(0).getAs("error");
    assertTrue(error.contains("models"), error);
    String report = ReportPrinter.render(spark, out.toString(), "again");
    assertTrue(report.startsWith("run again (test) · failed · linear"), report);
    assertTrue(report.contains("error: " + error + "\n"), report);
    for (String table : List.of("trials", "summary", "selection", "coefficients")) {
      assertEquals(List.of(), rows(out, table, "again"), table + " of a failed run");
    }
    try (Stream<Path> units = Files.list(out.resolve("_staging/again/units"))) {
      assertEquals(1, units.filter(p -> p.toString().endsWith(".json")).count(), "the unit recorded");
    }

    // The same run id with another config is refused; nothing changes.
    BadInputException other = assertThrows(BadInputException.class,
        () -> new SweepJob(spark, spec(out, "cv.seed=7"), QUIET).run("again"));
    assertTrue(other.getMessage().startsWith("run id 'again' was started with a different config"), other.getMessage());

    Files.delete(blocker);
    // As if an attempt had died while publishing, after moving its trials into place (runs comes last):
    // the next attempt must replace them, not add to them.
    copyTree(reference.resolve("trials/run_id=reference"), out.resolve("trials/run_id=again"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new SweepJob(spark, spec(out), new PrintStream(log, true, StandardCharsets.UTF_8)).run("again");
    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("resume: reused 1 recorded unit (24 of 24 trials); computed the rest"), text);
    assertTrue(!text.contains("fold 1/3"), "no fold was solved again:\n" + text);

    List<Row> runs = rows(out, "runs", "again");
    assertEquals(1, runs.size(), "the failed row is replaced");
    assertEquals("succeeded", runs.get(0).getAs("status"));
    Reports.assertSameReports(reference, "reference", out, "again", 1e-9);
    assertTrue(!Files.exists(out.resolve("_staging")), "staging removed once published");
  }

  /**
   * Explicit λ values, and data whose one changed value keeps the row count and the fold sizes: only
   * the data's fingerprint can tell that the recorded units belong to other data.
   */
  @Test
  void changedDataWithTheSameRowsFoldsAndLambdasIsNotResumed() throws IOException {
    Path dir = TestSpark.tempDir("resume-fingerprint");
    Path data = dir.resolve("diabetes.csv");
    Files.copy(Path.of("data-samples/diabetes.csv"), data);
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path blocker = Files.writeString(out.resolve("models"), "in the way\n");
    SweepSpec spec = Samples.spec(Samples.DIABETES, "data.path=" + data, "sweep.alpha=[0.5, 1]",
        "sweep.lambda.values=[0.1, 1]", "cv.folds=3", "run.output=" + out);
    assertThrows(Exception.class, () -> new SweepJob(spark, spec, QUIET).run("changed"));
    Row failed = rows(out, "runs", "changed").get(0);
    String fingerprint = failed.getAs("data_fingerprint");
    assertTrue(fingerprint.matches("[0-9a-f]{16}"), fingerprint);
    assertTrue(Files.readString(out.resolve("_staging/changed/manifest.json"))
        .contains("\"data_fingerprint\":\"" + fingerprint + "\""), "the manifest records it");
    Files.delete(blocker);

    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(data));
    assertTrue(lines.get(1).startsWith("59,2,32.1,"), lines.get(1));
    lines.set(1, "60" + lines.get(1).substring(2));   // the first patient's age: 59 → 60
    Files.write(data, lines);
    BadInputException changed = assertThrows(BadInputException.class,
        () -> new SweepJob(spark, spec, QUIET).run("changed"));
    assertTrue(changed.getMessage().startsWith("run id 'changed': the data changed since its earlier attempt "
        + "(fingerprint " + fingerprint + ", now "), changed.getMessage());
    assertTrue(changed.getMessage().endsWith(", over the same 442 rows and fold sizes): use a new --run-id"),
        changed.getMessage());
    assertEquals(List.of(failed), rows(out, "runs", "changed"), "nothing changed by the refusal");

    // Back to the recorded data: resumed, and the fingerprint is in the published runs row.
    lines.set(1, "59" + lines.get(1).substring(2));
    Files.write(data, lines);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new SweepJob(spark, spec, new PrintStream(log, true, StandardCharsets.UTF_8)).run("changed");
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("resume: reused 1 recorded unit"), log.toString());
    assertEquals(fingerprint, rows(out, "runs", "changed").get(0).getAs("data_fingerprint"));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) Files.copy(f, to.resolve(from.relativize(f).toString()));
    }
  }

  @Test
  void runIdTemplates() {
    Instant t = Instant.parse("2026-11-22T02:15:09Z");
    assertEquals("nightly-2026-11-22", SweepJob.expandRunId("nightly-{date}", "diabetes", t));
    assertEquals("diabetes-2026-11-22T021509", SweepJob.expandRunId("{name}-{date}T{time}", "diabetes", t));
    assertEquals("plain", SweepJob.expandRunId("plain", "x", t));
  }
}
