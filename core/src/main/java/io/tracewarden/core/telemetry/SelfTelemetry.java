package io.tracewarden.core.telemetry;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's own metrics, on the OpenTelemetry SDK. Read by the admin server's
 * {@code /metrics} endpoint in Prometheus text format. Metric attributes carry component ids,
 * signals and rule ids only: never telemetry content.
 */
public final class SelfTelemetry implements AutoCloseable {

  public static final String INSTRUMENTATION_SCOPE = "io.tracewarden";

  private final PullMetricReader reader = new PullMetricReader();
  private final SdkMeterProvider meterProvider =
      SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final Meter meter = meterProvider.get(INSTRUMENTATION_SCOPE);
  private final Instruments instruments = new Instruments(meter);
  private final Map<ComponentId, ComponentMetrics> components = new ConcurrentHashMap<>();

  public Meter meter() {
    return meter;
  }

  /** The standard counters for one component; the same instance for the same id. */
  public ComponentMetrics component(ComponentKind kind, ComponentId id) {
    return components.computeIfAbsent(id, ignored -> new ComponentMetrics(instruments, kind, id));
  }

  public Collection<MetricData> collect() {
    return reader.collect();
  }

  /** Every metric, rendered in the Prometheus text exposition format 0.0.4. */
  public String prometheusText() {
    return PrometheusText.render(collect());
  }

  @Override
  public void close() {
    meterProvider.close();
  }
}
