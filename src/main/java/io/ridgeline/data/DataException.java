package io.ridgeline.data;

import io.ridgeline.config.BadInputException;

/** Data that cannot be used as configured; the message is one line naming the path and column. */
public final class DataException extends BadInputException {
  public DataException(String message) {
    super(message);
  }
}
