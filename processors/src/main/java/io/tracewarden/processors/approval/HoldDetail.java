package io.tracewarden.processors.approval;

import java.util.List;

/**
 * One hold in full, for a human deciding on it.
 *
 * @param summary what the list shows
 * @param findings every masked secret, as metadata
 * @param decisions every decision taken, in order
 * @param preview the held records after masking, as OTLP JSON; empty once decided (the data is
 *     gone)
 * @param previewTruncated whether {@code preview} was cut at the configured size (then it is not
 *     valid JSON)
 */
public record HoldDetail(
    HoldSummary summary,
    List<HoldFinding> findings,
    List<DecisionRecord> decisions,
    String preview,
    boolean previewTruncated) {

  public HoldDetail {
    findings = List.copyOf(findings);
    decisions = List.copyOf(decisions);
  }

  /** A decision as recorded on the hold. */
  public record DecisionRecord(String approver, boolean approve, String reason,
      java.time.Instant at) {}
}
