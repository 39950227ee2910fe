package io.tracewarden.core.consumer;

import java.time.Duration;
import java.util.Optional;

/**
 * Why a consumer refused telemetry, in terms a receiver can map to OTLP status codes. Messages
 * must be safe to return to a sender and to log: never include telemetry content.
 */
public final class TelemetryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** How the sender should react. */
  public enum Kind {
    /** The data is bad and will never be accepted: 400 / INVALID_ARGUMENT. */
    PERMANENT,
    /** Try again later: 503 / UNAVAILABLE. */
    RETRYABLE,
    /** Overloaded right now: 429 / RESOURCE_EXHAUSTED-style back-pressure, retry later. */
    BACK_PRESSURE
  }

  private final Kind kind;
  private final Duration retryAfter;

  public TelemetryException(Kind kind, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public static TelemetryException permanent(String message) {
    return new TelemetryException(Kind.PERMANENT, message, null, null);
  }

  public static TelemetryException retryable(String message, Throwable cause) {
    return new TelemetryException(Kind.RETRYABLE, message, null, cause);
  }

  public static TelemetryException backPressure(String message, Duration retryAfter) {
    return new TelemetryException(Kind.BACK_PRESSURE, message, retryAfter, null);
  }

  public Kind kind() {
    return kind;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * Classifies any failure of a consume future: a {@code TelemetryException} (possibly wrapped in
   * a completion exception) keeps its kind; anything else is an internal failure, retryable.
   */
  public static TelemetryException from(Throwable failure) {
    Throwable current = failure;
    while (current != null) {
      if (current instanceof TelemetryException telemetryException) {
        return telemetryException;
      }
      if (current.getCause() == current) {
        break;
      }
      current = current.getCause();
    }
    return retryable("internal error: " + failure.getClass().getSimpleName(), failure);
  }
}
