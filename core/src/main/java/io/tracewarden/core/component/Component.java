package io.tracewarden.core.component;

import java.time.Duration;

/**
 * Lifecycle shared by every component. Factories must not bind ports, open files or start threads:
 * that happens in {@link #start}, so that a config can be validated without side effects.
 */
public interface Component {

  /** Acquires resources and returns quickly. An exception here aborts the start of the service. */
  default void start(Host host) throws Exception {}

  /**
   * Stops intake and drains what this component holds within {@code timeout}. Must be safe to call
   * without a prior {@link #start} and more than once.
   */
  default void shutdown(Duration timeout) {}
}
