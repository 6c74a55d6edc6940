package io.ridgeline.bench;

import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.LabeledData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the folded data for R, row for row in the order of the cached frame:
 * <ul>
 *   <li>{@code x.mtx}: the features as a Matrix Market file ({@code coordinate real general}, 1-based
 *       row and column, one line per non-zero; explicit zeros are left out);
 *   <li>{@code rows.tsv}: {@code row, label, weight, fold} (row 1-based as in {@code x.mtx}, fold
 *       1-based as glmnet's {@code foldid}), with a header line.
 * </ul>
 * Executors write the lines ({@code saveAsTextFile}, one chunk of lines per row); the driver writes the
 * header and appends the parts in order by streaming them, so its memory does not grow with the data.
 * The directory must be on a file system the driver and the executors share (local mode, or a cluster
 * on this machine).
 */
final class MatrixMarketExport {
  static final String MATRIX = "x.mtx";
  static final String ROWS = "rows.tsv";

  private MatrixMarketExport() {}

  /** Writes {@link #MATRIX} and {@link #ROWS} into {@code dir}; returns the number of non-zeros. */
  static long write(SparkSession spark, FoldedData folded, Path dir) throws IOException {
    Files.createDirectories(dir);
    int p = folded.source().numFeatures();
    JavaPairRDD<Row, Long> indexed = folded.frame()
        .select(LabeledData.FEATURES, LabeledData.LABEL, LabeledData.WEIGHT, FoldedData.FOLD)
        .javaRDD().zipWithIndex();
    try {
      spark.sparkContext().setJobDescription("bench-cv · glmnet input · non-zeros");
      long nonzeros = indexed.map(t -> (long) ((Vector) t._1().get(0)).numNonzeros()).reduce(Long::sum);

      spark.sparkContext().setJobDescription("bench-cv · glmnet input · matrix entries");
      Path entries = dir.resolve("entries.parts");
      indexed.map(t -> entryLines((Vector) t._1().get(0), t._2() + 1)).filter(s -> !s.isEmpty())
          .saveAsTextFile(entries.toUri().toString());
      spark.sparkContext().setJobDescription("bench-cv · glmnet input · labels, weights, folds");
      Path rows = dir.resolve("rows.parts");
      indexed.map(t -> (t._2() + 1) + "\t" + t._1().getDouble(1) + "\t" + t._1().getDouble(2) + "\t"
          + (((Number) t._1().get(3)).intValue() + 1)).saveAsTextFile(rows.toUri().toString());

      String header = "%%MatrixMarket matrix coordinate real general\n"
          + String.format(Locale.ROOT, "%d %d %d%n", folded.rows(), p, nonzeros);
      concatenate(header, entries, dir.resolve(MATRIX));
      concatenate("row\tlabel\tweight\tfold\n", rows, dir.resolve(ROWS));
      return nonzeros;
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  /** One line "i j v" per non-zero of row i (1-based); the shortest decimal that parses back to v. */
  private static String entryLines(Vector v, long row) {
    StringBuilder s = new StringBuilder();
    if (v instanceof SparseVector sv) {
      int[] index = sv.indices();
      double[] value = sv.values();
      for (int i = 0; i < index.length; i++) appendEntry(s, row, index[i], value[i]);
    } else {
      double[] value = v.toArray();
      for (int j = 0; j < value.length; j++) appendEntry(s, row, j, value[j]);
    }
    if (s.length() > 0) s.setLength(s.length() - 1); // saveAsTextFile adds the last newline
    return s.toString();
  }

  private static void appendEntry(StringBuilder s, long row, int j, double x) {
    if (x != 0) s.append(row).append(' ').append(j + 1).append(' ').append(x).append('\n');
  }

  /** {@code header}, then the part files of {@code parts} in order, into {@code target}; parts removed. */
  private static void concatenate(String header, Path parts, Path target) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(parts)) {
      files = list.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
    }
    try (OutputStream out = Files.newOutputStream(target)) {
      out.write(header.getBytes(StandardCharsets.UTF_8));
      for (Path f : files) Files.copy(f, out);
    }
    try (Stream<Path> walk = Files.walk(parts)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.delete(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
