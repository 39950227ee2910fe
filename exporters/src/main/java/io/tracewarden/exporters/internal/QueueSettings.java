package io.tracewarden.exporters.internal;

import io.tracewarden.core.config.ConfigSection;

/**
 * {@code sending_queue}: whether {@code consume} only enqueues (and returns at once) or waits for
 * the backend.
 *
 * @param enabled queue requests and send them from {@code numConsumers} threads
 * @param queueSize the most requests (not items) waiting; beyond it, back-pressure
 * @param numConsumers threads sending concurrently
 */
public record QueueSettings(boolean enabled, int queueSize, int numConsumers) {

  public static final QueueSettings DEFAULT = new QueueSettings(true, 1000, 2);

  public static QueueSettings read(ConfigSection config) {
    return new QueueSettings(
        config.bool("enabled", DEFAULT.enabled),
        config.integer("queue_size", DEFAULT.queueSize, 1, 10_000_000),
        config.integer("num_consumers", DEFAULT.numConsumers, 1, 1000));
  }
}
