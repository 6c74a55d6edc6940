package io.ridgeline.config;

import java.util.Locale;

/** {@code run.engine}: which engine trains the sweep. */
public enum EngineChoice {
  /** A fast engine where one applies (linear: the Gaussian engine), MLlib elsewhere. */
  AUTO,
  /** One MLlib fit per trial: the reference. */
  MLLIB;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
