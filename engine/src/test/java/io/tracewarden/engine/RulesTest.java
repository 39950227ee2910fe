package io.tracewarden.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulesTest {

  private static List<Rule> yaml(String text) throws Exception {
    return Rules.fromYaml(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        "inline.yaml");
  }

  private static Path resource(String name) throws Exception {
    return Path.of(RulesTest.class.getResource(name).toURI());
  }

  @Test
  void loadsEveryKey() {
    Rule tw = TestSupport.rules().stream().filter(r -> r.id().equals("tw-test-token"))
        .findFirst().orElseThrow();
    assertThat(tw.severity()).isEqualTo(Severity.LOW);
    assertThat(tw.secretGroup()).isEqualTo(1);
    assertThat(tw.keywords()).containsExactly("tw_");
    assertThat(tw.allowlists()).hasSize(2);
    assertThat(tw.allowlists().get(0).target()).isEqualTo(Allowlist.Target.LINE);
    assertThat(tw.allowlists().get(0).stopwords()).containsExactly("unittest");
    Rule generic = TestSupport.rules().stream().filter(Rule::generic).findFirst().orElseThrow();
    assertThat(generic.entropy()).isEqualTo(2.5);
  }

  @Test
  void secretGroupDefaultsToOneWithGroupElseZero() throws Exception {
    List<Rule> rules = yaml("rules:\n"
        + "  - {id: a, description: a, severity: low, regex: '(x+)'}\n"
        + "  - {id: b, description: b, severity: low, regex: 'x+'}\n");
    assertThat(rules).extracting(Rule::secretGroup).containsExactly(1, 0);
  }

  @Test
  void maxLengthIsOptionalAndChecked() throws Exception {
    List<Rule> rules = yaml("rules:\n"
        + "  - {id: a, description: a, severity: low, regex: 'k=(x+)', max_length: 300}\n"
        + "  - {id: b, description: b, severity: low, regex: 'k=(x+)'}\n");
    assertThat(rules).extracting(Rule::maxLength).containsExactly(300, 0);
    for (String bad : List.of("0", "-1", "'12'", "1.5", "2000000")) {
      assertThatThrownBy(() -> yaml("rules:\n"
          + "  - {id: a, description: a, severity: low, regex: 'x', max_length: " + bad + "}\n"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("rule 'a'")
          .hasMessageContaining("max_length");
    }
  }

  @Test
  void unknownKeyNamesFileAndRule() throws Exception {
    Path file = resource("/rules/unknown-key.yaml");
    assertThatThrownBy(() -> Rules.fromYaml(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown-key.yaml").hasMessageContaining("some-rule")
        .hasMessageContaining("severty");
  }

  @Test
  void badRegexNamesFileAndRule() throws Exception {
    Path file = resource("/rules/bad-regex.yaml");
    assertThatThrownBy(() -> Rules.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad-regex.yaml").hasMessageContaining("broken-rule");
  }

  @Test
  void invalidSeverityNamesRule() {
    assertThatThrownBy(() -> yaml(
        "rules:\n  - {id: a-b, description: a, severity: urgent, regex: 'x'}\n"))
        .hasMessageContaining("a-b").hasMessageContaining("low|medium|high|critical");
  }

  @Test
  void idMustBeKebabCase() {
    assertThatThrownBy(() -> yaml(
        "rules:\n  - {id: Bad_Id, description: a, severity: low, regex: 'x'}\n"))
        .hasMessageContaining("lower-kebab-case");
  }

  @Test
  void duplicateIdIsAnError() {
    assertThatThrownBy(() -> yaml("rules:\n"
        + "  - {id: a, description: a, severity: low, regex: 'x'}\n"
        + "  - {id: a, description: a, severity: low, regex: 'y'}\n"))
        .hasMessageContaining("duplicate");
  }

  @Test
  void unknownValidatorIsAnError() {
    assertThatThrownBy(() -> yaml("rules:\n"
        + "  - {id: a, description: a, severity: low, regex: 'x', validator: luhn}\n"))
        .hasMessageContaining("'a'").hasMessageContaining("github_crc32");
  }

  @Test
  void examplesAreReadable() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/rules/test-rules.yaml")) {
      List<RuleExamples> ex = Rules.examplesOf(in, "test-rules.yaml");
      assertThat(ex.get(0).ruleId()).isEqualTo("aws-access-key-id");
      assertThat(ex.get(0).positive()).hasSize(1);
      assertThat(ex.get(0).negative()).containsExactly("AKIAIOSFODNN7EXAMPLE");
    }
  }

  @Test
  void examplesOfTestRulesBehave() throws Exception {
    SecretEngine engine = TestSupport.engine();
    try (InputStream in = getClass().getResourceAsStream("/rules/test-rules.yaml")) {
      for (RuleExamples ex : Rules.examplesOf(in, "test-rules.yaml")) {
        ex.positive().forEach(p -> assertThat(engine.scan(p)).isNotEmpty());
        ex.negative().forEach(n -> assertThat(engine.scan(n)).isEmpty());
      }
    }
  }

  @Test
  void unknownExtensionIsRejected() {
    assertThatThrownBy(() -> Rules.load(Path.of("rules.json")))
        .hasMessageContaining(".yaml");
  }

  @Test
  void builtinFailsClearlyWhenMissing() throws Exception {
    try (URLClassLoader withoutPack = new WithoutBuiltinPack()) {
      Method builtin = withoutPack.loadClass(Rules.class.getName()).getMethod("builtin");
      assertThatThrownBy(() -> builtin.invoke(null))
          .isInstanceOf(InvocationTargetException.class)
          .cause().isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("builtin.yaml").hasMessageContaining("not found");
    }
  }

  /** The engine's own classes loaded afresh, with the built-in pack's resource hidden. */
  private static final class WithoutBuiltinPack extends URLClassLoader {

    WithoutBuiltinPack() {
      super(new URL[] {Rules.class.getProtectionDomain().getCodeSource().getLocation()},
          Rules.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("io.tracewarden.engine.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        return loaded != null ? loaded : findClass(name);
      }
    }

    @Override
    public URL getResource(String name) {
      return name.endsWith("/builtin.yaml") ? null : super.getResource(name);
    }
  }
}
