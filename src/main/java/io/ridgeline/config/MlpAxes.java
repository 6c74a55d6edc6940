package io.ridgeline.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@code sweep.mlp.<param>}: a value or list ({@code dropout: [0, 0.3]}) or one distribution
 * ({@code dropout: {uniform: [0, 0.5]}}, flattened by the loader to {@code sweep.mlp.dropout.uniform}).
 * Checks the distribution's shape and records one problem per bad parameter, naming its key.
 */
final class MlpAxes {
  private MlpAxes() {}

  static Map<String, MlpAxis> read(Fields f) {
    // param → (distribution name, or "" for a plain value/list) → value
    Map<String, Map<String, JsonNode>> byParam = new TreeMap<>();
    f.under("sweep.mlp").forEach((rest, v) -> {
      int dot = rest.indexOf('.');
      String param = dot < 0 ? rest : rest.substring(0, dot);
      byParam.computeIfAbsent(param, p -> new TreeMap<>()).put(dot < 0 ? "" : rest.substring(dot + 1), v);
    });
    Map<String, MlpAxis> axes = new TreeMap<>();
    byParam.forEach((param, given) -> {
      MlpAxis axis = axis(f, "sweep.mlp." + param, given);
      if (axis != null) axes.put(param, axis);
    });
    return axes;
  }

  private static MlpAxis axis(Fields f, String key, Map<String, JsonNode> given) {
    if (given.containsKey("")) {
      if (given.size() > 1) {
        f.problem(key, "give a list of values or one distribution, not both");
        return null;
      }
      JsonNode v = given.get("");
      if (v.isObject()) {   // only an empty mapping stays unflattened
        f.problem(key, "expected a list of values or one of " + String.join(", ", MlpAxis.DISTRIBUTIONS)
            + " (e.g. {uniform: [0, 0.5]})");
        return null;
      }
      List<JsonNode> values = new ArrayList<>();
      if (v.isArray()) v.forEach(values::add);
      else values.add(v);
      return new MlpAxis.Values(values);
    }
    for (String name : given.keySet()) {
      if (!MlpAxis.DISTRIBUTIONS.contains(name)) {
        f.problem(key, "unknown distribution '" + name + "'"
            + Names.nearest(MlpAxis.DISTRIBUTIONS, name).map(n -> " (did you mean '" + n + "'?)").orElse("")
            + ": expected a list of values or one of " + String.join(", ", MlpAxis.DISTRIBUTIONS));
        return null;
      }
    }
    if (given.size() > 1) {
      f.problem(key, "give one distribution, not " + String.join(" and ", given.keySet()));
      return null;
    }
    String name = given.keySet().iterator().next();
    JsonNode v = given.get(name);
    String at = key + " = {" + name + ": " + show(v) + "}: ";
    boolean pair = v.isArray() && v.size() == 2 && finite(v.get(0)) && finite(v.get(1));
    double lo = pair ? v.get(0).doubleValue() : Double.NaN;
    double hi = pair ? v.get(1).doubleValue() : Double.NaN;
    switch (name) {
      case "uniform" -> {
        if (pair && lo < hi) return new MlpAxis.Uniform(lo, hi);
        f.problems().add(at + "expected [low, high], two numbers with low < high");
      }
      case "logUniform" -> {
        if (pair && 0 < lo && lo < hi) return new MlpAxis.LogUniform(lo, hi);
        f.problems().add(at + "expected [low, high], two numbers with 0 < low < high (a log scale)");
      }
      case "intUniform" -> {
        if (pair && whole(v.get(0)) && whole(v.get(1)) && lo < hi) {
          return new MlpAxis.IntUniform(v.get(0).longValue(), v.get(1).longValue());
        }
        f.problems().add(at + "expected [low, high], two whole numbers with low < high (both included)");
      }
      default -> {
        if (v.isArray() && !v.isEmpty()) {
          List<JsonNode> values = new ArrayList<>();
          v.forEach(values::add);
          return new MlpAxis.Choice(values);
        }
        f.problems().add(at + "expected a non-empty list of values");
      }
    }
    return null;
  }

  private static boolean finite(JsonNode n) {
    return n.isNumber() && Double.isFinite(n.doubleValue());
  }

  private static boolean whole(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToInt();
  }

  /** A value as a config writes it: lists with ", " between items. */
  static String show(JsonNode v) {
    if (!v.isArray()) return v.isTextual() ? "'" + v.asText() + "'" : v.toString();
    List<String> items = new ArrayList<>();
    v.forEach(x -> items.add(show(x)));
    return "[" + String.join(", ", items) + "]";
  }
}
