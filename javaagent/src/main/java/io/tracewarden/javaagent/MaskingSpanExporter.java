package io.tracewarden.javaagent;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
    List<SpanData> out = new ArrayList<>(spans.size());
    for (SpanData span : spans) {
      SpanData masked;
      try {
        masked = masker.mask(span);
      } catch (RuntimeException e) {
        stats.failed(e);
        continue;
      }
      if (masked != span) {
        stats.maskedSpans.increment();
      }
      out.add(masked);
    }
    return delegate.export(out);
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
