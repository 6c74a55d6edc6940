package io.ridgeline.bench;

import io.ridgeline.config.BadInputException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import io.ridgeline.config.Family;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The bench's data generator: shape, sparsity, labels, determinism, calibration. */
class SyntheticDataTest {
  private static final SparkSession spark = TestSpark.session();
  private static final int P = 50;
  private static final int NONZEROS = 7;

  private static List<Row> rows(SyntheticData truth, long n, long seed) {
    return truth.frame(spark, n, 3, seed).collectAsList();
  }

  @Test
  void sparseRowsHaveExactlyTheNonzerosAtDistinctIndicesAndLabelsInRange() {
    for (int classes : new int[] {0, 2, 4}) {
      Family family = classes == 0 ? Family.LINEAR : Family.LOGISTIC;
      SyntheticData truth = SyntheticData.of(family, P, classes, NONZEROS, 11);
      List<Row> rows = rows(truth, 300, 5);
      assertEquals(300, rows.size());
      assertEquals(List.of(SyntheticData.FEATURES, SyntheticData.LABEL), List.of(rows.get(0).schema().fieldNames()));
      boolean[] seen = new boolean[Math.max(classes, 1)];
      for (Row r : rows) {
        Vector v = r.getAs(SyntheticData.FEATURES);
        SparseVector s = assertInstanceOfSparse(v);
        assertEquals(P, s.size());
        assertEquals(NONZEROS, s.indices().length);
        assertEquals(NONZEROS, s.numNonzeros());
        for (int i = 0; i < NONZEROS; i++) {
          assertTrue(s.indices()[i] >= 0 && s.indices()[i] < P);
          if (i > 0) assertTrue(s.indices()[i] > s.indices()[i - 1], "indices strictly increasing");
        }
        double y = r.getDouble(1);
        assertTrue(Double.isFinite(y));
        if (classes > 0) {
          assertEquals(Math.rint(y), y);
          assertTrue(y >= 0 && y < classes, "label " + y + " out of 0.." + (classes - 1));
          seen[(int) y] = true;
        }
      }
      if (classes > 0) for (boolean s : seen) assertTrue(s, "every class occurs in 300 rows");
    }
  }

  private static SparseVector assertInstanceOfSparse(Vector v) {
    assertTrue(v instanceof SparseVector, "a sparse row must be a SparseVector, not " + v.getClass().getSimpleName());
    return (SparseVector) v;
  }

  @Test
  void theSameSeedGivesTheSameRowsAndAnotherSeedOthers() {
    SyntheticData truth = SyntheticData.of(Family.LOGISTIC, P, 3, NONZEROS, 11);
    assertEquals(rows(truth, 200, 5), rows(SyntheticData.of(Family.LOGISTIC, P, 3, NONZEROS, 11), 200, 5));
    assertNotEquals(rows(truth, 200, 5), rows(truth, 200, 6));
    assertArrayEquals(truth.beta(), SyntheticData.of(Family.LOGISTIC, P, 3, NONZEROS, 11).beta());
    assertEquals(3 * P, truth.beta().length, "one coefficient vector per class for multinomial");
    assertEquals(3 * Math.max(1, P / 4), Arrays.stream(truth.beta()).filter(b -> b != 0).count(),
        "a quarter of each class's coefficients non-zero");
    assertEquals(3 * 2, Arrays.stream(SyntheticData.of(Family.LOGISTIC, P, 3, NONZEROS, 2, 11).beta())
        .filter(b -> b != 0).count(), "--informative 2: two non-zero coefficients per class");
  }

  @Test
  void denseRowsKeepTheirColumnsAndMultinomialLabels() {
    SyntheticData truth = SyntheticData.of(Family.LOGISTIC, 6, 3, 0, 2);
    List<Row> rows = rows(truth, 100, 1);
    assertEquals(List.of("x1", "x2", "x3", "x4", "x5", "x6", "y"), List.of(rows.get(0).schema().fieldNames()));
    for (Row r : rows) {
      double y = r.getDouble(6);
      assertTrue(y == 0 || y == 1 || y == 2, "label " + y);
    }
  }

  /**
   * Dense multinomial: η = xᵀβ_k is exactly normal, so the Bayes rule (argmax η) must reach the
   * calibrated accuracy 0.85 up to sampling error: 4000 rows give sd 0.0056, the calibration's 20,000
   * draws 0.0025; measured 0.8533. Tolerance 0.03 (~5 sd).
   */
  @Test
  void multinomialSignalIsCalibratedToTheBayesAccuracy() {
    int p = 20;
    SyntheticData truth = SyntheticData.of(Family.LOGISTIC, p, 4, 0, 3);
    int right = 0;
    List<Row> rows = rows(truth, 4000, 9);
    for (Row r : rows) {
      int best = 0;
      double bestEta = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < 4; k++) {
        double eta = 0;
        for (int j = 0; j < p; j++) eta += truth.beta()[k * p + j] * r.getDouble(j);
        if (eta > bestEta) {
          bestEta = eta;
          best = k;
        }
      }
      if (best == (int) r.getDouble(p)) right++;
    }
    double accuracy = right / 4000.0;
    System.out.printf("multinomial Bayes-rule accuracy %.4f (calibrated 0.85)%n", accuracy);
    assertEquals(0.85, accuracy, 0.03);
  }

  /** Floyd's sampling: distinct sorted indices, every index equally likely (3 of 10, 20,000 draws). */
  @Test
  void sampledIndicesAreDistinctSortedAndUniform() {
    Random rnd = new Random(1);
    int[] counts = new int[10];
    for (int d = 0; d < 20_000; d++) {
      int[] idx = SyntheticData.sampleIndices(rnd, 10, 3);
      for (int i = 1; i < 3; i++) assertTrue(idx[i] > idx[i - 1]);
      for (int i : idx) counts[i]++;
    }
    // Expected 6000 each, sd √(6000·0.7) ≈ 65 (1.1 %); measured worst deviation 71 (1.2 %); tolerance 300 (5 %).
    int worst = Arrays.stream(counts).map(c -> Math.abs(c - 6000)).max().getAsInt();
    System.out.printf("index counts %s, worst deviation %d%n", Arrays.toString(counts), worst);
    for (int c : counts) assertEquals(6000, c, 300);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, SyntheticData.sampleIndices(rnd, 5, 5), "m = p takes every index");
  }

  @Test
  void badSizesAreRefusedNamingTheOption() {
    BadInputException e = assertThrows(BadInputException.class,
        () -> SyntheticData.of(Family.LINEAR, 10, 0, 11, 1));
    assertTrue(e.getMessage().startsWith("--sparse"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> SyntheticData.of(Family.LOGISTIC, 10, 1, 0, 1));
    assertTrue(e.getMessage().startsWith("--classes"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> SyntheticData.of(Family.LOGISTIC, 10, 2, 0, 11, 1));
    assertTrue(e.getMessage().startsWith("--informative"), e.getMessage());
  }
}
