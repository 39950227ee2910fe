package io.tracewarden.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GitleaksImportTest {

  /** Upstream's default config, shared by the project. */
  private static final Path SHARED = Path.of("/work/shared/testdata/gitleaks/gitleaks.toml");
  /** {@code grep -c '^regex = ' gitleaks.toml}: 222 [[rules]], one of which is path-only. */
  private static final int SHARED_CONTENT_RULES = 221;

  private static Path resource(String name) throws Exception {
    return Path.of(GitleaksImportTest.class.getResource(name).toURI());
  }

  private static Path shared() {
    Path p = SHARED;
    if (!Files.exists(p)) {
      p = Path.of("../../shared/testdata/gitleaks/gitleaks.toml");
    }
    return p;
  }

  @Test
  void importsAllContentRulesOfUpstreamConfig() throws Exception {
    GitleaksRules g = Rules.fromGitleaksToml(shared());
    assertThat(g.rules()).hasSize(SHARED_CONTENT_RULES);
    assertThat(g.skippedPathOnly()).isEqualTo(1);
    assertThat(g.rules()).allSatisfy(r -> assertThat(r.severity()).isEqualTo(Severity.HIGH));
    assertThat(g.global().stopwords()).isNotEmpty();
  }

  @Test
  void everyUpstreamRuleCompilesInTheEngine() throws Exception {
    SecretEngine engine = SecretEngine.builder()
        .addRules(Rules.load(shared()))
        .fingerprintKey(TestSupport.KEY)
        .build();
    assertThat(engine.ruleCount()).isEqualTo(SHARED_CONTENT_RULES);
    assertThat(engine.scan("nothing secret in this reasoning trace")).isEmpty();
  }

  @Test
  void upstreamRulesFindAwsKey() throws Exception {
    SecretEngine engine = SecretEngine.builder().addRules(Rules.load(shared()))
        .fingerprintKey(TestSupport.KEY).build();
    assertThat(engine.scan("aws key " + TestSupport.AWS_KEY + " here"))
        .extracting(Finding::ruleId).contains("aws-access-token");
  }

  @Test
  void fixtureMapsFieldsAndAllowlists() throws Exception {
    GitleaksRules g = Rules.fromGitleaksToml(resource("/gitleaks/small.toml"));
    assertThat(g.rules()).extracting(Rule::id).containsExactly("demo-token", "legacy-token");
    assertThat(g.skippedPathOnly()).isEqualTo(1);
    Rule demo = g.rules().get(0);
    assertThat(demo.entropy()).isEqualTo(3.0);
    assertThat(demo.keywords()).containsExactly("demo_");
    assertThat(demo.secretGroup()).isEqualTo(Rule.FIRST_NON_EMPTY_GROUP);
    // the AND allowlist with a path criterion can never hold on a string: dropped
    assertThat(demo.allowlists()).singleElement().satisfies(a -> {
      assertThat(a.target()).isEqualTo(Allowlist.Target.LINE);
      assertThat(a.stopwords()).containsExactly("fixture");
    });
    Rule legacy = g.rules().get(1);
    assertThat(legacy.secretGroup()).isEqualTo(1);
    assertThat(legacy.allowlists()).singleElement()
        .satisfies(a -> assertThat(a.regexes()).containsExactly("^AAAA"));
    assertThat(g.global().regexes()).containsExactly("^GLOBALOK");
    assertThat(g.global().stopwords()).containsExactly("globalstop");
  }

  @Test
  void fixtureRulesDetectAndHonourAllowlists() throws Exception {
    SecretEngine engine = SecretEngine.builder()
        .addRules(Rules.load(resource("/gitleaks/small.toml")))
        .fingerprintKey(TestSupport.KEY).build();
    assertThat(engine.scan("x demo_k3j9x8q2m7p4z6w1r5t0 y")).hasSize(1);
    assertThat(engine.scan("fixture demo_k3j9x8q2m7p4z6w1r5t0 y")).isEmpty();
    assertThat(engine.scan("legacy-QWERTY123456")).hasSize(1);
    assertThat(engine.scan("legacy-AAAAQWERTY12")).isEmpty();
    assertThat(engine.scan("legacy-GLOBALOK1234")).isEmpty();
  }

  @Test
  void badRegexNamesFileAndRule() throws Exception {
    Path file = resource("/gitleaks/bad-regex.toml");
    assertThatThrownBy(() -> Rules.fromGitleaksToml(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad-regex.toml").hasMessageContaining("broken");
  }

  @Test
  void loadAppendsGlobalAllowlistToEveryRule() throws Exception {
    List<Rule> rules = Rules.load(resource("/gitleaks/small.toml"));
    assertThat(rules).allSatisfy(r -> assertThat(r.allowlists()).last()
        .satisfies(a -> assertThat(a.regexes()).contains("^GLOBALOK")));
  }
}
