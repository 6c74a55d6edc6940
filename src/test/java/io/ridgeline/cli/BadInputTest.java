package io.ridgeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.report.RunLock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's table of bad inputs, one test per row: each is refused through the command line with
 * exit code 2 and exactly one line on standard error that names the cause, and leaves the output
 * exactly as it was (nothing written when it did not exist).
 */
@Tag("slow")
class BadInputTest {
  private static Path dir;

  @BeforeAll
  static void setUp() {
    TestSpark.session();
    dir = TestSpark.tempDir("bad-input");
  }

  // ---- inputs ----

  private static final String REGRESSION = "x1,x2,y\n" + "1,2,3\n2,1,4\n3,5,2\n4,4,6\n5,3,5\n6,6,7\n7,2,1\n8,8,9\n";

  private static String file(String name, String content) {
    try {
      Path p = dir.resolve(name);
      Files.writeString(p, content);
      return p.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A config file: the given data and family, writing to {@code output}; {@code extra} is appended. */
  private static String config(String name, String data, String family, Path output, String extra) {
    return file(name + ".yaml", "data:\n  path: " + data + "\n  label: y\nmodel:\n  family: " + family + "\n"
        + "sweep:\n  alpha: [0.5]\n  lambda:\n    values: [0.1]\ncv:\n  folds: 3\nrun:\n  output: " + output + "\n"
        + extra);
  }

  private static Path output(String name) {
    return dir.resolve("out-" + name);
  }

  // ---- running and asserting ----

  record Result(int code, String err) {}

  private static Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      return new Result(Main.execute(args), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** Every file under {@code p} (empty when it does not exist): what "nothing written" compares. */
  private static List<String> listing(Path p) {
    if (!Files.exists(p)) return List.of();
    try (Stream<Path> s = Files.walk(p)) {
      return s.map(Path::toString).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs a sweep and asserts the refusal: exit 2, one line "ridgeline: …" containing {@code expected},
   * and the output unchanged.
   */
  private static void assertRefused(Path output, String expected, String... args) {
    List<String> before = listing(output);
    Result r = run(args);
    System.out.println("refused: " + r.err().strip());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().endsWith("\n") && r.err().indexOf('\n') == r.err().length() - 1, "one line: " + r.err());
    assertTrue(r.err().startsWith("ridgeline: "), r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    assertEquals(before, listing(output), "nothing written under " + output);
  }

  private static void assertSweepRefused(String name, String data, String family, String extra, String expected,
      String... more) {
    Path out = output(name);
    List<String> args = new ArrayList<>(List.of("sweep", config(name, data, family, out, extra)));
    args.addAll(List.of(more));
    assertRefused(out, expected, args.toArray(String[]::new));
  }

  // ---- the table, row by row ----

  @Test
  void missingFile() {
    String missing = dir.resolve("no-such.csv").toString();
    assertSweepRefused("missing", missing, "linear", "", "cannot read data.path '" + missing + "' as csv: Path does not exist: file:" + missing);
  }

  @Test
  void unreadablePath() {
    assertSweepRefused("unreadable", "nosuchfs://host/data.csv", "linear", "",
        "cannot read data.path 'nosuchfs://host/data.csv' as csv: No FileSystem for scheme \"nosuchfs\"");
  }

  @Test
  void wrongFormat() {
    String csv = file("really-csv.parquet", REGRESSION);
    assertSweepRefused("format", csv, "linear", "", "cannot read data.path '" + csv + "' as parquet: file:" + csv + " is not a Parquet file",
        "--set", "data.format=parquet");
  }

  @Test
  void missingColumn() {
    assertSweepRefused("column", file("columns.csv", REGRESSION), "linear", "", "data.features column 'x3' is not in the data",
        "--set", "data.features=[x1, x3]");
  }

  @Test
  void nonNumericColumn() {
    String data = file("text.csv", "x1,x2,y\n1,a,3\n2,b,4\n3,c,2\n4,d,6\n");
    assertSweepRefused("text", data, "linear", "", "feature column 'x2' is not numeric (string, e.g. 'a')", "--set", "data.features=[x1, x2]");
  }

  @Test
  void nullsNaNAndInfinities() {
    String data = file("nan.csv", "x1,x2,y\n1,NaN,3\n2,,4\n3,Infinity,2\n4,1,6\n");
    assertSweepRefused("nan", data, "linear", "", "null, NaN or infinite values in column 'x2' (3 rows)");
  }

  @Test
  void labelsThatDoNotFitTheFamily() {
    String data = file("labels.csv", "x1,y\n1,0\n2,1\n3,2.5\n4,1\n5,0\n6,1\n");
    assertSweepRefused("labels", data, "logistic", "", "label column 'y' has 1 row whose value is not a class index 0, 1, …, K−1 (e.g. 2.5)");
  }

  @Test
  void classMissingFromAFold() {
    String data = file("rare.csv", "x1,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n7,2\n8,0\n9,1\n");
    assertSweepRefused("rare", data, "logistic", "",
        "class 2 of data.label 'y' (1 rows) is missing from fold 1 of 3 (cv.folds = 3)");
  }

  @Test
  void fewerRowsThanFolds() {
    String data = file("tiny.csv", "x1,y\n1,2\n2,3\n");
    assertSweepRefused("tiny", data, "linear", "", "2 rows cannot make 3 folds (cv.folds)");
  }

  @Test
  void fewerDistinctRowsThanFolds() {
    String data = file("copies.csv", "x1,y\n1,2\n1,2\n2,3\n2,3\n");
    assertSweepRefused("copies", data, "linear", "",
        "4 rows hold only 2 distinct ones (identical rows share a fold), which cannot make 3 folds (cv.folds)");
  }

  private static final String GROUPED = "x1,x2,y,g\n1,2,3,a\n2,1,4,a\n3,5,2,b\n4,4,6,b\n5,3,5,c\n6,6,7,c\n";

  @Test
  void groupColumnMissing() {
    assertSweepRefused("group-missing", file("g.csv", REGRESSION), "linear", "",
        "cv.groupColumn column 'patient' is not in the data (columns: x1, x2, y)", "--set", "cv.groupColumn=patient");
  }

  @Test
  void groupColumnWithFoldColumn() {
    assertSweepRefused("group-fold", file("gf.csv", GROUPED), "linear", "",
        "cv.groupColumn: cannot be combined with cv.foldColumn (fold ids already say which rows go together): "
            + "give one of them", "--set", "cv.groupColumn=g", "--set", "cv.foldColumn=x1");
  }

  @Test
  void groupColumnWithNulls() {
    String data = file("gnull.csv", GROUPED.replace(",c\n6", ",\n6"));
    assertSweepRefused("group-null", data, "linear", "",
        "cv.groupColumn 'g' has no value in 1 row; every row needs a group id", "--set", "cv.groupColumn=g");
  }

  @Test
  void fewerGroupsThanFolds() {
    String data = file("gfew.csv", GROUPED.replace(",c\n", ",b\n"));
    assertSweepRefused("group-few", data, "linear", "",
        "cv.groupColumn 'g' holds 2 groups, which cannot make 3 folds (cv.folds)", "--set", "cv.groupColumn=g");
  }

  @Test
  void emptyData() {
    String data = file("empty.csv", "x1,x2,y\n");
    assertSweepRefused("empty", data, "linear", "", data + ": the data has no rows");
  }

  @Test
  void alphaOutsideZeroOne() {
    assertSweepRefused("alpha", file("a.csv", REGRESSION), "linear", "", "sweep.alpha = 1.5: every value must be a number in [0, 1]",
        "--set", "sweep.alpha=[0.5, 1.5]");
  }

  @Test
  void lambdaNotPositive() {
    assertSweepRefused("lambda", file("l.csv", REGRESSION), "linear", "", "sweep.lambda.values = 0: every value must be a number in (0, ∞]",
        "--set", "sweep.lambda.values=[0.1, 0]");
  }

  @Test
  void unknownOrMisspelledKey() {
    assertSweepRefused("key", file("k.csv", REGRESSION), "linear", "sweeps:\n  alpha: [1]\n",
        "sweeps.alpha: unknown key (did you mean 'sweep.alpha'?)");
  }

  @Test
  void malformedYaml() {
    Path out = output("yaml");
    String bad = file("malformed.yaml", "data:\n  path: x.csv\n  label: [y\nmodel:\n  family: linear\n");
    assertRefused(out, bad + ": malformed YAML at line 4, column 6: while parsing a flow sequence: expected ',' or ']', but got :\n", "sweep", bad, "--set", "run.output=" + out);
  }

  @Test
  void outputThatCannotBeWritten() {
    Path blocker = Path.of(file("a-file", "not a directory\n"));
    Path out = blocker.resolve("reports");
    assertRefused(blocker, "run.output " + out + " cannot be written",
        "sweep", config("unwritable", file("w.csv", REGRESSION), "linear", out, ""));
  }

  @Test
  void runIdAlreadyFinished() {
    Path out = output("finished");
    String cfg = config("finished", file("f.csv", REGRESSION), "linear", out, "");
    assertEquals(0, run("sweep", cfg, "--run-id", "done-once").code());
    assertRefused(out, "run id 'done-once' already finished in " + out + ": use a new --run-id",
        "sweep", cfg, "--run-id", "done-once");
  }

  @Test
  void runIdHeldByARunningSweep() throws IOException {
    Path out = output("locked");
    String cfg = config("locked", file("lk.csv", REGRESSION), "linear", out, "");
    FileSystem fs = FileSystem.getLocal(new Configuration());
    try (RunLock held = RunLock.acquire(fs, new org.apache.hadoop.fs.Path(out.toString()), "busy", false)) {
      assertRefused(out, "run id 'busy' is locked by another run", "sweep", cfg, "--run-id", "busy");
    }
  }

  @Test
  void unknownRunIdPlaceholder() {
    Path out = output("template");
    assertRefused(out, "--run-id nightly-{day}: unknown placeholder {day} (known: {date}, {time}, {name})",
        "sweep", config("template", file("t.csv", REGRESSION), "linear", out, ""), "--run-id", "nightly-{day}");
  }
}
