package io.tracewarden.core.consumer;

/**
 * Declared behaviour of a consumer.
 *
 * <p>Pipelines carry immutable protobuf messages, so a consumer that "mutates" builds a new
 * message and never disturbs its siblings in a fan-out: the flag documents intent and lets the
 * graph report it, but no defensive copy is ever needed.
 */
public record Capabilities(boolean mutatesData) {

  public static final Capabilities READS_ONLY = new Capabilities(false);
  public static final Capabilities MUTATES = new Capabilities(true);
}
