package io.tracewarden.engine.internal;

import java.nio.charset.StandardCharsets;

/** Base64 helpers accepting the standard and the url-safe alphabet alike. */
public final class Base64Text {

  private static final byte[] VALUE = new byte[128];

  static {
    java.util.Arrays.fill(VALUE, (byte) -1);
    String std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < std.length(); i++) {
      VALUE[std.charAt(i)] = (byte) i;
    }
    VALUE['+'] = 62;
    VALUE['-'] = 62;
    VALUE['/'] = 63;
    VALUE['_'] = 63;
  }

  /** {@link #isBase64Char} as a table over ASCII. */
  static final boolean[] ALPHABET = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      ALPHABET[c] = VALUE[c] >= 0;
    }
  }

  private Base64Text() {}

  /** A char of the standard or url-safe base64 alphabet (padding excluded). */
  public static boolean isBase64Char(char c) {
    return c < 128 && VALUE[c] >= 0;
  }

  /**
   * Decodes {@code s[from, to)}, standard or url-safe, padding optional; null when it contains a
   * char outside the alphabets or has an impossible length.
   */
  public static byte[] decodeLenient(CharSequence s, int from, int to) {
    int end = to;
    while (end > from && s.charAt(end - 1) == '=') {
      end--;
    }
    int len = end - from;
    if (len % 4 == 1 || len == 0) {
      return null;
    }
    byte[] out = new byte[len * 3 / 4];
    int acc = 0;
    int bits = 0;
    int o = 0;
    for (int i = from; i < end; i++) {
      char c = s.charAt(i);
      int v = c < 128 ? VALUE[c] : -1;
      if (v < 0) {
        return null;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (byte) (acc >> bits);
      }
    }
    return o == out.length ? out : java.util.Arrays.copyOf(out, o);
  }

  /**
   * Decodes bytes as strict UTF-8 and returns the text when it is mostly printable (at least 90%
   * of chars are not controls other than tab/CR/LF), else null.
   */
  public static String printableUtf8(byte[] bytes) {
    // Most base64-looking runs (hashes, ids) decode to binary: refuse those without a decoder
    // and an exception each; what passes decodes identically either way.
    if (!isStrictUtf8(bytes)) {
      return null;
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    int bad = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f || c == 0xfffd) {
        bad++;
      }
    }
    return bad * 10 <= text.length() ? text : null;
  }

  /**
   * Well-formed UTF-8 as the JDK's strict decoder defines it: shortest forms only, no surrogates,
   * nothing above U+10FFFF.
   */
  static boolean isStrictUtf8(byte[] b) {
    return isStrictUtf8(b, b.length, true);
  }

  /**
   * Whether the bytes {@code s[from, to)} (base64 chars only) decodes to can start well-formed
   * UTF-8, judged on the first {@value #PREFIX_CHARS} chars. Most base64-looking runs (hashes,
   * ids) decode to binary that fails in its first bytes: this spares decoding all of them.
   */
  static boolean mayBeUtf8(CharSequence s, int from, int to) {
    int end = Math.min(to, from + PREFIX_CHARS);
    byte[] prefix = new byte[PREFIX_CHARS * 3 / 4];
    int acc = 0;
    int bits = 0;
    int o = 0;
    for (int i = from; i < end; i++) {
      acc = (acc << 6) | VALUE[s.charAt(i)];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        prefix[o++] = (byte) (acc >> bits);
      }
    }
    return isStrictUtf8(prefix, o, false);
  }

  private static final int PREFIX_CHARS = 16;

  /** {@code complete}: whether {@code b[0, n)} is the whole text, not a prefix of it. */
  private static boolean isStrictUtf8(byte[] b, int n, boolean complete) {
    int i = 0;
    while (i < n) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int min2 = 0x80;
      int max2 = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) {
          min2 = 0xA0; // overlong
        } else if (c == 0xED) {
          max2 = 0x9F; // surrogates
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) {
          min2 = 0x90; // overlong
        } else if (c == 0xF4) {
          max2 = 0x8F; // above U+10FFFF
        }
      } else {
        return false;
      }
      if (i + need >= n) {
        return !complete; // a prefix may end inside a sequence
      }
      int c2 = b[i + 1] & 0xFF;
      if (c2 < min2 || c2 > max2) {
        return false;
      }
      for (int k = 2; k <= need; k++) {
        int ck = b[i + k] & 0xFF;
        if (ck < 0x80 || ck > 0xBF) {
          return false;
        }
      }
      i += need + 1;
    }
    return true;
  }
}
