package io.tracewarden.processors.approval;

/**
 * What a decision did.
 *
 * @param outcome the kind of result
 * @param hold the hold after the decision, or null when it was not found
 */
public record DecisionResult(Outcome outcome, HoldSummary hold) {

  /** The result of {@link HoldStore#decide}. */
  public enum Outcome {
    /** No hold with this id (or it was decided so long ago that it was forgotten). */
    NOT_FOUND,
    /** The hold is no longer pending: HTTP 409. */
    ALREADY_DECIDED,
    /** The approver already approved this hold; four eyes need another person: HTTP 409. */
    DUPLICATE_APPROVER,
    /** The approver is the principal that sent the telemetry: HTTP 403. */
    OWN_HOLD,
    /** Approval counted; more distinct approvers are needed. */
    APPROVAL_RECORDED,
    /** Enough approvals: released downstream. */
    APPROVED,
    /** Denied: dropped. */
    DENIED
  }
}
