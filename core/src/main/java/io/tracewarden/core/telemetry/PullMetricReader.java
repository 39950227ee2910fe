package io.tracewarden.core.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;
import java.util.List;

/** Collects on demand, for scraping: cumulative temporality, as Prometheus expects. */
final class PullMetricReader implements MetricReader {

  private volatile CollectionRegistration registration;

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  Collection<MetricData> collect() {
    CollectionRegistration current = registration;
    return current == null ? List.of() : current.collectAllMetrics();
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public MemoryMode getMemoryMode() {
    return MemoryMode.IMMUTABLE_DATA;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    registration = null;
    return CompletableResultCode.ofSuccess();
  }
}
