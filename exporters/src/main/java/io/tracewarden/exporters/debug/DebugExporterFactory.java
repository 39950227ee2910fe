package io.tracewarden.exporters.debug;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import java.util.Objects;
import java.util.Set;

/** {@code debug}: prints what reaches it to standard error, for trying out pipelines. */
public final class DebugExporterFactory implements ExporterFactory {

  public static final String TYPE = "debug";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.TRACES, Signal.LOGS, Signal.METRICS);
  }

  @Override
  public String description() {
    return "Prints telemetry to standard error (basic, normal or detailed)";
  }

  @Override
  public Exporter create(ComponentSettings settings, ConfigSection config) {
    Objects.requireNonNull(settings, "settings");
    return new DebugExporter(settings,
        DebugExporterConfig.read(Objects.requireNonNull(config, "config")), () -> System.err);
  }
}
