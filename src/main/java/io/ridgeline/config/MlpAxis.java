package io.ridgeline.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One swept MLP parameter, {@code sweep.mlp.<param>}: a list of values (an axis of the grid; with
 * random search a choice among them) or a distribution to draw from. The config checks a distribution's
 * shape (two ordered bounds, positive for a log scale, whole for integers); the estimator's validators
 * check that its values suit the parameter.
 */
public sealed interface MlpAxis {
  /** The distributions' names as written in a config, in the order messages list them. */
  List<String> DISTRIBUTIONS = List.of("uniform", "logUniform", "intUniform", "choice");

  /** Whether this axis is a distribution ({@code {uniform: …}} and the others), not a plain list. */
  default boolean isDistribution() {
    return !(this instanceof Values);
  }

  /** The axis as a config would write it, for messages: {@code {uniform: [0.1, 0.5]}}, {@code [0, 0.3]}. */
  String describe();

  /** A list of values: a grid axis. */
  record Values(List<JsonNode> values) implements MlpAxis {
    public Values {
      values = List.copyOf(values);
    }

    @Override
    public String describe() {
      return values.toString();
    }
  }

  /** One of the listed values, each equally likely. */
  record Choice(List<JsonNode> values) implements MlpAxis {
    public Choice {
      values = List.copyOf(values);
    }

    @Override
    public String describe() {
      return "{choice: " + values + "}";
    }
  }

  /** A real number uniform on [low, high]. */
  record Uniform(double low, double high) implements MlpAxis {
    @Override
    public String describe() {
      return "{uniform: [" + number(low) + ", " + number(high) + "]}";
    }
  }

  /** A real number whose logarithm is uniform on [ln low, ln high] (0 &lt; low &lt; high). */
  record LogUniform(double low, double high) implements MlpAxis {
    @Override
    public String describe() {
      return "{logUniform: [" + number(low) + ", " + number(high) + "]}";
    }
  }

  /** A whole number uniform on {low, low + 1, …, high} (both ends included). */
  record IntUniform(long low, long high) implements MlpAxis {
    @Override
    public String describe() {
      return "{intUniform: [" + low + ", " + high + "]}";
    }
  }

  /** A bound as written: whole numbers without a decimal point. */
  static String number(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? String.valueOf((long) x) : String.valueOf(x);
  }
}
