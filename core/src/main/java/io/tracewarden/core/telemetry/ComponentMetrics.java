package io.tracewarden.core.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Signal;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The standard counters of one component. Attribute sets are built once per signal, so counting
 * on the data path allocates nothing.
 */
public final class ComponentMetrics {

  public static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
  public static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("component");
  public static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("signal");

  private final Instruments instruments;
  private final Attributes base;
  private final Map<Signal, Attributes> bySignal = new EnumMap<>(Signal.class);

  ComponentMetrics(Instruments instruments, ComponentKind kind, ComponentId id) {
    this.instruments = instruments;
    this.base = Attributes.of(KIND, kind.id(), COMPONENT, id.toString());
    for (Signal signal : Signal.values()) {
      bySignal.put(signal, base.toBuilder().put(SIGNAL, signal.id()).build());
    }
  }

  public void accepted(Signal signal, long items) {
    instruments.accepted.add(items, bySignal.get(signal));
  }

  public void refused(Signal signal, long items) {
    instruments.refused.add(items, bySignal.get(signal));
  }

  public void exported(Signal signal, long items) {
    instruments.exported.add(items, bySignal.get(signal));
  }

  public void failed(Signal signal, long items) {
    instruments.failed.add(items, bySignal.get(signal));
  }

  public void duration(Signal signal, long nanos) {
    instruments.duration.record(nanos / 1e9, bySignal.get(signal));
  }

  /** Reports {@code size} as the gauge {@code name} (e.g. a queue length) at each scrape. */
  public void gauge(String name, String description, String unit, LongSupplier size) {
    instruments.meter.gaugeBuilder(name).ofLongs().setDescription(description).setUnit(unit)
        .buildWithCallback(measurement -> measurement.record(size.getAsLong(), base));
  }

  /** Attributes identifying this component, to extend for component-specific instruments. */
  public Attributes attributes() {
    return base;
  }

  public Meter meter() {
    return instruments.meter;
  }
}
