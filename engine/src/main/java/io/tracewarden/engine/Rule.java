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
 * @param near {@code null} or a structural prefilter checked at each keyword hit before the
 *     regex runs (see {@link Near})
 * @param maxLength declared longest match in UTF-16 chars for a regex whose maximum the engine
 *     cannot derive (unbounded {@code *}, {@code +}, {@code {n,}}); 0 = none. Windows are cut to
 *     it; a longer match may be missed (one touching the window end is retried on a long window)
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
    boolean generic,
    Near near,
    int maxLength) {

  /** Largest accepted {@link #maxLength()}. */
  public static final int MAX_LENGTH_LIMIT = 1 << 20;

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
    if (maxLength < 0 || maxLength > MAX_LENGTH_LIMIT) {
      throw new IllegalArgumentException(
          "rule " + id + ": max_length must be in 1.." + MAX_LENGTH_LIMIT + " (0 = none)");
    }
  }

  /** A rule without a declared {@link #maxLength()}. */
  public Rule(String id, String description, Severity severity, String regex, int secretGroup,
      List<String> keywords, double entropy, String validator, List<Allowlist> allowlists,
      boolean generic, Near near) {
    this(id, description, severity, regex, secretGroup, keywords, entropy, validator, allowlists,
        generic, near, 0);
  }

  /** A rule without a {@link Near} prefilter. */
  public Rule(String id, String description, Severity severity, String regex, int secretGroup,
      List<String> keywords, double entropy, String validator, List<Allowlist> allowlists,
      boolean generic) {
    this(id, description, severity, regex, secretGroup, keywords, entropy, validator, allowlists,
        generic, null, 0);
  }

  /**
   * Structural prefilter evaluated at a keyword hit before any regex runs: after the end of the
   * hit come at most {@code within} key chars (ASCII letters, digits, {@code _ . -} and the
   * chars of {@code keyChars}), then optionally one quote ({@code " ' `}), then any whitespace,
   * then one of {@code chars}. A hit where this does not hold is skipped. Declare it only when
   * every match of the rule satisfies it at the hit of its keyword (e.g. {@code
   * password\s*[:=]\s*value}: {@code chars ":="}).
   *
   * @param chars the chars one of which must follow (not empty)
   * @param within most key chars between the hit and that char (0..1000)
   * @param keyChars extra chars allowed in the key run ({@code ""} for none)
   * @param keyStart every match also starts inside the run of key chars that ends at the hit
   *     (e.g. {@code (?i:\\b|_)[A-Za-z0-9]*token...}, {@code aws[_.-]?secret...}): the regex is
   *     then tried anchored in that run instead of searching a window around the hit
   * @param literal instead of {@code chars}: a case-sensitive literal that every match has after
   *     the hit, before the end of the {@code lines}-th line (the hit's line is the first)
   * @param lines see {@code literal}
   */
  public record Near(String chars, int within, String keyChars, boolean keyStart,
      String literal, int lines) {
    /** Near with {@code chars} only. */
    public Near(String chars, int within, String keyChars, boolean keyStart) {
      this(chars, within, keyChars, keyStart, "", 0);
    }

    public Near {
      chars = chars == null ? "" : chars;
      literal = literal == null ? "" : literal;
      if (chars.isEmpty() == literal.isEmpty()) {
        throw new IllegalArgumentException("near needs exactly one of chars and literal");
      }
      if (!literal.isEmpty() && (lines < 1 || lines > 100)) {
        throw new IllegalArgumentException("near.lines must be in 1..100");
      }
      if (within < 0 || within > 1000) {
        throw new IllegalArgumentException("near.within must be in 0..1000");
      }
      keyChars = keyChars == null ? "" : keyChars;
    }
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
        newAllowlists, generic, near, maxLength);
  }
}
