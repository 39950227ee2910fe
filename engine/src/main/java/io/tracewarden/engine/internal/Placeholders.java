package io.tracewarden.engine.internal;

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

  private Placeholders() {}

  /** True when {@code secret} looks like a placeholder rather than a real secret. */
  public static boolean isPlaceholder(String secret) {
    int n = secret.length();
    if (n == 0) {
      return true;
    }
    String s = secret.toLowerCase(Locale.ROOT);
    for (String w : WORDS) {
      if (s.contains(w)) {
        return true;
      }
    }
    char first = s.charAt(0);
    char last = s.charAt(n - 1);
    if ((first == '<' && last == '>') || (first == '[' && last == ']')
        || (first == '{' && last == '}') || s.startsWith("$") || s.startsWith("***")) {
      return true;
    }
    return dominatedByOneChar(s);
  }

  /** One char makes up 60% or more of a value of 6+ chars ({@code aaaaaa}, {@code 00000000}). */
  private static boolean dominatedByOneChar(String s) {
    int n = s.length();
    if (n < 6) {
      return allSame(s);
    }
    int[] counts = new int[128];
    int max = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 128) {
        max = Math.max(max, ++counts[c]);
      }
    }
    return max * 10 >= n * 6;
  }

  private static boolean allSame(String s) {
    for (int i = 1; i < s.length(); i++) {
      if (s.charAt(i) != s.charAt(0)) {
        return false;
      }
    }
    return true;
  }
}
