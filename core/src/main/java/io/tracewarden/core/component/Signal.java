package io.tracewarden.core.component;

import java.util.Locale;

/** The telemetry signals a pipeline can carry. */
public enum Signal {
  TRACES,
  LOGS,
  METRICS;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code traces}, {@code logs} or {@code metrics}; null when the text names no signal. */
  public static Signal parseOrNull(String text) {
    for (Signal signal : values()) {
      if (signal.id().equals(text)) {
        return signal;
      }
    }
    return null;
  }
}
