package io.ridgeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.config.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The command line as a user meets it: exit codes and the one-line messages on standard error. */
@Tag("slow")
class MainTest {
  record Result(int code, String out, String err) {}

  @BeforeAll
  static void shareTheTestSession() {
    TestSpark.session();
  }

  /** Runs a command line in this JVM, capturing its standard output and error. */
  static Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code = Main.execute(args);
      return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void badConfigValueIsOneLineAndExitTwo() {
    Result r = run("sweep", "conf/diabetes.yaml", "--set", "cv.folds=1");
    assertEquals(2, r.code());
    assertEquals("ridgeline: conf/diabetes.yaml: cv.folds = 1: expected a whole number from 2 to 1000\n", r.err());
  }

  @Test
  void badDataIsOneLineAndExitTwo() {
    Result r = run("validate", "conf/diabetes.yaml", "--set", "data.label=outcome");
    assertEquals(2, r.code());
    assertEquals("ridgeline: data-samples/diabetes.csv: data.label column 'outcome' is not in the data "
        + "(columns: age, sex, bmi, bp, s1, s2, s3, s4, s5, s6, progression)\n", r.err());
  }

  @Test
  void validateChecksWithoutTraining() {
    Result r = run("validate", "conf/breast-cancer.yaml");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("569 rows × 30 features · 2 classes · 5 folds"), r.out());
    assertTrue(r.out().contains("grid: 24 points × 5 folds = 120 trials"), r.out());
    // Halving's trials over its rungs: 27·5 + 9·5 + 3·5.
    Result h = run("validate", "conf/digits-halving.yaml");
    assertEquals(0, h.code(), h.err());
    assertTrue(h.out().contains("grid: 27 points × 5 folds, successive halving over [3, 9, 27] epochs for "
        + "[27, 9, 3] candidates = 195 trials"), h.out());
  }

  /**
   * Only Ridgeline's refusals of the user's input are bad input; an IllegalArgumentException from
   * Spark's or Scala's {@code require} is an internal failure, reported by its cause on one line.
   */
  @Test
  void internalFailuresExitOneAndBadInputTwoWhateverTheExceptionType() {
    StringWriter err = new StringWriter();
    assertEquals(1, Main.report(new RuntimeException("wrapped",
        new IllegalArgumentException("requirement failed: Column features must be of type vector")),
        new PrintWriter(err, true)));
    assertEquals("ridgeline: run failed: IllegalArgumentException: requirement failed: Column features must be of "
        + "type vector (RIDGELINE_DEBUG=1 prints the stack trace)\n", err.toString());
    StringWriter bad = new StringWriter();
    assertEquals(2, Main.report(new java.util.concurrent.ExecutionException(
        new BadInputException("d.csv: a refusal raised in a worker thread")), new PrintWriter(bad, true)));
    assertEquals("ridgeline: d.csv: a refusal raised in a worker thread\n", bad.toString());
  }

  @Test
  void aRunThatFailsIsExitOneWithItsCauseOnOneLine() throws IOException {
    Path out = TestSpark.tempDir("cli-failed");
    Files.writeString(out.resolve("models"), "a file where the models directory goes\n");
    Result r = run("sweep", "conf/diabetes.yaml", "--set", "run.output=" + out, "--set", "sweep.lambda.path.count=2",
        "--set", "sweep.alpha=[1]", "--run-id", "cli-failed");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("ridgeline: run failed: ") && r.err().indexOf('\n') == r.err().length() - 1,
        "one line: " + r.err());
    assertTrue(r.err().contains("models"), r.err());
  }

  @Test
  void anMlpSweepWithoutGridAxesNamesItsSinglePoint() {
    Path out = TestSpark.tempDir("cli-mlp");
    Result r = run("sweep", "conf/digits-mlp.yaml", "--set", "run.output=" + out, "--set", "sweep.mlp=null",
        "--set", "model.mlp.maxEpochs=1", "--set", "cv.folds=2", "--run-id", "cli-mlp");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("selected (min): the single grid point (no sweep.mlp axes) · cv accuracy 0."),
        r.out());
  }

  @Test
  void unknownRunIsExitTwo() {
    Path empty = TestSpark.tempDir("no-runs");
    Result r = run("report", empty.toString());
    assertEquals(2, r.code());
    assertEquals("ridgeline: " + empty + ": no runs here (no 'runs' table)\n", r.err());
  }

  @Test
  void sweepThenReport() {
    Path out = TestSpark.tempDir("cli");
    Result sweep = run("sweep", "conf/wine.yaml", "--set", "run.output=" + out, "--set", "cv.folds=3",
        "--set", "sweep.lambda.values=[0.3, 0.03]", "--run-id", "cli-wine");
    assertEquals(0, sweep.code(), sweep.err());
    assertTrue(sweep.out().contains("selected (min): α="), sweep.out());
    assertTrue(sweep.out().contains("model:   " + out + "/models/cli-wine"), sweep.out());
    Result report = run("report", out.toString(), "--run-id", "cli-wine");
    assertEquals(0, report.code(), report.err());
    assertTrue(report.out().startsWith("run cli-wine (wine-multinomial) · succeeded · logistic"), report.out());
    assertTrue(report.out().contains("summary (logloss over folds)"), report.out());
    Result again = run("sweep", "conf/wine.yaml", "--set", "run.output=" + out, "--run-id", "cli-wine");
    assertEquals(2, again.code());
    assertEquals("ridgeline: run id 'cli-wine' already finished in " + out + ": use a new --run-id\n", again.err());
  }
}
