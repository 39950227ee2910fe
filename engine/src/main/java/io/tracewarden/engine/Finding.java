package io.tracewarden.engine;

import java.util.Objects;

/**
 * One secret found in a scanned string. Carries no secret value: only where it is and a keyed
 * fingerprint of it.
 *
 * @param ruleId the id of the rule that matched
 * @param severity the rule's severity
 * @param start first UTF-16 char offset of the masked span in the scanned string
 * @param end offset one past the last char of the span (exclusive)
 * @param fingerprint first 8 hex chars of HMAC-SHA256(key, secret), see {@link Fingerprints}
 */
public record Finding(String ruleId, Severity severity, int start, int end, String fingerprint) {

  public Finding {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(fingerprint, "fingerprint");
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("invalid span [" + start + ", " + end + ")");
    }
  }

  /** Length of the span in chars. */
  public int length() {
    return end - start;
  }
}
