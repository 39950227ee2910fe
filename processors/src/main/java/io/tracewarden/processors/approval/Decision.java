package io.tracewarden.processors.approval;

import java.util.Objects;

/**
 * A human's decision on a hold.
 *
 * @param approver the authenticated identity deciding (compared with the telemetry's principal)
 * @param approve true to approve, false to deny
 * @param reason free text for the audit trail
 */
public record Decision(String approver, boolean approve, String reason) {

  public Decision {
    Objects.requireNonNull(approver, "approver");
    Objects.requireNonNull(reason, "reason");
  }
}
