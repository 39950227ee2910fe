package io.tracewarden.core.otlp;

import java.util.Objects;

/**
 * An OTLP payload could not be decoded. The message is short, fixed in form and never contains
 * payload content, so it is safe to return to the sender and to log.
 */
public final class OtlpDecodeException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why decoding failed; receivers map it to a status code and a metric attribute. */
  public enum Reason {
    /** Not valid protobuf or JSON, or not an OTLP message (includes invalid UTF-8). */
    MALFORMED,
    /** AnyValue nesting (or message nesting) deeper than {@link OtlpCodec.Limits#maxNestingDepth}. */
    TOO_DEEP,
    /** More bytes than {@link OtlpCodec.Limits#maxMessageBytes}. */
    TOO_LARGE
  }

  private final Reason reason;

  public OtlpDecodeException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
