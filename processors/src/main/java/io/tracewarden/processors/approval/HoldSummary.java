package io.tracewarden.processors.approval;

import java.time.Instant;
import java.util.List;

/**
 * What a list of holds shows.
 *
 * @param id opaque, unguessable id
 * @param component the approval processor holding it
 * @param state where it is in its life
 * @param createdAt when it was held
 * @param decidedAt when it left {@link HoldState#PENDING}, or null
 * @param session the agent session ({@code gen_ai.conversation.id}, else {@code session.id},
 *     else the trace id)
 * @param principal the authenticated sender of the telemetry
 * @param service {@code service.name} of the held records' resource, or empty
 * @param signal {@code traces} or {@code logs}
 * @param records how many spans or log records are held
 * @param reasons why it was held, e.g. {@code severity>=critical}, {@code rule:github-pat},
 *     {@code guard:hold}
 * @param rules the masked rules' ids
 * @param severities the distinct severities of the findings, most severe first
 * @param approvals who approved so far
 * @param requiredApprovals how many distinct approvers release it
 * @param outcome for decided holds: {@code released} or {@code dropped}; empty while pending
 */
public record HoldSummary(
    String id,
    String component,
    HoldState state,
    Instant createdAt,
    Instant decidedAt,
    String session,
    String principal,
    String service,
    String signal,
    int records,
    List<String> reasons,
    List<String> rules,
    List<String> severities,
    List<String> approvals,
    int requiredApprovals,
    String outcome) {

  public HoldSummary {
    reasons = List.copyOf(reasons);
    rules = List.copyOf(rules);
    severities = List.copyOf(severities);
    approvals = List.copyOf(approvals);
  }
}
