package io.tracewarden.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every built-in rule's own examples, and the rule-file format's checks. */
class GuardRulesTest {

  private static final List<GuardRule> BUILTIN = GuardRules.builtin();
  private static final Guard GUARD = new Guard(BUILTIN);

  @TempDir
  Path dir;

  static Stream<Arguments> examples() {
    List<Arguments> out = new ArrayList<>();
    for (GuardRule rule : BUILTIN) {
      rule.matchExamples().forEach(e -> out.add(Arguments.of(rule.id(), true, e)));
      rule.noMatchExamples().forEach(e -> out.add(Arguments.of(rule.id(), false, e)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} matches={1}: {2}")
  @MethodSource("examples")
  void ruleExamples(String ruleId, boolean shouldMatch, String example) {
    GuardRule rule = BUILTIN.stream().filter(r -> r.id().equals(ruleId)).findFirst().orElseThrow();
    List<String> matched = GUARD.matchingRules(rule.exampleKind(), example);
    if (shouldMatch) {
      assertThat(matched).as(example).contains(ruleId);
    } else {
      assertThat(matched).as(example).doesNotContain(ruleId);
    }
  }

  @Test
  void everyBuiltinRuleHasExamplesBothWaysAndAUniqueId() {
    assertThat(BUILTIN).hasSizeGreaterThanOrEqualTo(25);
    assertThat(new HashSet<>(BUILTIN.stream().map(GuardRule::id).toList())).hasSize(BUILTIN.size());
    for (GuardRule rule : BUILTIN) {
      assertThat(rule.matchExamples()).as(rule.id()).isNotEmpty();
      assertThat(rule.noMatchExamples()).as(rule.id()).isNotEmpty();
      assertThat(rule.description()).as(rule.id()).isNotBlank();
    }
  }

  @Test
  void userFilesUseBuiltinSetsAndReferences() throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, """
        sets:
          deployers: [helm, helmfile]
        rules:
          - id: helm-secrets-view
            description: Decrypts helm secrets
            severity: high
            action: hold
            match:
              command: ["@deployers"]
              subcommand: [secrets, "view|decrypt"]
          - id: env-to-logger
            description: Sends the environment to syslog
            action: flag
            match:
              pipeline:
                - rules: [shell-env-dump]
                - command: [logger]
        """);
    Guard guard = new Guard(GuardRules.load(List.of("builtin",
        file.toString())));
    assertThat(guard.shell("helm secrets view values.yaml", "t").ruleId())
        .isEqualTo("helm-secrets-view");
    assertThat(guard.shell("helm secrets view values.yaml", "t").action())
        .isEqualTo(Action.HOLD);
    assertThat(guard.matchingRules("shell", "env | logger -t x"))
        .contains("env-to-logger", "shell-env-dump");
  }

  @Test
  void badFilesFailWithTheRuleAndKey() throws Exception {
    assertThatThrownBy(() -> load("""
        rules:
          - id: x
            description: d
            match: { command: [a], flag: [-x] }
        """)).hasMessageContaining("rule 'x'").hasMessageContaining("unknown key 'flag'");
    assertThatThrownBy(() -> load("""
        rules:
          - id: x
            description: d
            match: { command: [a], args_regex: "(" }
        """)).hasMessageContaining("rule 'x'");
    assertThatThrownBy(() -> load("""
        rules:
          - id: x
            description: d
            match: { command: ["@nope"] }
        """)).hasMessageContaining("unknown set '@nope'");
    assertThatThrownBy(() -> load("""
        rules:
          - id: Bad_Id
            description: d
            match: { command: [a] }
        """)).hasMessageContaining("Bad_Id");
    assertThatThrownBy(() -> load("""
        rules:
          - id: x
            description: d
            action: kill
            match: { command: [a] }
        """)).hasMessageContaining("action must be block, hold or flag");
    assertThatThrownBy(() -> load("""
        rules:
          - id: x
            description: d
            match: { sql: { statement: select }, command: [a] }
        """)).hasMessageContaining("takes no other keys");
  }

  private void load(String yaml) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, yaml);
    GuardRules.load(List.of(file.toString()));
  }
}
