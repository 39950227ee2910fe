package io.tracewarden.engine.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
    String text;
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      text = cb.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    int bad = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f || c == 0xfffd) {
        bad++;
      }
    }
    return bad * 10 <= text.length() ? text : null;
  }
}
