package io.tracewarden.core.component;

import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.telemetry.ComponentMetrics;
import io.tracewarden.core.telemetry.SelfTelemetry;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the service gives every component it creates.
 *
 * @param id the component's configured id
 * @param kind the role it plays
 * @param dataDirectory where components keep state (keys, queues); created on demand by them
 * @param telemetry the service's own metrics
 * @param audit where components publish audit events
 */
public record ComponentSettings(
    ComponentId id, ComponentKind kind, Path dataDirectory, SelfTelemetry telemetry, AuditBus audit) {

  public ComponentSettings {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(audit, "audit");
  }

  /** The standard per-component counters, labelled with this component's id. */
  public ComponentMetrics metrics() {
    return telemetry.component(kind, id);
  }
}
