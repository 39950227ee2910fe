package io.tracewarden.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How bad a leaked secret is. Ordered from least to most severe. */
public enum Severity {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /**
   * Parses a severity name, case-insensitively.
   *
   * @throws IllegalArgumentException naming the allowed values when {@code s} is not one of them
   */
  public static Severity parse(String s) {
    if (s != null) {
      for (Severity severity : values()) {
        if (severity.name().equalsIgnoreCase(s.trim())) {
          return severity;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown severity '" + s + "', expected one of " + allowed());
  }

  /** The lower-case name used in configuration and output: {@code "low"}, {@code "high"}... */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static String allowed() {
    return Arrays.stream(values()).map(Severity::id).collect(Collectors.joining("|"));
  }
}
