package io.ridgeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** Two runs' reports compared row by row, as Parquet readers see them. */
public final class Reports {
  private Reports() {}

  /** The columns that identify a row of each compared table. */
  static final List<String> TABLES = List.of("trials", "summary", "selection", "coefficients");

  static List<String> keyOf(String table) {
    return switch (table) {
      case "trials" -> List.of("point", "fold");
      case "summary" -> List.of("point", "metric");
      case "selection" -> List.of("scope", "rule", "alpha");
      case "coefficients" -> List.of("point", "class", "feature");
      default -> throw new IllegalArgumentException(table);
    };
  }

  /** Columns that measure the run, not its result. */
  private static final Set<String> UNCOMPARED = Set.of("run_id", "seconds");

  public static List<Row> rows(Path output, String table, String runId) {
    return TestSpark.session().read().parquet(output.resolve(table).toString())
        .where(col("run_id").equalTo(runId)).collectAsList();
  }

  /**
   * The two runs' tables hold the same rows: the same keys, no duplicates, and every column equal (doubles
   * within {@code relTol} relative: sums over partitions may differ in the last bits).
   */
  public static void assertSameReports(Path expectedOut, String expectedRun, Path actualOut, String actualRun, double relTol) {
    for (String table : TABLES) {
      List<Row> expected = sorted(rows(expectedOut, table, expectedRun), table);
      List<Row> actual = sorted(rows(actualOut, table, actualRun), table);
      assertTrue(!expected.isEmpty(), table + " of " + expectedRun + " is empty");
      assertNoDuplicates(expected, table, expectedRun);
      assertNoDuplicates(actual, table, actualRun);
      assertEquals(expected.size(), actual.size(), table + ": row count");
      for (int i = 0; i < expected.size(); i++) {
        assertSameRow(expected.get(i), actual.get(i), table, relTol);
      }
    }
    // The run itself: same data, folds, grid and choice.
    Row e = rows(expectedOut, "runs", expectedRun).get(0);
    List<Row> runs = rows(actualOut, "runs", actualRun);
    assertEquals(1, runs.size(), "runs rows of " + actualRun);
    Row a = runs.get(0);
    for (String c : List.of("status", "rows", "features", "folds", "fold_sizes", "grid_points", "selected_point")) {
      assertEquals(e.<Object>getAs(c), a.<Object>getAs(c), "runs." + c);
    }
  }

  private static String key(Row r, String table) {
    StringBuilder k = new StringBuilder();
    for (String c : keyOf(table)) k.append(c).append('=').append(Objects.toString(r.<Object>getAs(c))).append(' ');
    return k.toString().trim();
  }

  private static List<Row> sorted(List<Row> rows, String table) {
    List<Row> out = new ArrayList<>(rows);
    out.sort(Comparator.comparing(r -> key(r, table)));
    return out;
  }

  private static void assertNoDuplicates(List<Row> rows, String table, String runId) {
    Set<String> keys = new HashSet<>();
    for (Row r : rows) {
      assertTrue(keys.add(key(r, table)), table + " of " + runId + " has a duplicated row: " + key(r, table));
    }
  }

  private static void assertSameRow(Row expected, Row actual, String table, double relTol) {
    String where = table + " [" + key(expected, table) + "]";
    assertEquals(key(expected, table), key(actual, table), where + ": keys differ");
    assertEquals(Arrays.asList(expected.schema().fieldNames()), Arrays.asList(actual.schema().fieldNames()), table);
    for (StructField f : expected.schema().fields()) {
      if (UNCOMPARED.contains(f.name())) continue;
      Object x = expected.getAs(f.name());
      Object y = actual.getAs(f.name());
      if (f.dataType().equals(DataTypes.DoubleType) && x != null && y != null) {
        double a = (Double) x;
        double b = (Double) y;
        if (Double.isNaN(a) && Double.isNaN(b)) continue;
        double tol = relTol * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;
        assertTrue(Math.abs(a - b) <= tol || a == b, where + "." + f.name() + ": " + a + " vs " + b);
      } else {
        assertEquals(x, y, where + "." + f.name());
      }
    }
  }
}
