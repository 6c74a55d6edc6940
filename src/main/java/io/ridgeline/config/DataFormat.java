package io.ridgeline.config;

import java.util.Locale;

/** Input formats: {@code data.format}. */
public enum DataFormat {
  CSV, PARQUET, LIBSVM;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format a path's extension names ({@code .csv}, {@code .csv.gz}, {@code .parquet}, {@code .libsvm}, {@code .svm}), or null. */
  public static DataFormat fromExtension(String path) {
    String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (p.endsWith(".csv") || p.endsWith(".csv.gz")) return CSV;
    if (p.endsWith(".parquet")) return PARQUET;
    if (p.endsWith(".libsvm") || p.endsWith(".svm")) return LIBSVM;
    return null;
  }
}
