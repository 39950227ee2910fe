package io.tracewarden.processors.approval;

/**
 * One masked secret in a held record: metadata only, never the value.
 *
 * @param rule the rule id
 * @param severity {@code low}, {@code medium}, {@code high} or {@code critical}
 * @param path where it was, e.g. {@code span.attributes[gen_ai.output.messages]}; empty when only
 *     the rule id was known
 * @param fingerprint the keyed fingerprint the mask carries; empty when unknown
 */
public record HoldFinding(String rule, String severity, String path, String fingerprint) {}
