package io.ridgeline.config;

/**
 * A refusal of the user's input — config, data, command line, run id or output — whose message names
 * the file, key, column or value at fault. The command line reports it as bad input (exit code 2);
 * every other exception is an internal failure (exit code 1), whatever its type.
 */
public class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
