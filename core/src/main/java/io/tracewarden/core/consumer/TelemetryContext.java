package io.tracewarden.core.consumer;

import io.tracewarden.core.component.ComponentId;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a request came from.
 *
 * @param principal the authenticated sender, or {@code anonymous}
 * @param receiver the receiver that accepted it
 * @param peer the remote address as {@code host:port}, or empty when unknown
 * @param receivedAt when the receiver accepted it
 */
public record TelemetryContext(String principal, ComponentId receiver, String peer, Instant receivedAt) {

  public static final String ANONYMOUS = "anonymous";

  public TelemetryContext {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }
}
