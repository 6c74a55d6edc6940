package io.ridgeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final String MINIMAL = """
      data:
        path: data-samples/diabetes.csv
        label: progression
      model:
        family: linear
      """;

  private static SweepSpec parse(String yaml, String... overrides) {
    return ConfigLoader.parse(yaml, "test.yaml", List.of(overrides));
  }

  private static List<String> problems(String yaml, String... overrides) {
    return assertThrows(ConfigException.class, () -> parse(yaml, overrides)).problems();
  }

  @Test
  void minimalConfigGetsDocumentedDefaults() {
    SweepSpec s = parse(MINIMAL);
    assertEquals(DataFormat.CSV, s.data().format(), "format from the .csv extension");
    assertNull(s.data().features(), "features default to all");
    assertEquals(Family.LINEAR, s.model().family());
    assertTrue(s.model().standardize());
    assertTrue(s.model().intercept());
    assertEquals(List.of(1.0), s.sweep().alphas());
    assertNull(s.sweep().lambdaValues());
    assertEquals(20, s.sweep().pathCount());
    assertEquals(5, s.cv().folds());
    assertFalse(s.cv().stratify(), "regression is not stratified by default");
    assertEquals(Metric.RMSE, s.cv().metric());
    assertEquals(SelectionRule.MIN, s.cv().rule());
    assertEquals("test", s.name());
    assertEquals(64, s.sha256().length());
  }

  @Test
  void classificationDefaultsToStratifiedFoldsAndLogLoss() {
    SweepSpec s = parse(MINIMAL, "model.family=logistic");
    assertTrue(s.cv().stratify());
    assertEquals(Metric.LOGLOSS, s.cv().metric());
  }

  @Test
  void misspelledKeyIsRejectedWithTheNearestKey() {
    List<String> p = problems(MINIMAL + "cv:\n  fold: 10\n");
    assertEquals(List.of("cv.fold: unknown key (did you mean 'cv.folds'?)"), p);
  }

  @Test
  void everyProblemIsReportedAtOnceNamingKeyAndValue() {
    List<String> p = problems(MINIMAL + """
        sweep:
          alpha: [0.5, 1.5]
          lambda:
            values: [0.1, -1]
        cv:
          folds: 1
          metric: auc
        """);
    assertEquals(4, p.size(), p.toString());
    assertTrue(p.contains("sweep.alpha = 1.5: every value must be a number in [0, 1]"), p.toString());
    assertTrue(p.contains("sweep.lambda.values = -1: every value must be a number in (0, ∞]"), p.toString());
    assertTrue(p.contains("cv.folds = 1: expected a whole number from 2 to 1000"), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("cv.metric: 'auc' does not apply to model.family linear")),
        p.toString());
  }

  @Test
  void messageLinesNameTheSource() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(MINIMAL, "cv.folds=0"));
    assertEquals("test.yaml: cv.folds = 0: expected a whole number from 2 to 1000", e.getMessage());
  }

  @Test
  void missingRequiredKeysAreNamed() {
    List<String> p = problems("model:\n  family: linear\n");
    assertTrue(p.contains("data.path: required: where the data is"), p.toString());
    assertTrue(p.contains("data.label: required: the label column"), p.toString());
  }

  @Test
  void setOverridesAnyKeyAndNullRemovesASubtree() {
    String withPath = MINIMAL + "sweep:\n  lambda:\n    path: {count: 7, minRatio: 0.01}\n";
    SweepSpec s = parse(withPath, "cv.folds=10", "sweep.alpha=[0, 0.5]", "sweep.lambda.path=null",
        "sweep.lambda.values=[0.01, 1, 0.1]", "data.features=[bmi, bp]");
    assertEquals(10, s.cv().folds());
    assertEquals(List.of(0.0, 0.5), s.sweep().alphas());
    assertEquals(List.of(1.0, 0.1, 0.01), s.sweep().lambdaValues(), "λ values sorted decreasing");
    assertEquals(List.of("bmi", "bp"), s.data().features());
    assertTrue(s.text().contains("# --set cv.folds=10"), "overrides are kept in the recorded config text");
  }

  @Test
  void valuesAndPathTogetherAreRefused() {
    List<String> p = problems(MINIMAL + "sweep:\n  lambda:\n    values: [1]\n    path: {count: 3}\n");
    assertEquals(List.of("sweep.lambda: give either sweep.lambda.values or sweep.lambda.path, not both"), p);
  }

  @Test
  void malformedYamlNamesTheLine() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("data:\n  path: [a, b\nmodel: x\n"));
    assertTrue(e.getMessage().startsWith("test.yaml: malformed YAML at line "), e.getMessage());
  }

  @Test
  void badOverrideIsNamed() {
    assertEquals(List.of("--set cv.folds: expected key=value"), problems(MINIMAL, "cv.folds"));
  }

  @Test
  void unknownChoiceListsTheChoices() {
    assertEquals(List.of("model.family = 'tree': expected one of linear, logistic, mlp"),
        problems(MINIMAL, "model.family=tree"));
  }

  @Test
  void equalConfigsHashEqualAndOverridesChangeTheHash() {
    assertEquals(parse(MINIMAL).sha256(), parse("# a comment\n" + MINIMAL).sha256());
    assertFalse(parse(MINIMAL).sha256().equals(parse(MINIMAL, "cv.folds=3").sha256()));
  }

  @Test
  void missingFileIsOneLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load("target/no-such-config.yaml", List.of()));
    assertEquals("target/no-such-config.yaml: cannot read the config file (no such file)", e.getMessage());
  }
  // ---- MLP ranges and search ----

  private static final String MLP = "data:\n  path: data-samples/wine.csv\n  label: cultivar\nmodel:\n  family: mlp\n";

  @Test
  void rangesAndSearchParseFromTheFileAndFromSet() {
    SweepSpec s = parse(MLP + """
        sweep:
          search: random
          samples: 5
          mlp:
            dropout: {uniform: [0.1, 0.5]}
            learningRate: {logUniform: [0.0001, 0.1]}
            batchSize: {intUniform: [16, 128]}
            activation: {choice: [relu, tanh]}
            batchNorm: [false, true]
        """);
    assertEquals(new MlpAxis.Uniform(0.1, 0.5), s.sweep().mlp().get("dropout"));
    assertEquals(new MlpAxis.LogUniform(1e-4, 0.1), s.sweep().mlp().get("learningRate"));
    assertEquals(new MlpAxis.IntUniform(16, 128), s.sweep().mlp().get("batchSize"));
    assertEquals("{choice: [\"relu\", \"tanh\"]}", s.sweep().mlp().get("activation").describe());
    assertFalse(s.sweep().mlp().get("batchNorm").isDistribution(), "a list is a list");
    assertEquals(Search.RANDOM, s.sweep().search());
    assertEquals(5, s.sweep().samples());
    assertEquals(ConfigLoader.DEFAULT_SWEEP_SEED, s.sweep().seed());
    assertNull(s.sweep().halving());

    SweepSpec o = parse(MLP, "sweep.search=halving", "sweep.samples=9", "sweep.seed=7",
        "sweep.mlp.dropout={uniform: [0.1, 0.5]}", "sweep.halving={eta: 3, minEpochs: 2, maxEpochs: 18}");
    assertEquals(new MlpAxis.Uniform(0.1, 0.5), o.sweep().mlp().get("dropout"), "a mapping given with --set");
    assertEquals(new SweepSpec.HalvingSpec(3, 2, 18), o.sweep().halving());
    assertEquals(7, o.sweep().seed());
    assertEquals(new SweepSpec.HalvingSpec(3, 0, 0), parse(MLP, "sweep.search=halving").sweep().halving(),
        "halving over the grid of the lists, budgets from the estimator");
  }

  @Test
  void gridIsTheDefaultSearch() {
    SweepSpec s = parse(MLP + "sweep:\n  mlp:\n    dropout: [0, 0.3]\n");
    assertEquals(Search.GRID, s.sweep().search());
    assertEquals(0, s.sweep().samples());
    assertFalse(s.sweep().drawn());
  }

  @Test
  void badRangesAreOneLineNamingTheKey() {
    String[] random = {"sweep.search=random", "sweep.samples=3"};
    assertEquals(List.of("sweep.mlp.dropout = {uniform: [0.5, 0.1]}: expected [low, high], two numbers with low < high"),
        problems(MLP + "sweep:\n  mlp:\n    dropout: {uniform: [0.5, 0.1]}\n", random));
    assertEquals(List.of("sweep.mlp.learningRate = {logUniform: [0, 1]}: expected [low, high], two numbers with "
        + "0 < low < high (a log scale)"), problems(MLP, with(random, "sweep.mlp.learningRate={logUniform: [0, 1]}")));
    assertEquals(List.of("sweep.mlp.dropout: unknown distribution 'unifrom' (did you mean 'uniform'?): expected a "
        + "list of values or one of uniform, logUniform, intUniform, choice"),
        problems(MLP, with(random, "sweep.mlp.dropout={unifrom: [0, 0.5]}")));
    assertEquals(List.of("sweep.mlp.batchSize = {intUniform: [16.5, 64]}: expected [low, high], two whole numbers "
        + "with low < high (both included)"), problems(MLP, with(random, "sweep.mlp.batchSize={intUniform: [16.5, 64]}")));
    assertEquals(List.of("sweep.mlp.dropout = {uniform: [0.1]}: expected [low, high], two numbers with low < high"),
        problems(MLP, with(random, "sweep.mlp.dropout={uniform: [0.1]}")));
    assertEquals(List.of("sweep.mlp.activation = {choice: []}: expected a non-empty list of values"),
        problems(MLP, with(random, "sweep.mlp.activation={choice: []}")));
    assertEquals(List.of("sweep.mlp.dropout: give one distribution, not choice and uniform"),
        problems(MLP, with(random, "sweep.mlp.dropout={uniform: [0, 0.5], choice: [0.1]}")));
    assertEquals(List.of("sweep.mlp.dropout: expected a list of values or one of uniform, logUniform, intUniform, "
        + "choice (e.g. {uniform: [0, 0.5]})"), problems(MLP + "sweep:\n  mlp:\n    dropout: {}\n", random));
  }

  @Test
  void searchSamplesSeedAndHalvingMustFitTogether() {
    assertEquals(List.of("sweep.mlp.dropout: a distribution needs sweep.search random or halving (sweep.search is grid)"),
        problems(MLP, "sweep.mlp.dropout={uniform: [0, 0.5]}"));
    assertEquals(List.of("sweep.samples: required with sweep.search random: how many points to draw"),
        problems(MLP, "sweep.search=random", "sweep.mlp.dropout=[0, 0.5]"));
    assertEquals(List.of("sweep.samples: required with sweep.search halving and a distribution (sweep.mlp.dropout): "
        + "how many points to draw"), problems(MLP, "sweep.search=halving", "sweep.mlp.dropout={uniform: [0, 0.5]}"));
    assertEquals(List.of("sweep.samples: applies to sweep.search random or halving (sweep.search is grid)"),
        problems(MLP, "sweep.samples=4"));
    assertEquals(List.of("sweep.samples: 5 is more than the 4 distinct points that sweep.mlp's lists and ranges make"),
        problems(MLP, "sweep.search=random", "sweep.samples=5", "sweep.mlp.dropout=[0, 0.5]",
            "sweep.mlp.batchSize={intUniform: [31, 32]}"));
    assertEquals(List.of("sweep.seed: applies when points are drawn (sweep.samples)"),
        problems(MLP, "sweep.seed=3", "sweep.mlp.dropout=[0, 0.5]"));
    assertEquals(List.of("sweep.halving: applies to sweep.search halving (sweep.search is random)"),
        problems(MLP, "sweep.search=random", "sweep.samples=2", "sweep.halving.eta=2",
            "sweep.mlp.dropout={uniform: [0, 0.5]}"));
    assertEquals(List.of("sweep.halving.minEpochs: 9 is more than sweep.halving.maxEpochs 3"),
        problems(MLP, "sweep.search=halving", "sweep.halving={minEpochs: 9, maxEpochs: 3}"));
    assertEquals(List.of("sweep.halving.eta = 1: expected a whole number from 2 to 1000"),
        problems(MLP, "sweep.search=halving", "sweep.halving.eta=1"));
    assertEquals(List.of("sweep.search: random applies to model.family mlp (linear and logistic sweep a λ path)"),
        problems(MINIMAL, "sweep.search=random"));
  }

  private static String[] with(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
