package io.tracewarden.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

  /**
   * True when every match of {@code regex} starts with {@code \b} followed by a literal that
   * begins with one of {@code foldedKeywords} (lower-case) and whose first char is an ASCII word
   * char, e.g. {@code \b((?:AKIA|ASIA)[A-Z2-7]{16})\b} with keywords {@code akia, asia}. Such
   * a rule can be matched anchored at each keyword hit instead of searching a window around it.
   * Conservative: false whenever the regex is not recognised.
   */
  public static boolean startsAtKeyword(String regex, List<String> foldedKeywords) {
    String r = regex;
    if (r.startsWith("(?i)")) {
      r = r.substring(4);
    }
    if (r.startsWith("(?i:")) {
      // A leading case-insensitive group, e.g. (?i:\bredis)://...: its body is part of the
      // sequence (case does not matter here, keywords are folded).
      int close = groupEnd(r, 0);
      if (close < 0 || isQuantifier(r, close + 1) || hasTopLevelBar(r, 4, close)) {
        return false;
      }
      r = r.substring(4, close) + r.substring(close + 1);
    }
    if (!r.startsWith("\\b")) {
      return false;
    }
    r = r.substring(2);
    List<String> prefixes = new ArrayList<>();
    if (r.startsWith("(")) {
      int close = groupEnd(r, 0);
      if (close < 0 || hasTopLevelBar(r, close + 1, r.length()) || isQuantifier(r, close + 1)) {
        return false;
      }
      int bodyStart = 1;
      if (r.startsWith("(?:")) {
        bodyStart = 3;
      } else if (r.startsWith("(?")) {
        return false;
      }
      for (String branch : splitTopLevel(r, bodyStart, close)) {
        if (!branchPrefixes(branch, prefixes)) {
          return false;
        }
      }
    } else {
      if (hasTopLevelBar(r, 0, r.length()) || !branchPrefixes(r, prefixes)) {
        return false;
      }
    }
    if (prefixes.isEmpty()) {
      return false;
    }
    for (String p : prefixes) {
      if (p.isEmpty() || !isAsciiWord(p.charAt(0))) {
        return false;
      }
      String f = p.toLowerCase(Locale.ROOT);
      boolean ok = false;
      for (String k : foldedKeywords) {
        if (f.startsWith(k) && isAsciiWord(k.charAt(0))) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when every match of {@code regex} starts with a literal that begins with one of {@code
   * foldedKeywords} (lower-case), with or without a {@code \b} before it, e.g. {@code
   * (?i:discord|\bbot)...}, {@code (?i:jdbc:[a-z0-9]+:...)} or {@code (-----BEGIN RSA PRIVATE
   * KEY-----...)}: the match then starts at a keyword hit, where it can be tried anchored.
   * Leading groups (not quantified) are expanded branch by branch, with the rest of the regex
   * appended. Conservative: false whenever the regex is not recognised.
   */
  public static boolean startsWithKeyword(String regex, List<String> foldedKeywords) {
    return startsWithKeyword(regex, foldedKeywords, 0);
  }

  private static boolean startsWithKeyword(String r, List<String> keywords, int depth) {
    if (depth > 8 || r.length() > 4096) {
      return false;
    }
    if (r.startsWith("(?i)")) {
      return startsWithKeyword(r.substring(4), keywords, depth + 1);
    }
    if (r.startsWith("\\b")) {
      return startsWithKeyword(r.substring(2), keywords, depth + 1);
    }
    List<String> top = splitTopLevel(r, 0, r.length());
    if (top.size() > 1) {
      for (String b : top) {
        if (!startsWithKeyword(b, keywords, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (r.startsWith("(")) {
      int close = groupEnd(r, 0);
      if (close < 0 || isQuantifier(r, close + 1)) {
        return false;
      }
      int bodyStart;
      if (r.startsWith("(?:") || r.startsWith("(?i:")) {
        bodyStart = r.indexOf(':') + 1;
      } else if (r.startsWith("(?")) {
        return false;
      } else {
        bodyStart = 1;
      }
      String rest = r.substring(close + 1);
      for (String b : splitTopLevel(r, bodyStart, close)) {
        if (!startsWithKeyword(b + rest, keywords, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    String p = literalPrefix(r).toLowerCase(Locale.ROOT);
    if (p.isEmpty()) {
      return false;
    }
    for (String k : keywords) {
      if (!k.isEmpty() && p.startsWith(k)) {
        return true;
      }
    }
    return false;
  }

  /** An ASCII word char, as RE2's {@code \b} defines it. */
  public static boolean isAsciiWord(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  /** Adds the literal prefixes of a branch (one per alternative of a leading group). */
  private static boolean branchPrefixes(String b, List<String> out) {
    if (b.startsWith("(")) {
      int close = groupEnd(b, 0);
      if (close < 0 || isQuantifier(b, close + 1)) {
        return false;
      }
      int bodyStart = b.startsWith("(?:") ? 3 : b.startsWith("(?") ? -1 : 1;
      if (bodyStart < 0) {
        return false;
      }
      for (String alt : splitTopLevel(b, bodyStart, close)) {
        out.add(literalPrefix(alt));
      }
      return true;
    }
    out.add(literalPrefix(b));
    return true;
  }

  /** The literal chars every match of {@code s} starts with. */
  private static String literalPrefix(String s) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int next;
      char lit;
      if (c == '\\') {
        if (i + 1 >= s.length() || Character.isLetterOrDigit(s.charAt(i + 1))) {
          break;
        }
        lit = s.charAt(i + 1);
        next = i + 2;
      } else if (".[](){}|*+?^$".indexOf(c) >= 0) {
        break;
      } else {
        lit = c;
        next = i + 1;
      }
      if (next < s.length() && "?*{".indexOf(s.charAt(next)) >= 0) {
        break; // optional char
      }
      sb.append(lit);
      if (next < s.length() && s.charAt(next) == '+') {
        break;
      }
      i = next;
    }
    return sb.toString();
  }

  private static boolean isQuantifier(String s, int i) {
    return i < s.length() && "?*+{".indexOf(s.charAt(i)) >= 0;
  }

  /** Index of the ')' closing the '(' at {@code open}, or -1. */
  private static int groupEnd(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        i = classEnd(s, i);
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        if (--depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static List<String> splitTopLevel(String s, int from, int to) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int last = from;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        i = classEnd(s, i);
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|' && depth == 0) {
        out.add(s.substring(last, i));
        last = i + 1;
      }
    }
    out.add(s.substring(last, to));
    return out;
  }

  private static boolean hasTopLevelBar(String s, int from, int to) {
    return splitTopLevel(s, from, to).size() > 1;
  }

  /** Length allowance for an unbounded repetition in {@link #keywordOffset}. */
  private static final int UNBOUNDED = -1;

  /**
   * Most chars a match can hold before the start of its keyword, or -1 when unknown: the regex's
   * top-level items are measured up to and including the first one that contains a keyword
   * literal, e.g. 70 for {@code (?i:\b|_)(?i:[A-Za-z0-9]*token)...} (a word-char run before the
   * keyword counts as {@code wordRun} chars, as the window is widened over word chars anyway).
   * Any other unbounded repetition in that prefix gives -1.
   */
  public static int keywordOffset(String regex, List<String> foldedKeywords, int wordRun) {
    List<String> items = topLevelItems(regex);
    if (items == null) {
      return -1;
    }
    long total = 0;
    for (String item : items) {
      int len = maxLen(item, 0, item.length(), wordRun);
      if (len == UNBOUNDED) {
        return -1;
      }
      total += len;
      String lit = item.replace("\\", "").toLowerCase(Locale.ROOT);
      for (String k : foldedKeywords) {
        if (lit.contains(k)) {
          return (int) Math.min(Integer.MAX_VALUE, total);
        }
      }
    }
    return -1;
  }

  /** The top-level concatenated items of a regex (null when it has a top-level '|'). */
  private static List<String> topLevelItems(String r) {
    if (hasTopLevelBar(r, 0, r.length())) {
      return null;
    }
    List<String> items = new ArrayList<>();
    int i = 0;
    while (i < r.length()) {
      int start = i;
      char c = r.charAt(i);
      if (c == '(') {
        i = groupEnd(r, i);
        if (i < 0) {
          return null;
        }
        i++;
      } else if (c == '[') {
        i = classEnd(r, i) + 1;
      } else if (c == '\\') {
        i += 2;
      } else {
        i++;
      }
      i = quantifierEnd(r, i);
      items.add(r.substring(start, Math.min(i, r.length())));
    }
    return items;
  }

  private static int quantifierEnd(String r, int i) {
    if (i >= r.length()) {
      return i;
    }
    char c = r.charAt(i);
    if (c == '*' || c == '+' || c == '?') {
      i++;
    } else if (c == '{') {
      int close = r.indexOf('}', i);
      if (close < 0) {
        return i;
      }
      i = close + 1;
    } else {
      return i;
    }
    return i < r.length() && r.charAt(i) == '?' ? i + 1 : i;
  }

  /** Most chars matched by {@code r[from, to)} (a sequence), or {@link #UNBOUNDED}. */
  private static int maxLen(String r, int from, int to, int wordRun) {
    long total = 0;
    int i = from;
    while (i < to) {
      char c = r.charAt(i);
      int atomEnd;
      long len;
      boolean wordClass = false;
      if (c == '(') {
        int close = groupEnd(r, i);
        if (close < 0 || close >= to) {
          return UNBOUNDED;
        }
        int body = i + 1;
        if (r.startsWith("?", body)) {
          int colon = r.indexOf(':', body);
          int paren = r.indexOf(')', body);
          if (colon < 0 || colon > close) {
            // flags only, e.g. (?i): zero width
            i = paren + 1;
            continue;
          }
          body = colon + 1;
        }
        long best = 0;
        for (String alt : splitTopLevel(r, body, close)) {
          int l = maxLen(alt, 0, alt.length(), wordRun);
          if (l == UNBOUNDED) {
            return UNBOUNDED;
          }
          best = Math.max(best, l);
        }
        len = best;
        atomEnd = close + 1;
      } else if (c == '[') {
        atomEnd = classEnd(r, i) + 1;
        String cls = r.substring(i, atomEnd);
        wordClass = cls.equals("[A-Za-z0-9]") || cls.equals("[a-zA-Z0-9]")
            || cls.equals("[A-Za-z0-9_]") || cls.equals("[a-z0-9]");
        len = 1;
      } else if (c == '\\') {
        char d = i + 1 < to ? r.charAt(i + 1) : ' ';
        atomEnd = i + 2;
        len = d == 'b' || d == 'B' || d == 'A' || d == 'z' ? 0 : 1;
        wordClass = d == 'w';
        if (d == 'p' || d == 'P' || d == 'x') {
          return UNBOUNDED; // not worth parsing
        }
      } else if (c == '^' || c == '$') {
        atomEnd = i + 1;
        len = 0;
      } else if (c == ')' || c == '|') {
        return UNBOUNDED;
      } else {
        atomEnd = i + 1;
        len = 1;
      }
      int q = quantifierEnd(r, atomEnd);
      if (q > atomEnd) {
        char qc = r.charAt(atomEnd);
        if (qc == '?') {
          // optional: len stays the maximum
        } else if (qc == '*' || qc == '+') {
          if (!wordClass) {
            return UNBOUNDED;
          }
          len = wordRun;
        } else {
          String body = r.substring(atomEnd + 1, r.indexOf('}', atomEnd));
          int comma = body.indexOf(',');
          String upper = comma < 0 ? body : body.substring(comma + 1).trim();
          if (upper.isEmpty()) {
            if (!wordClass) {
              return UNBOUNDED;
            }
            len = wordRun;
          } else {
            try {
              len *= Integer.parseInt(upper);
            } catch (NumberFormatException e) {
              return UNBOUNDED;
            }
          }
        }
      }
      total += len;
      i = q;
    }
    return (int) Math.min(Integer.MAX_VALUE - 1, total);
  }
}
