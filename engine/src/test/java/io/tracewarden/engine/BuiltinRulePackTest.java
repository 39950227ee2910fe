package io.tracewarden.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in rule pack: structure (count, ids, keywords, examples, RE2 syntax) and every rule's
 * own examples run through the full engine (keyword prefilter, entropy, placeholders, validators,
 * allowlists, overlap resolution).
 */
class BuiltinRulePackTest {

  private static final int MIN_RULES = 150;
  private static final Pattern KEBAB = Pattern.compile("^[a-z0-9]+(?:-[a-z0-9]+)*$");

  private static final SecretEngine ENGINE =
      SecretEngine.builder().addRules(Rules.builtin()).fingerprintKey(new byte[32]).build();

  static Stream<Arguments> positives() {
    List<Arguments> out = new ArrayList<>();
    for (RuleExamples ex : RuleExamples.builtinExamples()) {
      for (int i = 0; i < ex.positive().size(); i++) {
        out.add(Arguments.of(ex.ruleId(), i + 1, ex.positive().get(i)));
      }
    }
    return out.stream();
  }

  static Stream<Arguments> negatives() {
    List<Arguments> out = new ArrayList<>();
    for (RuleExamples ex : RuleExamples.builtinExamples()) {
      for (int i = 0; i < ex.negative().size(); i++) {
        out.add(Arguments.of(ex.ruleId(), i + 1, ex.negative().get(i)));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "[{0}] positive #{1}")
  @MethodSource("positives")
  void positiveExampleIsFoundByItsRule(String ruleId, int n, String text) {
    List<Finding> findings = ENGINE.scan(text);
    assertThat(findings)
        .as("findings of %s in positive #%d: %s", ruleId, n, describe(findings))
        .extracting(Finding::ruleId)
        .contains(ruleId);
  }

  @ParameterizedTest(name = "[{0}] negative #{1}")
  @MethodSource("negatives")
  void negativeExampleIsNotFoundByItsRule(String ruleId, int n, String text) {
    List<Finding> findings = ENGINE.scan(text);
    assertThat(findings)
        .as("findings in negative #%d of %s: %s", n, ruleId, describe(findings))
        .extracting(Finding::ruleId)
        .doesNotContain(ruleId);
  }

  @Test
  void packHasEnoughRulesWithUniqueKebabCaseIds() {
    List<Rule> rules = Rules.builtin();
    assertThat(rules).hasSizeGreaterThanOrEqualTo(MIN_RULES);
    Set<String> seen = new HashSet<>();
    for (Rule r : rules) {
      assertThat(seen.add(r.id())).as("duplicate id %s", r.id()).isTrue();
      assertThat(KEBAB.matcher(r.id()).matches()).as("kebab-case id %s", r.id()).isTrue();
      assertThat(r.description()).as("description of %s", r.id()).isNotBlank();
    }
    assertThat(ENGINE.ruleCount()).isEqualTo(rules.size());
  }

  @Test
  void everyRuleHasLowercaseKeywords() {
    for (Rule r : Rules.builtin()) {
      assertThat(r.keywords()).as("keywords of %s", r.id()).isNotEmpty();
      for (String k : r.keywords()) {
        assertThat(k).as("keyword of %s", r.id()).isNotBlank()
            .isEqualTo(k.toLowerCase(Locale.ROOT));
      }
    }
  }

  @Test
  void everyRuleHasPositiveAndNegativeExamples() {
    Set<String> ruleIds = Rules.builtin().stream().map(Rule::id).collect(Collectors.toSet());
    List<RuleExamples> examples = RuleExamples.builtinExamples();
    assertThat(examples.stream().map(RuleExamples::ruleId).collect(Collectors.toSet()))
        .isEqualTo(ruleIds);
    for (RuleExamples ex : examples) {
      assertThat(ex.positive()).as("positive examples of %s", ex.ruleId()).isNotEmpty();
      assertThat(ex.negative()).as("negative examples of %s", ex.ruleId()).isNotEmpty();
    }
  }

  @Test
  void everyRegexCompilesWithRe2j() {
    for (Rule r : Rules.builtin()) {
      assertThatCode(() -> Pattern.compile(r.regex())).as("regex of %s", r.id())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void everyPositiveContainsAKeywordOfItsRule() {
    var byId = Rules.builtin().stream().collect(Collectors.toMap(Rule::id, Rule::keywords));
    for (RuleExamples ex : RuleExamples.builtinExamples()) {
      for (String p : ex.positive()) {
        String folded = p.toLowerCase(Locale.ROOT);
        assertThat(byId.get(ex.ruleId()).stream().anyMatch(folded::contains))
            .as("a keyword of %s occurs in its positive example", ex.ruleId()).isTrue();
      }
    }
  }

  /** Rule ids and spans only: example values are (fake) secrets and stay out of reports. */
  private static String describe(List<Finding> findings) {
    return findings.stream().map(f -> f.ruleId() + "[" + f.start() + "," + f.end() + ")")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
