package io.tracewarden.engine.internal;

import java.util.Arrays;
import java.util.function.Consumer;

/** Decoders producing {@link TextView}s to scan in addition to the text itself. */
public final class Decoders {

  /** Minimum length of a base64 run considered for decoding. */
  public static final int MIN_BASE64 = 24;
  /** Longest base64 run decoded (longer runs are scanned only as they are). */
  public static final int MAX_BASE64 = 1 << 20;

  private Decoders() {}

  /**
   * JSON string unescaping ({@code \" \\ \/ \b \f \n \r \t \\uXXXX}) over the whole view; other
   * backslashes are kept. Null when the text has no such escape.
   */
  public static TextView json(TextView view) {
    String s = view.text();
    int first = s.indexOf('\\');
    if (first < 0) {
      return null;
    }
    int n = s.length();
    StringBuilder out = null;
    int[] esc = new int[64];
    int count = 0;
    int copied = 0;
    for (int i = first; i < n - 1; i++) {
      if (s.charAt(i) != '\\') {
        continue;
      }
      char c = s.charAt(i + 1);
      char decoded;
      int len = 2;
      switch (c) {
        case '"': decoded = '"'; break;
        case '\\': decoded = '\\'; break;
        case '/': decoded = '/'; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        case 'u':
          int v = i + 6 <= n ? hex4(s, i + 2) : -1;
          if (v < 0) {
            continue;
          }
          decoded = (char) v;
          len = 6;
          break;
        default:
          continue;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(s, copied, i);
      int dpos = out.length();
      out.append(decoded);
      if (4 * count + 4 > esc.length) {
        esc = Arrays.copyOf(esc, esc.length * 2);
      }
      esc[4 * count] = dpos;
      esc[4 * count + 1] = 1;
      esc[4 * count + 2] = i;
      esc[4 * count + 3] = len;
      count++;
      i += len - 1;
      copied = i + 1;
    }
    if (out == null) {
      return null;
    }
    out.append(s, copied, n);
    return TextView.escaped(view, TextView.Kind.JSON, out.toString(), esc, count);
  }

  /**
   * Percent-decoding ({@code %xx}, UTF-8 multi-byte sequences as one unit; invalid sequences and
   * {@code +} are kept). Null when the text has no valid {@code %xx}.
   */
  public static TextView url(TextView view) {
    String s = view.text();
    int first = s.indexOf('%');
    if (first < 0) {
      return null;
    }
    int n = s.length();
    StringBuilder out = null;
    int[] esc = new int[64];
    int count = 0;
    int copied = 0;
    for (int i = first; i + 2 < n; i++) {
      if (s.charAt(i) != '%') {
        continue;
      }
      int b0 = hex2(s, i + 1);
      if (b0 < 0) {
        continue;
      }
      int need = b0 < 0x80 ? 0 : b0 >= 0xF0 && b0 < 0xF5 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC2 ? 1 : -1;
      if (need < 0 || (b0 >= 0xF5)) {
        continue;
      }
      int cp = need == 0 ? b0 : need == 1 ? b0 & 0x1F : need == 2 ? b0 & 0x0F : b0 & 0x07;
      int j = i + 3;
      boolean ok = true;
      for (int k = 0; k < need; k++, j += 3) {
        int b = j + 2 < n + 0 && s.charAt(j) == '%' ? hex2(s, j + 1) : -1;
        if (b < 0x80 || b > 0xBF) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (b & 0x3F);
      }
      if (!ok || (need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF))
          || (cp >= 0xD800 && cp <= 0xDFFF)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(s, copied, i);
      int dpos = out.length();
      out.appendCodePoint(cp);
      if (4 * count + 4 > esc.length) {
        esc = Arrays.copyOf(esc, esc.length * 2);
      }
      esc[4 * count] = dpos;
      esc[4 * count + 1] = out.length() - dpos;
      esc[4 * count + 2] = i;
      esc[4 * count + 3] = j - i;
      count++;
      i = j - 1;
      copied = j;
    }
    if (out == null) {
      return null;
    }
    out.append(s, copied, n);
    return TextView.escaped(view, TextView.Kind.URL, out.toString(), esc, count);
  }

  /**
   * Finds runs of at least {@value #MIN_BASE64} base64 chars (either alphabet, optional {@code =}
   * padding) that decode to mostly printable UTF-8, and passes a view of each decoded run.
   * Samples every 23rd char, so text without long runs is barely touched.
   */
  public static void base64(TextView view, Consumer<TextView> sink) {
    String s = view.text();
    int n = s.length();
    int step = MIN_BASE64 - 1;
    int p = step - 1;
    while (p < n) {
      if (!Base64Text.isBase64Char(s.charAt(p))) {
        p += step;
        continue;
      }
      int a = p;
      while (a > 0 && Base64Text.isBase64Char(s.charAt(a - 1))) {
        a--;
      }
      int b = p + 1;
      while (b < n && Base64Text.isBase64Char(s.charAt(b))) {
        b++;
      }
      int end = b;
      while (end < n && end < b + 2 && s.charAt(end) == '=') {
        end++;
      }
      if (b - a >= MIN_BASE64 && b - a <= MAX_BASE64) {
        int decodeEnd = (b - a) % 4 == 1 ? b - 1 : b;
        byte[] bytes = Base64Text.decodeLenient(s, a, decodeEnd);
        String text = bytes == null || bytes.length < 8 ? null : Base64Text.printableUtf8(bytes);
        if (text != null) {
          sink.accept(TextView.segment(view, text, a, end));
        }
      }
      p = b + step;
    }
  }

  private static int hex2(String s, int i) {
    if (i + 2 > s.length()) {
      return -1;
    }
    int h = Character.digit(s.charAt(i), 16);
    int l = Character.digit(s.charAt(i + 1), 16);
    return h < 0 || l < 0 ? -1 : (h << 4) | l;
  }

  private static int hex4(String s, int i) {
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(s.charAt(i + k), 16);
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }
}
