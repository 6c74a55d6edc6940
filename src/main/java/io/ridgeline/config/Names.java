package io.ridgeline.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Nearest-name suggestions for misspelled keys and parameters. */
public final class Names {
  private Names() {}

  /** The candidate nearest to {@code name} by edit distance, if it is plausibly what was meant. */
  public static Optional<String> nearest(Collection<String> candidates, String name) {
    return candidates.stream().min(Comparator.comparingInt(c -> editDistance(c, name)))
        .filter(c -> editDistance(c, name) <= Math.max(3, name.length() / 3));
  }

  /** Levenshtein distance. */
  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
