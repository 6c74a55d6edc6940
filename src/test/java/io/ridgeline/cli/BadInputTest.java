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
  void nonNumericLabel() {
    String data = file("text.csv", "x1,x2,y\n1,2,a\n2,1,b\n3,5,c\n4,4,d\n");
    assertSweepRefused("text", data, "linear", "", "label column 'y' is not numeric (string, e.g. 'a')");
  }

  @Test
  void featureColumnOfAnotherType() {
    String data = file("time.csv", "t,x1,y\n2024-01-01 10:00:00,1,3\n2024-01-02 10:00:00,2,4\n2024-01-03 10:00:00,3,2\n");
    assertSweepRefused("time", data, "linear", "", "feature column 't' is not numeric, boolean or text (timestamp)",
        "--set", "data.features=[t, x1]");
  }

  @Test
  void categoricalColumnWithTooManyLevels() {
    StringBuilder b = new StringBuilder("id,x1,y\n");
    for (int i = 0; i < 12; i++) b.append("u").append(i).append(',').append(i % 5).append(',').append(i % 7).append('\n');
    assertSweepRefused("levels", file("ids.csv", b.toString()), "linear", "",
        "categorical column 'id' has 12 levels, more than data.maxLevels = 10", "--set", "data.maxLevels=10");
  }

  @Test
  void categoricalColumnNotAmongTheFeatures() {
    assertSweepRefused("cat", file("cat.csv", REGRESSION), "linear", "",
        "data.categorical: column 'x3' is not in data.features [x1, x2]", "--set", "data.features=[x1, x2]",
        "--set", "data.categorical=[x3]");
  }

  @Test
  void categoricalColumnThatIsTheLabel() {
    assertSweepRefused("cat-label", file("cl.csv", REGRESSION), "linear", "",
        "data.categorical: column 'y' is the label, not a feature", "--set", "data.categorical=[y]");
  }

  @Test
  void categoricalColumnsInLibsvmData() {
    Path out = output("cat-libsvm");
    String cfg = file("cat-libsvm.yaml", "data:\n  path: data-samples/wine.libsvm\n  categorical: [features]\n"
        + "model:\n  family: logistic\nrun:\n  output: " + out + "\n");
    assertRefused(out, "data.categorical: libsvm data holds one vector column, not categorical columns", "sweep", cfg);
  }

  @Test
  void categoricalVectorColumn() {
    String data = dir.resolve("vectors.parquet").toString();
    TestSpark.session().read().format("libsvm").load("data-samples/wine.libsvm").write().mode("overwrite").parquet(data);
    Path out = output("cat-vector");
    String cfg = file("cat-vector.yaml", "data:\n  path: " + data + "\n  label: label\n  features: [features]\n"
        + "  categorical: [features]\nmodel:\n  family: logistic\nrun:\n  output: " + out + "\n");
    assertRefused(out, data + ": data.categorical column 'features' is a vector column", "sweep", cfg);
  }

  @Test
  void everyRowDroppedForMissingValues() {
    String data = file("all-missing.csv", "x1,x2,y\n1,,3\n2,NaN,4\n3,,2\n");
    assertSweepRefused("all-missing", data, "linear", "", data + ": every row (3 rows) has a null, NaN or infinite "
        + "value in a used numeric column, and data.missing is drop", "--set", "data.missing=drop");
  }

  @Test
  void constantLabelWithALambdaPath() {
    String data = file("constant.csv", "x1,x2,y\n1,2,3\n2,1,3\n3,5,3\n4,4,3\n5,3,3\n6,6,3\n");
    assertSweepRefused("constant", data, "linear", "", data + ": λ_max is 0: data.label 'y' is constant, or no "
        + "feature is correlated with it, so a λ path has no start; give sweep.lambda.values",
        "--set", "sweep.lambda.values=null", "--set", "sweep.lambda.path.count=5");
  }

  @Test
  void constantNonZeroLabelWithoutAnIntercept() {
    String data = file("constant-noint.csv", "x1,x2,y\n1,2,0.1\n2,1,0.1\n3,5,0.1\n4,4,0.1\n5,3,0.1\n6,6,0.1\n");
    assertSweepRefused("constant-noint", data, "linear", "", data + ": data.label 'y' is constant (0.1) in all rows "
        + "and model.intercept is false: MLlib's objective cannot be regularized there; fit an intercept",
        "--set", "model.intercept=false");
    // Constant in one training set only: the rows outside fold 1 (cv.foldColumn f, ids 0, 1, 2).
    String folds = file("constant-fold.csv", "x1,x2,f,y\n1,2,0,5\n2,1,0,7\n3,5,1,0.1\n4,4,1,0.1\n5,3,2,0.1\n6,6,2,0.1\n");
    assertSweepRefused("constant-fold", folds, "linear", "", folds + ": data.label 'y' is constant (0.1) in the "
        + "training rows of fold 1/3 and model.intercept is false", "--set", "model.intercept=false",
        "--set", "cv.foldColumn=f", "--set", "data.features=[x1, x2]");
  }

  // ---- predict ----

  private static String model;

  /** A model saved by a sweep over a text column, for the predict rows. */
  private static synchronized String model() {
    if (model == null) {
      String data = file("colors.csv", "x1,color,y\n1,red,3\n2,blue,4\n3,red,2\n4,blue,6\n5,red,5\n6,blue,7\n");
      Path out = output("predict-model");
      assertEquals(0, run("sweep", config("predict-model", data, "linear", out, ""), "--run-id", "m").code());
      model = out.resolve("models/m").toString();
    }
    return model;
  }

  @Test
  void predictWithAMissingModel() {
    Path out = output("predict-no-model");
    String missing = dir.resolve("no-such-model").toString();
    assertRefused(out, "cannot load the model '" + missing + "' (a PipelineModel saved by a sweep, <run.output>/models/<run_id>): there is no " + missing + "/metadata", "predict", missing, file("p1.csv", "x1,color\n1,red\n"),
        "--output", out.toString());
  }

  @Test
  void predictOnDataWithoutAColumnTheModelReads() {
    Path out = output("predict-column");
    String data = file("p2.csv", "x1,colour\n1,red\n");
    assertRefused(out, data + ": column 'color', which the model " + model() + " reads, is not in the data (columns: "
        + "x1, colour)", "predict", model(), data, "--output", out.toString());
  }

  @Test
  void predictOnUnreadableData() {
    Path out = output("predict-unreadable");
    String missing = dir.resolve("no-such-data.csv").toString();
    assertRefused(out, "cannot read data '" + missing + "' as csv: Path does not exist: file:" + missing,
        "predict", model(), missing, "--output", out.toString());
  }

  @Test
  void predictOnDataWithAColumnTheModelWrites() {
    Path out = output("predict-clash");
    String data = file("p4.csv", "x1,color,prediction\n1,red,2\n");
    assertRefused(out, data + ": column 'prediction' is one the model writes: rename or drop it",
        "predict", model(), data, "--output", out.toString());
  }

  @Test
  void predictIntoAnExistingOutput() throws IOException {
    Path out = output("predict-exists");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "earlier predictions\n");
    assertRefused(out, "--output " + out + " already exists: use --overwrite to replace it",
        "predict", model(), file("p3.csv", "x1,color\n1,red\n"), "--output", out.toString());
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

  /** An MLP sweep drawing dropout from {@code range}, writing to {@code output}. */
  private static String mlpConfig(String name, Path output, String range) {
    return file(name + ".yaml", "data:\n  path: " + file(name + ".csv", REGRESSION) + "\n  label: y\nmodel:\n"
        + "  family: mlp\n  task: regression\nsweep:\n  search: random\n  samples: 3\n  mlp:\n    dropout: " + range
        + "\ncv:\n  folds: 3\nrun:\n  output: " + output + "\n");
  }

  @Test
  void rangeWithItsBoundsReversed() {
    Path out = output("range");
    String cfg = mlpConfig("range", out, "{uniform: [0.5, 0.1]}");
    assertRefused(out, cfg + ": sweep.mlp.dropout = {uniform: [0.5, 0.1]}: expected [low, high], two numbers with "
        + "low < high\n", "sweep", cfg);
  }

  @Test
  void rangeBeyondTheParametersValidValues() {
    Path out = output("range-valid");
    String cfg = mlpConfig("range-valid", out, "{uniform: [0.2, 1]}");
    assertRefused(out, cfg + ": sweep.mlp.dropout = {uniform: [0.2, 1]}: 1 is not a valid dropout (dropout rate of "
        + "every hidden layer, in [0, 1))\n", "sweep", cfg);
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
  void foldWithZeroTotalWeight() {
    // Fold 3 (fold id 2) holds only rows of weight 0: its validation metrics would be 0/0.
    String data = file("zero-weight.csv", "x1,f,w,y\n1,0,1,3\n2,0,1,4\n3,1,1,2\n4,1,2,6\n5,2,0,5\n6,2,0,7\n");
    assertSweepRefused("zero-weight", data, "linear", "",
        "fold 3 of 3 (cv.foldColumn 'f', 2 rows) has total weight 0 in data.weight 'w': its metrics are undefined",
        "--set", "data.weight=w", "--set", "cv.foldColumn=f");
  }

  @Test
  void unknownRunIdPlaceholder() {
    Path out = output("template");
    assertRefused(out, "--run-id nightly-{day}: unknown placeholder {day} (known: {date}, {time}, {name})",
        "sweep", config("template", file("t.csv", REGRESSION), "linear", out, ""), "--run-id", "nightly-{day}");
  }
}
