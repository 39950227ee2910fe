package io.tracewarden.engine;

import java.util.List;
import java.util.Objects;

/**
 * Suppresses matches of a rule (or, as a global allowlist, of all rules).
 *
 * <p>With {@link Condition#OR} a match is allowed when any regex matches the target <em>or</em>
 * any stopword is a (case-insensitive) substring of it. With {@link Condition#AND} every criterion
 * that is specified must hold: some regex matches (if regexes are given) <em>and</em> some stopword
 * occurs (if stopwords are given).
 *
 * @param regexes RE2 regexes searched (unanchored) in the target
 * @param stopwords case-insensitive substrings of the target
 * @param target what the regexes and stopwords are applied to
 * @param condition how regexes and stopwords combine
 */
public record Allowlist(
    List<String> regexes, List<String> stopwords, Target target, Condition condition) {

  public Allowlist {
    regexes = regexes == null ? List.of() : List.copyOf(regexes);
    stopwords = stopwords == null ? List.of() : List.copyOf(stopwords);
    target = target == null ? Target.SECRET : target;
    condition = condition == null ? Condition.OR : condition;
  }

  /** An allowlist matching nothing. */
  public static Allowlist empty() {
    return new Allowlist(List.of(), List.of(), Target.SECRET, Condition.OR);
  }

  /** True when it has neither regexes nor stopwords (and so never allows anything). */
  public boolean isEmpty() {
    return regexes.isEmpty() && stopwords.isEmpty();
  }

  /** What an allowlist inspects. */
  public enum Target {
    /** The secret (the rule's secret group). */
    SECRET,
    /** The whole regex match. */
    MATCH,
    /** The line holding the match (bounded to 4096 chars each side of the match). */
    LINE;

    /** Parses {@code secret|match|line}, case-insensitively. */
    public static Target parse(String s) {
      for (Target t : values()) {
        if (t.name().equalsIgnoreCase(Objects.requireNonNull(s, "target").trim())) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "unknown allowlist target '" + s + "', expected one of secret|match|line");
    }
  }

  /** How regexes and stopwords combine. */
  public enum Condition {
    OR,
    AND;

    /** Parses {@code or|and}, case-insensitively. */
    public static Condition parse(String s) {
      for (Condition c : values()) {
        if (c.name().equalsIgnoreCase(Objects.requireNonNull(s, "condition").trim())) {
          return c;
        }
      }
      throw new IllegalArgumentException(
          "unknown allowlist condition '" + s + "', expected one of or|and");
    }
  }
}
