package io.ridgeline.cv;

import io.ridgeline.config.Metric;
import io.ridgeline.config.SelectionRule;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The selection rules over cross-validated means.
 *
 * <ul>
 *   <li>{@code min}: the point with the best mean (ties: the larger λ, then the larger α).
 *   <li>{@code one-se}: on one α's λ path, the largest λ whose mean is within one standard error of
 *       that path's best mean (mean ≤ best + se_best when lower is better, ≥ best − se_best when higher),
 *       glmnet's {@code lambda.1se}.
 * </ul>
 * Both are applied per α and over all α. Over all α, {@code one-se} applies the rule on the path of
 * the α that holds the overall best point: λ values of different α are not comparable measures of
 * simplicity, so the rule never trades one α for another.
 */
public final class Selection {
  private Selection() {}

  /** A grid point's cross-validated mean and standard error of the selecting metric. */
  public record Scored(int point, double alpha, double lambda, double mean, double se) {}

  /**
   * A chosen point.
   *
   * @param scope "all" (over every α) or "alpha" (within the path of {@code point.alpha})
   */
  public record Choice(String scope, SelectionRule rule, Scored point) {}

  public static Scored best(List<Scored> points, Metric metric) {
    Scored best = null;
    for (Scored p : points) {
      if (Double.isNaN(p.mean())) continue;
      if (best == null || metric.better(p.mean(), best.mean())
          || (p.mean() == best.mean() && (p.lambda() > best.lambda()
              || (p.lambda() == best.lambda() && p.alpha() > best.alpha())))) {
        best = p;
      }
    }
    if (best == null) throw new IllegalStateException("no grid point has a defined " + metric.key());
    return best;
  }

  /** The one-standard-error choice on a single α's path. */
  public static Scored oneSe(List<Scored> path, Metric metric) {
    Scored best = best(path, metric);
    double se = Double.isNaN(best.se()) ? 0 : best.se();
    double bound = metric.higherIsBetter() ? best.mean() - se : best.mean() + se;
    Scored chosen = best;
    for (Scored p : path) {
      boolean within = metric.higherIsBetter() ? p.mean() >= bound : p.mean() <= bound;
      if (within && p.lambda() > chosen.lambda()) chosen = p;
    }
    return chosen;
  }

  /**
   * Both rules over all α, then both rules per α (in increasing α). Points without α and λ (named
   * parameters, mlp) have no λ path to be simple along: only {@code min} over all.
   */
  public static List<Choice> choose(List<Scored> points, Metric metric) {
    List<Choice> out = new ArrayList<>();
    Scored overall = best(points, metric);
    out.add(new Choice("all", SelectionRule.MIN, overall));
    if (Double.isNaN(overall.alpha())) return out;
    out.add(new Choice("all", SelectionRule.ONE_SE, oneSe(onPath(points, overall.alpha()), metric)));
    TreeSet<Double> alphas = new TreeSet<>();
    points.forEach(p -> alphas.add(p.alpha()));
    for (double alpha : alphas) {
      List<Scored> path = onPath(points, alpha);
      out.add(new Choice("alpha", SelectionRule.MIN, best(path, metric)));
      out.add(new Choice("alpha", SelectionRule.ONE_SE, oneSe(path, metric)));
    }
    return out;
  }

  private static List<Scored> onPath(List<Scored> points, double alpha) {
    return points.stream().filter(p -> p.alpha() == alpha).toList();
  }
}
