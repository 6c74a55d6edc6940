package io.ridgeline.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads from a flattened configuration ({@code dotted.key → leaf}). Every read registers its key
 * as known and records a problem instead of throwing, so a whole file is checked in one go; keys that
 * were never read are unknown and get a nearest-key suggestion.
 */
final class Fields {
  private final Map<String, JsonNode> values;
  private final Set<String> known = new LinkedHashSet<>();
  private final List<String> problems = new ArrayList<>();

  Fields(Map<String, JsonNode> values) {
    this.values = values;
  }

  List<String> problems() {
    return problems;
  }

  void problem(String key, String message) {
    problems.add(key + ": " + message);
  }

  private void bad(String key, JsonNode value, String expectation) {
    problems.add(key + " = " + show(value) + ": " + expectation);
  }

  boolean has(String key) {
    known.add(key);
    return values.containsKey(key);
  }

  /** True when some key below {@code prefix.} is set. */
  boolean hasUnder(String prefix) {
    return values.keySet().stream().anyMatch(k -> k.startsWith(prefix + "."));
  }

  String text(String key, String fallback) {
    if (!has(key)) return fallback;
    JsonNode v = values.get(key);
    if (!v.isValueNode() || v.asText().isBlank()) {
      bad(key, v, "expected a non-empty text value");
      return fallback;
    }
    return v.asText().trim();
  }

  boolean bool(String key, boolean fallback) {
    if (!has(key)) return fallback;
    JsonNode v = values.get(key);
    if (v.isBoolean()) return v.booleanValue();
    bad(key, v, "expected true or false");
    return fallback;
  }

  int integer(String key, int fallback, int min, int max) {
    if (!has(key)) return fallback;
    JsonNode v = values.get(key);
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
      bad(key, v, "expected a whole number from " + min + " to " + max);
      return fallback;
    }
    return v.intValue();
  }

  long longInteger(String key, long fallback) {
    if (!has(key)) return fallback;
    JsonNode v = values.get(key);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      bad(key, v, "expected a whole number");
      return fallback;
    }
    return v.longValue();
  }

  /** A number in (lo, hi) with each end open or closed as given. */
  double number(String key, double fallback, double lo, boolean loOpen, double hi, boolean hiOpen) {
    if (!has(key)) return fallback;
    JsonNode v = values.get(key);
    if (!v.isNumber() || !inRange(v.doubleValue(), lo, loOpen, hi, hiOpen)) {
      bad(key, v, "expected a number in " + range(lo, loOpen, hi, hiOpen));
      return fallback;
    }
    return v.doubleValue();
  }

  /** A list of numbers (a single number counts as a list of one), each in the range; null if absent. */
  List<Double> numbers(String key, double lo, boolean loOpen, double hi, boolean hiOpen) {
    if (!has(key)) return null;
    JsonNode v = values.get(key);
    List<JsonNode> items = new ArrayList<>();
    if (v.isArray()) v.forEach(items::add);
    else items.add(v);
    if (items.isEmpty()) {
      bad(key, v, "expected at least one number");
      return null;
    }
    List<Double> out = new ArrayList<>();
    for (JsonNode item : items) {
      if (!item.isNumber() || !inRange(item.doubleValue(), lo, loOpen, hi, hiOpen)) {
        bad(key, item, "every value must be a number in " + range(lo, loOpen, hi, hiOpen));
        return null;
      }
      out.add(item.doubleValue());
    }
    return out;
  }

  /** A text value or a list of text values; null if absent. */
  List<String> texts(String key) {
    if (!has(key)) return null;
    JsonNode v = values.get(key);
    List<String> out = new ArrayList<>();
    if (v.isArray()) {
      for (JsonNode item : v) {
        if (!item.isTextual() || item.asText().isBlank()) {
          bad(key, item, "expected column names");
          return null;
        }
        out.add(item.asText().trim());
      }
    } else if (v.isValueNode() && !v.asText().isBlank()) {
      out.add(v.asText().trim());
    } else {
      bad(key, v, "expected a column name or a list of them");
      return null;
    }
    if (out.isEmpty()) {
      bad(key, v, "expected at least one column");
      return null;
    }
    return out;
  }

  /** One of the given choices, matched on their keys. */
  <E> E choice(String key, E fallback, List<E> choices, java.util.function.Function<E, String> keyOf) {
    if (!has(key)) return fallback;
    JsonNode v = values.get(key);
    String given = v.asText().trim().toLowerCase(Locale.ROOT);
    for (E c : choices) {
      if (keyOf.apply(c).equals(given)) return c;
    }
    bad(key, v, "expected one of " + String.join(", ", choices.stream().map(keyOf).toList()));
    return fallback;
  }

  /** Every key below {@code prefix.}, by the rest of its name; all become known. */
  java.util.Map<String, JsonNode> under(String prefix) {
    java.util.Map<String, JsonNode> out = new java.util.TreeMap<>();
    for (Map.Entry<String, JsonNode> e : values.entrySet()) {
      if (e.getKey().startsWith(prefix + ".")) {
        known.add(e.getKey());
        out.put(e.getKey().substring(prefix.length() + 1), e.getValue());
      }
    }
    return out;
  }

  /** Records a problem for every key that no read asked for. */
  void rejectUnknown() {
    for (String key : values.keySet()) {
      if (known.contains(key)) continue;
      String hint = Names.nearest(known, key).map(n -> " (did you mean '" + n + "'?)").orElse("");
      problems.add(key + ": unknown key" + hint);
    }
  }

  private static boolean inRange(double x, double lo, boolean loOpen, double hi, boolean hiOpen) {
    if (!Double.isFinite(x)) return false;
    return (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi);
  }

  private static String range(double lo, boolean loOpen, double hi, boolean hiOpen) {
    return (loOpen ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + (hiOpen ? ")" : "]");
  }

  private static String fmt(double x) {
    if (x == Double.MAX_VALUE || Double.isInfinite(x)) return "∞";
    return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
  }

  static String show(JsonNode v) {
    if (v == null || v.isNull()) return "null";
    return v.isTextual() ? "'" + v.asText() + "'" : v.toString();
  }
}
