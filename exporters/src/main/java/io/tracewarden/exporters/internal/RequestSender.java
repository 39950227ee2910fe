package io.tracewarden.exporters.internal;

import io.tracewarden.core.consumer.Telemetry;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one request to a backend, once: retrying and queueing are the caller's business.
 *
 * <p>The future completes with what the backend accepted, or exceptionally with a
 * {@link io.tracewarden.core.consumer.TelemetryException}: {@code RETRYABLE} (with the backend's
 * retry hint, if any) for failures worth another attempt, {@code PERMANENT} for the rest. Any other
 * exception is treated as retryable.
 */
public interface RequestSender {

  /** Acquires connections and threads; called from the exporter's {@code start}. */
  void start() throws Exception;

  CompletableFuture<SendResult> send(Telemetry telemetry);

  /** Releases what {@link #start} acquired; safe without start and more than once. */
  void close();

  /**
   * What a backend answered to an accepted request.
   *
   * @param rejected items the backend refused (OTLP partial success); zero when all were accepted
   * @param message the backend's explanation, possibly empty; may be long, truncate before logging
   */
  record SendResult(long rejected, String message) {

    public static final SendResult ACCEPTED = new SendResult(0, "");
  }
}
