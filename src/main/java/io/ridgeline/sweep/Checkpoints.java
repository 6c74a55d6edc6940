package io.ridgeline.sweep;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ridgeline.config.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Durable records of a run's finished cross-validation units, so that an interrupted run resumes where
 * it stopped. They live in the run's staging directory ({@code <output>/_staging/<run_id>/}):
 * {@code manifest.json} says what the run is (config hash, data fingerprint, grid), and
 * {@code units/<key>.json} holds each finished unit's trials, written to a temporary name and renamed
 * into place, so a record is whole or absent (rename is atomic on HDFS and local file systems; an
 * object store's single PUT is atomic too). Doubles are written with round-trip precision, so a resumed
 * run reports bit for bit what it recorded. A unit may also leave a training state ({@code states/<key>.bin})
 * for a later unit to go on from (successive halving's rungs). All through the Hadoop FileSystem API.
 */
public final class Checkpoints {
  public static final String MANIFEST = "manifest.json";
  public static final String UNITS = "units";
  public static final String STATES = "states";

  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private final FileSystem fs;
  private final Path dir;
  private int reusedUnits;
  private int reusedTrials;

  public Checkpoints(FileSystem fs, Path stagingDir) {
    this.fs = fs;
    this.dir = stagingDir;
  }

  /**
   * What a run is, to tell whether records belong to it: the effective config's hash, the data's size,
   * fold sizes and fingerprint (an order-independent hash of every row and its fold, 16 hex digits), and
   * the grid (λ values are data-dependent, so a resumed run reuses these exactly).
   */
  public record Manifest(String configSha256, long rows, List<Long> foldSizes, String dataFingerprint,
      List<GridPoint> grid) {}

  /** The manifest an earlier attempt of this run wrote, if any. */
  public Optional<Manifest> manifest() throws IOException {
    Path p = new Path(dir, MANIFEST);
    if (!fs.exists(p)) return Optional.empty();
    JsonNode m = read(p);
    List<Long> sizes = new ArrayList<>();
    m.get("fold_sizes").forEach(n -> sizes.add(n.asLong()));
    List<GridPoint> grid = new ArrayList<>();
    for (JsonNode g : m.get("grid")) {
      double alpha = g.get("alpha").asDouble();
      grid.add(Double.isNaN(alpha) ? GridPoint.named(g.get("id").asInt(), stringMap(g.get("params")))
          : new GridPoint(g.get("id").asInt(), alpha, g.get("lambda").asDouble()));
    }
    return Optional.of(new Manifest(m.get("config_sha256").asText(), m.get("rows").asLong(), sizes,
        m.path("data_fingerprint").asText(""), grid));
  }

  public void writeManifest(Manifest manifest) throws IOException {
    ObjectNode m = JSON.createObjectNode();
    m.put("config_sha256", manifest.configSha256());
    m.put("rows", manifest.rows());
    manifest.foldSizes().forEach(m.putArray("fold_sizes")::add);
    m.put("data_fingerprint", manifest.dataFingerprint());
    ArrayNode grid = m.putArray("grid");
    for (GridPoint p : manifest.grid()) {
      ObjectNode g = grid.addObject();
      g.put("id", p.id());
      g.put("alpha", p.alpha());
      g.put("lambda", p.lambda());
      ObjectNode params = g.putObject("params");
      p.params().forEach(params::put);
    }
    write(new Path(dir, MANIFEST), m);
  }

  /** The trials a unit recorded, resolved against the run's grid; counted as reused. */
  public Optional<List<TrialResult>> find(String key, List<GridPoint> grid) {
    try {
      Path p = unit(key);
      if (!fs.exists(p)) return Optional.empty();
      List<TrialResult> trials = new ArrayList<>();
      for (JsonNode t : read(p).get("trials")) trials.add(trial(t, grid));
      synchronized (this) {
        reusedUnits++;
        reusedTrials += trials.size();
      }
      return Optional.of(trials);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the record of unit " + key, e);
    }
  }

  /** Records a finished unit's trials. */
  public void record(String key, List<TrialResult> trials) {
    ObjectNode unit = JSON.createObjectNode();
    unit.put("unit", key);
    ArrayNode array = unit.putArray("trials");
    for (TrialResult t : trials) {
      ObjectNode o = array.addObject();
      o.put("point", t.point().id());
      o.put("fold", t.fold());
      o.put("n_train", t.nTrain());
      o.put("n_valid", t.nValid());
      o.put("iterations", t.iterations());
      o.put("seconds", t.seconds());
      o.put("nonzero", t.nonzero());
      o.put("converged", t.converged());
      if (t.rung() != null) {
        o.put("rung", t.rung());
        o.put("epochs", t.epochs());
      }
      ObjectNode metrics = o.putObject("metrics");
      t.metrics().forEach((m, v) -> metrics.put(m.name(), v));
      if (t.history() != null) {
        ArrayNode h = o.putArray("history");
        for (double[] series : t.history()) {
          ArrayNode s = h.addArray();
          for (double v : series) s.add(v);
        }
      }
    }
    try {
      write(unit(key), unit);
    } catch (IOException e) {
      throw new UncheckedIOException("recording unit " + key, e);
    }
  }

  /**
   * Records the training state a unit ended in ({@code states/<key>.bin}, written like a unit record:
   * whole or absent), for a later unit to go on from. Written before the unit's own record, so a
   * recorded unit's state is there.
   */
  public void recordState(String key, byte[] state) {
    try {
      write(state(key), out -> out.write(state));
    } catch (IOException e) {
      throw new UncheckedIOException("recording the state of unit " + key, e);
    }
  }

  /** The training state unit {@code key} recorded. */
  public byte[] readState(String key) {
    try (InputStream in = fs.open(state(key))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the state of unit " + key, e);
    }
  }

  /** Removes a state no unit will go on from (absent: nothing to do). */
  public void dropState(String key) {
    try {
      fs.delete(state(key), false);
    } catch (IOException e) {
      throw new UncheckedIOException("removing the state of unit " + key, e);
    }
  }

  private Path state(String key) {
    return new Path(new Path(dir, STATES), key + ".bin");
  }

  public synchronized int reusedUnits() {
    return reusedUnits;
  }

  public synchronized int reusedTrials() {
    return reusedTrials;
  }

  private Path unit(String key) {
    return new Path(new Path(dir, UNITS), key + ".json");
  }

  private static TrialResult trial(JsonNode t, List<GridPoint> grid) {
    EnumMap<Metric, Double> metrics = new EnumMap<>(Metric.class);
    t.get("metrics").properties().forEach(e -> metrics.put(Metric.valueOf(e.getKey()), e.getValue().asDouble()));
    double[][] history = null;
    if (t.has("history")) {
      history = new double[t.get("history").size()][];
      for (int i = 0; i < history.length; i++) {
        JsonNode s = t.get("history").get(i);
        history[i] = new double[s.size()];
        for (int j = 0; j < s.size(); j++) history[i][j] = s.get(j).asDouble();
      }
    }
    return new TrialResult(grid.get(t.get("point").asInt()), t.get("fold").asInt(), t.get("n_train").asLong(),
        t.get("n_valid").asLong(), t.get("iterations").asInt(), t.get("seconds").asDouble(),
        t.get("nonzero").asInt(), metrics, history, !t.has("converged") || t.get("converged").asBoolean(),
        t.has("rung") ? t.get("rung").asInt() : null, t.has("epochs") ? t.get("epochs").asInt() : null);
  }

  private static java.util.Map<String, String> stringMap(JsonNode o) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    o.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  private JsonNode read(Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return JSON.readTree(in);
    }
  }

  private void write(Path target, JsonNode node) throws IOException {
    write(target, out -> JSON.writeValue(out, node));
  }

  /** What goes into a file. */
  private interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes to a temporary name beside the target, then renames: the record is whole or absent. */
  private void write(Path target, Content content) throws IOException {
    Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, false)) {
      content.writeTo(out);
    }
    if (fs.exists(target)) fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }
}
