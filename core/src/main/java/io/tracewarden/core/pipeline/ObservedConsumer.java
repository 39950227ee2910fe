package io.tracewarden.core.pipeline;

import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.audit.AuditEvent;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.consumer.Capabilities;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.telemetry.ComponentMetrics;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps every processor and exporter in a pipeline: counts what it accepted and refused, times
 * it, and makes it fail closed. A component that throws, or fails with anything other than a
 * {@link TelemetryException}, has its data refused to the sender as retryable, never forwarded
 * half-processed; the failure is counted and published as a {@code component.failed} audit event.
 */
final class ObservedConsumer implements Consumer {

  private static final Logger logger = LoggerFactory.getLogger(ObservedConsumer.class);

  private final ComponentId id;
  private final Consumer delegate;
  private final ComponentMetrics metrics;
  private final AuditBus audit;

  ObservedConsumer(ComponentId id, Consumer delegate, ComponentMetrics metrics, AuditBus audit) {
    this.id = id;
    this.delegate = delegate;
    this.metrics = metrics;
    this.audit = audit;
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    long start = System.nanoTime();
    int items = telemetry.itemCount();
    CompletableFuture<Void> result;
    try {
      result = delegate.consume(telemetry);
      if (result == null) {
        throw new IllegalStateException(id + " returned no result");
      }
    } catch (RuntimeException | Error e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.handle((ignored, failure) -> {
      metrics.duration(telemetry.signal(), System.nanoTime() - start);
      if (failure == null) {
        metrics.accepted(telemetry.signal(), items);
        return null;
      }
      metrics.refused(telemetry.signal(), items);
      Throwable cause = unwrap(failure);
      if (!(cause instanceof TelemetryException)) {
        failedClosed(telemetry, items, cause);
      }
      throw TelemetryException.from(cause);
    });
  }

  private void failedClosed(Telemetry telemetry, int items, Throwable failure) {
    // The exception's message may quote the data it choked on: log its type and stack only.
    logger.error("{} failed on {} {}; the request was refused to its sender, not forwarded: {}",
        id, items, telemetry.signal().id(), failure.getClass().getName());
    audit.publish(new AuditEvent("component.failed", Instant.now(), "", id, Map.of(
        "signal", telemetry.signal().id(),
        "items", items,
        "principal", telemetry.context().principal(),
        "receiver", telemetry.context().receiver().toString(),
        "error", failure.getClass().getName())));
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof java.util.concurrent.CompletionException
        || current instanceof java.util.concurrent.ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** Calls {@code consumer}, turning a synchronous throw into a failed future. */
  static CompletableFuture<Void> safely(Consumer consumer, Telemetry telemetry) {
    try {
      CompletableFuture<Void> result = consumer.consume(telemetry);
      return result != null ? result
          : CompletableFuture.failedFuture(new IllegalStateException("consumer returned null"));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public Capabilities capabilities() {
    return delegate.capabilities();
  }
}
