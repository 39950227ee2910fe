package io.tracewarden.guard;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whole-word patterns: {@code *} is any run of characters, {@code ?} one character, {@code |}
 * separates alternatives, and {@code @name} stands for the named set of patterns. Literal
 * alternatives are a hash lookup; wildcard ones use the iterative wildcard match, which needs no
 * regex and is linear in practice (O(pattern x text) at worst).
 */
final class Glob {

  private final Set<String> literals;
  private final String[] wildcards;

  private Glob(Set<String> literals, String[] wildcards) {
    this.literals = literals;
    this.wildcards = wildcards;
  }

  static Glob of(List<String> patterns, Map<String, List<String>> sets) {
    Set<String> literals = new HashSet<>();
    List<String> wildcards = new ArrayList<>();
    for (String alternative : expand(patterns, sets)) {
      if (alternative.indexOf('*') < 0 && alternative.indexOf('?') < 0) {
        literals.add(alternative);
      } else {
        wildcards.add(alternative);
      }
    }
    return new Glob(Set.copyOf(literals), wildcards.toArray(new String[0]));
  }

  boolean matches(String word) {
    if (literals.contains(word)) {
      return true;
    }
    for (String wildcard : wildcards) {
      if (wildcardMatch(wildcard, word, 0, word.length())) {
        return true;
      }
    }
    return false;
  }

  /** Splits on {@code |} and replaces {@code @set} references; unknown sets are an error. */
  static List<String> expand(List<String> patterns, Map<String, List<String>> sets) {
    List<String> out = new ArrayList<>();
    for (String pattern : patterns) {
      for (String alternative : splitBars(pattern)) {
        if (alternative.startsWith("@")) {
          List<String> set = sets.get(alternative.substring(1));
          if (set == null) {
            throw new IllegalArgumentException("unknown set '" + alternative + "'");
          }
          out.addAll(expand(set, Map.of()));
        } else if (!alternative.isEmpty()) {
          out.add(alternative);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("empty pattern list");
    }
    return out;
  }

  /** Splits on {@code |} without a regex. */
  static List<String> splitBars(String text) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '|') {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    return parts;
  }

  /** Whether {@code pattern} matches {@code text[from, to)} entirely. */
  static boolean wildcardMatch(String pattern, String text, int from, int to) {
    int p = 0;
    int t = from;
    int starP = -1;
    int starT = -1;
    int plen = pattern.length();
    while (t < to) {
      char pc = p < plen ? pattern.charAt(p) : '\0';
      if (p < plen && pc != '*' && (pc == '?' || pc == text.charAt(t))) {
        p++;
        t++;
      } else if (p < plen && pc == '*') {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (p < plen && pattern.charAt(p) == '*') {
      p++;
    }
    return p == plen;
  }
}
