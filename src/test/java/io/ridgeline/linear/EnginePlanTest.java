package io.ridgeline.linear;

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

  @Test
  void mllibWhereNoEngineFits() {
    // Ridge on 20,000 features: every model's working set is all of them, (k+1)·p²/2 = 9 GB.
    EnginePlan ridge = plan(false, 20_000, 2, true, GB);
    assertEquals("mllib", ridge.engine(), ridge.line());
    assertTrue(ridge.line().contains("ridge Hessians"), ridge.line());
    // Multinomial beyond the dense engine's budget: there is no wide multinomial engine.
    assertEquals("mllib", plan(false, 1000, 5, false, GB).engine());
    // 10,000,000 features: β and gradients alone exceed the budget.
    assertEquals("mllib", plan(true, 10_000_000, 0, false, GB).engine());
  }
}
