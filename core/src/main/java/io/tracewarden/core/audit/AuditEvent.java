package io.tracewarden.core.audit;

import io.tracewarden.core.component.ComponentId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something an auditor must be able to see later: a mask, a hold, a decision, a block, a failure.
 * Attributes hold only metadata (rule ids, fingerprints, counts, attribute paths): a publisher
 * must never put telemetry content or a secret here.
 *
 * @param type dotted event type, e.g. {@code secrets.masked}, {@code processor.failed}
 * @param time when it happened
 * @param session the session it belongs to, or empty
 * @param source the component that published it
 * @param attributes JSON-compatible values: String, Number, Boolean, List, Map
 */
public record AuditEvent(
    String type, Instant time, String session, ComponentId source, Map<String, Object> attributes) {

  public AuditEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(source, "source");
    attributes = Map.copyOf(attributes);
  }
}
