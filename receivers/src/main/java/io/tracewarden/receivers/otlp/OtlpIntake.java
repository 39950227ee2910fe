package io.tracewarden.receivers.otlp;

import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Consumers;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.core.otlp.OtlpDecodeException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** What the gRPC and HTTP transports share: authentication, decoding and handing over. */
final class OtlpIntake {

  private final ComponentId id;
  private final Consumers next;
  private final OtlpCodec.Limits limits;
  private final ReceiverMetrics metrics;
  private final BearerTokens tokens;
  private final InFlightBytes inFlight;

  /** {@code tokens} is null when authentication is not configured. */
  OtlpIntake(ComponentId id, Consumers next, OtlpCodec.Limits limits, ReceiverMetrics metrics,
      BearerTokens tokens, InFlightBytes inFlight) {
    this.id = id;
    this.next = next;
    this.limits = limits;
    this.metrics = metrics;
    this.tokens = tokens;
    this.inFlight = inFlight;
  }

  InFlightBytes inFlight() {
    return inFlight;
  }

  /** The refusal text when the in-flight budget is full; it names the key that sets it. */
  String overBudget() {
    return id + " has " + inFlight.limit() + " request bytes in flight (max_in_flight_bytes); "
        + "retry later";
  }

  ReceiverMetrics metrics() {
    return metrics;
  }

  Consumer consumer(Signal signal) {
    return next.get(signal).orElse(null);
  }

  /** The principal for this {@code Authorization} header, or null when it is refused. */
  String authenticate(String authorization) {
    return tokens == null ? TelemetryContext.ANONYMOUS : tokens.authenticate(authorization);
  }

  Message decode(Signal signal, byte[] data, OtlpCodec.Format format)
      throws OtlpDecodeException {
    return switch (signal) {
      case TRACES -> OtlpCodec.decodeTraces(data, format, limits);
      case LOGS -> OtlpCodec.decodeLogs(data, format, limits);
      case METRICS -> OtlpCodec.decodeMetrics(data, format, limits);
    };
  }

  /**
   * {@code protobuf} is the request's wire encoding when it arrived as protobuf, else null. It is
   * kept only when it is exactly the decoded message's encoding: decoding drops unknown fields,
   * which masking cannot see, and then the sizes differ (dropped fields only ever shrink it).
   */
  Telemetry telemetry(Signal signal, Message request, byte[] protobuf, String principal,
      InetSocketAddress remote, Instant receivedAt) {
    byte[] exact = protobuf != null && request.getSerializedSize() == protobuf.length
        ? protobuf : null;
    return new Telemetry(signal, request,
        new TelemetryContext(principal, id, peer(remote), receivedAt), exact);
  }

  /** Hands over; a consumer that throws instead of failing its future is treated alike. */
  static CompletableFuture<Void> consume(Consumer consumer, Telemetry telemetry) {
    try {
      CompletableFuture<Void> future = consumer.consume(telemetry);
      return future == null
          ? CompletableFuture.failedFuture(new IllegalStateException("consumer returned null"))
          : future;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  static Message response(Signal signal) {
    return switch (signal) {
      case TRACES -> ExportTraceServiceResponse.getDefaultInstance();
      case LOGS -> ExportLogsServiceResponse.getDefaultInstance();
      case METRICS -> ExportMetricsServiceResponse.getDefaultInstance();
    };
  }

  static String peer(InetSocketAddress remote) {
    if (remote == null) {
      return "";
    }
    String host = remote.getAddress() != null ? remote.getAddress().getHostAddress()
        : remote.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + remote.getPort();
  }
}
