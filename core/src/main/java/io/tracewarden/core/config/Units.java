package io.tracewarden.core.config;

import java.time.Duration;
import java.util.Locale;

/** Parsing of human-written durations and sizes. */
public final class Units {

  private Units() {}

  /** {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 2h}, {@code 1d}, {@code 0}; null if invalid. */
  public static Duration parseDuration(String text) {
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Duration total = Duration.ZERO;
    int i = 0;
    boolean any = false;
    while (i < s.length()) {
      int numberStart = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (numberStart == i) {
        return null;
      }
      int unitStart = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) {
        i++;
      }
      double amount;
      try {
        amount = Double.parseDouble(s.substring(numberStart, unitStart));
      } catch (NumberFormatException e) {
        return null;
      }
      long nanosPerUnit = switch (s.substring(unitStart, i)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        case "d" -> 86_400_000_000_000L;
        default -> -1L;
      };
      if (nanosPerUnit < 0 || amount * nanosPerUnit > Long.MAX_VALUE / 2.0) {
        return null;
      }
      total = total.plusNanos((long) (amount * nanosPerUnit));
      any = true;
    }
    return any ? total : null;
  }

  /** {@code 20MiB}, {@code 512KiB}, {@code 1GB}, {@code 100B}, {@code 1048576}; null if invalid. */
  public static Long parseBytes(String text) {
    String s = text.trim().replace("_", "");
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return null;
    }
    long multiplier = switch (s.substring(i).trim().toLowerCase(Locale.ROOT)) {
      case "", "b" -> 1L;
      case "kb", "k" -> 1_000L;
      case "kib" -> 1L << 10;
      case "mb", "m" -> 1_000_000L;
      case "mib" -> 1L << 20;
      case "gb", "g" -> 1_000_000_000L;
      case "gib" -> 1L << 30;
      default -> -1L;
    };
    if (multiplier < 0) {
      return null;
    }
    try {
      return Math.multiplyExact(Long.parseLong(s.substring(0, i)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
