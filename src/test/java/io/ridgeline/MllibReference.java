package io.ridgeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MLlib's reference results, computed once and committed. The engine tests compare against MLlib fits
 * at tol 1e−12, which in local mode take minutes (one Spark job per L-BFGS/OWL-QN iteration, thousands of
 * iterations); the same test code that uses a reference also produces it:
 *
 * <pre>mvn -o test -Dtest=EngineAgreementTest,WideEngineTest -Dridgeline.mllib.refit=true</pre>
 *
 * <p>runs every MLlib fit live and rewrites {@code src/test/resources/golden/mllib/<file>.tsv}. Each
 * stored result is keyed by what was fitted (the test's key: family, point, settings) and a fingerprint
 * of the exact rows MLlib was given; the file records the Spark version. A key that is missing, rows that
 * changed, or another Spark version fail the test with the command above: a stored number is never used
 * for data or an MLlib it was not computed on.
 *
 * <p>Line format: {@code key<TAB>fingerprint<TAB>length<TAB>j:v j:v …} with the non-zero values only,
 * each printed by {@link Double#toString} (exact round trip).
 */
public final class MllibReference {
  private static final Path DIR = Path.of("src", "test", "resources", "golden", "mllib");
  private static final boolean REFIT = Boolean.getBoolean("ridgeline.mllib.refit");
  private static final String SPARK = org.apache.spark.package$.MODULE$.SPARK_VERSION();
  private static final Map<String, Map<String, String>> FILES = new TreeMap<>();

  private MllibReference() {}

  /**
   * The stored result of {@code fit} for ({@code key}, the rows fingerprinted as {@code fingerprint}) in
   * {@code file}; in refit mode, {@code fit} run now and stored.
   */
  public static synchronized double[] get(String file, String key, String fingerprint, Supplier<double[]> fit) {
    if (key.contains("\t") || key.contains("\n")) throw new IllegalArgumentException("key " + key);
    Map<String, String> stored = FILES.computeIfAbsent(file, MllibReference::read);
    if (REFIT) {
      double[] values = fit.get();
      stored.put(key, fingerprint + "\t" + encode(values));
      write(file, stored);
      return values;
    }
    String refit = "; recompute the references with: mvn -o test -Dtest=<the test> -Dridgeline.mllib.refit=true";
    if (!SPARK.equals(stored.get(""))) {
      throw new AssertionError(DIR.resolve(file + ".tsv") + " holds MLlib " + stored.get("") + " results, this is "
          + SPARK + refit);
    }
    String line = stored.get(key);
    if (line == null) throw new AssertionError("no stored MLlib result for " + key + " in " + file + refit);
    String[] parts = line.split("\t", 2);
    if (!parts[0].equals(fingerprint)) {
      throw new AssertionError("the rows MLlib fitted for " + key + " have changed (fingerprint " + fingerprint
          + ", stored " + parts[0] + ")" + refit);
    }
    return decode(parts[1]);
  }

  /**
   * A fingerprint of a (small) frame's rows as a set (MLlib's result depends on their order only through
   * rounding, and a shuffle may order them differently): SHA-256 of their sorted text, 16 hex digits.
   */
  public static String fingerprint(Dataset<Row> rows) {
    return fingerprint(rows, false);
  }

  /** The same, of the rows in their order when {@code ordered} (a stored result lists something per row). */
  public static String fingerprint(Dataset<Row> rows, boolean ordered) {
    List<String> text = new ArrayList<>();
    for (Row r : rows.collectAsList()) text.add(r.toString());
    if (!ordered) java.util.Collections.sort(text);
    return fingerprint(String.join("\n", text));
  }

  public static String fingerprint(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(double[] values) {
    StringBuilder s = new StringBuilder().append(values.length).append('\t');
    for (int j = 0; j < values.length; j++) {
      if (values[j] != 0 || Double.doubleToRawLongBits(values[j]) != 0) s.append(j).append(':').append(values[j]).append(' ');
    }
    return s.toString().strip();
  }

  private static double[] decode(String text) {
    String[] parts = text.split("\t", -1);
    double[] values = new double[Integer.parseInt(parts[0])];
    if (!parts[1].isEmpty()) {
      for (String entry : parts[1].split(" ")) {
        int colon = entry.indexOf(':');
        values[Integer.parseInt(entry.substring(0, colon))] = Double.parseDouble(entry.substring(colon + 1));
      }
    }
    return values;
  }

  /** key → "fingerprint TAB encoded values"; the Spark version under the key "". */
  private static Map<String, String> read(String file) {
    Map<String, String> stored = new TreeMap<>();
    Path path = DIR.resolve(file + ".tsv");
    if (!Files.exists(path)) return stored;
    try {
      for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
        if (line.startsWith("# spark ")) stored.put("", line.substring("# spark ".length()).strip());
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] parts = line.split("\t", 2);
        stored.put(parts[0], parts[1]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stored;
  }

  private static void write(String file, Map<String, String> stored) {
    List<String> lines = new ArrayList<>();
    lines.add("# MLlib reference results: key, fingerprint of the fitted rows, length, non-zero j:value");
    lines.add("# written by MllibReference in refit mode (-Dridgeline.mllib.refit=true); do not edit");
    lines.add("# spark " + SPARK);
    stored.forEach((key, line) -> {
      if (!key.isEmpty()) lines.add(key + "\t" + line);
    });
    try {
      Files.createDirectories(DIR);
      Path tmp = DIR.resolve(file + ".tsv.tmp");
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, DIR.resolve(file + ".tsv"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
