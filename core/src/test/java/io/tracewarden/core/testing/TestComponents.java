package io.tracewarden.core.testing;

import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.ServiceStatus;
import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.telemetry.SelfTelemetry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** Builds the inputs a factory needs, for component tests in every module. */
public final class TestComponents {

  private TestComponents() {}

  public static ComponentSettings settings(ComponentKind kind, String id, Path dataDirectory) {
    return new ComponentSettings(ComponentId.parse(id), kind, dataDirectory, new SelfTelemetry(),
        new AuditBus());
  }

  public static ComponentSettings settings(
      ComponentKind kind, String id, Path dataDirectory, SelfTelemetry telemetry, AuditBus audit) {
    return new ComponentSettings(ComponentId.parse(id), kind, dataDirectory, telemetry, audit);
  }

  /** A component's config section parsed from YAML text, e.g. {@code "endpoint: 127.0.0.1:0"}. */
  public static ConfigSection config(String yaml) {
    return ConfigSection.of(new ConfigLoader(System::getenv).parse(yaml, "test.yaml"), "test", null);
  }

  public static Host host() {
    return new Host() {
      @Override
      public Map<ComponentId, Extension> extensions() {
        return Map.of();
      }

      @Override
      public ServiceStatus status() {
        return new ServiceStatus(true, Map.of());
      }
    };
  }

  public static TelemetryContext context() {
    return new TelemetryContext(TelemetryContext.ANONYMOUS, ComponentId.of("test"), "127.0.0.1:1",
        Instant.now());
  }
}
