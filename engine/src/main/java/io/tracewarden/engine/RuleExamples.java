package io.tracewarden.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The {@code examples} of a rule in our YAML format: texts the rule must find (positive) and
 * must not find (negative). Used by tests.
 */
public record RuleExamples(String ruleId, List<String> positive, List<String> negative) {

  public RuleExamples {
    Objects.requireNonNull(ruleId, "ruleId");
    positive = positive == null ? List.of() : List.copyOf(positive);
    negative = negative == null ? List.of() : List.copyOf(negative);
  }

  /** Examples of the built-in pack, one entry per rule (empty lists when it has none). */
  public static List<RuleExamples> builtinExamples() {
    try {
      return Rules.builtinParsed().examples();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    // Examples are (fake) secrets: keep them out of logs.
    return "RuleExamples{" + ruleId + ", positive=" + positive.size() + ", negative="
        + negative.size() + "}";
  }
}
