package io.tracewarden.recording;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import java.util.Objects;
import java.util.Set;

/**
 * {@code recording}: the session audit trail. Place it after the secrets processor: it writes
 * what it receives (post-masking) plus every audit event, into append-only, hash-linked,
 * Merkle-committed segments with signed checkpoints (format: docs/audit-log.md).
 */
public final class RecordingExporterFactory implements ExporterFactory {

  public static final String TYPE = "recording";

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
    return "Writes a tamper-evident, signed session audit trail of masked telemetry and audit "
        + "events";
  }

  @Override
  public Exporter create(ComponentSettings settings, ConfigSection config) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    return new RecordingExporter(settings, RecordingConfig.read(config, settings.dataDirectory()));
  }
}
