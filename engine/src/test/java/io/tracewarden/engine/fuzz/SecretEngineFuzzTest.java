package io.tracewarden.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.re2j.Pattern;
import io.tracewarden.engine.Allowlist;
import io.tracewarden.engine.Finding;
import io.tracewarden.engine.Redaction;
import io.tracewarden.engine.Rule;
import io.tracewarden.engine.RuleExamples;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Fuzzes {@link SecretEngine#scan} and {@link SecretEngine#redact} with the built-in rule pack and
 * every decoder (JSON string escapes, URL encoding, base64) on.
 *
 * <p>{@link #scanAnyText}: for any string, no exception; findings are sorted, non-overlapping and
 * within {@code 0 <= start < end <= length}; {@code redact} reports the same findings and returns
 * the very input instance when there are none.
 *
 * <p>{@link #plantedSecretIsMasked}: a positive example of a built-in rule, placed between a
 * fuzzed prefix and suffix each separated from it by a space or a newline, is still masked: every
 * char of the secret's span is inside a finding, and the redacted text does not contain the secret.
 * Examples whose detection depends on being alone in the text (anchors) are left out up front,
 * by checking them between two fixed words; inputs where the example's line matches one of its
 * rule's whole-line ({@code target: line}) allowlists are skipped, since that is allowed by design.
 */
class SecretEngineFuzzTest {

  static final SecretEngine ENGINE = SecretEngine.builder().addRules(Rules.builtin())
      .fingerprintKey("fuzz-fingerprint-key-0123456789ab".getBytes()).build();

  /** A positive example and the span of its rule's finding in it. */
  record Planted(String ruleId, String text, int start, int end, List<Allowlist> lineAllowlists) {
    String secret() {
      return text.substring(start, end);
    }
  }

  static final Map<String, Rule> RULES = Rules.builtin().stream()
      .collect(Collectors.toMap(Rule::id, r -> r));
  static final List<Planted> PLANTED = planted();

  @FuzzTest(maxDuration = "30s")
  @DictionaryEntries({"\\u00", "\\n", "\\\"", "%2F", "%3D", "%E2%82%AC", "ghp_", "AKIA",
      "password=", "Bearer ", "-----BEGIN ", "eyJ", "api_key", "secret", "token", "=="})
  void scanAnyText(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    List<Finding> findings = ENGINE.scan(text);
    int previousEnd = 0;
    for (Finding f : findings) {
      assertThat(f.start()).as("start of %s", f).isGreaterThanOrEqualTo(previousEnd);
      assertThat(f.end()).as("end of %s", f).isGreaterThan(f.start())
          .isLessThanOrEqualTo(text.length());
      previousEnd = f.end();
    }
    Redaction redaction = ENGINE.redact(text);
    assertThat(redaction.findings()).isEqualTo(findings);
    if (findings.isEmpty()) {
      assertThat(redaction.text()).isSameAs(text);
      assertThat(redaction.changed()).isFalse();
    } else {
      assertThat(redaction.changed()).isTrue();
    }
  }

  @FuzzTest(maxDuration = "30s")
  void plantedSecretIsMasked(FuzzedDataProvider data) {
    Planted planted = PLANTED.get(data.consumeInt(0, PLANTED.size() - 1));
    String before = data.consumeBoolean() ? " " : "\n";
    String after = data.consumeBoolean() ? " " : "\n";
    String prefix = data.consumeString(300);
    String suffix = data.consumeRemainingAsString();
    String secret = planted.secret();
    if (prefix.contains(secret) || suffix.contains(secret)) {
      return; // the property is about the planted copy
    }
    String text = prefix + before + planted.text() + after + suffix;
    int offset = prefix.length() + before.length();
    if (lineAllowlisted(planted, text, offset)) {
      return; // by design: e.g. "checksum/" anywhere on the line allows generic-secret (see docs)
    }
    Redaction redaction = ENGINE.redact(text);
    for (int i = offset + planted.start(); i < offset + planted.end(); i++) {
      assertThat(covered(redaction.findings(), i))
          .as("char %d of the planted %s secret (span [%d, %d)) is masked; findings %s; text %s",
              i, planted.ruleId(), offset + planted.start(), offset + planted.end(),
              redaction.findings(), escape(text))
          .isTrue();
    }
    assertThat(redaction.text().contains(secret))
        .as("redacted text still contains the planted %s secret", planted.ruleId()).isFalse();
  }

  /** The text as a Java string literal, so a finding can be pasted into a unit test. */
  static String escape(String text) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.append('"').toString();
  }

  /**
   * True when a whole-line allowlist of the planted rule matches the line the example is on: the
   * fuzzed text on the same line (after a space separator) may legitimately allow the secret.
   */
  private static boolean lineAllowlisted(Planted planted, String text, int offset) {
    if (planted.lineAllowlists().isEmpty()) {
      return false;
    }
    int from = text.lastIndexOf('\n', offset - 1) + 1;
    int to = text.indexOf('\n', offset + planted.text().length());
    String line = text.substring(from, to < 0 ? text.length() : to);
    String lower = line.toLowerCase(Locale.ROOT);
    for (Allowlist allowlist : planted.lineAllowlists()) {
      for (String stopword : allowlist.stopwords()) {
        if (lower.contains(stopword.toLowerCase(Locale.ROOT))) {
          return true;
        }
      }
      for (String regex : allowlist.regexes()) {
        if (Pattern.compile(regex).matcher(line).find()) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean covered(List<Finding> findings, int i) {
    for (Finding f : findings) {
      if (f.start() <= i && i < f.end()) {
        return true;
      }
    }
    return false;
  }

  private static List<Planted> planted() {
    List<Planted> out = new ArrayList<>();
    for (RuleExamples examples : RuleExamples.builtinExamples()) {
      for (String text : examples.positive()) {
        Finding own = findingOf(examples.ruleId(), text, 0);
        if (own == null) {
          continue;
        }
        boolean stable = true;
        for (String[] around : new String[][] {{"word ", " word"}, {"word\n", "\nword"}}) {
          Finding moved = findingOf(examples.ruleId(), around[0] + text + around[1],
              around[0].length());
          stable &= moved != null && moved.start() == own.start() && moved.end() == own.end();
        }
        if (stable) {
          out.add(new Planted(examples.ruleId(), text, own.start(), own.end(),
              RULES.get(examples.ruleId()).allowlists().stream()
                  .filter(a -> a.target() == Allowlist.Target.LINE).toList()));
        }
      }
    }
    if (out.size() < 50) {
      throw new IllegalStateException("only " + out.size() + " usable positive examples");
    }
    return List.copyOf(out);
  }

  /** The finding of {@code ruleId} in {@code text}, with offsets relative to {@code offset}. */
  private static Finding findingOf(String ruleId, String text, int offset) {
    for (Finding f : ENGINE.scan(text)) {
      if (f.ruleId().equals(ruleId)) {
        return new Finding(f.ruleId(), f.severity(), f.start() - offset, f.end() - offset,
            f.fingerprint());
      }
    }
    return null;
  }
}
