package io.ridgeline.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.ConfigException;
import io.ridgeline.config.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Text, boolean and {@code data.categorical} columns become one feature per level, named
 * {@code column=level}, levels in their documented order; nulls are a level; {@code data.maxLevels} and
 * {@code data.missing} do what they say; column names with dots and spaces are read as names.
 */
class CategoricalDataTest {
  private static final SparkSession spark = TestSpark.session();
  private static final String[] COLORS = {"red", "green", "blue", ""};
  private static final int[] ZIPS = {2, 10, 7};

  /** 24 rows: {@code body.mass, age in years, color (a null every 4th row), flag, zip, y}. */
  static String mixed(String name, int nullMasses) throws IOException {
    StringBuilder b = new StringBuilder("body.mass,age in years,color,flag,zip,y\n");
    for (int i = 0; i < 24; i++) {
      String mass = i < nullMasses ? "" : String.valueOf(1 + 0.5 * i);
      b.append(mass).append(',').append(20 + i % 7).append(',').append(COLORS[i % 4]).append(',')
          .append(i % 3 == 0).append(',').append(ZIPS[i % 3]).append(',').append(3 + 0.25 * i + (i % 4 == 0 ? 2 : 0))
          .append('\n');
    }
    Path p = TestSpark.tempDir("categorical").resolve(name);
    Files.writeString(p, b.toString());
    return p.toString();
  }

  private static SweepSpec spec(String path, String... overrides) {
    return Samples.spec("data:\n  path: " + path + "\n  label: y\nmodel:\n  family: linear\n", overrides);
  }

  @Test
  void everyKindOfColumnBecomesNamedFeaturesWithEveryLevel() throws IOException {
    LabeledData d = DatasetLoader.load(spark, spec(mixed("all.csv", 0), "data.categorical=[zip]"));
    // Text by code point, the null level last; numbers by value (2 < 7 < 10, not as text); false < true.
    assertEquals(List.of("body.mass", "age in years", "color=blue", "color=green", "color=red", "color=(null)",
        "flag=false", "flag=true", "zip=2", "zip=7", "zip=10"), d.featureNames());
    List<Row> rows = d.frame().select(LabeledData.FEATURES, LabeledData.LABEL).collectAsList();
    assertEquals(24, rows.size());
    // Row 0: mass 1, age 20, red, flag true, zip 2; row 3: mass 2.5, age 23, null color, true, zip 2;
    // row 1: mass 1.5, age 21, green, false, zip 10.
    assertEquals(List.of(1.0, 20.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0), values(rows.get(0)));
    assertEquals(List.of(2.5, 23.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0), values(rows.get(3)));
    assertEquals(List.of(1.5, 21.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0), values(rows.get(1)));
    assertEquals(5.0, rows.get(0).getDouble(1));
  }

  @Test
  void listedFeaturesMayMixNumericAndTextColumns() throws IOException {
    LabeledData d = DatasetLoader.load(spark, spec(mixed("listed.csv", 0), "data.features=[color, body.mass]"));
    assertEquals(List.of("color=blue", "color=green", "color=red", "color=(null)", "body.mass"), d.featureNames());
    assertEquals(List.of(0.0, 1.0, 0.0, 0.0, 1.5), values(d.frame().select(LabeledData.FEATURES).collectAsList().get(1)));
  }

  @Test
  void maxLevelsRefusesAColumnWithMoreLevelsNamingItsCount() throws IOException {
    String p = mixed("levels.csv", 0);
    DataException e = assertThrows(DataException.class, () -> DatasetLoader.load(spark, spec(p, "data.maxLevels=3")));
    assertEquals(p + ": categorical column 'color' has 4 levels, more than data.maxLevels = 3 (an id? leave it out "
        + "of data.features, or raise data.maxLevels)", e.getMessage());
  }

  @Test
  void missingDropDropsTheRowsAndCountsThem() throws IOException {
    String p = mixed("missing.csv", 2);
    LabeledData d = DatasetLoader.load(spark, spec(p, "data.missing=drop"));
    assertEquals(22, d.rows());
    assertEquals(2, d.droppedRows());
    assertEquals(22, d.frame().count());
    String validated = new io.ridgeline.job.SweepJob(spark, spec(p, "data.missing=drop"),
        new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).validate();
    assertTrue(validated.startsWith("data.missing: drop dropped 2 rows with a null, NaN or infinite numeric value\n"
        + "data: " + p + " · 22 rows × 9 features"), validated);   // zip numeric here: 1 feature
    DataException e = assertThrows(DataException.class, () -> DatasetLoader.load(spark, spec(p)));
    assertEquals(p + ": null, NaN or infinite values in column 'body.mass' (2 rows) (data.missing: drop drops such "
        + "rows)", e.getMessage());
  }

  @Test
  void aFeatureOfAnotherTypeIsRefused() throws IOException {
    Path p = TestSpark.tempDir("categorical").resolve("time.csv");
    Files.writeString(p, "t,x,y\n2024-01-01 10:00:00,1,2\n2024-01-02 11:00:00,2,3\n");
    DataException e = assertThrows(DataException.class,
        () -> DatasetLoader.load(spark, spec(p.toString(), "data.features=[t, x]")));
    assertEquals(p + ": feature column 't' is not numeric, boolean or text (timestamp)", e.getMessage());
  }

  @Test
  void categoricalColumnsMustBeFeatures() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> spec("x.csv", "data.features=[a, b]", "data.categorical=[c]"));
    assertEquals(List.of("data.categorical: column 'c' is not in data.features [a, b]"), e.problems());
    e = assertThrows(ConfigException.class, () -> spec("x.csv", "data.categorical=[y]", "data.missing=skip"));
    assertEquals(List.of("data.categorical: column 'y' is the label, not a feature",
        "data.missing = 'skip': expected one of error, drop"), e.problems());
    e = assertThrows(ConfigException.class, () -> spec("x.csv", "data.maxLevel=5", "data.maxLevels=0"));
    assertEquals(List.of("data.maxLevels = 0: expected a whole number from 1 to 1000000",
        "data.maxLevel: unknown key (did you mean 'data.maxLevels'?)"), e.problems());
  }

  private static List<Double> values(Row r) {
    double[] v = ((Vector) r.get(0)).toArray();
    return java.util.Arrays.stream(v).boxed().toList();
  }
}
