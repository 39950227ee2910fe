package io.tracewarden.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Structure and checksum checks that cut false positives. All methods are pure. */
public final class Validators {

  static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MIN_PEM_BODY = 64;

  private Validators() {}

  /** Runs the named validator ({@code null}, {@code none} and {@code placeholder} accept all). */
  public static boolean validate(String validator, String secret) {
    if (validator == null) {
      return true;
    }
    switch (validator) {
      case "github_crc32":
        return githubToken(secret);
      case "npm_crc32":
        return npmToken(secret);
      case "jwt":
        return jwt(secret);
      case "pem":
        return pem(secret);
      default:
        return true; // "none"; "placeholder" checks run for every rule anyway
    }
  }

  /**
   * GitHub classic tokens ({@code ghp_ gho_ ghu_ ghs_ ghr_} + 30 base62 chars + 6 base62 chars):
   * the last 6 chars are the base62 CRC32 of the 30 random chars, left-padded with {@code 0}.
   * Other GitHub token shapes (e.g. {@code github_pat_}) carry no public checksum and are
   * accepted.
   */
  public static boolean githubToken(String s) {
    if (s.length() == 40 && s.startsWith("gh") && s.charAt(3) == '_'
        && "pousr".indexOf(s.charAt(2)) >= 0) {
      return checksum62(s, 4);
    }
    return !(s.startsWith("gh") && s.length() > 3 && s.charAt(3) == '_'
        && "pousr".indexOf(s.charAt(2)) >= 0);
  }

  /** npm tokens: {@code npm_} + 30 base62 chars + 6 base62 chars of CRC32, like GitHub's. */
  public static boolean npmToken(String s) {
    return s.length() == 40 && s.startsWith("npm_") && checksum62(s, 4);
  }

  /** The base62 CRC32 checksum of {@code body}, 6 chars, as GitHub and npm tokens end with. */
  public static String crc32Base62(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    char[] out = new char[6];
    for (int i = 5; i >= 0; i--) {
      out[i] = BASE62.charAt((int) (v % 62));
      v /= 62;
    }
    return new String(out);
  }

  private static boolean checksum62(String s, int prefix) {
    for (int i = prefix; i < s.length(); i++) {
      if (BASE62.indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    String body = s.substring(prefix, s.length() - 6);
    return crc32Base62(body).equals(s.substring(s.length() - 6));
  }

  /** A JWT: three dot-separated base64url parts whose header decodes to JSON with {@code alg}. */
  public static boolean jwt(String s) {
    int d1 = s.indexOf('.');
    int d2 = d1 < 0 ? -1 : s.indexOf('.', d1 + 1);
    if (d1 <= 0 || d2 < 0 || d2 == d1 + 1 || s.indexOf('.', d2 + 1) >= 0) {
      return false;
    }
    byte[] header = Base64Text.decodeLenient(s, 0, d1);
    byte[] payload = Base64Text.decodeLenient(s, d1 + 1, d2);
    if (header == null || payload == null) {
      return false;
    }
    try {
      JsonNode h = JSON.readTree(header);
      return h != null && h.isObject() && h.hasNonNull("alg");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A PEM block (or just its body) whose body, without armor header lines, whitespace and
   * literal {@code \n}/{@code \r} escapes, is base64 of at least 64 chars.
   */
  public static boolean pem(String s) {
    int begin = s.indexOf("-----BEGIN");
    int from = 0;
    int to = s.length();
    if (begin >= 0) {
      int headerEnd = s.indexOf("-----", begin + 10);
      if (headerEnd < 0) {
        return false;
      }
      from = headerEnd + 5;
      int end = s.indexOf("-----END", from);
      if (end >= 0) {
        to = end;
      }
    }
    int base64 = 0;
    int lineStart = from;
    int i = from;
    while (i < to) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < to && (s.charAt(i + 1) == 'n' || s.charAt(i + 1) == 'r')) {
        i += 2;
        lineStart = i;
        continue;
      }
      if (c == '\n' || c == '\r') {
        i++;
        lineStart = i;
        continue;
      }
      if (c == ':' || (c == '=' && i == lineStart)) {
        // armor header ("Proc-Type: ...") or PGP checksum line ("=abcd"): skip the line
        while (i < to && s.charAt(i) != '\n' && s.charAt(i) != '\r' && s.charAt(i) != '\\') {
          i++;
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '=') {
        i++;
        continue;
      }
      if (!Base64Text.isBase64Char(c)) {
        return false;
      }
      base64++;
      i++;
    }
    return base64 >= MIN_PEM_BODY;
  }

  /** {@code c * log2(c)} for the counts most values have: one table read instead of a log. */
  private static final double[] COUNT_LOG = new double[257];

  static {
    for (int c = 1; c < COUNT_LOG.length; c++) {
      COUNT_LOG[c] = countLog(c);
    }
  }

  /**
   * Shannon entropy in bits per char of {@code s} (0 for the empty string), as {@code log2(n) -
   * sum(c * log2(c)) / n} over the char counts {@code c}: one log per distinct count instead of
   * two per distinct char. Every match of a rule with an entropy threshold pays for it.
   */
  public static double entropy(CharSequence s) {
    int n = s.length();
    if (n == 0) {
      return 0;
    }
    int[] ascii = new int[128];
    java.util.Map<Character, Integer> other = null;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 128) {
        ascii[c]++;
      } else {
        if (other == null) {
          other = new java.util.HashMap<>();
        }
        other.merge(c, 1, Integer::sum);
      }
    }
    double sum = 0;
    // Each distinct ASCII char once, in the order it first occurs, clearing its count.
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 128 && ascii[c] != 0) {
        sum += cachedCountLog(ascii[c]);
        ascii[c] = 0;
      }
    }
    if (other != null) {
      for (int count : other.values()) {
        sum += cachedCountLog(count);
      }
    }
    return Math.max(0, (countLog(n) - sum) / n);
  }

  private static double cachedCountLog(int c) {
    return c < COUNT_LOG.length ? COUNT_LOG[c] : countLog(c);
  }

  private static double countLog(int c) {
    return c * (Math.log(c) / Math.log(2));
  }
}
