package io.ridgeline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.config.Metric;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.TrialResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The columns added since the first runs (successive halving's {@code trials.rung, epochs},
 * {@code summary.rung, epochs}, {@code runs.search, epochs_spent, epochs_full_grid}; the index page's
 * {@code runs.selected_mean, selected_nonzero}) are appended and nullable: an output holding runs written
 * before them reads with today's schemas (as the index page reads every run), those runs' new columns null.
 */
class TablesTest {
  private static final SparkSession spark = TestSpark.session();

  private static RunInfo info(String id, String search, Long spent, Long full, Double mean, Integer nonzero) {
    Instant t = Instant.parse("2026-12-01T00:00:00Z");
    return new RunInfo(id, "n", "succeeded", t, t, "mlp", "accuracy", "min", "mlp", "c.yaml", "text", "sha",
        "d.csv", "csv", 10, 2, 2, 2, List.of(5L, 5L), "0123456789abcdef", 42, 1, 0, null, null, "m", "4.1.0", "17",
        "dev", "local[2]", null, search, spent, full, mean, nonzero);
  }

  /** Today's row without its last {@code n} columns, written under {@code run_id=<id>} as an older run would be. */
  private static void writeOld(Path root, String table, StructType schema, Row row, int n, String id) {
    StructType old = new StructType(Arrays.copyOf(schema.fields(), schema.fields().length - n));
    Object[] values = Arrays.copyOf(new Object[row.length()], row.length() - n);
    for (int i = 0; i < values.length; i++) values[i] = row.get(i);
    spark.createDataFrame(List.of(RowFactory.create(values)), old).write()
        .parquet(root.resolve(table).resolve("run_id=" + id).toString());
  }

  private static List<Row> read(Path root, String table, StructType schema) {
    return spark.read().schema(schema.add("run_id", DataTypes.StringType)).parquet(root.resolve(table).toString())
        .orderBy("run_id").collectAsList();
  }

  @Test
  void runsAndTrialsFromBeforeRungsReadWithTodaysSchemas() {
    Path root = TestSpark.tempDir("tables-compat");
    writeOld(root, Tables.RUNS, Tables.RUNS_SCHEMA, Tables.run(info("a-old", null, null, null, null, null)), 5, "a-old");
    spark.createDataFrame(List.of(Tables.run(info("b-new", "halving", 63L, 243L, 0.97, 1234))), Tables.RUNS_SCHEMA).write()
        .parquet(root.resolve(Tables.RUNS).resolve("run_id=b-new").toString());
    List<Row> runs = read(root, Tables.RUNS, Tables.RUNS_SCHEMA);
    assertEquals(2, runs.size());
    assertTrue(runs.get(0).isNullAt(runs.get(0).fieldIndex("search")));
    assertTrue(runs.get(0).isNullAt(runs.get(0).fieldIndex("epochs_spent")));
    assertTrue(runs.get(0).isNullAt(runs.get(0).fieldIndex("selected_mean")));
    assertTrue(runs.get(0).isNullAt(runs.get(0).fieldIndex("selected_nonzero")));
    assertEquals("mlp", runs.get(0).getAs("family"), "the old columns as written");
    assertEquals("halving", runs.get(1).getAs("search"));
    assertEquals(243L, (long) runs.get(1).getAs("epochs_full_grid"));
    assertEquals(0.97, (double) runs.get(1).getAs("selected_mean"));
    assertEquals(1234, (int) runs.get(1).getAs("selected_nonzero"));

    EnumMap<Metric, Double> metrics = new EnumMap<>(Metric.class);
    metrics.put(Metric.ACCURACY, 0.75);
    GridPoint p = GridPoint.named(0, Map.of("dropout", "0.1"));
    writeOld(root, Tables.TRIALS, Tables.TRIALS_SCHEMA, Tables.trial(new TrialResult(p, 0, 8, 2, 5, 0.1, 3, metrics)), 2,
        "a-old");
    spark.createDataFrame(List.of(Tables.trial(new TrialResult(p, 1, 8, 2, 9, 0.1, 3, metrics, null, true, 2, 9))),
        Tables.TRIALS_SCHEMA).write().parquet(root.resolve(Tables.TRIALS).resolve("run_id=b-new").toString());
    List<Row> trials = read(root, Tables.TRIALS, Tables.TRIALS_SCHEMA);
    assertTrue(trials.get(0).isNullAt(trials.get(0).fieldIndex("rung")));
    assertEquals(0.75, (double) trials.get(0).getAs("accuracy"));
    assertEquals(2, (int) trials.get(1).getAs("rung"));
    assertEquals(9, (int) trials.get(1).getAs("epochs"));
  }
}
