package io.ridgeline.data;

/** Data that cannot be used as configured; the message is one line naming the path and column. */
public final class DataException extends RuntimeException {
  public DataException(String message) {
    super(message);
  }
}
