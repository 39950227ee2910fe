package io.tracewarden.engine.internal;

/**
 * The most UTF-16 chars any match of an RE2 regex can span, computed from the regex text, or
 * {@link #UNKNOWN}. Conservative: literals and escapes count 1 char, a construct that may match a
 * supplementary code point (negated classes, {@code .}, {@code \S \W \D}, {@code \p{..}}, code
 * points above U+FFFF) counts 2, anchors and flag groups 0; {@code ?} keeps the maximum, {@code
 * {n,m}} multiplies it by {@code m}; an unbounded repetition ({@code *}, {@code +}, {@code {n,}})
 * of anything that can consume a char gives {@link #UNKNOWN}, as does any syntax not recognised.
 *
 * <p>Used to cut regex windows to {@code [start, start + max + 1)} (the extra char gives {@code \b}
 * and {@code $} their real right context): RE2/J's cost is proportional to the window it is given.
 */
public final class MaxLength {

  /** No bound could be derived (unbounded repetition or unrecognised syntax). */
  public static final int UNKNOWN = -1;

  /** Bounds above this are reported as {@link #UNKNOWN}. */
  private static final long LIMIT = 1 << 20;

  private final String re;
  private int pos;

  private MaxLength(String re) {
    this.re = re;
  }

  /** The bound for {@code regex}, or {@link #UNKNOWN}. */
  public static int of(String regex) {
    MaxLength p = new MaxLength(regex);
    try {
      long max = p.alternation();
      if (p.pos != regex.length() || max < 0 || max > LIMIT) {
        return UNKNOWN;
      }
      return (int) max;
    } catch (Unknown | IndexOutOfBoundsException | NumberFormatException e) {
      return UNKNOWN;
    }
  }

  /** Thrown to abandon the analysis. */
  private static final class Unknown extends RuntimeException {
    Unknown() {
      super(null, null, false, false);
    }
  }

  private long alternation() {
    long best = sequence();
    while (pos < re.length() && re.charAt(pos) == '|') {
      pos++;
      best = Math.max(best, sequence());
    }
    return best;
  }

  private long sequence() {
    long total = 0;
    while (pos < re.length()) {
      char c = re.charAt(pos);
      if (c == '|' || c == ')') {
        break;
      }
      long atom = atom();
      total = Math.min(LIMIT + 1, total + quantified(atom));
    }
    return total;
  }

  /** Applies a quantifier following an atom of max length {@code atom}, if any. */
  private long quantified(long atom) {
    if (pos >= re.length()) {
      return atom;
    }
    char c = re.charAt(pos);
    long result;
    if (c == '?') {
      pos++;
      result = atom;
    } else if (c == '*' || c == '+') {
      pos++;
      result = unbounded(atom);
    } else if (c == '{') {
      int close = re.indexOf('}', pos);
      String body = close < 0 ? null : re.substring(pos + 1, close);
      if (body == null || !body.matches("[0-9]{1,4}(,[0-9]{0,4})?")) {
        return atom; // a literal '{' (RE2 reads it so); the brace itself was not consumed
      }
      pos = close + 1;
      int comma = body.indexOf(',');
      if (comma < 0) {
        result = atom * Integer.parseInt(body);
      } else if (comma == body.length() - 1) {
        result = unbounded(atom);
      } else {
        result = atom * Integer.parseInt(body.substring(comma + 1));
      }
    } else {
      return atom;
    }
    if (pos < re.length() && re.charAt(pos) == '?') {
      pos++; // lazy: same bound
    }
    if (pos < re.length() && "*+?".indexOf(re.charAt(pos)) >= 0) {
      throw new Unknown(); // RE2 rejects double repetition; do not guess
    }
    return Math.min(LIMIT + 1, result);
  }

  private static long unbounded(long atom) {
    if (atom == 0) {
      return 0;
    }
    throw new Unknown();
  }

  private long atom() {
    char c = re.charAt(pos);
    switch (c) {
      case '(':
        return group();
      case '[':
        return charClass();
      case '\\':
        return escape(false);
      case '.':
        pos++;
        return 2;
      case '^':
      case '$':
        pos++;
        return 0;
      case '*':
      case '+':
      case '?':
        throw new Unknown(); // repetition without an operand
      default:
        pos++;
        return 1; // a literal (each half of a surrogate pair counts 1)
    }
  }

  private long group() {
    pos++; // '('
    if (re.startsWith("?", pos)) {
      pos++;
      if (re.startsWith("P<", pos) || re.startsWith("<", pos)) {
        int close = re.indexOf('>', pos);
        if (close < 0) {
          throw new Unknown();
        }
        pos = close + 1;
      } else {
        // flags: (?i) (?-s) (?i:...) (?:...)
        while (pos < re.length() && "imsU-".indexOf(re.charAt(pos)) >= 0) {
          pos++;
        }
        char d = re.charAt(pos);
        if (d == ')') {
          pos++;
          return 0; // flag setting, zero width
        }
        if (d != ':') {
          throw new Unknown();
        }
        pos++;
      }
    }
    long inner = alternation();
    if (pos >= re.length() || re.charAt(pos) != ')') {
      throw new Unknown();
    }
    pos++;
    return inner;
  }

  /**
   * An escape outside ({@code inClass} false) or inside a class. Returns its width: 0 for
   * assertions, 1 for a BMP char or an ASCII class, 2 when it may match a supplementary char.
   */
  private long escape(boolean inClass) {
    char d = re.charAt(pos + 1);
    pos += 2;
    switch (d) {
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        if (inClass) {
          throw new Unknown();
        }
        return 0;
      case 'd':
      case 's':
      case 'w':
        return 1;
      case 'D':
      case 'S':
      case 'W':
        return 2;
      case 'p':
      case 'P':
        if (re.startsWith("{", pos)) {
          int close = re.indexOf('}', pos);
          if (close < 0) {
            throw new Unknown();
          }
          pos = close + 1;
        } else {
          pos++;
        }
        return 2;
      case 'x': {
        int value;
        if (re.startsWith("{", pos)) {
          int close = re.indexOf('}', pos);
          value = Integer.parseInt(re.substring(pos + 1, close), 16);
          pos = close + 1;
        } else {
          value = Integer.parseInt(re.substring(pos, pos + 2), 16);
          pos += 2;
        }
        return value > 0xFFFF ? 2 : 1;
      }
      case 'Q': {
        if (inClass) {
          throw new Unknown();
        }
        int end = re.indexOf("\\E", pos);
        int stop = end < 0 ? re.length() : end;
        long len = stop - pos;
        pos = end < 0 ? re.length() : end + 2;
        return len;
      }
      case 'C':
        throw new Unknown();
      default:
        if (Character.isLetter(d) && "afnrtv".indexOf(d) < 0) {
          throw new Unknown(); // an escape RE2 may give a meaning we do not model
        }
        return 1; // punctuation, \n \t ..., octal digits
    }
  }

  /** A bracketed class: 1 when it only holds BMP chars, else 2. */
  private long charClass() {
    pos++; // '['
    long width = 1;
    if (re.startsWith("^", pos)) {
      pos++;
      width = 2; // a negated class also matches supplementary chars
    }
    boolean first = true;
    while (true) {
      char c = re.charAt(pos);
      if (c == ']' && !first) {
        pos++;
        return width;
      }
      first = false;
      if (c == '[' && re.startsWith("[:", pos)) {
        int close = re.indexOf(":]", pos + 2);
        if (close < 0) {
          throw new Unknown();
        }
        if (re.startsWith("[:^", pos)) {
          width = 2;
        }
        pos = close + 2;
        continue;
      }
      if (c == '\\') {
        width = Math.max(width, escape(true));
      } else {
        if (Character.isSurrogate(c)) {
          width = 2;
        }
        pos++;
      }
      // A range upper bound: a-z, \x00-\x{10FFFF}.
      if (re.startsWith("-", pos) && pos + 1 < re.length() && re.charAt(pos + 1) != ']') {
        pos++;
        if (re.charAt(pos) == '\\') {
          width = Math.max(width, escape(true));
        } else {
          if (Character.isSurrogate(re.charAt(pos))) {
            width = 2;
          }
          pos++;
        }
      }
    }
  }
}
