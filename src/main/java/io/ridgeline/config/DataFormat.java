package io.ridgeline.config;

import java.util.Locale;

/** Input formats: {@code data.format}. */
public enum DataFormat {
  CSV, PARQUET, LIBSVM;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
