package io.tracewarden.javaagent;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.util.Collection;
import java.util.Objects;

/**
 * Masks secrets in every log record (attributes and body at any depth), then hands the batch to
 * the wrapped exporter. A record that cannot be masked is dropped and counted.
 */
final class MaskingLogRecordExporter implements LogRecordExporter {

  private final LogRecordExporter delegate;
  private final TelemetryMasker masker;
  private final MaskingStats stats;

  MaskingLogRecordExporter(LogRecordExporter delegate, TelemetryMasker masker,
      MaskingStats stats) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.masker = Objects.requireNonNull(masker, "masker");
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> logs) {
    return delegate.export(stats.maskEach(logs, masker::mask, stats.maskedLogs));
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "MaskingLogRecordExporter{" + delegate + "}";
  }
}
