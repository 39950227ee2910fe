package io.tracewarden.exporters.file;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import java.util.Objects;
import java.util.Set;

/** {@code file}: OTLP JSON lines on local disk, rotated by size. */
public final class FileExporterFactory implements ExporterFactory {

  public static final String TYPE = "file";

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
    return "Writes OTLP JSON, one request per line, to a local file rotated by size";
  }

  @Override
  public Exporter create(ComponentSettings settings, ConfigSection config) {
    Objects.requireNonNull(settings, "settings");
    return new FileExporter(settings, FileExporterConfig.read(Objects.requireNonNull(config,
        "config")));
  }
}
