package io.ridgeline.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ridgeline.config.SweepSpec.CvSpec;
import io.ridgeline.config.SweepSpec.DataSpec;
import io.ridgeline.config.SweepSpec.GridSpec;
import io.ridgeline.config.SweepSpec.HalvingSpec;
import io.ridgeline.config.SweepSpec.ModelSpec;
import io.ridgeline.config.SweepSpec.ReportSpec;
import io.ridgeline.config.SweepSpec.RunSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * YAML → {@link SweepSpec}. The document is flattened to dotted keys ({@code cv.folds}), {@code --set}
 * overrides replace keys (a value of {@code null} removes a key and everything below it), and the
 * result is bound and validated with every problem collected before one {@link ConfigException}.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  /** Reads a config file from any Hadoop file system path. */
  public static SweepSpec load(String path, List<String> overrides) {
    String text;
    try {
      Path p = new Path(path);
      // An instance of its own, closed after: the config is read before the SparkSession exists, and a
      // cached file system made from this bare Configuration would serve the session's paths too
      // (without the session's settings, such as its file: implementation).
      try (FileSystem fs = FileSystem.newInstance(p.toUri(), new Configuration()); InputStream in = fs.open(p)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new ConfigException(path, List.of("cannot read the config file (" + describe(e) + ")"));
    }
    return parse(text, path, overrides);
  }

  /** Parses configuration text; {@code source} names it in messages. */
  public static SweepSpec parse(String text, String source, List<String> overrides) {
    Map<String, JsonNode> flat = new LinkedHashMap<>();
    try {
      JsonNode root = YAML.readTree(text);
      if (root != null && !root.isMissingNode() && !root.isNull()) {
        if (!root.isObject()) {
          throw new ConfigException(source, List.of("expected a YAML mapping of keys at the top level"));
        }
        flatten("", root, flat);
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String cause = e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m
          ? (m.getContext() == null ? "" : m.getContext() + ": ") + m.getProblem()
          : e.getOriginalMessage().lines().findFirst().orElse("");
      throw new ConfigException(source, List.of("malformed YAML" + where + ": " + cause));
    }
    List<String> problems = new ArrayList<>();
    StringBuilder effective = new StringBuilder(text);
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        problems.add("--set " + override + ": expected key=value");
        continue;
      }
      String key = override.substring(0, eq).trim();
      JsonNode value;
      try {
        value = YAML.readTree(override.substring(eq + 1));
      } catch (JsonProcessingException e) {
        problems.add("--set " + override + ": the value is not valid YAML");
        continue;
      }
      flat.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "."));
      // A mapping value ({uniform: [0, 0.5]}, {count: 7}) lands as the file's would: flattened below the key.
      if (value != null && !value.isNull() && !value.isMissingNode()) flatten(key, value, flat);
      effective.append("\n# --set ").append(override);
    }
    if (!problems.isEmpty()) throw new ConfigException(source, problems);
    flat.values().removeIf(JsonNode::isNull);
    return bind(flat, source, effective.toString());
  }

  private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out) {
    // An empty mapping under sweep.mlp stays a value, so that its key is refused rather than dropped.
    if (node.isObject() && !(node.isEmpty() && prefix.startsWith("sweep.mlp."))) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else {
      out.put(prefix, node);
    }
  }

  private static SweepSpec bind(Map<String, JsonNode> flat, String source, String text) {
    Fields f = new Fields(flat);

    String name = f.text("name", defaultName(source));

    String path = f.text("data.path", null);
    if (path == null && !f.has("data.path")) f.problem("data.path", "required: where the data is");
    DataFormat format = f.choice("data.format", null, Arrays.asList(DataFormat.values()), DataFormat::key);
    if (format == null && path != null && !f.has("data.format")) {
      format = DataFormat.fromExtension(path);
      if (format == null) {
        f.problem("data.format", "required: cannot tell csv, parquet or libsvm from the path '" + path + "'");
      }
    }
    String label = f.text("data.label", format == DataFormat.LIBSVM ? "label" : null);
    if (label == null && !f.has("data.label")) f.problem("data.label", "required: the label column");
    List<String> features = f.texts("data.features");
    if (features != null && features.size() == 1 && features.get(0).equalsIgnoreCase("all")) features = null;
    if (features == null && format == DataFormat.LIBSVM) features = List.of("features");
    String weight = f.text("data.weight", null);
    List<String> categorical = f.texts("data.categorical");
    if (categorical == null) categorical = List.of();
    if (!categorical.isEmpty() && format == DataFormat.LIBSVM) {
      f.problem("data.categorical", "libsvm data holds one vector column, not categorical columns");
    } else if (features != null) {
      List<String> listed = features;
      categorical.stream().filter(c -> !listed.contains(c)).findFirst().ifPresent(c -> f.problem("data.categorical",
          "column '" + c + "' is not in data.features " + listed));
    }
    for (String c : categorical) {
      if (c.equals(label) || c.equals(weight)) {
        f.problem("data.categorical", "column '" + c + "' is the " + (c.equals(label) ? "label" : "weight")
            + ", not a feature");
      }
    }
    int maxLevels = f.integer("data.maxLevels", 1000, 1, 1_000_000);
    MissingValues missing = f.choice("data.missing", MissingValues.ERROR, Arrays.asList(MissingValues.values()),
        MissingValues::key);

    Family family = f.choice("model.family", null, Arrays.asList(Family.values()), Family::key);
    if (family == null && !f.has("model.family")) f.problem("model.family", "required: linear, logistic or mlp");
    String task = f.choice("model.task", "classification", List.of("classification", "regression"), t -> t);
    if (f.has("model.task") && family != Family.MLP) {
      f.problem("model.task", "applies to model.family mlp (linear is regression, logistic classification)");
    }
    boolean classification = family == Family.LOGISTIC || (family == Family.MLP && task.equals("classification"));
    Map<String, JsonNode> mlpFixed = f.under("model.mlp");
    Map<String, MlpAxis> mlpAxes = MlpAxes.read(f);
    if (family != null && family != Family.MLP && (!mlpFixed.isEmpty() || !mlpAxes.isEmpty())) {
      f.problem(mlpFixed.isEmpty() ? "sweep.mlp" : "model.mlp", "applies to model.family mlp");
    }
    boolean standardize = f.bool("model.standardize", true);
    boolean intercept = f.bool("model.intercept", true);
    int maxIter = f.integer("model.maxIter", 100, 1, 1_000_000);
    double tol = f.number("model.tol", 1e-6, 0, false, 1, true);

    if (family == Family.MLP && (f.has("sweep.alpha") || f.hasUnder("sweep.lambda"))) {
      f.problem("sweep", "sweep.alpha and sweep.lambda apply to linear and logistic; sweep mlp with sweep.mlp.<param>");
    }
    List<Double> alphas = f.numbers("sweep.alpha", 0, false, 1, false);
    if (alphas == null && !f.has("sweep.alpha")) alphas = List.of(1.0);
    List<Double> lambdas = f.numbers("sweep.lambda.values", 0, true, Double.MAX_VALUE, false);
    int count = f.integer("sweep.lambda.path.count", 20, 1, 10_000);
    double minRatio = f.number("sweep.lambda.path.minRatio", 1e-3, 0, true, 1, true);
    if (lambdas != null && f.hasUnder("sweep.lambda.path")) {
      f.problem("sweep.lambda", "give either sweep.lambda.values or sweep.lambda.path, not both");
    }
    if (lambdas != null) lambdas = lambdas.stream().distinct().sorted(Comparator.reverseOrder()).toList();
    Search search = f.choice("sweep.search", Search.GRID, Arrays.asList(Search.values()), Search::key);
    int samples = f.integer("sweep.samples", 0, 1, 1_000_000);
    long sweepSeed = f.longInteger("sweep.seed", DEFAULT_SWEEP_SEED);
    HalvingSpec halving = halving(f, search);
    checkSearch(f, family, search, samples, mlpAxes);
    if (alphas != null) alphas = alphas.stream().distinct().toList();

    int folds = f.integer("cv.folds", 5, 2, 1000);
    long seed = f.longInteger("cv.seed", 42L);
    boolean stratify = f.bool("cv.stratify", classification);
    String foldColumn = f.text("cv.foldColumn", null);
    String groupColumn = f.text("cv.groupColumn", null);
    if (foldColumn != null && groupColumn != null) {
      f.problem("cv.groupColumn", "cannot be combined with cv.foldColumn (fold ids already say which rows go "
          + "together): give one of them");
    }
    Metric defaultMetric = classification ? Metric.LOGLOSS : Metric.RMSE;
    Metric metric = f.choice("cv.metric", defaultMetric, Arrays.asList(Metric.values()), Metric::key);
    if (family != null && !metric.appliesToTask(classification)) {
      f.problem("cv.metric", "'" + metric.key() + "' does not apply to model.family " + family.key()
          + (family == Family.MLP ? " (" + task + ")" : "") + " (use one of " + String.join(", ",
              Arrays.stream(Metric.values()).filter(m -> m.appliesToTask(classification)).map(Metric::key).toList())
          + ")");
    }
    SelectionRule rule = f.choice("cv.rule", SelectionRule.MIN, Arrays.asList(SelectionRule.values()),
        SelectionRule::key);
    if (family == Family.MLP && rule == SelectionRule.ONE_SE) {
      f.problem("cv.rule", "one-se picks the largest λ and needs a λ path; mlp selects with min");
    }

    String output = f.text("run.output", "ridgeline-out");
    int parallelism = f.integer("run.parallelism", 2, 1, 1024);
    String master = f.text("run.master", "local[*]");
    int partitions = f.integer("run.partitions", 0, 0, 1_000_000);
    EngineChoice engine = f.choice("run.engine", EngineChoice.AUTO, Arrays.asList(EngineChoice.values()),
        EngineChoice::key);

    boolean coefficients = f.bool("report.coefficients", true);

    f.rejectUnknown();
    if (!f.problems().isEmpty()) throw new ConfigException(source, f.problems());

    return new SweepSpec(
        name,
        new DataSpec(path, format, label, features, weight, categorical, maxLevels, missing),
        new ModelSpec(family, classification, standardize, intercept, maxIter, tol, mlpFixed),
        new GridSpec(alphas, lambdas, count, minRatio, mlpAxes, search, samples, sweepSeed, halving),
        new CvSpec(folds, seed, stratify, foldColumn, groupColumn, metric, rule),
        new RunSpec(output, parallelism, master, partitions, engine),
        new ReportSpec(coefficients),
        source,
        text,
        sha256(flat));
  }

  /** {@code sweep.seed} when none is given: the same config always draws the same points. */
  public static final long DEFAULT_SWEEP_SEED = 42L;

  /** {@code sweep.halving.*}, read whatever the search (so the keys are known), kept for halving only. */
  private static HalvingSpec halving(Fields f, Search search) {
    if (f.has("sweep.halving")) {
      f.problem("sweep.halving", "expected a mapping: {eta: 3, minEpochs: …, maxEpochs: …}");
    }
    boolean given = f.hasUnder("sweep.halving");
    int eta = f.integer("sweep.halving.eta", 3, 2, 1000);
    int minEpochs = f.integer("sweep.halving.minEpochs", 0, 1, 1_000_000);
    int maxEpochs = f.integer("sweep.halving.maxEpochs", 0, 1, 1_000_000);
    if (minEpochs > 0 && maxEpochs > 0 && minEpochs > maxEpochs) {
      f.problem("sweep.halving.minEpochs", minEpochs + " is more than sweep.halving.maxEpochs " + maxEpochs);
    }
    if (given && search != Search.HALVING) {
      f.problem("sweep.halving", "applies to sweep.search halving (sweep.search is " + search.key() + ")");
    }
    return search == Search.HALVING ? new HalvingSpec(eta, minEpochs, maxEpochs) : null;
  }

  /** How {@code sweep.search}, {@code sweep.samples}, {@code sweep.seed} and the axes fit together. */
  private static void checkSearch(Fields f, Family family, Search search, int samples, Map<String, MlpAxis> axes) {
    if (family != null && family != Family.MLP && search != Search.GRID) {
      f.problem("sweep.search", search.key() + " applies to model.family mlp (linear and logistic sweep a λ path)");
      return;
    }
    String distribution = axes.entrySet().stream().filter(e -> e.getValue().isDistribution())
        .map(e -> "sweep.mlp." + e.getKey()).findFirst().orElse(null);
    if (search == Search.GRID) {
      if (samples > 0) f.problem("sweep.samples", "applies to sweep.search random or halving (sweep.search is grid)");
      if (distribution != null) {
        f.problem(distribution, "a distribution needs sweep.search random or halving (sweep.search is grid)");
      }
    } else if (samples == 0 && (search == Search.RANDOM || distribution != null)) {
      f.problem("sweep.samples", "required with sweep.search " + search.key() + (distribution == null ? ""
          : " and a distribution (" + distribution + ")") + ": how many points to draw");
    }
    boolean axesRead = f.problems().stream().noneMatch(p -> p.startsWith("sweep.mlp."));
    if (search != Search.GRID && samples > 0 && axesRead && axes.values().stream().noneMatch(a -> a instanceof MlpAxis.Uniform
        || a instanceof MlpAxis.LogUniform)) {
      long distinct = 1;   // a discrete space: the product of each axis's distinct values
      for (MlpAxis a : axes.values()) {
        long count = a instanceof MlpAxis.IntUniform i ? i.high() - i.low() + 1
            : (a instanceof MlpAxis.Choice c ? c.values() : ((MlpAxis.Values) a).values()).stream().distinct().count();
        distinct = Math.min(Integer.MAX_VALUE, distinct * Math.min(count, Integer.MAX_VALUE));
      }
      if (samples > distinct) {
        f.problem("sweep.samples", samples + " is more than the " + distinct + " distinct point"
            + (distinct == 1 ? "" : "s") + " that sweep.mlp's lists and ranges make");
      }
    }
    if (samples == 0 && f.has("sweep.seed")) {
      f.problem("sweep.seed", "applies when points are drawn (sweep.samples)");
    }
  }

  private static String defaultName(String source) {
    String base = source.substring(source.lastIndexOf('/') + 1);
    return base.replaceAll("\\.ya?ml$", "");
  }

  /** SHA-256 over the effective keys and values in key order: equal configs hash equal. */
  private static String sha256(Map<String, JsonNode> flat) {
    StringBuilder canonical = new StringBuilder();
    flat.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> canonical.append(e.getKey()).append('=').append(e.getValue()).append('\n'));
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e instanceof java.io.FileNotFoundException ? "no such file"
        : (m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m));
  }
}
