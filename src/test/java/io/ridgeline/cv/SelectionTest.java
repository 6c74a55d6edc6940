package io.ridgeline.cv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ridgeline.config.Metric;
import io.ridgeline.config.SelectionRule;
import io.ridgeline.cv.Selection.Choice;
import io.ridgeline.cv.Selection.Scored;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionTest {
  // One α = 1 path, λ decreasing; rmse means and standard errors made by hand.
  private static final List<Scored> LASSO = List.of(
      new Scored(0, 1, 10.0, 9.0, 0.5),
      new Scored(1, 1, 5.0, 7.2, 0.5),
      new Scored(2, 1, 2.0, 6.6, 0.4),
      new Scored(3, 1, 1.0, 6.5, 0.3),   // best
      new Scored(4, 1, 0.5, 6.7, 0.3));

  @Test
  void minPicksTheBestMean() {
    assertEquals(3, Selection.best(LASSO, Metric.RMSE).point());
  }

  @Test
  void oneSePicksTheLargestLambdaWithinOneStandardErrorOfTheBest() {
    // bound = 6.5 + 0.3 = 6.8: points 2 (6.6), 3 and 4 qualify; point 1 (7.2) does not.
    assertEquals(2, Selection.oneSe(LASSO, Metric.RMSE).point());
  }

  @Test
  void oneSeForAMetricWhereHigherIsBetter() {
    List<Scored> auc = List.of(
        new Scored(0, 1, 10.0, 0.80, 0.02),
        new Scored(1, 1, 5.0, 0.905, 0.01),
        new Scored(2, 1, 2.0, 0.92, 0.02),  // best; bound 0.90
        new Scored(3, 1, 1.0, 0.91, 0.02));
    assertEquals(2, Selection.best(auc, Metric.AUC).point());
    assertEquals(1, Selection.oneSe(auc, Metric.AUC).point());
  }

  @Test
  void tiesGoToTheSimplerModel() {
    List<Scored> tied = List.of(new Scored(0, 1, 1.0, 5.0, 0.1), new Scored(1, 1, 2.0, 5.0, 0.1));
    assertEquals(1, Selection.best(tied, Metric.MSE).point());
  }

  @Test
  void overAllAlphasOneSeStaysOnTheBestAlphasPath() {
    List<Scored> grid = new java.util.ArrayList<>(LASSO);
    // α = 0.5: its best (6.45) beats the lasso's; a large λ at α = 0.5 is within one se of it.
    grid.add(new Scored(5, 0.5, 20.0, 6.70, 0.2));
    grid.add(new Scored(6, 0.5, 4.0, 6.45, 0.3));
    grid.add(new Scored(7, 0.5, 1.0, 6.60, 0.3));
    List<Choice> c = Selection.choose(grid, Metric.RMSE);
    assertEquals(6, c.size(), "2 overall + 2 per α");
    assertEquals(new Choice("all", SelectionRule.MIN, grid.get(6)), c.get(0));
    assertEquals(new Choice("all", SelectionRule.ONE_SE, grid.get(5)), c.get(1));
    assertEquals(new Choice("alpha", SelectionRule.MIN, grid.get(6)), c.get(2));
    assertEquals(new Choice("alpha", SelectionRule.ONE_SE, grid.get(5)), c.get(3));
    assertEquals(new Choice("alpha", SelectionRule.MIN, grid.get(3)), c.get(4));
    assertEquals(new Choice("alpha", SelectionRule.ONE_SE, grid.get(2)), c.get(5));
  }

  @Test
  void foldStatisticsUseTheSampleStdAndSeOverSqrtK() {
    FoldStatistics s = FoldStatistics.of(new double[] {1, 2, 3, 4});
    assertEquals(2.5, s.mean(), 1e-15);
    assertEquals(Math.sqrt(5.0 / 3), s.std(), 1e-15);
    assertEquals(Math.sqrt(5.0 / 3) / 2, s.se(), 1e-15);
    FoldStatistics withUndefined = FoldStatistics.of(new double[] {1, Double.NaN, 3});
    assertEquals(2, withUndefined.folds());
    assertEquals(2.0, withUndefined.mean(), 1e-15);
  }
}
