package io.tracewarden.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.tracewarden.engine.Rule;
import io.tracewarden.engine.RuleExamples;
import io.tracewarden.engine.Rules;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaxLengthTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
    "abc => 3",
    "`` => 0",
    "\\b((?:AKIA|ASIA)[A-Z2-7]{16})\\b => 20",
    "\\b(ghp_[A-Za-z0-9]{36})\\b => 40",
    "a|bcd => 3",
    "(?:ab|c)? => 2",
    "(?i:ab)(?i)c => 3",
    "(?P<name>ab)(?<n2>c) => 3",
    "x{3} => 3",
    "x{2,5} => 5",
    "(?:ab){2,3}? => 6",
    "x{,3} => 5",
    "[a-z]{1,4}\\d\\s\\w => 7",
    "[^a]{2} => 4",
    ". => 2",
    "\\S\\W\\D => 6",
    "\\pL\\p{Greek} => 4",
    "[\\x{10000}-\\x{10FFFF}] => 2",
    "\\x41\\x{1F600} => 3",
    "[]a] => 1",
    "[[:alpha:]] => 1",
    "[[:^alpha:]] => 2",
    "^a$ => 1",
    "\\Qa.b\\E => 3",
    "\\.\\-\\n => 3",
    "(?m)^\\s+x => -1",
    "a* => -1",
    "a+ => -1",
    "a{2,} => -1",
    "(?:a|b*)c => -1",
    "\\b* => 0",
    "\\C => -1",
    "(?:ab => -1",
  })
  void bounds(String regex, int expected) {
    assertThat(MaxLength.of(regex)).isEqualTo(expected);
  }

  /** The bound is never below a real match: every built-in rule on its positive examples. */
  @Test
  void builtinRulesNeverMatchLongerThanTheirBound() {
    Map<String, Rule> byId = Rules.builtin().stream()
        .collect(Collectors.toMap(Rule::id, Function.identity()));
    int checked = 0;
    for (RuleExamples ex : RuleExamples.builtinExamples()) {
      Rule rule = byId.get(ex.ruleId());
      int max = MaxLength.of(rule.regex());
      if (max < 0) {
        continue;
      }
      Pattern p = Pattern.compile(rule.regex());
      for (String text : ex.positive()) {
        Matcher m = p.matcher(text);
        while (m.find()) {
          assertThat(m.end() - m.start()).as(rule.id()).isLessThanOrEqualTo(max);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(100);
  }
}
