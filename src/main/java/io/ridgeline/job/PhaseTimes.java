package io.ridgeline.job;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a sweep's wall time went, phase by phase, for the line a run ends with:
 * <pre>time: start 4.1 s · load and checks 2.0 s · folds 0.8 s · cross-validation 3.1 s (scoring 0.4 s) · full-data fits 0.2 s · reports 1.5 s · total 11.7 s</pre>
 * Phases are consecutive: each {@link #end} closes the one that began at the previous mark.
 */
public final class PhaseTimes {
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private long mark = System.nanoTime();
  private double scoring;

  /** Starts timing from now (the work before is nobody's phase). */
  void restart() {
    mark = System.nanoTime();
  }

  /** Ends the phase that began at the last mark, under this name. */
  void end(String phase) {
    long now = System.nanoTime();
    seconds.merge(phase, (now - mark) / 1e9, Double::sum);
    mark = now;
  }

  /**
   * Seconds of scoring passes inside cross-validation (summed over units that ran in parallel; 0 where
   * an engine scores inside its fitting tasks, and the line then leaves it out).
   */
  void scoring(double s) {
    scoring = s;
  }

  /** Seconds of a phase (0 if it did not run). */
  public double seconds(String phase) {
    return seconds.getOrDefault(phase, 0.0);
  }

  /**
   * The one-line breakdown; {@code startSeconds} (the JVM's uptime when the job began: JVM and Spark
   * start-up, the config) leads it when known (≥ 0).
   */
  public String line(double startSeconds) {
    StringBuilder out = new StringBuilder("time:");
    double total = 0;
    if (startSeconds >= 0) {
      out.append(String.format(Locale.ROOT, " start %.1f s ·", startSeconds));
      total += startSeconds;
    }
    for (Map.Entry<String, Double> e : seconds.entrySet()) {
      out.append(String.format(Locale.ROOT, " %s %.1f s", e.getKey(), e.getValue()));
      if (e.getKey().equals(SweepJob.CROSS_VALIDATION) && scoring > 0) {
        out.append(String.format(Locale.ROOT, " (scoring %.1f s)", scoring));
      }
      out.append(" ·");
      total += e.getValue();
    }
    return out.append(String.format(Locale.ROOT, " total %.1f s", total)).toString();
  }
}
