package io.tracewarden.engine.internal;

import java.util.List;
import java.util.Locale;

/**
 * Lower-case words looked for in texts as {@code text.toLowerCase(Locale.ROOT).contains(word)}
 * would, but for ASCII text in one pass of an automaton and without lower-casing it.
 */
public final class WordSet {

  private final String[] words;
  /**
   * The ASCII words: lower-casing ASCII text per char is what {@link Locale#ROOT} does, and a
   * word with another char cannot occur in it.
   */
  private final KeywordAutomaton asciiWords;
  private final boolean hasEmpty;

  /** {@code lowerCaseWords}: already lower-cased ({@link Locale#ROOT}). */
  public WordSet(List<String> lowerCaseWords) {
    words = lowerCaseWords.toArray(new String[0]);
    hasEmpty = lowerCaseWords.contains("");
    asciiWords = new KeywordAutomaton(lowerCaseWords.stream()
        .filter(w -> !w.isEmpty() && isAscii(w))
        .distinct()
        .toList());
  }

  public boolean isEmpty() {
    return words.length == 0;
  }

  /** True when {@code text}, lower-cased with {@link Locale#ROOT}, contains one of the words. */
  public boolean foundIn(String text) {
    if (hasEmpty) {
      return true;
    }
    // A word found before the first char past ASCII is in the lower-cased text too.
    int found = asciiWords.occursInAscii(text);
    if (found >= 0) {
      return found == 1;
    }
    // Lower-casing may change non-ASCII text's length or map it onto ASCII: do it.
    String lower = text.toLowerCase(Locale.ROOT);
    for (String w : words) {
      if (lower.contains(w)) {
        return true;
      }
    }
    return false;
  }

  static char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }
}
