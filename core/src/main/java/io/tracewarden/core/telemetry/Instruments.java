package io.tracewarden.core.telemetry;

import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/** The instruments shared by every component; created once per {@link SelfTelemetry}. */
final class Instruments {

  final Meter meter;
  final LongCounter accepted;
  final LongCounter refused;
  final LongCounter exported;
  final LongCounter failed;
  final DoubleHistogram duration;

  Instruments(Meter meter) {
    this.meter = meter;
    accepted = counter("tracewarden.items.accepted",
        "Items (spans, log records, data points) a component accepted");
    refused = counter("tracewarden.items.refused",
        "Items a component refused to its sender (bad data, back-pressure, processor failure)");
    exported = counter("tracewarden.items.exported", "Items an exporter delivered to its backend");
    failed = counter("tracewarden.items.failed",
        "Items an exporter gave up on (permanent error, queue full, retries exhausted)");
    duration = meter.histogramBuilder("tracewarden.processing.duration")
        .setDescription("Time from a component receiving a request to its downstream accepting it")
        .setUnit("s")
        .setExplicitBucketBoundariesAdvice(
            List.of(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                0.5, 1.0, 2.5, 5.0, 10.0))
        .build();
  }

  private LongCounter counter(String name, String description) {
    return meter.counterBuilder(name).setDescription(description).setUnit("{item}").build();
  }
}
