package io.tracewarden.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretEngineTest {

  private final SecretEngine engine = TestSupport.engine();

  @Test
  void findsSecretWithExactSpan() {
    String text = "aws_access_key_id = " + TestSupport.AWS_KEY + " ok";
    List<Finding> findings = engine.scan(text);
    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.ruleId()).isEqualTo("aws-access-key-id");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(text.substring(f.start(), f.end())).isEqualTo(TestSupport.AWS_KEY);
    assertThat(f.fingerprint()).isEqualTo(Fingerprints.of(TestSupport.KEY, TestSupport.AWS_KEY));
  }

  @Test
  void redactReplacesExactlyTheSecret() {
    String text = "key " + TestSupport.AWS_KEY + ".";
    Redaction r = engine.redact(text);
    String fp = Fingerprints.of(TestSupport.KEY, TestSupport.AWS_KEY);
    assertThat(r.text()).isEqualTo("key [REDACTED:aws-access-key-id:" + fp + "].");
    assertThat(r.changed()).isTrue();
    assertThat(r.dropAttribute()).isFalse();
  }

  @Test
  void cleanTextReturnsSameInstance() {
    String text = new String("just a normal reasoning trace about tokens and passwords");
    Redaction r = engine.redact(text);
    assertThat(r.text()).isSameAs(text);
    assertThat(r.changed()).isFalse();
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void declaredMaxLengthStillFindsALongerTrailingValue() {
    Rule rule = new Rule("kv", "kv", Severity.LOW, "kv=([a-z]+)", 1, List.of("kv="), 0, null,
        List.of(), false, null, 10);
    SecretEngine e = SecretEngine.builder().addRule(rule).fingerprintKey(TestSupport.KEY).build();
    String value = "abcdefghijklmnopqrstuvwxyz".repeat(3);
    assertThat(e.scan("x kv=" + value + " y")).singleElement()
        .satisfies(f -> assertThat(f.end() - f.start()).isEqualTo(value.length()));
  }

  @Test
  void keywordStartRuleWithoutWordBoundaryMatchesInsideWords() {
    Rule rule = Rule.of("kw", Severity.LOW, "(?i:qqkey)=([a-z0-9]{8})", List.of("qqkey"));
    SecretEngine e = SecretEngine.builder().addRule(rule).fingerprintKey(TestSupport.KEY).build();
    assertThat(e.scan("my_QQKEY=ab12cd34 and xqqkey=ef56gh78 qqkey=no")).hasSize(2);
  }

  @Test
  void redactionIsIdempotent() {
    String once = engine.redact("password = \"Zq8#rT2!vL9p\" and " + TestSupport.AWS_KEY).text();
    assertThat(engine.redact(once).text()).isSameAs(once);
  }

  @Test
  void findingsAreSortedByStart() {
    String gh = TestSupport.githubToken("ghp_", 11);
    String text = gh + " then " + TestSupport.AWS_KEY + " then " + TestSupport.jwt();
    assertThat(engine.scan(text)).extracting(Finding::ruleId)
        .containsExactly("github-pat", "aws-access-key-id", "jwt");
  }

  @Test
  void githubTokenWithBadChecksumIsNotReported() {
    assertThat(engine.scan("token " + TestSupport.githubTokenBadChecksum(5) + " end")).isEmpty();
  }

  @Test
  void validatorsApplyThroughEngine() {
    assertThat(engine.scan("npm " + TestSupport.npmToken(9))).extracting(Finding::ruleId)
        .containsExactly("npm-token");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "password = \"<YOUR_PASSWORD>\"", "password: changeme123", "token=${GITHUB_TOKEN}",
    "secret = xxxxxxxxxxxxxxxx", "password=os.environ['DB_PASSWORD']",
    "token: process.env.API_TOKEN", "AKIAIOSFODNN7EXAMPLE",
  })
  void placeholdersAreNotReported(String text) {
    assertThat(engine.scan(text)).isEmpty();
  }

  @Test
  void specificRuleBeatsOverlappingGenericRule() {
    String gh = TestSupport.githubToken("ghp_", 12);
    String text = "token=" + gh + "xyz"; // generic match is longer than the specific one
    text = "token=" + gh;
    List<Finding> findings = engine.scan(text);
    assertThat(findings).extracting(Finding::ruleId).containsExactly("github-pat");
  }

  @Test
  void specificRuleRejectedByValidatorSilencesGenericRule() {
    assertThat(engine.scan("token=" + TestSupport.githubTokenBadChecksum(8))).isEmpty();
  }

  @Test
  void genericRuleReportsWhenNothingSpecificMatches() {
    String text = "password = \"Zq8#rT2!vL9p\"";
    List<Finding> findings = engine.scan(text);
    assertThat(findings).extracting(Finding::ruleId).containsExactly("generic-password");
    assertThat(text.substring(findings.get(0).start(), findings.get(0).end()))
        .isEqualTo("Zq8#rT2!vL9p");
  }

  @Test
  void longestMatchWinsAmongSpecificRules() {
    SecretEngine e = TestSupport.builder()
        .addRules(List.of(
            Rule.of("short", Severity.CRITICAL, "(abc_[0-9]{8})", List.of("abc_")),
            Rule.of("long", Severity.LOW, "(abc_[0-9]{8}[a-z]{4})", List.of("abc_"))))
        .build();
    assertThat(e.scan("x abc_38271946qwzk y")).extracting(Finding::ruleId)
        .containsExactly("long");
  }

  @Test
  void equalLengthTiesGoToHigherSeverityThenEarlierRule() {
    SecretEngine e = TestSupport.builder()
        .addRules(List.of(
            Rule.of("first-low", Severity.LOW, "(abc_[0-9]{8})", List.of("abc_")),
            Rule.of("second-high", Severity.HIGH, "(abc_[0-9]{8})", List.of("abc_")),
            Rule.of("third-high", Severity.HIGH, "(abc_[0-9]{8})", List.of("abc_"))))
        .build();
    assertThat(e.scan("abc_38271946")).extracting(Finding::ruleId)
        .containsExactly("second-high");
  }

  @Test
  void laterRuleWithSameIdReplacesEarlier() {
    SecretEngine e = TestSupport.builder()
        .addRules(List.of(Rule.of("aws-access-key-id", Severity.LOW, "(nomatch_[0-9]{30})",
            List.of("nomatch_"))))
        .build();
    assertThat(e.ruleCount()).isEqualTo(TestSupport.rules().size());
    assertThat(e.scan(TestSupport.AWS_KEY)).isEmpty();
  }

  @Test
  void disabledRulesDoNotRun() {
    SecretEngine e = TestSupport.builder().disabledRules(List.of("aws-access-key-id")).build();
    assertThat(e.ruleCount()).isEqualTo(TestSupport.rules().size() - 1);
    assertThat(e.scan(TestSupport.AWS_KEY)).isEmpty();
  }

  @Test
  void minSeverityDropsLowerRules() {
    SecretEngine e = TestSupport.builder().minSeverity(Severity.CRITICAL).build();
    assertThat(e.scan(TestSupport.AWS_KEY)).isEmpty();
    assertThat(e.scan(TestSupport.githubToken("ghp_", 1))).hasSize(1);
  }

  @Test
  void allowValuesSuppressExactSecret() {
    SecretEngine e = TestSupport.builder().allowValues(List.of(TestSupport.AWS_KEY)).build();
    assertThat(e.scan("id " + TestSupport.AWS_KEY)).isEmpty();
  }

  @Test
  void allowRegexesSuppressMatchingSecrets() {
    SecretEngine e = TestSupport.builder().allowRegexes(List.of("^AKIAZ3")).build();
    assertThat(e.scan("id " + TestSupport.AWS_KEY)).isEmpty();
  }

  @Test
  void ruleAllowlistOnLineStopword() {
    assertThat(engine.scan("tw_a1b2c3d4e5f6g7h8 in a unittest")).isEmpty();
    assertThat(engine.scan("tw_a1b2c3d4e5f6g7h8 in production")).hasSize(1);
  }

  @Test
  void ruleAllowlistOnSecretRegex() {
    assertThat(engine.scan("tw_0000c3d4e5f6g7h8")).isEmpty();
  }

  @Test
  void andConditionNeedsRegexAndStopword() {
    Allowlist and = new Allowlist(List.of("^abc_1"), List.of("prod"), Allowlist.Target.LINE,
        Allowlist.Condition.AND);
    Rule rule = new Rule("abc", "abc", Severity.LOW, "(abc_[0-9]{8})", 1, List.of("abc_"), 0,
        null, List.of(and), false);
    SecretEngine e = SecretEngine.builder().addRule(rule).fingerprintKey(TestSupport.KEY).build();
    assertThat(e.scan("abc_19283746 prod")).isEmpty();
    assertThat(e.scan("abc_19283746 dev")).hasSize(1);
    assertThat(e.scan("abc_29283746 prod")).hasSize(1);
  }

  @Test
  void stopwordsIgnoreCaseAsLowerCasingDoes() {
    // "\u212A" (KELVIN SIGN) lower-cases to 'k': a text holding it matches the stopword "key".
    Allowlist stopwords = new Allowlist(null, List.of("Key", "<"), Allowlist.Target.MATCH, null);
    Rule rule = new Rule("abc", "abc", Severity.LOW, "abc_([0-9A-Za-z<\u212A]{8})", 1,
        List.of("abc_"), 0, null, List.of(stopwords), false);
    SecretEngine e = SecretEngine.builder().addRule(rule).fingerprintKey(TestSupport.KEY).build();
    assertThat(e.scan("abc_19KEY746")).isEmpty();
    assertThat(e.scan("abc_19\u212AEY746")).isEmpty();
    assertThat(e.scan("abc_1928<746")).isEmpty();
    assertThat(e.scan("abc_19KE2746")).hasSize(1);
    assertThat(e.scan("abc_19\u212AE2746")).hasSize(1);
  }

  @Test
  void globalAllowlistApplies() {
    SecretEngine e = TestSupport.builder()
        .globalAllowlists(List.of(new Allowlist(null, List.of("z3mbq"), null, null))).build();
    assertThat(e.scan(TestSupport.AWS_KEY)).isEmpty();
  }

  @Test
  void entropyThresholdFiltersLowEntropySecrets() {
    assertThat(engine.scan("password = abababababab")).isEmpty();
  }

  @Test
  void keywordlessRuleRunsOnEveryString() {
    SecretEngine e = SecretEngine.builder().fingerprintKey(TestSupport.KEY)
        .addRule(Rule.of("no-keywords", Severity.LOW, "\\b(zz[0-9]{10})\\b", List.of())).build();
    assertThat(e.scan("a zz0192837465 b")).hasSize(1);
  }

  @Test
  void keywordMatchIsCaseInsensitive() {
    SecretEngine e = SecretEngine.builder().fingerprintKey(TestSupport.KEY)
        .addRule(Rule.of("upper", Severity.LOW, "(?i)\\b(tok_[0-9]{10})\\b", List.of("TOK_")))
        .build();
    assertThat(e.scan("TOK_0192837465 and tok_1192837465")).hasSize(2);
  }

  @Test
  void secretBeyondShortWindowIsFoundViaRetry() {
    SecretEngine e = SecretEngine.builder().fingerprintKey(TestSupport.KEY)
        .addRule(Rule.of("long-tail", Severity.LOW, "(kw_[a-f0-9]{20}(?:[a-z0-9]{0,900}){3})",
            List.of("kw_")))
        .build();
    String secret = "kw_" + "0123456789abcdef0123" + "q7".repeat(900);
    List<Finding> f = e.scan("x " + secret + " y");
    assertThat(f).hasSize(1);
    assertThat(f.get(0).length()).isEqualTo(secret.length());
  }

  @Test
  void tenMegabyteStringIsScannedEntirely() {
    StringBuilder sb = new StringBuilder(10 * 1024 * 1024 + 100);
    String filler = "The model considered several options before answering the question. ";
    while (sb.length() < 10 * 1024 * 1024) {
      sb.append(filler);
    }
    sb.append(TestSupport.AWS_KEY);
    List<Finding> findings = engine.scan(sb.toString());
    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).end()).isEqualTo(sb.length());
  }

  @Test
  void pathologicalInputsComplete() {
    String many = "password = ;".repeat(200_000);
    String as = "a".repeat(1_000_000);
    String b64 = "QUFB".repeat(250_000);
    String escapes = "\\\\".repeat(500_000) + "\\u00";
    String keys = "AKIA".repeat(250_000);
    for (String s : List.of(many, as, b64, escapes, keys)) {
      assertThat(engine.scan(s)).isEmpty();
    }
    SecretEngine bomb = SecretEngine.builder().fingerprintKey(TestSupport.KEY)
        .addRule(Rule.of("bomb", Severity.LOW, "(a+)+b", List.of("a"))).build();
    assertThat(bomb.scan("a".repeat(100_000))).isEmpty();
  }

  @Test
  void isThreadSafe() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        String text = "k " + TestSupport.githubToken("ghp_", t) + " and " + TestSupport.AWS_KEY;
        futures.add(pool.submit(() -> {
          int total = 0;
          for (int i = 0; i < 200; i++) {
            total += engine.scan(text).size();
          }
          return total;
        }));
      }
      for (Future<Integer> f : futures) {
        assertThat(f.get()).isEqualTo(400);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void toStringsNeverContainTheSecret() {
    String text = "key " + TestSupport.AWS_KEY;
    Redaction r = engine.redact(text);
    assertThat(r.toString()).doesNotContain(TestSupport.AWS_KEY);
    assertThat(r.findings().get(0).toString()).doesNotContain(TestSupport.AWS_KEY);
  }

  @Test
  void missingFingerprintKeyFailsClearly() {
    assertThatThrownBy(() -> SecretEngine.builder().addRules(TestSupport.rules()).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("fingerprintKey");
  }

  @Test
  void badRegexNamesRuleId() {
    Rule bad = new Rule("broken-rule", "x", Severity.LOW, "(unclosed", 0, List.of("x"), 0, null,
        List.of(), false);
    assertThatThrownBy(() -> TestSupport.builder().addRule(bad).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broken-rule");
  }

  @Test
  void secretGroupBeyondGroupsNamesRuleId() {
    Rule bad = new Rule("group-rule", "x", Severity.LOW, "(a)", 2, List.of("a"), 0, null,
        List.of(), false);
    assertThatThrownBy(() -> TestSupport.builder().addRule(bad).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group-rule");
  }

  @Test
  void severityParseListsAllowedValues() {
    assertThat(Severity.parse("HiGh")).isEqualTo(Severity.HIGH);
    assertThat(Severity.CRITICAL.id()).isEqualTo("critical");
    assertThatThrownBy(() -> Severity.parse("urgent"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("low|medium|high|critical");
  }

  /**
   * Short strings take a quicker path when they hold no keyword, escape or decodable base64 run;
   * padded past that path's length limit, the same string must scan the same.
   */
  @Test
  void shortStringsScanAsTheyDoPaddedPastTheQuickPath() {
    SecretEngine builtin = SecretEngine.builder().addRules(Rules.builtin())
        .fingerprintKey(TestSupport.KEY).build();
    Random r = new Random(3);
    Base64.Encoder b64 = Base64.getEncoder();
    Base64.Encoder b64url = Base64.getUrlEncoder().withoutPadding();
    String aws = "aws_access_key_id=" + TestSupport.AWS_KEY;
    String github = TestSupport.githubToken("ghp_", 7);
    List<String> clean = List.of("chat gpt-4o", "execute_tool run_shell", "gpt-4o-2024-08-06",
        "", "x", new UUID(r.nextLong(), r.nextLong()).toString(),
        "chatcmpl-" + TestSupport.randomBase62(r, 29), "call_" + TestSupport.randomBase62(r, 24),
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "100%",
        "C:\\Users\\dev", b64.encodeToString("just some plain words here".getBytes(UTF_8)));
    List<String> withSecret = List.of(TestSupport.AWS_KEY, github, TestSupport.jwt(),
        b64.encodeToString(aws.getBytes(UTF_8)), b64url.encodeToString(aws.getBytes(UTF_8)),
        b64.encodeToString(("token " + github).getBytes(UTF_8)),
        "pwd%3D" + URLEncoder.encode("password=Zq8#rT2!vL9p", UTF_8),
        "{\\\"password\\\": \\\"Zq8#rT2!vL9p\\\"}", "id \\u0041KIAZ3MBQXNUV7R2LK4D");
    String pad = " ".repeat(600);
    for (String s : clean) {
      assertThat(builtin.scan(s)).as(s).isEmpty();
      assertThat(builtin.scan(s + pad)).as(s).isEmpty();
    }
    for (String s : withSecret) {
      List<Finding> padded = builtin.scan(s + pad);
      assertThat(padded).as(s).isNotEmpty();
      assertThat(builtin.scan(s)).as(s).isEqualTo(padded);
    }
  }
}
