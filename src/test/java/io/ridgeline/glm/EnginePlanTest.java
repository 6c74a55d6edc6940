package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code run.engine: auto}'s memory plan: the dense engines where their p² statistics fit, the wide
 * engines where they do not, MLlib where neither fits; no chosen plan holds more than its budget, and the
 * log line names the plan and its figures.
 */
class EnginePlanTest {
  private static final long GB = 1L << 30;

  private static EnginePlan plan(boolean linear, int p, int classes, boolean ridge, long heap) {
    EnginePlan plan = EnginePlan.choose(new EnginePlan.Shape(linear, p, classes, 5, 3, ridge), heap);
    assertTrue(plan.bytes() <= plan.budget(), plan.line());
    assertTrue(plan.line().startsWith("engine: " + plan.engine() + " ("), plan.line());
    return plan;
  }

  @Test
  void denseWhereTheirStatisticsFit() {
    EnginePlan g = plan(true, 50, 0, true, GB);
    assertEquals("gaussian-dense", g.engine());
    assertTrue(g.line().contains("of 256 MB budget"), g.line());
    assertEquals("logistic-dense", plan(false, 300, 2, true, GB).engine());   // past the old 256-feature cap
    assertEquals("logistic-dense", plan(false, 100, 5, true, GB).engine());
  }

  @Test
  void wideWhereDenseWouldNotFit() {
    // gaussian-dense at p = 4000 needs 5·p²/2 + 2p² doubles = 576 MB: over a 1 GB heap's 256 MB budget.
    EnginePlan g = plan(true, 4000, 0, false, GB);
    assertEquals("wide-gaussian", g.engine(), g.line());
    assertEquals("gaussian-dense", plan(true, 4000, 0, false, 4 * GB).engine());
    // Beyond MLlib's normal equations the dense engine's convention does not hold, however big the heap.
    assertEquals("wide-gaussian", plan(true, 5000, 0, false, 64 * GB).engine());
    EnginePlan b = plan(false, 20_000, 2, false, GB);
    assertEquals("wide-binomial", b.engine(), b.line());
    assertTrue(b.maxWorking() >= 64 && b.maxWorking() < 20_000, b.line());
    assertTrue(b.passBudget() >= 3 + 20_000, b.line());
  }

  /**
   * Where one training set fits a task, coordinate descent in the task (no p² anywhere, so ridge on
   * 20,000 features too); the same shape with too little task memory falls to the working sets or MLlib.
   */
  @Test
  void inTaskWhereATrainingSetFitsATask() {
    // 50,000 rows × 20,000 features, 30 stored entries a row: 12·1.5M + 56·50,000 + … ≈ 25 MB a task.
    EnginePlan cd = EnginePlan.choose(new EnginePlan.Shape(false, 20_000, 2, 5, 2, true, 50_000, 1_500_000,
        256L << 20), GB);
    assertEquals("cd-binomial", cd.engine(), cd.line());
    assertTrue(cd.line().contains("a training set per task"), cd.line());
    assertTrue(cd.bytes() <= cd.budget(), cd.line());
    EnginePlan linear = EnginePlan.choose(new EnginePlan.Shape(true, 10_000, 0, 5, 3, true, 200_000, 4_000_000,
        256L << 20), GB);
    assertEquals("cd-gaussian", linear.engine(), linear.line());
    // 10M rows × 50 dense features: 6 GB a task; the dense engine still serves it first.
    assertEquals("gaussian-dense", EnginePlan.choose(new EnginePlan.Shape(true, 50, 0, 5, 3, true, 10_000_000,
        500_000_000, 256L << 20), GB).engine());
    // Binomial on sparse rows within the dense budget: in-task where 200·(stored a row) < p²; dense rows
    // (correlated columns make descent slow) stay with the dense engine.
    assertEquals("cd-binomial", EnginePlan.choose(new EnginePlan.Shape(false, 1000, 2, 5, 3, true, 50_000,
        1_000_000, 256L << 20), GB).engine());
    assertEquals("logistic-dense", EnginePlan.choose(new EnginePlan.Shape(false, 300, 2, 5, 3, true, 50_000,
        15_000_000, 256L << 20), GB).engine());
    EnginePlan tight = EnginePlan.choose(new EnginePlan.Shape(false, 20_000, 2, 5, 2, false, 50_000, 1_500_000,
        8L << 20), GB);
    assertEquals("wide-binomial", tight.engine(), tight.line());
    // Multinomial past the dense engine's budget (720 MB of 256 MB here): in-task too.
    EnginePlan multinomial = EnginePlan.choose(new EnginePlan.Shape(false, 1000, 5, 5, 3, false, 50_000, 1_000_000,
        256L << 20), GB);
    assertEquals("cd-multinomial", multinomial.engine(), multinomial.line());
    assertEquals("mllib", EnginePlan.choose(new EnginePlan.Shape(false, 1000, 5, 5, 3, false, 50_000, 1_000_000,
        8L << 20), GB).engine());
  }

  @Test
  void mllibWhereNoEngineFits() {
    // Ridge on 20,000 features: every model's working set is all of them, (k+1)·p²/2 = 9 GB.
    EnginePlan ridge = plan(false, 20_000, 2, true, GB);
    assertEquals("mllib", ridge.engine(), ridge.line());
    assertTrue(ridge.line().contains("ridge Hessians"), ridge.line());
    // Multinomial beyond the dense engine's budget, its task memory unknown.
    assertEquals("mllib", plan(false, 1000, 5, false, GB).engine());
    // 10,000,000 features: β and gradients alone exceed the budget.
    assertEquals("mllib", plan(true, 10_000_000, 0, false, GB).engine());
  }
}
