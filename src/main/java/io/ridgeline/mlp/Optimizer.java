package io.ridgeline.mlp;

import java.io.Serializable;
import java.util.Locale;

/**
 * First-order update rules on the flat parameter vector θ, with state (first and second moments) kept
 * in a {@link State} so that {@code local-sgd} can average it across partitions. With g the gradient of
 * the (penalized) mean loss, η_t the scheduled learning rate, λ_wd the weight decay (weights only):
 * <pre>
 *   sgd:    u ← μ u + g;   θ ← θ − η_t (u + λ_wd θ)           (Nesterov: u replaced by g + μ u)
 *   adam:   g' = g + λ_wd θ (decay coupled, as classic Adam/L2)
 *           m ← β₁ m + (1 − β₁) g';  v ← β₂ v + (1 − β₂) g'²;
 *           θ ← θ − η_t m̂ / (√v̂ + ε),  m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
 *   adamw:  as adam with g' = g, then θ ← θ − η_t λ_wd θ decoupled (Loshchilov &amp; Hutter 2019)
 * </pre>
 * μ = 0 gives plain SGD. Every rule reads the old θ only, so SGD's update is linear in (θ, u, g):
 * averaging the results of one local step from the same (θ, u) with weights Ω_p equals one step with
 * the Ω-weighted mean gradient — which is why {@code local-sgd} with H = 1 equals {@code sync} for
 * {@code sgd} (with or without momentum, Nesterov, decay). Adam is not linear in g (v holds g²).
 */
public final class Optimizer implements Serializable {
  private static final long serialVersionUID = 1L;
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPS = 1e-8;

  /** Update rule. */
  public enum Kind {
    SGD, ADAM, ADAMW;

    public static Kind of(String key) {
      return valueOf(key.toUpperCase(Locale.ROOT));
    }
  }

  /** Optimizer state: moments m (SGD: the velocity u) and v, and the step count t. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final double[] m;
    final double[] v;
    long t;

    State(int n, boolean second) {
      m = new double[n];
      v = second ? new double[n] : new double[0];
    }

    State copy() {
      State s = new State(m.length, v.length > 0);
      System.arraycopy(m, 0, s.m, 0, m.length);
      System.arraycopy(v, 0, s.v, 0, v.length);
      s.t = t;
      return s;
    }
  }

  final Kind kind;
  final double momentum;
  final boolean nesterov;
  final double weightDecay;
  final boolean[] decayed;

  public Optimizer(Kind kind, double momentum, boolean nesterov, double weightDecay, boolean[] decayed) {
    this.kind = kind;
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
    this.decayed = decayed;
  }

  public State newState(int n) {
    return new State(n, kind != Kind.SGD);
  }

  /** One update of θ in place with gradient g (left unchanged) at learning rate lr. */
  public void step(double[] theta, double[] g, double lr, State s) {
    s.t++;
    int n = theta.length;
    double wd = weightDecay;
    double[] m = s.m;
    if (kind == Kind.SGD) {
      double mu = momentum;
      for (int q = 0; q < n; q++) {
        double u = mu * m[q] + g[q];
        m[q] = u;
        double dir = nesterov ? g[q] + mu * u : u;
        if (wd != 0 && decayed[q]) dir += wd * theta[q];
        theta[q] -= lr * dir;
      }
      return;
    }
    double[] v = s.v;
    double c1 = 1.0 - Math.pow(BETA1, s.t);
    double c2 = 1.0 - Math.pow(BETA2, s.t);
    boolean coupled = kind == Kind.ADAM;
    for (int q = 0; q < n; q++) {
      double gq = g[q];
      boolean dq = wd != 0 && decayed[q];
      if (coupled && dq) gq += wd * theta[q];
      m[q] = BETA1 * m[q] + (1 - BETA1) * gq;
      v[q] = BETA2 * v[q] + (1 - BETA2) * gq * gq;
      double dir = (m[q] / c1) / (Math.sqrt(v[q] / c2) + EPS);
      if (!coupled && dq) dir += wd * theta[q];
      theta[q] -= lr * dir;
    }
  }
}
