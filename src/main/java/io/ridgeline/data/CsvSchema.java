package io.ridgeline.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A CSV's schema from its first rows, so that the file is read once rather than twice (Spark's
 * {@code inferSchema} parses every value of every row before the first real job).
 *
 * <p>The first file's head (at most {@value #SAMPLE_ROWS} rows or {@value #SAMPLE_BYTES} bytes, read
 * through the Hadoop file system and its compression codec) goes through Spark's own CSV inference, so a
 * column gets the type the whole file would give it whenever the rest of the file agrees: Spark's type
 * of a column is the widest of its values' types, and a value that fits the sampled type adds nothing
 * wider. The file is then read with that schema in {@code FAILFAST} mode: a later value that does not
 * fit (a decimal in a column of integers, a word in a column of numbers, a row of the wrong length) is a
 * parse failure, and {@link DatasetLoader} falls back to the full inference, which is the old behaviour
 * exactly. Every column the sweep uses is parsed by the loader's checks, so such a failure surfaces
 * there, before anything is trained or written. The sample cannot stand for the file, and the full
 * inference is used at once, when it holds no data row or a column is empty in every sampled row (its
 * sampled type would be text, its real type may be numeric).
 */
final class CsvSchema {
  static final int SAMPLE_ROWS = 10_000;
  static final long SAMPLE_BYTES = 8L << 20;

  private CsvSchema() {}

  /** The sampled schema, or null when the sample cannot stand for the file. */
  static StructType sampled(SparkSession spark, String path) throws IOException {
    List<String> lines = head(spark, path);
    if (lines.size() < 2) return null;
    Dataset<Row> sample = spark.read().option("header", true).option("inferSchema", true)
        .csv(spark.createDataset(lines, Encoders.STRING()));
    StructType schema = sample.schema();
    // Inference types a column text when every sampled value is empty; a column of another type had a
    // value. So only the text columns can be empty in the whole sample: their non-empty values counted.
    List<Column> textCounts = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (f.dataType().equals(DataTypes.StringType)) textCounts.add(functions.count(Columns.of(f.name())));
    }
    if (textCounts.isEmpty()) return schema;
    Row counts = sample.agg(textCounts.get(0), textCounts.subList(1, textCounts.size()).toArray(new Column[0])).first();
    for (int c = 0; c < counts.size(); c++) if (counts.getLong(c) == 0) return null;
    return schema;
  }

  /** The data read with {@code schema}; a value that does not fit it fails the job that parses it. */
  static Dataset<Row> read(SparkSession spark, String path, StructType schema) {
    return spark.read().option("header", true).option("mode", "FAILFAST").schema(schema).csv(path);
  }

  /** Whether {@code e} is a CSV value or row that did not fit the sampled schema. */
  static boolean isParseFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("MALFORMED_RECORD_IN_PARSING") || m.contains("Parse Mode: FAILFAST")
          || t.getClass().getSimpleName().equals("BadRecordException")) {
        return true;
      }
    }
    return false;
  }

  /** The first file's first lines (header included), bounded in rows and bytes. */
  private static List<String> head(SparkSession spark, String path) throws IOException {
    String[] files = spark.read().text(path).inputFiles();
    List<String> lines = new ArrayList<>();
    if (files.length == 0) return lines;
    java.util.Arrays.sort(files);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path file = new Path(files[0]);
    FileSystem fs = file.getFileSystem(conf);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
    try (InputStream raw = fs.open(file);
        InputStream in = codec == null ? raw : codec.createInputStream(raw);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      long bytes = 0;
      String line;
      while (lines.size() <= SAMPLE_ROWS && (line = reader.readLine()) != null) {
        lines.add(line);
        bytes += line.length() + 1;
        if (bytes >= SAMPLE_BYTES && lines.size() >= 2) break;
      }
    }
    return lines;
  }
}
