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
   * Chars of context decoded around escapes: a decoded view covers each cluster of escapes plus
   * this much text on both sides (snapped to whitespace), so a secret that touches an escape is
   * always inside a view while long escape-free stretches (already scanned as they are) are not
   * copied and scanned again.
   */
  public static final int CONTEXT = 2048;
  /** How far a region boundary may move to reach whitespace. */
  private static final int SNAP = 256;

  /**
   * JSON string unescaping ({@code \" \\ \/ \b \f \n \r \t \\uXXXX}); other backslashes are
   * kept. Passes one view per region around escapes (see {@link #CONTEXT}); none when the text
   * has no such escape.
   */
  public static void json(TextView view, Consumer<TextView> sink) {
    String s = view.text();
    int i = s.indexOf('\\');
    if (i < 0) {
      return;
    }
    int n = s.length();
    Escapes esc = new Escapes();
    for (; i >= 0 && i < n - 1; i = s.indexOf('\\', i)) {
      char c = s.charAt(i + 1);
      int decoded;
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
            i++;
            continue;
          }
          decoded = v;
          len = 6;
          break;
        default:
          i++;
          continue;
      }
      esc.add(i, len, decoded, false);
      i += len;
    }
    esc.emit(view, TextView.Kind.JSON, sink);
  }

  /**
   * Percent-decoding ({@code %xx}, UTF-8 multi-byte sequences as one unit; invalid sequences and
   * {@code +} are kept). Passes one view per region around escapes (see {@link #CONTEXT}); none
   * when the text has no valid {@code %xx}.
   */
  public static void url(TextView view, Consumer<TextView> sink) {
    String s = view.text();
    int i = s.indexOf('%');
    if (i < 0) {
      return;
    }
    int n = s.length();
    Escapes esc = new Escapes();
    for (; i >= 0 && i + 2 < n; i = s.indexOf('%', i)) {
      int b0 = hex2(s, i + 1);
      if (b0 < 0) {
        i++;
        continue;
      }
      int need = b0 < 0x80 ? 0 : b0 >= 0xF0 && b0 < 0xF5 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC2 ? 1 : -1;
      if (need < 0 || (b0 >= 0xF5)) {
        i++;
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
        i++;
        continue;
      }
      esc.add(i, j - i, cp, true);
      i = j;
    }
    esc.emit(view, TextView.Kind.URL, sink);
  }

  /** Escapes found in a text (parent offsets), grouped into regions when emitted. */
  private static final class Escapes {
    int[] pos = new int[64]; // 3 ints per escape: ppos, plen, code point
    int count;

    void add(int ppos, int plen, int cp, boolean codePoint) {
      if (3 * count + 3 > pos.length) {
        pos = Arrays.copyOf(pos, pos.length * 2);
      }
      pos[3 * count] = ppos;
      pos[3 * count + 1] = plen;
      pos[3 * count + 2] = codePoint ? cp : -1 - cp; // negative: a single UTF-16 char
      count++;
    }

    void emit(TextView view, TextView.Kind kind, Consumer<TextView> sink) {
      String s = view.text();
      int n = s.length();
      int k = 0;
      while (k < count) {
        int regionStart = snapBack(s, Math.max(0, pos[3 * k] - CONTEXT));
        int last = k;
        int regionEnd = snapForward(s, pos[3 * k] + pos[3 * k + 1] + CONTEXT, n);
        while (last + 1 < count && pos[3 * (last + 1)] < regionEnd) {
          last++;
          int e = pos[3 * last] + pos[3 * last + 1];
          regionEnd = Math.max(regionEnd, snapForward(s, e + CONTEXT, n));
        }
        StringBuilder out = new StringBuilder(regionEnd - regionStart);
        int[] esc = new int[4 * (last - k + 1)];
        int copied = regionStart;
        for (int q = k; q <= last; q++) {
          int ppos = pos[3 * q];
          int plen = pos[3 * q + 1];
          int cp = pos[3 * q + 2];
          out.append(s, copied, ppos);
          int dpos = out.length();
          if (cp < 0) {
            out.append((char) (-1 - cp));
          } else {
            out.appendCodePoint(cp);
          }
          int e = 4 * (q - k);
          esc[e] = dpos;
          esc[e + 1] = out.length() - dpos;
          esc[e + 2] = ppos;
          esc[e + 3] = plen;
          copied = ppos + plen;
        }
        out.append(s, copied, regionEnd);
        sink.accept(TextView.escaped(view, kind, out.toString(), regionStart, regionEnd, esc,
            last - k + 1));
        k = last + 1;
      }
    }
  }

  /** Moves a region start back to just after whitespace (at most {@value #SNAP} chars). */
  private static int snapBack(String s, int i) {
    int limit = Math.max(0, i - SNAP);
    while (i > limit && !Character.isWhitespace(s.charAt(i - 1))) {
      i--;
    }
    return i;
  }

  /** Moves a region end forward to whitespace (at most {@value #SNAP} chars). */
  private static int snapForward(String s, int i, int n) {
    if (i >= n) {
      return n;
    }
    int limit = Math.min(n, i + SNAP);
    while (i < limit && !Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * Finds runs of at least {@value #MIN_BASE64} base64 chars (either alphabet, optional {@code =}
   * padding) that decode to mostly printable UTF-8, and passes a view of each decoded run.
   * Samples every 23rd char, so text without long runs is barely touched.
   */
  public static void base64(TextView view, Consumer<TextView> sink) {
    base64(view, null, sink);
  }

  /**
   * {@link #base64(TextView, Consumer)}, with the runs already located by the keyword pass when
   * {@code hits} has them.
   */
  public static void base64(TextView view, HitLog hits, Consumer<TextView> sink) {
    String s = view.text();
    int n = s.length();
    if (!view.isEscapeDecoded() && hits != null && hits.hasBase64Runs()) {
      for (int p : hits.base64Runs()) {
        run(view, p, sink);
      }
      return;
    }
    if (view.isEscapeDecoded()) {
      // Only runs touching an escape differ from the parent's (decoded there): look only there.
      int done = 0;
      for (int k = 0; k < view.escapeCount(); k++) {
        int to = Math.min(n, view.escapeEnd(k) + 1);
        for (int p = Math.max(done, view.escapeStart(k) - 3); p < to; p++) {
          if (Base64Text.isBase64Char(s.charAt(p))) {
            p = done = run(view, p, sink);
          }
        }
      }
      return;
    }
    int step = MIN_BASE64 - 1;
    int p = step - 1;
    while (p < n) {
      if (!Base64Text.isBase64Char(s.charAt(p))) {
        p += step;
        continue;
      }
      p = run(view, p, sink) + step;
    }
  }

  /**
   * Decodes the run of base64 chars around {@code p} when it is long enough and differs from the
   * parent's; returns the end of the run.
   */
  private static int run(TextView view, int p, Consumer<TextView> sink) {
    String s = view.text();
    int n = s.length();
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
    // A run that is char for char the parent's (no escape in or next to it) was decoded there.
    if (b - a >= MIN_BASE64 && b - a <= MAX_BASE64 && !view.sameAsParent(a - 1, end + 1)) {
      int decodeEnd = (b - a) % 4 == 1 ? b - 1 : b;
      byte[] bytes = Base64Text.mayBeUtf8(s, a, decodeEnd)
          ? Base64Text.decodeLenient(s, a, decodeEnd) : null;
      String text = bytes == null || bytes.length < 8 ? null : Base64Text.printableUtf8(bytes);
      if (text != null) {
        sink.accept(TextView.segment(view, text, a, end));
      }
    }
    return b;
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
