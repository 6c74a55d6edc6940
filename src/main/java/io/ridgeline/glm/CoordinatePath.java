package io.ridgeline.glm;

import java.io.Serializable;
import java.util.Arrays;

/**
 * glmnet's algorithm on one training set held by one task ({@link TrainingColumns}): naive coordinate
 * descent over columns (each update ∝ the column's stored entries), the intercept profiled out by
 * implicit centring, sequential strong rules and KKT checks over every feature, warm starts down each
 * α's λ path; binomial by Newton (IRLS) steps whose quadratic is minimized by the same descent. The
 * objective is exactly MLlib's ({@link WidePath} states it; {@link TrainingSet} holds its σ_j, π_j and
 * scales).
 *
 * <p><b>Gaussian</b>: with u = y − Xβ kept up to date and ū its weighted mean (b₀ = ū at the optimum
 * over b₀), μ_j and v_j the weighted mean and population variance of column j,
 * <pre>
 *   g_j = (1/W)·Σ_i w_i x_ij u_i − μ_j·ū,   β_j ← S(g_j + v_jβ_j, l1·π_j) / (v_j + l2·π_j²)
 * </pre>
 * and a change δ updates u over column j's entries and ū −= δμ_j (without intercept μ_j = ū = 0).
 *
 * <p><b>Binomial</b>: at η = b₀ + Xβ, with p_i = σ(η_i), v_i = w_i p_i(1 − p_i), r_i = w_i(y_i − p_i),
 * the Newton quadratic in the step is minimized with b₀ profiled out by v-weighted centring: m_j =
 * Σv x_ij / Σv, a_j = (1/W)(Σv x_ij² − Σv·m_j²), the working residual s = r − v·Δη kept as s' + v·c
 * (s' updated over column j's entries, c += δm_j), so g_j = (1/W)(Σ x_ij s'_i + c·Σv·m_j). A step that
 * raises the objective is halved towards the last accepted point. Each step's quadratic is solved
 * inexactly ({@link #innerTolerance}: 10% of the last step squared, at most 1e−2), and a step that predicts
 * convergence is followed by one solved fully before the point is checked. A λ is solved when Newton's
 * predicted error C·d² ({@link LogisticEngine#PREDICTED_ERROR}, d the step in fitted values) is small and
 * no feature at 0 violates its KKT condition |∇_j| ≤ λαπ_j (+1e−11·σ_j·σ_y).
 *
 * <p>Descent on the working set C (the active features and the strong set {|∇_j| &gt; α(2λ − λ_prev)π_j},
 * grown by KKT violators): a sweep over C, then sweeps over its non-zero coefficients until no move
 * exceeds 1e−13·σ_y (|δ_j|·σ_j), then a sweep over C again, until a sweep over C moves nothing. The
 * sweeps over the non-zero coefficients are Anderson-extrapolated ({@link AndersonExtrapolation}, kept
 * when the objective falls), as are a multinomial path's cycles: where the active set is nearly as large
 * as the rows (the quadratic ill-conditioned) descent alone needs hundreds of sweeps a λ.
 */
final class CoordinatePath {
  private static final double DESCENT_TOLERANCE = 1e-13;
  /** The loosest inner tolerance of a Newton step (see {@link #innerTolerance}). */
  private static final double LOOSEST_INNER = 1e-2;
  /** A descent tolerance that ends it after one sweep over C (a multinomial cycle's class steps). */
  private static final double ONE_SWEEP = Double.POSITIVE_INFINITY;
  private static final double KKT_SLACK = 1e-11;
  private static final int MAX_NEWTON = 500;
  private static final int MAX_HALVINGS = 60;
  private static final long MAX_SWEEPS = 1_000_000;

  /**
   * One solution in the blocks' stored coordinates: per class (one for gaussian and binomial) the non-zero
   * coefficients and the intercept; the sweeps over the working set (gaussian), Newton steps (binomial) or
   * cycles over the classes (multinomial); whether every condition held.
   */
  record Fit(int[][] index, double[][] value, double[] intercept, int iterations, boolean converged)
      implements Serializable {}

  private final TrainingColumns x;
  private final TrainingSet set;
  private final boolean binomial;
  /** 0 gaussian, 2 binomial, K ≥ 3 multinomial. */
  private final int classes;
  private final boolean intercept;
  private final int n;
  private final int p;
  /** Column means (weights w for gaussian, v for binomial's current step) and curvatures. */
  private final double[] mu;
  private final double[] curvature;
  /** The Newton step (a count) whose v each column's m_j and a_j are of: gathered at its first update. */
  private final long[] curvatureStep;
  private long newtonSteps;
  /** The working set: members, and membership. */
  private int[] working;
  private int size;
  private final boolean[] in;
  private long sweeps;
  private boolean capped;
  private final AndersonExtrapolation anderson = new AndersonExtrapolation(AndersonExtrapolation.DEPTH);
  /** Multinomial: the extrapolation of whole cycles, over a layout of C's length. */
  private final AndersonExtrapolation cycles = new AndersonExtrapolation(AndersonExtrapolation.DEPTH);
  private int cycleLength = -1;
  private int[] cycleSupport;
  private double[] cyclePoint;
  private double[] cycleSaved;
  /** Multinomial: exp(η_ik − c_i) and the rows' references c_i (see {@link #softmax}). */
  private double[][] exps;
  private double[] reference;
  private double[] saved = new double[0];
  /** A row-length scratch vector (fitted-value changes in a reset). */
  private final double[] scratch;

  private CoordinatePath(TrainingColumns x, TrainingSet set, int classes, boolean intercept) {
    this.x = x;
    this.set = set;
    this.classes = classes;
    this.binomial = classes == 2;
    this.intercept = intercept;
    this.n = x.n;
    this.p = x.p;
    mu = new double[p];
    curvature = new double[p];
    curvatureStep = new long[p];
    working = new int[64];
    in = new boolean[p];
    scratch = new double[n];
  }

  /** Solutions [α path][λ index] along each path (λ decreasing), warm-started down each. */
  static Fit[][] solve(TrainingColumns x, TrainingSet set, int classes, boolean intercept, double[] alphas,
      double[][] lambdas) {
    Fit[][] out = new Fit[alphas.length][];
    for (int a = 0; a < alphas.length; a++) {
      CoordinatePath path = new CoordinatePath(x, set, classes, intercept);
      out[a] = path.run(alphas[a], lambdas[a]);
    }
    return out;
  }

  private Fit[] run(double alpha, double[] lambdas) {
    Fit[] fits = new Fit[lambdas.length];
    if (set.constant != null) {
      Arrays.fill(fits, new Fit(new int[1][0], new double[1][0], new double[] {set.intercept0}, 0, true));
      return fits;
    }
    if (classes > 2) return multinomialPath(alpha, lambdas, fits);
    return binomial ? binomialPath(alpha, lambdas, fits) : gaussianPath(alpha, lambdas, fits);
  }

  // ---------------------------------------------------------------- gaussian

  private Fit[] gaussianPath(double alpha, double[] lambdas, Fit[] fits) {
    double weight = set.weight;
    double[] beta = new double[p];
    double[] u = x.y.clone();
    double ubar = 0;
    if (intercept) {
      for (int i = 0; i < n; i++) ubar += x.w[i] * u[i];
      ubar /= weight;
    }
    for (int j = 0; j < p; j++) {
      double s = 0;
      double s2 = 0;
      for (int e = x.start[j]; e < x.start[j + 1]; e++) {
        double wx = x.w[x.row[e]] * x.value[e];
        s += wx;
        s2 += wx * x.value[e];
      }
      mu[j] = intercept ? s / weight : 0;
      curvature[j] = s2 / weight - mu[j] * mu[j];
    }
    double[] gradient = new double[p];
    double[] state = {ubar};
    gaussianGradient(u, state[0], gradient);
    double previous = lambdaMax(alpha, gradient);
    for (int l = 0; l < lambdas.length; l++) {
      double lambda = lambdas[l];
      double l1 = lambda * alpha;
      double l2 = lambda * (1 - alpha) * set.l2Scale;
      restart(beta, gradient, alpha * Math.max(0, 2 * lambda - previous));
      long before = sweeps;
      capped = false;
      while (true) {
        descend(beta, DESCENT_TOLERANCE, new Descent() {
          @Override
          public double update(int j, double[] b) {
            return gaussianUpdate(j, b, u, state, l1, l2);
          }

          @Override
          public double reset(double[] b) {
            state[0] = gaussianResiduals(b, u);
            double loss = 0;
            for (int i = 0; i < n; i++) loss += x.w[i] * sq(u[i] - state[0]);
            return loss / (2 * weight) + elasticNet(b, l1, l2);
          }
        });
        gaussianGradient(u, state[0], gradient);
        if (capped || !addViolators(beta, gradient, l1)) break;
      }
      fits[l] = fit(beta, state[0], (int) (sweeps - before), !capped);
      previous = lambda;
    }
    return fits;
  }

  /** u = y − Xβ over C's columns; returns ū (0 without intercept). */
  private double gaussianResiduals(double[] beta, double[] u) {
    System.arraycopy(x.y, 0, u, 0, n);
    for (int a = 0; a < size; a++) {
      int j = working[a];
      double b = beta[j];
      if (b == 0) continue;
      for (int e = x.start[j]; e < x.start[j + 1]; e++) u[x.row[e]] -= b * x.value[e];
    }
    if (!intercept) return 0;
    double ubar = 0;
    for (int i = 0; i < n; i++) ubar += x.w[i] * u[i];
    return ubar / set.weight;
  }

  /** ∇_j of the smooth part's negative at the current point: (1/W)Σw x_ij u_i − μ_j ū, every j. */
  private void gaussianGradient(double[] u, double ubar, double[] gradient) {
    for (int j = 0; j < p; j++) {
      gradient[j] = weightedDot(j, u) / set.weight - mu[j] * ubar;
    }
  }

  /** Σ w_i x_ij u_i over column j's entries (the weights' loads skipped when all are 1). */
  private double weightedDot(int j, double[] u) {
    double s = 0;
    if (x.unitWeights) {
      for (int e = x.start[j]; e < x.start[j + 1]; e++) s += x.value[e] * u[x.row[e]];
    } else {
      for (int e = x.start[j]; e < x.start[j + 1]; e++) s += x.w[x.row[e]] * x.value[e] * u[x.row[e]];
    }
    return s;
  }

  private double gaussianUpdate(int j, double[] beta, double[] u, double[] ubar, double l1, double l2) {
    double g = weightedDot(j, u) / set.weight - mu[j] * ubar[0];
    double old = beta[j];
    double denominator = curvature[j] + l2 * sq(set.penalty[j]);
    if (!(denominator > 0)) return 0;
    double updated = threshold(g + curvature[j] * old, l1 * set.penalty[j]) / denominator;
    double delta = updated - old;
    if (delta == 0) return 0;
    beta[j] = updated;
    for (int e = x.start[j]; e < x.start[j + 1]; e++) u[x.row[e]] -= delta * x.value[e];
    ubar[0] -= delta * mu[j];
    return Math.abs(delta) * set.sigma[j];
  }

  // ---------------------------------------------------------------- binomial

  private Fit[] binomialPath(double alpha, double[] lambdas, Fit[] fits) {
    double weight = set.weight;
    double[] beta = new double[p];
    double b0 = set.intercept0;
    double[] eta = new double[n];
    Arrays.fill(eta, b0);
    double[] prob = new double[n];
    double[] v = new double[n];
    double[] r = new double[n];
    double[] s = new double[n];
    double[] gradient = new double[p];
    double[] accepted = new double[p];
    double[] next = new double[p];
    double loss = logistic(eta, prob, v, r);
    binomialGradient(r, gradient);
    double previous = lambdaMax(alpha, gradient);
    for (int l = 0; l < lambdas.length; l++) {
      double lambda = lambdas[l];
      double l1 = lambda * alpha;
      double l2 = lambda * (1 - alpha);
      restart(beta, gradient, alpha * Math.max(0, 2 * lambda - previous));
      capped = false;
      int steps = 0;
      int halvings = 0;
      double lastStep = Double.NaN;
      double rate = 1;
      boolean verifying = false;
      boolean tight = false;
      System.arraycopy(beta, 0, accepted, 0, p);
      double acceptedB0 = b0;
      double acceptedF = loss / weight + penalty(beta, lambda, alpha);
      boolean optimal = false;
      while (true) {
        if (verifying) {
          binomialGradient(r, gradient);
          if (!addViolators(beta, gradient, l1)) {
            optimal = true;
            break;
          }
        }
        if (steps >= MAX_NEWTON || capped) break;
        steps++;
        // The Newton step on C from (b0, beta): the quadratic's minimizer in next, its intercept move.
        double inner = tight ? DESCENT_TOLERANCE : innerTolerance(lastStep);
        double db0 = newtonStep(beta, next, v, r, s, l1, l2, inner, null);
        double move = 0;
        double meanMove = 0;
        for (int a = 0; a < size; a++) {
          int j = working[a];
          double d = next[j] - beta[j];
          if (d == 0) continue;
          move = Math.max(move, Math.abs(d) * set.sigma[j]);
          meanMove += set.mean[j] * d;
        }
        double step = Math.max(move, Math.abs(db0 + meanMove));
        for (int a = 0; a < size; a++) beta[working[a]] = next[working[a]];
        b0 += db0;
        margins(beta, b0, eta);
        loss = logistic(eta, prob, v, r);
        double f = loss / weight + penalty(beta, lambda, alpha);
        while (f > acceptedF + 1e-12 * Math.abs(acceptedF) && halvings < MAX_HALVINGS) {
          halvings++;
          for (int a = 0; a < size; a++) beta[working[a]] = 0.5 * (beta[working[a]] + accepted[working[a]]);
          b0 = 0.5 * (b0 + acceptedB0);
          step *= 0.5;
          margins(beta, b0, eta);
          loss = logistic(eta, prob, v, r);
          f = loss / weight + penalty(beta, lambda, alpha);
        }
        if (f > acceptedF + 1e-12 * Math.abs(acceptedF)) {
          // No descent left along the step: the accepted point is as good as it gets; check it.
          System.arraycopy(accepted, 0, beta, 0, p);
          b0 = acceptedB0;
          margins(beta, b0, eta);
          loss = logistic(eta, prob, v, r);
          verifying = true;
          continue;
        }
        for (int a = 0; a < size; a++) accepted[working[a]] = beta[working[a]];
        acceptedB0 = b0;
        acceptedF = f;
        if (!Double.isNaN(lastStep) && lastStep > 0) rate = Math.max(1, step / (lastStep * lastStep));
        lastStep = step;
        verifying = rate * step * step <= LogisticEngine.PREDICTED_ERROR || step <= DESCENT_TOLERANCE;
        if (verifying && inner > DESCENT_TOLERANCE) {
          // Converged by a loosely solved step: one more with the quadratic solved fully decides.
          verifying = false;
          tight = true;
        }
      }
      if (!optimal) binomialGradient(r, gradient);
      fits[l] = fit(beta, b0, steps, optimal);
      previous = lambda;
    }
    return fits;
  }

  /**
   * The proximal Newton step's quadratic minimized over C by coordinate descent from β (into {@code
   * next}); returns the intercept's move. With {@code tracked} (only for {@link #ONE_SWEEP}, where no
   * extrapolation moves β behind the updates' back) every update adds its Xδ to it.
   */
  private double newtonStep(double[] beta, double[] next, double[] v, double[] r, double[] s, double l1, double l2,
      double tolerance, double[] tracked) {
    double weight = set.weight;
    double vSum = 0;
    double rSum = 0;
    for (int i = 0; i < n; i++) {
      vSum += v[i];
      rSum += r[i];
    }
    double db0 = intercept && vSum > 0 ? rSum / vSum : 0;
    for (int i = 0; i < n; i++) s[i] = r[i] - v[i] * db0;
    for (int a = 0; a < size; a++) next[working[a]] = beta[working[a]];
    long step = ++newtonSteps;
    double[] c = {0};
    double total = vSum;
    descend(next, tolerance, new Descent() {
      @Override
      public double update(int j, double[] b) {
        double g = 0;
        if (curvatureStep[j] == step) {
          for (int e = x.start[j]; e < x.start[j + 1]; e++) g += x.value[e] * s[x.row[e]];
        } else {
          // The column's first update of this step: its m_j and a_j gathered in the same loop.
          double vx = 0;
          double vxx = 0;
          for (int e = x.start[j]; e < x.start[j + 1]; e++) {
            int i = x.row[e];
            double xv = x.value[e];
            g += xv * s[i];
            double t = v[i] * xv;
            vx += t;
            vxx += t * xv;
          }
          curvatureOf(j, vx, vxx, total);
          curvatureStep[j] = step;
        }
        g = (g + c[0] * total * mu[j]) / weight;
        double old = b[j];
        double denominator = curvature[j] + l2 * sq(set.penalty[j]);
        if (!(denominator > 0)) return 0;   // every row of the column at p = 0 or 1
        double updated = threshold(g + curvature[j] * old, l1 * set.penalty[j]) / denominator;
        double delta = updated - old;
        if (delta == 0) return 0;
        b[j] = updated;
        if (tracked == null) {
          for (int e = x.start[j]; e < x.start[j + 1]; e++) s[x.row[e]] -= delta * v[x.row[e]] * x.value[e];
        } else {
          for (int e = x.start[j]; e < x.start[j + 1]; e++) {
            int i = x.row[e];
            double dx = delta * x.value[e];
            s[i] -= dx * v[i];
            tracked[i] += dx;
          }
        }
        c[0] += delta * mu[j];
        return Math.abs(delta) * set.sigma[j];
      }

      /** s' = r − v·(δb₀ + XΔ), c = Σ Δ_j m_j; the quadratic (1/W)Σ(−r Δη + ½vΔη²) at Δη = δb₀ + XΔ − c. */
      @Override
      public double reset(double[] b) {
        double[] dEta = scratch;
        Arrays.fill(dEta, 0);
        double shift = 0;
        for (int a = 0; a < size; a++) {
          int j = working[a];
          double d = b[j] - beta[j];
          if (d == 0) continue;
          shift += d * mu[j];
          for (int e = x.start[j]; e < x.start[j + 1]; e++) dEta[x.row[e]] += d * x.value[e];
        }
        c[0] = shift;
        double q = 0;
        for (int i = 0; i < n; i++) {
          s[i] = r[i] - v[i] * (db0 + dEta[i]);
          double de = db0 + dEta[i] - shift;
          q += de * (0.5 * v[i] * de - r[i]);
        }
        return q / weight + elasticNet(b, l1, l2);
      }
    });
    return intercept ? db0 - c[0] : 0;
  }

  /**
   * m_j (v-weighted column mean, 0 without intercept) and a_j = (1/W)(Σv x² − Σv·m_j²) at the step's v, from
   * the column's Σv x and Σv x².
   */
  private void curvatureOf(int j, double vx, double vxx, double vSum) {
    mu[j] = intercept && vSum > 0 ? vx / vSum : 0;
    curvature[j] = (vxx - (intercept ? vSum * mu[j] * mu[j] : 0)) / set.weight;
  }

  /** p_i, v_i, r_i at η; returns Σw(log(1 + e^η) − yη). */
  private double logistic(double[] eta, double[] prob, double[] v, double[] r) {
    double loss = 0;
    for (int i = 0; i < n; i++) {
      double e = eta[i];
      double pr = e >= 0 ? 1 / (1 + Math.exp(-e)) : Math.exp(e) / (1 + Math.exp(e));
      prob[i] = pr;
      double w = x.w[i];
      v[i] = w * pr * (1 - pr);
      r[i] = w * (x.y[i] - pr);
      loss += w * ((e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e))) - x.y[i] * e);
    }
    return loss;
  }

  /** η = b₀ + Xβ (over the working set's columns: every non-zero β_j is in it). */
  private void margins(double[] beta, double b0, double[] eta) {
    Arrays.fill(eta, b0);
    for (int a = 0; a < size; a++) {
      int j = working[a];
      double b = beta[j];
      if (b == 0) continue;
      for (int e = x.start[j]; e < x.start[j + 1]; e++) eta[x.row[e]] += b * x.value[e];
    }
  }

  /** ∇_j of the smooth part's negative: (1/W)Σ x_ij r_i (with the intercept optimal, centring adds 0). */
  private void binomialGradient(double[] r, double[] gradient) {
    for (int j = 0; j < p; j++) {
      double g = 0;
      for (int e = x.start[j]; e < x.start[j + 1]; e++) g += x.value[e] * r[x.row[e]];
      gradient[j] = g / set.weight;
    }
  }

  /** l1·Σπ_j|β_j| + (l2/2)·Σπ_j²β_j² over C. */
  private double elasticNet(double[] beta, double l1, double l2) {
    double a1 = 0;
    double a2 = 0;
    for (int a = 0; a < size; a++) {
      int j = working[a];
      double pb = set.penalty[j] * beta[j];
      a1 += Math.abs(pb);
      a2 += pb * pb;
    }
    return l1 * a1 + 0.5 * l2 * a2;
  }

  private double penalty(double[] beta, double lambda, double alpha) {
    return elasticNet(beta, lambda * alpha, lambda * (1 - alpha) * set.l2Scale);
  }

  // ---------------------------------------------------------------- multinomial

  /**
   * Multinomial (K classes, MLlib's softmax with a coefficient vector and intercept per class): cycles of
   * per-class Newton steps (glmnet's partial Newton: class k's binomial quadratic at the current
   * probabilities, v = w·p_k(1 − p_k), r = w([y = k] − p_k), given one sweep of the same descent
   * ({@link #ONE_SWEEP}: the cycles converge linearly anyway, and a class's quadratic solved far beyond
   * where the other classes stand is wasted), halved if the objective rose), each cycle followed by the
   * exact minimization along softmax's flat directions: every feature's coefficients shift by the t_j
   * minimizing its penalty ({@link LogisticEngine#penaltyShift}, glmnet's {@code elc}) and the intercepts
   * are centred. Cycles converge linearly: a λ is solved when d·ρ/(1 − ρ) ≤ {@link
   * LogisticEngine#PREDICTED_ERROR} (d the cycle's largest move in fitted values, ρ the ratio of the last
   * two), a cycle with every class's quadratic solved fully has confirmed it, and no coefficient at 0
   * violates its KKT condition.
   */
  private Fit[] multinomialPath(double alpha, double[] lambdas, Fit[] fits) {
    int kk = classes;
    double weight = set.weight;
    double[][] beta = new double[kk][p];
    double[] b0 = new double[kk];
    double[] classWeight = new double[kk];
    for (int i = 0; i < n; i++) classWeight[(int) x.y[i]] += x.w[i];
    if (intercept) {
      double mean = 0;
      for (int k = 0; k < kk; k++) mean += Math.log(classWeight[k]) / kk;
      for (int k = 0; k < kk; k++) b0[k] = Math.log(classWeight[k]) - mean;
    }
    double[][] eta = new double[kk][n];
    for (int k = 0; k < kk; k++) Arrays.fill(eta[k], b0[k]);
    double[][] prob = new double[kk][n];
    double[] v = new double[n];
    double[] r = new double[n];
    double[] s = new double[n];
    double[] next = new double[p];
    double[] accepted = new double[p];
    double[][] gradient = new double[kk][p];
    double[] strongest = new double[p];
    double[] column = new double[kk];
    double[] zeros = new double[p];   // outside C every coefficient is 0
    double loss = softmax(eta, prob);
    multinomialGradient(prob, gradient, strongest);
    double previous = lambdaMax(alpha, strongest);
    for (int l = 0; l < lambdas.length; l++) {
      double lambda = lambdas[l];
      double l1 = lambda * alpha;
      double l2 = lambda * (1 - alpha);
      restartAny(beta, strongest, alpha * Math.max(0, 2 * lambda - previous));
      capped = false;
      int cycles = 0;
      double lastStep = Double.NaN;
      boolean verifying = false;
      boolean tight = false;
      boolean optimal = false;
      double f = loss / weight + penalty(beta, lambda, alpha);
      while (true) {
        if (verifying) {
          multinomialGradient(prob, gradient, strongest);
          if (!addViolators(zeros, strongest, l1)) {
            optimal = true;
            break;
          }
        }
        if (cycles >= MAX_NEWTON * 4 || capped) break;
        cycles++;
        double step = 0;
        double inner = tight ? DESCENT_TOLERANCE : ONE_SWEEP;
        for (int k = 0; k < kk; k++) {
          for (int i = 0; i < n; i++) {
            double pk = prob[k][i];
            v[i] = x.w[i] * pk * (1 - pk);
            r[i] = x.w[i] * ((x.y[i] == k ? 1 : 0) - pk);
          }
          double[] bk = beta[k];
          for (int a = 0; a < size; a++) accepted[working[a]] = bk[working[a]];
          double acceptedB0 = b0[k];
          // A single sweep has no extrapolation: its updates' Xδ are the margins' change, kept as they go.
          double[] tracked = tight ? null : eta[k];
          double db0 = newtonStep(bk, next, v, r, s, l1, l2, inner, tracked);
          double move = 0;
          for (int a = 0; a < size; a++) bk[working[a]] = next[working[a]];
          b0[k] += db0;
          if (tracked != null && db0 != 0) for (int i = 0; i < n; i++) tracked[i] += db0;
          double fNew = Double.NaN;
          for (int halving = 0; halving <= MAX_HALVINGS; halving++) {
            if (halving > 0 || tracked == null) margins(bk, b0[k], eta[k]);
            loss = softmaxAfter(k, eta, prob);
            fNew = loss / weight + penalty(beta, lambda, alpha);
            if (fNew <= f + 1e-12 * Math.abs(f)) break;
            for (int a = 0; a < size; a++) bk[working[a]] = 0.5 * (bk[working[a]] + accepted[working[a]]);
            b0[k] = 0.5 * (b0[k] + acceptedB0);
          }
          if (fNew > f + 1e-12 * Math.abs(f)) {
            // No descent along this class's step: keep its last point.
            for (int a = 0; a < size; a++) bk[working[a]] = accepted[working[a]];
            b0[k] = acceptedB0;
            margins(bk, b0[k], eta[k]);
            loss = softmaxAfter(k, eta, prob);
            fNew = loss / weight + penalty(beta, lambda, alpha);
          }
          f = fNew;
          double meanMove = 0;
          for (int a = 0; a < size; a++) {
            int j = working[a];
            double d = bk[j] - accepted[j];
            move = Math.max(move, Math.abs(d) * set.sigma[j]);
            meanMove += set.mean[j] * d;
          }
          step = Math.max(step, Math.max(move, Math.abs(b0[k] - acceptedB0 + meanMove)));
        }
        // Softmax is flat along (t_j, …, t_j) in feature j's coefficients and along equal intercepts: the
        // moves shift every class's margin of row i by the same τ_i, which changes neither the probabilities
        // nor the loss. Only the margins and their reference c_i move (exps e^{η − c} stay as they are).
        double[] tau = scratch;
        Arrays.fill(tau, 0);
        for (int a = 0; a < size; a++) {
          int j = working[a];
          for (int k = 0; k < kk; k++) column[k] = beta[k][j];
          double t = LogisticEngine.penaltyShift(column, alpha, set.penalty[j]);
          if (t == 0) continue;
          for (int k = 0; k < kk; k++) beta[k][j] -= t;
          for (int e = x.start[j]; e < x.start[j + 1]; e++) tau[x.row[e]] += t * x.value[e];
        }
        if (intercept) {
          double mean = 0;
          for (int k = 0; k < kk; k++) mean += b0[k] / kk;
          for (int k = 0; k < kk; k++) b0[k] -= mean;
          for (int i = 0; i < n; i++) tau[i] += mean;
        }
        for (int k = 0; k < kk; k++) {
          double[] etaK = eta[k];
          for (int i = 0; i < n; i++) etaK[i] -= tau[i];
        }
        for (int i = 0; i < n; i++) reference[i] -= tau[i];
        f = loss / weight + penalty(beta, lambda, alpha);
        double rho = Double.isNaN(lastStep) || lastStep == 0 ? 1 : step / lastStep;
        lastStep = step;
        verifying = step <= DESCENT_TOLERANCE || (rho < 1 && step * rho / (1 - rho) <= LogisticEngine.PREDICTED_ERROR);
        if (verifying && inner > DESCENT_TOLERANCE) {
          verifying = false;
          tight = true;
        }
        if (!verifying && !tight && extrapolateCycles(beta, b0, eta, prob, f, lambda, alpha)) {
          loss = softmax(eta, prob);
          f = loss / weight + penalty(beta, lambda, alpha);
          lastStep = Double.NaN;   // the next cycle's rate is not descent's
        }
      }
      if (!optimal) multinomialGradient(prob, gradient, strongest);
      fits[l] = fit(beta, b0, cycles, optimal);
      previous = lambda;
    }
    return fits;
  }

  /**
   * Records the cycle's point (every class's coefficients on C and intercepts) and, every
   * {@value AndersonExtrapolation#DEPTH} cycles, moves to the Anderson extrapolation of the last ones if
   * its objective is below {@code f}; whether it moved. The margins and probabilities are those of the
   * point kept.
   */
  private boolean extrapolateCycles(double[][] beta, double[] b0, double[][] eta, double[][] prob, double f,
      double lambda, double alpha) {
    int kk = classes;
    int length = kk * size + kk;
    if (length != cycleLength) {
      cycles.clear();
      cycleLength = length;
      cycleSupport = new int[length];
      for (int a = 0; a < length; a++) cycleSupport[a] = a;
      cyclePoint = new double[length];
      cycleSaved = new double[length];
    }
    pack(beta, b0, cyclePoint);
    if (!cycles.record(cyclePoint, cycleSupport, length)) return false;
    cycles.clear();
    System.arraycopy(cyclePoint, 0, cycleSaved, 0, length);
    boolean moved = cycles.extrapolate(cyclePoint, cycleSupport, length);
    if (moved) {
      unpack(cyclePoint, beta, b0);
      for (int k = 0; k < kk; k++) margins(beta[k], b0[k], eta[k]);
      moved = softmax(eta, prob) / set.weight + penalty(beta, lambda, alpha) < f;
      if (!moved) {
        unpack(cycleSaved, beta, b0);
        for (int k = 0; k < kk; k++) margins(beta[k], b0[k], eta[k]);
        softmax(eta, prob);
      }
    }
    cycles.record(moved ? cyclePoint : cycleSaved, cycleSupport, length);
    return moved;
  }

  private void pack(double[][] beta, double[] b0, double[] out) {
    int at = 0;
    for (int k = 0; k < classes; k++) {
      for (int a = 0; a < size; a++) out[at++] = beta[k][working[a]];
      out[at++] = b0[k];
    }
  }

  private void unpack(double[] in, double[][] beta, double[] b0) {
    int at = 0;
    for (int k = 0; k < classes; k++) {
      for (int a = 0; a < size; a++) beta[k][working[a]] = in[at++];
      b0[k] = in[at++];
    }
  }

  /**
   * Class probabilities from the margins (stable softmax: e_ik = exp(η_ik − c_i), c_i = max_k η_ik, kept
   * for {@link #softmaxAfter}); returns Σw(log Σ_k e^{η_k} − η_y).
   */
  private double softmax(double[][] eta, double[][] prob) {
    int kk = eta.length;
    if (exps == null) {
      exps = new double[kk][n];
      reference = new double[n];
    }
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < kk; k++) max = Math.max(max, eta[k][i]);
      reference[i] = max;
      for (int k = 0; k < kk; k++) exps[k][i] = Math.exp(eta[k][i] - max);
    }
    return normalize(eta, prob);
  }

  /**
   * The same after only class c's margins changed: one exponential a row instead of K, around the
   * reference c_i of the last full softmax; a full one where a new exponent leaves [−600, 600].
   */
  private double softmaxAfter(int c, double[][] eta, double[][] prob) {
    double[] ec = exps[c];
    double[] eta_c = eta[c];
    for (int i = 0; i < n; i++) {
      double z = eta_c[i] - reference[i];
      if (!(Math.abs(z) <= 600)) return softmax(eta, prob);
      ec[i] = Math.exp(z);
    }
    return normalize(eta, prob);
  }

  private double normalize(double[][] eta, double[][] prob) {
    int kk = eta.length;
    double loss = 0;
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int k = 0; k < kk; k++) sum += exps[k][i];
      for (int k = 0; k < kk; k++) prob[k][i] = exps[k][i] / sum;
      loss += x.w[i] * (reference[i] + Math.log(sum) - eta[(int) x.y[i]][i]);
    }
    return loss;
  }

  /** ∇ of the smooth part's negative per class, (1/W)Σ x_ij w_i([y_i = k] − p_ik), and per feature its largest |·|. */
  private void multinomialGradient(double[][] prob, double[][] gradient, double[] strongest) {
    for (int j = 0; j < p; j++) {
      double largest = 0;
      for (int k = 0; k < classes; k++) {
        double g = 0;
        for (int e = x.start[j]; e < x.start[j + 1]; e++) {
          int i = x.row[e];
          g += x.value[e] * x.w[i] * ((x.y[i] == k ? 1 : 0) - prob[k][i]);
        }
        gradient[k][j] = g / set.weight;
        largest = Math.max(largest, Math.abs(gradient[k][j]));
      }
      strongest[j] = largest;
    }
  }

  private double penalty(double[][] beta, double lambda, double alpha) {
    double sum = 0;
    for (double[] b : beta) sum += penalty(b, lambda, alpha);
    return sum;
  }

  /** The working set for a new λ: features with any non-zero coefficient, and the strong set by the largest |∇_kj|. */
  private void restartAny(double[][] beta, double[] strongest, double threshold) {
    double[] any = new double[p];
    for (double[] b : beta) for (int j = 0; j < p; j++) if (b[j] != 0) any[j] = 1;
    restart(any, strongest, threshold);
  }

  // ---------------------------------------------------------------- shared

  /** A quadratic (or least-squares) problem over C that coordinate descent minimizes. */
  private interface Descent {
    /** One coordinate's update on β, its residuals kept up to date: returns its move |δ_j|·σ_j. */
    double update(int j, double[] beta);

    /** Recomputes the residuals from β (every non-zero coefficient is in C); returns the objective there. */
    double reset(double[] beta);
  }

  /**
   * Coordinate descent over C: a sweep over C, then over its non-zero coefficients until they settle,
   * until a sweep over C moves nothing beyond the tolerance (or the sweep cap ends it: {@code capped}).
   * On the non-zero coefficients every {@value AndersonExtrapolation#DEPTH} sweeps are extrapolated
   * ({@link AndersonExtrapolation}); the extrapolated point is kept if its objective is lower, else the
   * residuals are recomputed at the last iterate (which also clears their rounding drift).
   */
  private void descend(double[] beta, double move, Descent problem) {
    double tolerance = move * set.yScale;
    int[] active = new int[Math.max(1, size)];
    while (true) {
      if (++sweeps > MAX_SWEEPS) {
        capped = true;
        return;
      }
      double largest = 0;
      for (int a = 0; a < size; a++) largest = Math.max(largest, problem.update(working[a], beta));
      if (largest <= tolerance) return;
      int count = 0;
      if (active.length < size) active = new int[size];
      for (int a = 0; a < size; a++) if (beta[working[a]] != 0) active[count++] = working[a];
      anderson.clear();
      anderson.record(beta, active, count);
      double last = Double.NaN;
      while (true) {
        if (++sweeps > MAX_SWEEPS) {
          capped = true;
          return;
        }
        double previous = last;
        last = 0;
        for (int a = 0; a < count; a++) last = Math.max(last, problem.update(active[a], beta));
        if (last <= tolerance) break;
        if (anderson.record(beta, active, count)) {
          anderson.clear();
          // Descent converging fast (ρ = last/previous) ends within DEPTH sweeps: nothing to gain.
          double rate = last / previous;
          if (rate < 1 && Math.log(tolerance / last) / Math.log(rate) <= AndersonExtrapolation.DEPTH) {
            anderson.record(beta, active, count);
            continue;
          }
          double current = problem.reset(beta);
          if (saved.length < count) saved = new double[count];
          for (int a = 0; a < count; a++) saved[a] = beta[active[a]];
          if (!anderson.extrapolate(beta, active, count) || !(problem.reset(beta) < current)) {
            for (int a = 0; a < count; a++) beta[active[a]] = saved[a];
            problem.reset(beta);
          }
          anderson.record(beta, active, count);
        }
      }
    }
  }

  /**
   * The inner descent's tolerance for a Newton step (inexact Newton): loose while the steps are large,
   * 10% of the last step squared (so quadratic convergence is kept), never below {@value #DESCENT_TOLERANCE}
   * nor above {@value #LOOSEST_INNER}; the first step of a λ gets the loosest.
   */
  private static double innerTolerance(double lastStep) {
    if (Double.isNaN(lastStep)) return LOOSEST_INNER;
    return Math.max(DESCENT_TOLERANCE, Math.min(LOOSEST_INNER, 0.1 * lastStep * lastStep));
  }

  /**
   * A new λ's working set, as glmnet: the active features and the strong set {|∇_j| &gt; threshold·π_j}
   * (every varying feature when the threshold is 0: α = 0, or a λ far below the last).
   */
  private void restart(double[] beta, double[] gradient, double threshold) {
    Arrays.fill(in, false);
    size = 0;
    for (int j = 0; j < p; j++) {
      if (!set.varies(j)) continue;
      if (beta[j] != 0 || Math.abs(gradient[j]) > threshold * set.penalty[j] || threshold == 0) add(j);
    }
  }

  /** Adds every varying feature outside C at 0 that violates its KKT condition; whether any did. */
  private boolean addViolators(double[] beta, double[] gradient, double l1) {
    boolean any = false;
    for (int j = 0; j < p; j++) {
      if (in[j] || !set.varies(j) || beta[j] != 0) continue;
      if (Math.abs(gradient[j]) > l1 * set.penalty[j] + KKT_SLACK * set.sigma[j] * set.yScale) {
        add(j);
        any = true;
      }
    }
    return any;
  }

  private void add(int j) {
    if (size == working.length) working = Arrays.copyOf(working, size * 2);
    working[size++] = j;
    in[j] = true;
  }

  /** The smallest λ at which β = 0 meets the KKT conditions, from the gradient at β = 0. */
  private double lambdaMax(double alpha, double[] gradient) {
    if (alpha == 0) return Double.POSITIVE_INFINITY;
    double max = 0;
    for (int j = 0; j < p; j++) {
      if (set.varies(j)) max = Math.max(max, Math.abs(gradient[j]) / (alpha * set.penalty[j]));
    }
    return max;
  }

  private Fit fit(double[] beta, double b0, int iterations, boolean converged) {
    return fit(new double[][] {beta}, new double[] {b0}, iterations, converged);
  }

  private Fit fit(double[][] beta, double[] b0, int iterations, boolean converged) {
    int[][] index = new int[beta.length][];
    double[][] value = new double[beta.length][];
    for (int k = 0; k < beta.length; k++) {
      int count = 0;
      for (int j = 0; j < p; j++) if (beta[k][j] != 0) count++;
      index[k] = new int[count];
      value[k] = new double[count];
      int c = 0;
      for (int j = 0; j < p; j++) {
        if (beta[k][j] == 0) continue;
        index[k][c] = j;
        value[k][c++] = beta[k][j];
      }
    }
    return new Fit(index, value, b0.clone(), iterations, converged);
  }

  private static double threshold(double z, double t) {
    return Math.abs(z) <= t ? 0 : z - Math.signum(z) * t;
  }

  private static double sq(double v) {
    return v * v;
  }
}
