package io.ridgeline.config;

/** {@code data.missing}: what a null, NaN or infinity in a used numeric column does. */
public enum MissingValues {
  /** Refuse the data, naming the columns and their row counts. */
  ERROR,
  /** Drop the row, and say how many were dropped. */
  DROP;

  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
