package io.tracewarden.javaagent;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.Objects;

/**
 * Masks secrets in every span, then hands the batch to the wrapped exporter. A span that cannot
 * be masked (an engine failure) is dropped and counted, never exported as it was.
 */
final class MaskingSpanExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final TelemetryMasker masker;
  private final MaskingStats stats;

  MaskingSpanExporter(SpanExporter delegate, TelemetryMasker masker, MaskingStats stats) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.masker = Objects.requireNonNull(masker, "masker");
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return delegate.export(stats.maskEach(spans, masker::mask, stats.maskedSpans));
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
    return "MaskingSpanExporter{" + delegate + "}";
  }
}
