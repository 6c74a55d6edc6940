package io.ridgeline.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.cv.FoldPlan;
import io.ridgeline.job.SweepJob;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Bad data: one line naming the file, the column and how many rows, and nothing written. */
class DataValidationTest {
  private static final SparkSession spark = TestSpark.session();

  private static String csv(String name, String content) throws IOException {
    Path p = TestSpark.tempDir("bad-data").resolve(name);
    Files.writeString(p, content);
    return p.toString();
  }

  private static String failure(String path, String family, String... overrides) {
    String yaml = "data:\n  path: " + path + "\n  label: y\nmodel:\n  family: " + family + "\n";
    SweepSpec spec = Samples.spec(yaml, overrides);
    return assertThrows(DataException.class,
        () -> FoldPlan.assign(spark, DatasetLoader.load(spark, spec), spec.cv(), 0)).getMessage();
  }

  @Test
  void missingFile() {
    String m = failure("target/no-such-dir/data.csv", "linear");
    assertTrue(m.startsWith("cannot read data.path 'target/no-such-dir/data.csv' as csv: "), m);
    assertTrue(m.contains("does not exist"), m);
  }

  @Test
  void missingColumns() throws IOException {
    String p = csv("a.csv", "a,b\n1,2\n3,4\n");
    assertEquals(p + ": data.label column 'y' is not in the data (columns: a, b)", failure(p, "linear"));
    String q = csv("b.csv", "a,y\n1,2\n3,4\n");
    assertEquals(q + ": data.features column 'zz' is not in the data (columns: a, y)",
        failure(q, "linear", "data.features=[a, zz]"));
  }

  @Test
  void nonNumericLabelNamesAnExample() throws IOException {
    String p = csv("c.csv", "a,b,y\n1,2,x1\n3,4,5\n");
    assertEquals(p + ": label column 'y' is not numeric (string, e.g. 'x1')", failure(p, "linear"));
  }

  @Test
  void nullsNaNAndInfinitiesAreCountedPerColumn() throws IOException {
    String p = csv("d.csv", "a,b,y\n1,,2\nNaN,4,5\nInf,5,6\n7,8,9\n");
    assertEquals(p + ": null, NaN or infinite values in column 'a' (2 rows), 'b' (1 row) (data.missing: drop drops "
        + "such rows)", failure(p, "linear"));
  }

  @Test
  void binomialLabelsMustBeZeroAndOne() throws IOException {
    String p = csv("e.csv", "a,y\n1,1\n2,2\n3,1\n4,2\n");
    assertEquals(p + ": label column 'y' must hold the classes 0..2 but has no rows of class 0 "
        + "(binomial labels must be 0 and 1)", failure(p, "logistic"));
    String q = csv("f.csv", "a,y\n1,0\n2,0.5\n3,1\n4,-1\n");
    String m = failure(q, "logistic");
    assertTrue(m.startsWith(q + ": label column 'y' has 2 rows whose value is not a class index"), m);
  }

  @Test
  void singleClassIsRefused() throws IOException {
    String p = csv("g.csv", "a,y\n1,1\n2,1\n");
    assertEquals(p + ": label column 'y' must hold the classes 0..1 but has no rows of class 0",
        failure(p, "logistic"));
  }

  @Test
  void negativeWeights() throws IOException {
    String p = csv("h.csv", "a,w,y\n1,1,2\n2,-1,3\n3,1,4\n");
    assertEquals(p + ": weight column 'w' has 1 row with negative weights", failure(p, "linear", "data.weight=w"));
  }

  @Test
  void emptyDataAndTooFewRows() throws IOException {
    String p = csv("i.csv", "a,y\n");
    assertEquals(p + ": the data has no rows", failure(p, "linear"));
    String q = csv("j.csv", "a,y\n1,2\n2,3\n3,5\n");
    assertEquals(q + ": 3 rows cannot make 5 folds (cv.folds)", failure(q, "linear"));
  }

  @Test
  void badDataWritesNothing() throws IOException {
    Path out = TestSpark.tempDir("nothing-written");
    String p = csv("k.csv", "a,y\n1,\n2,3\n");
    SweepSpec spec = Samples.spec("data:\n  path: " + p + "\n  label: y\nmodel:\n  family: linear\n",
        "run.output=" + out);
    assertThrows(DataException.class,
        () -> new SweepJob(spark, spec, new PrintStream(OutputStream.nullOutputStream())).run("bad"));
    try (var listing = Files.list(out)) {
      assertFalse(listing.findAny().isPresent(), "output directory stays empty");
    }
  }
}
