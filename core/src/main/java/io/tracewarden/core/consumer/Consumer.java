package io.tracewarden.core.consumer;

import java.util.concurrent.CompletableFuture;

/**
 * Accepts telemetry. The future completes when the consumer has taken responsibility for the data
 * (forwarded it, queued it, or durably stored it); it completes exceptionally, preferably with a
 * {@link TelemetryException}, when the data was refused. Implementations never throw for bad data.
 */
@FunctionalInterface
public interface Consumer {

  CompletableFuture<Void> consume(Telemetry telemetry);

  /** Whether this consumer changes the data it receives. */
  default Capabilities capabilities() {
    return Capabilities.READS_ONLY;
  }
}
