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
}
