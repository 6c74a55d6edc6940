package io.ridgeline.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ridgeline.Samples;
import io.ridgeline.config.MlpAxis;
import io.ridgeline.config.SweepSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Seeded random search: the same config draws the same points, within each distribution's bounds. */
class SamplerTest {
  private static final int DRAWS = 20_000;
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static final Map<String, MlpAxis> AXES = Map.of(
      "dropout", new MlpAxis.Uniform(0.0, 0.5),
      "learningRate", new MlpAxis.LogUniform(1e-4, 1e-1),
      "batchSize", new MlpAxis.IntUniform(16, 128),
      "activation", new MlpAxis.Choice(List.of(JSON.textNode("relu"), JSON.textNode("tanh"))));

  /** DRAWS values of one axis, each from its own (seed, point, parameter) stream. */
  private static double[] draws(MlpAxis axis) {
    double[] out = new double[DRAWS];
    for (int i = 0; i < DRAWS; i++) out[i] = Double.parseDouble(Sampler.value(axis, Sampler.stream(5, i, 0, "x")));
    return out;
  }

  /** Share of the values in [lo, hi). */
  private static double share(double[] v, double lo, double hi) {
    return java.util.Arrays.stream(v).filter(x -> x >= lo && x < hi).count() / (double) v.length;
  }

  @Test
  void theSameSeedDrawsTheSamePointsAndAnotherSeedOthers() {
    List<GridPoint> a = Sampler.draw(AXES, 25, 7);
    assertEquals(a, Sampler.draw(AXES, 25, 7));
    assertEquals(25, a.size());
    for (int i = 0; i < a.size(); i++) assertEquals(i, a.get(i).id());
    List<GridPoint> b = Sampler.draw(AXES, 25, 8);
    for (int i = 0; i < a.size(); i++) {
      assertNotEquals(a.get(i).params().get("dropout"), b.get(i).params().get("dropout"), "point " + i);
    }
  }

  @Test
  void addingAParameterLeavesTheOthersValuesAlone() {
    Map<String, MlpAxis> more = new TreeMap<>(AXES);
    more.put("l2", new MlpAxis.LogUniform(1e-6, 1e-2));
    List<GridPoint> before = Sampler.draw(AXES, 40, 3);
    List<GridPoint> after = Sampler.draw(more, 40, 3);
    for (int i = 0; i < before.size(); i++) {
      for (String q : AXES.keySet()) assertEquals(before.get(i).params().get(q), after.get(i).params().get(q), q + " of " + i);
      assertTrue(after.get(i).params().containsKey("l2"));
    }
  }

  /** Drawn reals are rounded to 10 significant digits, so their text reads back to the same double. */
  @Test
  void drawnRealsPrintAndReadBackStably() {
    for (GridPoint p : Sampler.draw(AXES, 200, 11)) {
      for (String q : List.of("dropout", "learningRate")) {
        double x = Double.parseDouble(p.params().get(q));
        assertEquals(x, Grid.significant(x), 0.0, q + " = " + p.params().get(q));
        assertEquals(p.params().get(q), Double.toString(x));
      }
      assertEquals(Integer.parseInt(p.params().get("batchSize")) + "", p.params().get("batchSize"), "whole");
    }
  }

  @Test
  void uniformStaysWithinItsBoundsAndSpreadsEvenly() {
    double[] v = draws(new MlpAxis.Uniform(0.1, 0.5));
    double min = java.util.Arrays.stream(v).min().orElseThrow();
    double max = java.util.Arrays.stream(v).max().orElseThrow();
    assertTrue(min >= 0.1 && max <= 0.5, min + " " + max);
    // Reaches both ends: the gap averages width/DRAWS = 2e-5 (measured 5.7e-5 at the bottom, 2.9e-5 at the top).
    assertTrue(min - 0.1 < 3e-4 && 0.5 - max < 3e-4, min + " " + max);
    for (int q = 0; q < 4; q++) {
      // Each quarter holds 1/4 (sd of a share: 0.0031; measured deviations 0.0038, 0.0085, 0.0006, 0.0040).
      assertEquals(0.25, share(v, 0.1 + 0.1 * q, 0.1 + 0.1 * (q + 1) + (q == 3 ? 1e-12 : 0)), 0.02, "quarter " + q);
    }
  }

  @Test
  void logUniformIsUniformInLogSpace() {
    double[] v = draws(new MlpAxis.LogUniform(1e-4, 1e-1));
    assertTrue(java.util.Arrays.stream(v).allMatch(x -> x >= 1e-4 && x <= 1e-1));
    // A third in each decade (a plain uniform would put 90 % in the top one; measured deviations 0.0035, 0.0006, 0.0040).
    assertEquals(1 / 3.0, share(v, 1e-4, 1e-3), 0.015);
    assertEquals(1 / 3.0, share(v, 1e-3, 1e-2), 0.015);
    assertEquals(1 / 3.0, share(v, 1e-2, 1e-1 + 1e-15), 0.015);
    // Mean of log10 x: −2.5 (sd of the mean 0.0061; measured −2.5043).
    assertEquals(-2.5, java.util.Arrays.stream(v).map(Math::log10).average().orElseThrow(), 0.03);
  }

  @Test
  void intUniformDrawsEveryWholeNumberOfItsClosedRangeEvenly() {
    double[] v = draws(new MlpAxis.IntUniform(2, 5));
    for (int k = 2; k <= 5; k++) {
      // Each of 2, 3, 4, 5 a quarter of the time, both ends included (measured deviations ≤ 0.0045).
      assertEquals(0.25, share(v, k, k + 1), 0.015, "value " + k);
    }
    assertEquals(1.0, share(v, 2, 6), 0.0, "whole numbers in [2, 5] only");
  }

  @Test
  void choiceAndListsCoverEveryValueEvenly() {
    List<JsonNode> values = List.of(JSON.numberNode(0.0), JSON.numberNode(0.3), JSON.numberNode(0.6));
    for (MlpAxis axis : List.of(new MlpAxis.Choice(values), new MlpAxis.Values(values))) {
      double[] v = draws(axis);
      for (double x : new double[] {0.0, 0.3, 0.6}) {
        // A third each (measured deviations ≤ 0.0032).
        assertEquals(1 / 3.0, share(v, x - 1e-9, x + 1e-9), 0.015, axis + ": " + x);
      }
    }
  }

  /** Lists under random search are choices; points are distinct, so 8 draws of 2 × 2 × 2 values are the grid. */
  @Test
  void drawsAreDistinctPoints() {
    Map<String, MlpAxis> lists = Map.of(
        "dropout", new MlpAxis.Values(List.of(JSON.numberNode(0.0), JSON.numberNode(0.3))),
        "batchNorm", new MlpAxis.Values(List.of(JSON.booleanNode(false), JSON.booleanNode(true))),
        "weightDecay", new MlpAxis.Choice(List.of(JSON.numberNode(0.0), JSON.numberNode(0.001))));
    Set<Map<String, String>> drawn = new HashSet<>();
    for (GridPoint p : Sampler.draw(lists, 8, 1)) drawn.add(p.params());
    Set<Map<String, String>> grid = new HashSet<>();
    Map<String, List<JsonNode>> asLists = new TreeMap<>();
    lists.forEach((k, a) -> asLists.put(k, a instanceof MlpAxis.Choice c ? c.values() : ((MlpAxis.Values) a).values()));
    for (GridPoint p : Grid.named(asLists)) grid.add(p.params());
    assertEquals(grid, drawn);
  }

  /** A config with ranges: the spec's points are the sampler's, the same on every parse. */
  @Test
  void aConfigDrawsItsPointsFromItsSeed() {
    String yaml = "data:\n  path: data-samples/wine.csv\n  label: cultivar\nmodel:\n  family: mlp\n"
        + "sweep:\n  search: random\n  samples: 12\n  seed: 99\n  mlp:\n    dropout: {uniform: [0, 0.5]}\n"
        + "    learningRate: {logUniform: [0.0001, 0.1]}\n    batchNorm: [false, true]\n";
    SweepSpec spec = Samples.spec(yaml);
    List<GridPoint> points = Grid.mlp(spec.sweep());
    assertEquals(points, Grid.mlp(Samples.spec(yaml).sweep()));
    assertEquals(Sampler.draw(spec.sweep().mlp(), 12, 99), points);
    assertNotEquals(points, Grid.mlp(Samples.spec(yaml, "sweep.seed=100").sweep()));
    // The default seed is fixed: the same points without sweep.seed on every parse.
    String unseeded = yaml.replace("  seed: 99\n", "");
    assertEquals(Sampler.draw(spec.sweep().mlp(), 12, 42), Grid.mlp(Samples.spec(unseeded).sweep()));
  }
}
