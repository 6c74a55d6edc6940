package io.ridgeline.sweep;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One line per finished unit: trials done/total, percent, elapsed, ETA, and what finished. Trials an
 * earlier attempt recorded count as done but not toward the rate behind the ETA. Thread-safe.
 */
public final class Progress {
  private int total;
  private final PrintStream out;
  private final long start = System.nanoTime();
  private int done;
  private int reused;

  public Progress(int total, PrintStream out) {
    this.total = total;
    this.out = out;
  }

  /**
   * The trials to come, once the grid is known: a sweep's engine may gather its statistics (and λ_max
   * from them) before the grid exists. The clock runs from construction, so that work counts toward the
   * rate behind the ETA.
   */
  public synchronized void expect(int trials) {
    total = trials;
  }

  /** Trials recorded by an earlier attempt of the run: done, without a line of their own. */
  public synchronized void reused(int trials) {
    done += trials;
    reused += trials;
  }

  /** A line about the data or a fit that the user should read (a degenerate training set, a cap). */
  public synchronized void note(String line) {
    out.println("note: " + line);
    out.flush();
  }

  /** A unit finished {@code trials} trials (a unit of none, which only groups others, prints nothing). */
  public synchronized void finished(int trials, String label, String summary) {
    if (trials == 0) return;
    done += trials;
    double elapsed = (System.nanoTime() - start) / 1e9;
    int computed = done - reused;
    double eta = computed == 0 ? 0 : elapsed / computed * (total - done);
    int width = String.valueOf(total).length();
    out.printf(Locale.ROOT, "[%" + width + "d/%d] %3d%% · %s elapsed · ETA %s · %s%s%n",
        done, total, 100 * done / Math.max(1, total), Format.duration(elapsed), Format.duration(eta),
        label, summary == null || summary.isEmpty() ? "" : " · " + summary);
    out.flush();
  }
}
