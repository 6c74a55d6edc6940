package io.ridgeline.config;

import java.util.List;

/** Bad configuration: every problem found, each a self-contained line naming the source and key. */
public final class ConfigException extends BadInputException {
  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(String.join("\n", problems.stream().map(p -> source + ": " + p).toList()));
    this.problems = List.copyOf(problems);
  }

  /** The problems, without the source prefix. */
  public List<String> problems() {
    return problems;
  }
}
