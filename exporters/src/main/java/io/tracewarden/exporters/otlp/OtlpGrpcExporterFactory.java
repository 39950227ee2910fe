package io.tracewarden.exporters.otlp;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.exporters.internal.QueuedRetryExporter;
import java.util.Objects;
import java.util.Set;

/** {@code otlp_grpc}: OTLP over gRPC, with queue and retries. */
public final class OtlpGrpcExporterFactory implements ExporterFactory {

  public static final String TYPE = "otlp_grpc";

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
    return "Sends OTLP/gRPC to a backend, with a sending queue and retries";
  }

  @Override
  public Exporter create(ComponentSettings settings, ConfigSection config) {
    Objects.requireNonNull(settings, "settings");
    OtlpGrpcConfig read = OtlpGrpcConfig.read(Objects.requireNonNull(config, "config"));
    return new QueuedRetryExporter(settings, read.client().queue(), read.client().retry(),
        new OtlpGrpcSender(read));
  }
}
