package io.ridgeline.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.DataFormat;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.cv.FoldPlan;
import io.ridgeline.cv.FoldedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/**
 * A CSV's column types come from its first rows ({@link CsvSchema}) and are what Spark's inference over
 * the whole file gives: on every bundled sample, and, through the fall-back, when a value past the sample
 * is wider (a decimal among integers), is text among numbers, or a column is empty in every sampled row.
 * The parsed source is cached for the checks and released once the folds are cached.
 */
class CsvSchemaTest {
  private static final SparkSession spark = TestSpark.session();
  /** Rows past the sample, so that their values are not seen by it. */
  private static final int ROWS = CsvSchema.SAMPLE_ROWS + 40;

  @Test
  void sampledTypesAreTheWholeFilesOnEveryBundledSample() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("data-samples"))) {
      List<Path> csvs = files.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
      assertEquals(5, csvs.size(), "bundled csv samples");
      for (Path csv : csvs) {
        assertEquals(DatasetLoader.read(spark, csv.toString(), DataFormat.CSV).schema(),
            CsvSchema.sampled(spark, csv.toString()), csv.toString());
      }
    }
  }

  @Test
  void aDecimalPastTheSampleWidensTheColumnAsTheWholeFileDoes() throws IOException {
    // n is an integer in every sampled row, 2.5 in the last row.
    String path = write("late-decimal.csv", "n,y", i -> (i == ROWS - 1 ? "2.5" : String.valueOf(i % 7)) + "," + i);
    assertEquals("int", CsvSchema.sampled(spark, path).apply("n").dataType().simpleString());
    LabeledData d = DatasetLoader.load(spark, spec(path));
    assertEquals(List.of("n"), d.featureNames());
    assertEquals(2.5, featureOfLabel(d, ROWS - 1)[0], 0.0);
    assertEquals(3.0, featureOfLabel(d, 10)[0], 0.0);
    d.release();
  }

  @Test
  void textPastTheSampleMakesTheColumnCategoricalAsTheWholeFileDoes() throws IOException {
    String path = write("late-text.csv", "c,y", i -> (i == ROWS - 1 ? "many" : String.valueOf(i % 2)) + "," + i);
    LabeledData d = DatasetLoader.load(spark, spec(path));
    assertEquals(List.of("c=0", "c=1", "c=many"), d.featureNames());
    assertEquals(List.of(0.0, 0.0, 1.0), List.of(box(featureOfLabel(d, ROWS - 1))));
    d.release();
  }

  @Test
  void aColumnEmptyInEverySampledRowIsTypedByTheWholeFile() throws IOException {
    // z is empty in the sample's rows and numeric after them; data.missing: drop keeps those rows.
    String path = write("late-values.csv", "x,z,y",
        i -> (i % 5) + "," + (i < CsvSchema.SAMPLE_ROWS + 10 ? "" : String.valueOf(0.5 * i)) + "," + i);
    assertNull(CsvSchema.sampled(spark, path));
    LabeledData d = DatasetLoader.load(spark, spec(path, "data.missing=drop"));
    assertEquals(List.of("x", "z"), d.featureNames());
    assertEquals(ROWS - CsvSchema.SAMPLE_ROWS - 10, d.rows());
    assertEquals(0.5 * (ROWS - 1), featureOfLabel(d, ROWS - 1)[1], 0.0);
    d.release();
  }

  /**
   * Only text columns can be empty in the whole sample (a typed column had a value), so only they are
   * counted: an empty one among text columns, with a dot in its name, still sends the file to whole-file
   * inference, and text columns with values keep the sampled schema.
   */
  @Test
  void emptyTextColumnsAreFoundAmongTextColumnsWithDottedNames() throws IOException {
    String empty = write("empty-dotted.csv", "x,c.a,z.v,y",
        i -> (i % 5) + "," + (i % 2 == 0 ? "u" : "v") + "," + (i < CsvSchema.SAMPLE_ROWS + 10 ? "" : "w") + "," + i);
    assertNull(CsvSchema.sampled(spark, empty));
    String full = write("text-dotted.csv", "x,c.a,z.v,y",
        i -> (i % 5) + "," + (i % 2 == 0 ? "u" : "v") + "," + (i % 3 == 0 ? "" : "w") + "," + i);
    assertEquals(DatasetLoader.read(spark, full, DataFormat.CSV).schema(), CsvSchema.sampled(spark, full));
  }

  @Test
  void theParsedSourceIsCachedForTheChecksAndReleasedWithTheFolds() throws IOException {
    String path = write("cached.csv", "x.a,t,y", i -> (i % 9) + "," + (i % 3 == 0 ? "u" : "v") + "," + (i % 4));
    SweepSpec spec = spec(path);
    LabeledData d = DatasetLoader.load(spark, spec);
    assertNotNull(d.source());
    assertEquals(List.of("x.a", "t", "y"), List.of(d.source().columns()));
    assertTrue(d.source().storageLevel().useMemory(), "cached while the folds are assigned");
    FoldedData folded = FoldPlan.assign(spark, d, spec.cv(), 2);
    assertEquals(StorageLevel.NONE(), d.source().storageLevel(), "released once the folds are cached");
    assertEquals(ROWS, folded.rows());
    folded.release();
  }

  private static SweepSpec spec(String path, String... overrides) {
    return Samples.spec("data:\n  path: " + path + "\n  label: y\nmodel:\n  family: linear\n", overrides);
  }

  private static String write(String name, String header, IntFunction<String> row) throws IOException {
    StringBuilder b = new StringBuilder(header).append('\n');
    for (int i = 0; i < ROWS; i++) b.append(row.apply(i)).append('\n');
    Path p = TestSpark.tempDir("csv-schema").resolve(name);
    Files.writeString(p, b.toString());
    return p.toString();
  }

  /** The features of the row whose label is {@code label} (labels are unique here). */
  private static double[] featureOfLabel(LabeledData d, double label) {
    Row r = d.frame().where(d.frame().col(LabeledData.LABEL).equalTo(label)).select(LabeledData.FEATURES).first();
    return ((Vector) r.get(0)).toArray();
  }

  private static Double[] box(double[] v) {
    Double[] out = new Double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i];
    return out;
  }
}
