package io.tracewarden.engine;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link SecretEngine#redact(String)}.
 *
 * @param text the masked text; the very input instance when nothing was found
 * @param findings what was masked, sorted by start offset (offsets refer to the input text)
 * @param dropAttribute true when the masking style asks the caller to drop the whole attribute
 *     (only ever true when there are findings)
 */
public record Redaction(String text, List<Finding> findings, boolean dropAttribute) {

  public Redaction {
    Objects.requireNonNull(text, "text");
    findings = List.copyOf(findings);
  }

  /** True when at least one secret was found (and masked). */
  public boolean changed() {
    return !findings.isEmpty();
  }

  @Override
  public String toString() {
    // The text is masked, but keep log lines short and never risk echoing user content.
    return "Redaction{findings=" + findings + ", dropAttribute=" + dropAttribute + "}";
  }
}
