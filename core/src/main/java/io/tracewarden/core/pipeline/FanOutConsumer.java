package io.tracewarden.core.pipeline;

import io.tracewarden.core.consumer.Capabilities;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Hands the same request to several consumers. Messages are immutable, so every consumer gets the
 * same instance: no copies. The result fails if any consumer fails, so that the sender retries
 * rather than lose data at one destination (others may then see duplicates, as in the
 * OpenTelemetry Collector).
 */
final class FanOutConsumer implements Consumer {

  private final List<Consumer> consumers;

  private FanOutConsumer(List<Consumer> consumers) {
    this.consumers = List.copyOf(consumers);
  }

  static Consumer of(List<Consumer> consumers) {
    return consumers.size() == 1 ? consumers.get(0) : new FanOutConsumer(consumers);
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    CompletableFuture<?>[] results = new CompletableFuture<?>[consumers.size()];
    for (int i = 0; i < results.length; i++) {
      results[i] = ObservedConsumer.safely(consumers.get(i), telemetry);
    }
    return CompletableFuture.allOf(results);
  }

  @Override
  public Capabilities capabilities() {
    return consumers.stream().anyMatch(c -> c.capabilities().mutatesData())
        ? Capabilities.MUTATES : Capabilities.READS_ONLY;
  }
}
