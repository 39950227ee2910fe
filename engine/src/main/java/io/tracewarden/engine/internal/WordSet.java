package io.tracewarden.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lower-case words looked for in texts as {@code text.toLowerCase(Locale.ROOT).contains(word)}
 * would, but for ASCII text in one pass and without lower-casing it: only positions whose char
 * starts a word are compared.
 */
public final class WordSet {

  private final String[] words;
  /** Per ASCII (lower-case) first char, the words starting with it. */
  private final String[][] byFirst = new String[128][];
  private final boolean hasEmpty;

  /** {@code lowerCaseWords}: already lower-cased ({@link Locale#ROOT}). */
  public WordSet(List<String> lowerCaseWords) {
    words = lowerCaseWords.toArray(new String[0]);
    boolean empty = false;
    List<List<String>> lists = new ArrayList<>();
    for (int c = 0; c < 128; c++) {
      lists.add(new ArrayList<>());
    }
    for (String w : words) {
      if (w.isEmpty()) {
        empty = true;
      } else if (w.charAt(0) < 128) {
        lists.get(w.charAt(0)).add(w);
      }
      // Words starting with a non-ASCII char cannot occur in lower-cased ASCII text.
    }
    hasEmpty = empty;
    for (int c = 0; c < 128; c++) {
      byFirst[c] = lists.get(c).isEmpty() ? null : lists.get(c).toArray(new String[0]);
    }
  }

  public boolean isEmpty() {
    return words.length == 0;
  }

  /** True when {@code text}, lower-cased with {@link Locale#ROOT}, contains one of the words. */
  public boolean foundIn(String text) {
    if (hasEmpty) {
      return true;
    }
    int n = text.length();
    if (!isAscii(text)) {
      // Lower-casing may change non-ASCII text's length or map it onto ASCII: do it.
      String lower = text.toLowerCase(Locale.ROOT);
      for (String w : words) {
        if (lower.contains(w)) {
          return true;
        }
      }
      return false;
    }
    for (int i = 0; i < n; i++) {
      String[] candidates = byFirst[lowerAscii(text.charAt(i))];
      if (candidates == null) {
        continue;
      }
      for (String w : candidates) {
        if (w.length() <= n - i && matchesAt(text, i, w)) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  static char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /** {@code t} is ASCII and {@code lower} lower-case; its first char is already compared. */
  private static boolean matchesAt(String t, int i, String lower) {
    for (int k = 1; k < lower.length(); k++) {
      if (lowerAscii(t.charAt(i + k)) != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
