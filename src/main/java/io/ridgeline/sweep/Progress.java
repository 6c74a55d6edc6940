package io.ridgeline.sweep;

import java.io.PrintStream;
import java.util.Locale;

/** One line per finished unit: trials done/total, percent, elapsed, ETA, and what finished. Thread-safe. */
public final class Progress {
  private final int total;
  private final PrintStream out;
  private final long start = System.nanoTime();
  private int done;

  public Progress(int total, PrintStream out) {
    this.total = total;
    this.out = out;
  }

  public synchronized void finished(int trials, String label, String summary) {
    done += trials;
    double elapsed = (System.nanoTime() - start) / 1e9;
    double eta = done == 0 ? 0 : elapsed / done * (total - done);
    int width = String.valueOf(total).length();
    out.printf(Locale.ROOT, "[%" + width + "d/%d] %3d%% · %s elapsed · ETA %s · %s%s%n",
        done, total, 100 * done / Math.max(1, total), Format.duration(elapsed), Format.duration(eta),
        label, summary == null || summary.isEmpty() ? "" : " · " + summary);
    out.flush();
  }
}
