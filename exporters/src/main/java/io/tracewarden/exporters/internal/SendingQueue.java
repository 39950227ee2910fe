package io.tracewarden.exporters.internal;

import io.tracewarden.core.consumer.Telemetry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The bounded buffer between an exporter's {@code consume} and its sending threads: in memory
 * ({@link MemorySendingQueue}) or on disk, crash-safe ({@link DiskSendingQueue}). The exporters
 * only see this interface.
 *
 * <p>Contract: {@link #offer} and {@link #enqueue} never block; {@link #poll} hands each request to
 * exactly one consumer; after {@link #close} no offer succeeds but what is queued can still be
 * polled, so the exporter can drain it. {@link #acknowledge} is called once the exporter is done
 * with a polled request (delivered or given up), which is where a persistent queue deletes it; a
 * polled request that is never acknowledged (the process stopped first) is delivered again after a
 * restart by a persistent queue.
 */
public interface SendingQueue {

  /** Adds {@code telemetry}; false when the queue is full or closed. Never blocks. */
  boolean offer(Telemetry telemetry);

  /**
   * Adds {@code telemetry} and says when it is safe. Null when the queue is full or closed (as
   * {@link #offer} false). Otherwise a future that completes once the request is as durable as the
   * queue makes it — at once in memory, after the write (and fsync) on disk — or fails with a
   * {@link io.tracewarden.core.consumer.TelemetryException} when it could not be stored. Never
   * blocks.
   */
  default CompletableFuture<Void> enqueue(Telemetry telemetry) {
    return offer(telemetry) ? CompletableFuture.completedFuture(null) : null;
  }

  /** True when queued requests survive a restart; the exporter then never drops them at shutdown. */
  default boolean persistent() {
    return false;
  }

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

  /**
   * Removes and returns whatever is still queued (at the end of a shutdown). A persistent queue
   * keeps its requests for the next start and returns nothing.
   */
  List<Telemetry> drain();

  /** Frees files and threads; called last, after {@link #drain}. Safe more than once. */
  default void release() {}
}
