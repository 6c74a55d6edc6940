package io.ridgeline.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.ridgeline.config.MlpAxis;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeded random search: draws points from the {@code sweep.mlp} axes. Point i's value of parameter q
 * comes from its own stream, a {@link SplittableRandom} seeded by (seed, i, attempt, q), so the same
 * config draws the same points on every run and machine, and adding or removing a parameter leaves the
 * other parameters' values unchanged. With u uniform on [0, 1) from that stream:
 * <pre>
 *   uniform [a, b]      a + u (b − a)
 *   logUniform [a, b]   exp(ln a + u (ln b − ln a))        (uniform in log space)
 *   intUniform [a, b]   a + ⌊u' (b − a + 1)⌋                (a, …, b, each 1/(b − a + 1); u' from nextLong)
 *   choice / a list     the j-th value, j uniform on 0..n−1
 * </pre>
 * Real values are rounded to 10 significant digits (as λ paths are) and kept within [a, b], so they
 * print, record and compare the same on resume. A point equal to an earlier one is drawn again with
 * the next attempt number, so the points are distinct (the config refuses more samples than a
 * discrete space holds).
 */
public final class Sampler {
  /** Draws of one point before giving up on finding one unlike the earlier points. */
  static final int ATTEMPTS = 10_000;

  private Sampler() {}

  /** {@code n} distinct points, ids 0..n−1, values as JSON text (as {@link Grid#named} writes them). */
  public static List<GridPoint> draw(Map<String, MlpAxis> axes, int n, long seed) {
    Map<String, MlpAxis> ordered = new TreeMap<>(axes);
    List<GridPoint> points = new ArrayList<>(n);
    Set<Map<String, String>> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> values = null;
      for (int attempt = 0; values == null || !seen.add(values); attempt++) {
        if (attempt == ATTEMPTS) {
          throw new IllegalStateException("no new point after " + ATTEMPTS + " draws of point " + i);
        }
        values = new LinkedHashMap<>();
        for (Map.Entry<String, MlpAxis> e : ordered.entrySet()) {
          values.put(e.getKey(), value(e.getValue(), stream(seed, i, attempt, e.getKey())));
        }
      }
      points.add(GridPoint.named(i, values));
    }
    return points;
  }

  /** The stream of (seed, point, attempt, parameter): SplitMix64 steps over the parts. */
  static SplittableRandom stream(long seed, int point, int attempt, String param) {
    long h = seed;
    for (long part : new long[] {point, attempt, param.hashCode()}) h = new SplittableRandom(h ^ part).nextLong();
    return new SplittableRandom(h);
  }

  /** One draw from an axis, as JSON text. */
  static String value(MlpAxis axis, SplittableRandom rng) {
    if (axis instanceof MlpAxis.Uniform u) {
      return real(u.low() + rng.nextDouble() * (u.high() - u.low()), u.low(), u.high());
    }
    if (axis instanceof MlpAxis.LogUniform l) {
      double lo = Math.log(l.low());
      return real(Math.exp(lo + rng.nextDouble() * (Math.log(l.high()) - lo)), l.low(), l.high());
    }
    if (axis instanceof MlpAxis.IntUniform i) return Long.toString(i.low() + rng.nextLong(i.high() - i.low() + 1));
    return pick(axis instanceof MlpAxis.Choice c ? c.values() : ((MlpAxis.Values) axis).values(), rng);
  }

  private static String real(double x, double low, double high) {
    return Double.toString(Math.min(high, Math.max(low, Grid.significant(x))));
  }

  private static String pick(List<JsonNode> values, SplittableRandom rng) {
    return Grid.text(values.get(rng.nextInt(values.size())));
  }
}
