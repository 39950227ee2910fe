package io.tracewarden.engine.internal;

import java.util.List;
import java.util.Locale;

/**
 * Recognises values that only stand in for a secret: {@code <YOUR_API_KEY>}, {@code xxxxx},
 * {@code ****}, {@code ${VAR}}, {@code {{ var }}}, {@code os.environ[...]}, {@code
 * process.env.X}, {@code changeme}, {@code your-api-key}, {@code example}, one repeated char, and
 * our own {@code [REDACTED:...]} masks (so masking is idempotent).
 */
public final class Placeholders {

  private static final String[] WORDS = {
    "example", "changeme", "change_me", "change-me", "placeholder", "your-", "your_", "yourapi",
    "yourkey", "yoursecret", "yourtoken", "yourpassword", "redacted", "os.environ", "process.env",
    "getenv(", "env[", "env(", "${", "{{", "%(", "<%=", "dummy", "replace_me", "replaceme",
    "insert_", "insert-", "xxxxx", "*****", "....", "•••", "sample_key", "fake_key", "foobar",
    "secrets."
  };

  /** The same words, for ASCII values: one automaton pass instead of 35 searches. */
  private static final WordSet WORD_SET = new WordSet(List.of(WORDS));

  private Placeholders() {}

  /** True when {@code secret} looks like a placeholder rather than a real secret. */
  public static boolean isPlaceholder(String secret) {
    int n = secret.length();
    if (n == 0) {
      return true;
    }
    if (!WordSet.isAscii(secret)) {
      return isPlaceholderLowerCased(secret.toLowerCase(Locale.ROOT), n);
    }
    // ASCII: lower-casing changes no length and none of the chars compared below but the
    // letters, which dominatedByOneChar folds itself.
    return WORD_SET.foundIn(secret) || framed(secret, n) || dominatedByOneChar(secret);
  }

  /** {@code n}: the length before lower-casing (which may make it longer). */
  private static boolean isPlaceholderLowerCased(String s, int n) {
    for (String w : WORDS) {
      if (s.contains(w)) {
        return true;
      }
    }
    return framed(s, n) || dominatedByOneChar(s);
  }

  /** {@code <...>}, {@code [...]}, {@code {...}}, {@code $...} or {@code ***...}. */
  private static boolean framed(String s, int n) {
    char first = s.charAt(0);
    char last = s.charAt(n - 1);
    return (first == '<' && last == '>') || (first == '[' && last == ']')
        || (first == '{' && last == '}') || first == '$' || s.startsWith("***");
  }

  /**
   * One char makes up 60% or more of a value of 6+ chars ({@code aaaaaa}, {@code 00000000}),
   * ASCII letters counted case-insensitively.
   */
  private static boolean dominatedByOneChar(String s) {
    int n = s.length();
    if (n < 6) {
      return allSame(s);
    }
    int[] counts = new int[128];
    int max = 0;
    for (int i = 0; i < n; i++) {
      char c = WordSet.lowerAscii(s.charAt(i));
      if (c < 128) {
        max = Math.max(max, ++counts[c]);
      }
    }
    return max * 10 >= n * 6;
  }

  private static boolean allSame(String s) {
    char first = WordSet.lowerAscii(s.charAt(0));
    for (int i = 1; i < s.length(); i++) {
      if (WordSet.lowerAscii(s.charAt(i)) != first) {
        return false;
      }
    }
    return true;
  }
}
