package io.ridgeline.sweep;

import java.util.Locale;

/** Compact number and duration formats for labels and progress lines. */
public final class Format {
  private Format() {}

  /** Four significant digits, no trailing zeros. */
  public static String number(double x) {
    if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) return String.valueOf(x == 0 ? 0 : x);
    String s = String.format(Locale.ROOT, "%.4g", x);
    if (s.contains("e")) return s.replaceAll("\\.?0+e", "e");
    return s.contains(".") ? s.replaceAll("\\.?0+$", "") : s;
  }

  /** m:ss or h:mm:ss. */
  public static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
