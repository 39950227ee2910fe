package io.tracewarden.exporters.otlp;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.exporters.internal.QueuedRetryExporter;
import java.util.Objects;
import java.util.Set;

/** {@code otlp_http}: OTLP over HTTP/1.1 or HTTP/2, protobuf or JSON, with queue and retries. */
public final class OtlpHttpExporterFactory implements ExporterFactory {

  public static final String TYPE = "otlp_http";

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
    return "Sends OTLP/HTTP (protobuf or JSON) to a backend, with a sending queue and retries";
  }

  @Override
  public Exporter create(ComponentSettings settings, ConfigSection config) {
    Objects.requireNonNull(settings, "settings");
    OtlpHttpConfig read = OtlpHttpConfig.read(Objects.requireNonNull(config, "config"));
    return new QueuedRetryExporter(settings, read.client().queue(), read.client().retry(),
        new OtlpHttpSender(read));
  }
}
