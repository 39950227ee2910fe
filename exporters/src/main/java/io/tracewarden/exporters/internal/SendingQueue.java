package io.tracewarden.exporters.internal;

import io.tracewarden.core.consumer.Telemetry;
import java.time.Duration;
import java.util.List;

/**
 * The bounded buffer between an exporter's {@code consume} and its sending threads. Today there is
 * one implementation, in memory; a persistent one (crash-safe, on disk) can replace it without
 * touching the exporters, which only see this interface.
 *
 * <p>Contract: {@link #offer} never blocks; {@link #poll} hands each request to exactly one
 * consumer; after {@link #close} no offer succeeds but what is queued can still be polled, so the
 * exporter can drain it. {@link #acknowledge} is called once the exporter is done with a polled
 * request (delivered or given up), which is where a persistent queue would delete it.
 */
public interface SendingQueue {

  /** Adds {@code telemetry}; false when the queue is full or closed. Never blocks. */
  boolean offer(Telemetry telemetry);

  /**
   * The oldest request, waiting up to {@code timeout} for one; null when none came in time or when
   * the queue is closed and empty.
   */
  Telemetry poll(Duration timeout) throws InterruptedException;

  /** The exporter is done with a request {@link #poll} returned. */
  default void acknowledge(Telemetry telemetry) {}

  /** Requests waiting. */
  int size();

  /** The most requests it holds. */
  int capacity();

  /** Stops accepting; queued requests stay available to {@link #poll} and {@link #drain}. */
  void close();

  boolean isClosed();

  /** Removes and returns whatever is still queued (at the end of a shutdown). */
  List<Telemetry> drain();
}
