package io.tracewarden.engine;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A secret detection rule. See {@code docs/rules.md} for the meaning of every field.
 *
 * @param id unique rule id (lower-kebab-case in our YAML format; gitleaks ids are kept as is)
 * @param description what the rule finds
 * @param severity how bad a leak is
 * @param regex RE2 syntax regex
 * @param secretGroup capture group holding the secret: 0 = whole match, {@link
 *     #FIRST_NON_EMPTY_GROUP} = first group that matched something (gitleaks' default)
 * @param keywords case-insensitive literals; the regex only runs near a keyword hit. Empty: the
 *     regex runs over every scanned string (slow)
 * @param entropy minimum Shannon entropy (bits per char) of the secret; 0 = no check
 * @param validator {@code null} or one of {@link #VALIDATORS}
 * @param allowlists matches allowed by any of these are not reported
 * @param generic generic assignment rule: a specific (non-generic) rule overlapping it wins
 */
public record Rule(
    String id,
    String description,
    Severity severity,
    String regex,
    int secretGroup,
    List<String> keywords,
    double entropy,
    String validator,
    List<Allowlist> allowlists,
    boolean generic) {

  /** {@link #secretGroup()} value selecting the first capture group that matched non-empty. */
  public static final int FIRST_NON_EMPTY_GROUP = -1;

  /** Known validator names ({@code none} means no validator). */
  public static final Set<String> VALIDATORS =
      Set.of("github_crc32", "npm_crc32", "jwt", "pem", "placeholder", "none");

  public Rule {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("rule id must not be blank");
    }
    description = description == null ? "" : description;
    Objects.requireNonNull(severity, () -> "severity of rule " + id);
    Objects.requireNonNull(regex, () -> "regex of rule " + id);
    if (secretGroup < FIRST_NON_EMPTY_GROUP) {
      throw new IllegalArgumentException("rule " + id + ": secret group must be >= 0");
    }
    keywords = keywords == null ? List.of() : List.copyOf(keywords);
    for (String k : keywords) {
      if (k.isEmpty()) {
        throw new IllegalArgumentException("rule " + id + ": empty keyword");
      }
    }
    if (entropy < 0 || Double.isNaN(entropy)) {
      throw new IllegalArgumentException("rule " + id + ": entropy must be >= 0");
    }
    if (validator != null && !VALIDATORS.contains(validator)) {
      throw new IllegalArgumentException(
          "rule " + id + ": unknown validator '" + validator + "', expected one of "
              + String.join("|", new java.util.TreeSet<>(VALIDATORS)));
    }
    if ("none".equals(validator)) {
      validator = null;
    }
    allowlists = allowlists == null ? List.of() : List.copyOf(allowlists);
  }

  /**
   * A rule with the given keywords and no validator, entropy or allowlist; the secret group is 1
   * if the regex has a capture group, else 0.
   */
  public static Rule of(String id, Severity severity, String regex, List<String> keywords) {
    return new Rule(
        id, id, severity, regex, defaultSecretGroup(id, regex), keywords, 0, null, List.of(),
        false);
  }

  /** 1 if {@code regex} has a capture group, else 0. */
  static int defaultSecretGroup(String id, String regex) {
    try {
      return Pattern.compile(regex).groupCount() > 0 ? 1 : 0;
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "rule " + id + ": invalid RE2 regex: " + e.getDescription(), e);
    }
  }

  /** Copy with other allowlists. */
  public Rule withAllowlists(List<Allowlist> newAllowlists) {
    return new Rule(id, description, severity, regex, secretGroup, keywords, entropy, validator,
        newAllowlists, generic);
  }
}
