package io.tracewarden.engine.internal;

/**
 * How far around a keyword hit a rule's regex runs, estimated from the regex text (see {@link
 * #after(String)}). A match that reaches the end of its window is retried on a {@value #RETRY}
 * char window, so greedy repetitions longer than the estimate are still matched whole.
 */
public final class Windows {

  /** Most chars scanned before a keyword hit (then extended to a non-word char). */
  public static final int MAX_BEFORE = 1024;
  /** Window after a hit for regexes with unbounded repetition. */
  public static final int LONG = 16 * 1024;
  /** Window for the retry of a match that reached its window's end. */
  public static final int RETRY = 256 * 1024;

  private Windows() {}

  /**
   * Chars scanned before the start of a keyword hit: the keyword may sit anywhere in a match, so
   * the same estimate as {@link #after(String)}, capped at {@value #MAX_BEFORE}.
   */
  public static int before(String regex) {
    return Math.min(MAX_BEFORE, after(regex));
  }

  /** Allowance per unbounded repetition ({@code *}, {@code +}, {@code {n,}}). */
  public static final int PER_UNBOUNDED = 64;

  /**
   * Chars scanned after the end of a keyword hit: regex length + 64 + the upper bounds of
   * {@code {m,n}} repetitions + {@value #PER_UNBOUNDED} (plus the lower bound) per unbounded
   * repetition, capped at {@value #LONG}; a lazy unbounded repetition ({@code *?}, {@code +?},
   * {@code {n,}?}, as in {@code BEGIN.{64,}?END}) must find its terminator and gets {@value
   * #LONG} outright.
   */
  public static int after(String regex) {
    long total = 32L + regex.length() / 2;
    int n = regex.length();
    for (int i = 0; i < n; i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
        continue;
      }
      if (c == '[') {
        i = classEnd(regex, i);
        continue;
      }
      if (c == '*' || c == '+') {
        if (i + 1 < n && regex.charAt(i + 1) == '?') {
          return LONG;
        }
        total += PER_UNBOUNDED;
        continue;
      }
      if (c == '{') {
        int close = regex.indexOf('}', i);
        if (close < 0) {
          continue;
        }
        String body = regex.substring(i + 1, close);
        int comma = body.indexOf(',');
        String lower = comma < 0 ? body : body.substring(0, comma).trim();
        String upper = comma < 0 ? body : body.substring(comma + 1).trim();
        try {
          if (upper.isEmpty()) {
            if (close + 1 < n && regex.charAt(close + 1) == '?') {
              return LONG;
            }
            total += Integer.parseInt(lower) + PER_UNBOUNDED;
          } else {
            total += Integer.parseInt(upper);
          }
        } catch (NumberFormatException e) {
          continue; // not a repetition, a literal brace
        }
        i = close;
      }
    }
    return (int) Math.min(LONG, total);
  }

  /** Index of the ']' closing the char class opened at {@code open}. */
  private static int classEnd(String regex, int open) {
    int i = open + 1;
    if (i < regex.length() && regex.charAt(i) == '^') {
      i++;
    }
    if (i < regex.length() && regex.charAt(i) == ']') {
      i++;
    }
    for (; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[' && i + 1 < regex.length() && regex.charAt(i + 1) == ':') {
        int close = regex.indexOf(":]", i + 2);
        if (close > 0) {
          i = close + 1;
        }
      } else if (c == ']') {
        return i;
      }
    }
    return regex.length();
  }
}
