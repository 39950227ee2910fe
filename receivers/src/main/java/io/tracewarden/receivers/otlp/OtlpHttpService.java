package io.tracewarden.receivers.otlp;

import com.google.protobuf.Message;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.google.rpc.Code;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.core.otlp.OtlpDecodeException;
import io.tracewarden.receivers.otlp.ReceiverMetrics.Reason;
import io.tracewarden.receivers.otlp.ReceiverMetrics.Transport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/HTTP: {@code POST} of protobuf or JSON export requests, optionally gzip-compressed. The
 * body limit applies to the bytes on the wire (enforced by Armeria while aggregating) and again to
 * the decompressed bytes, which are inflated with a hard cap so a gzip bomb never allocates past
 * it. Decoding runs on the blocking task executor, never on an event loop.
 */
final class OtlpHttpService implements HttpService {

  private static final Logger logger = LoggerFactory.getLogger(OtlpHttpService.class);
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  private final OtlpIntake intake;
  private final Map<String, Signal> paths;
  private final int maxBodySize;

  OtlpHttpService(OtlpIntake intake, Map<String, Signal> paths, int maxBodySize) {
    this.intake = intake;
    this.paths = paths;
    this.maxBodySize = maxBodySize;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    Instant receivedAt = Instant.now();
    Signal signal = paths.get(ctx.path());
    if (signal == null) {
      return refuse(null, Reason.NOT_FOUND, HttpStatus.NOT_FOUND, "not found");
    }
    if (req.method() != HttpMethod.POST) {
      intake.metrics().refused(Transport.HTTP, signal, 0, Reason.METHOD_NOT_ALLOWED);
      return HttpResponse.of(ResponseHeaders.builder(HttpStatus.METHOD_NOT_ALLOWED)
          .set(HttpHeaderNames.ALLOW, "POST").contentType(MediaType.PLAIN_TEXT_UTF_8).build(),
          HttpData.ofUtf8("method not allowed"));
    }
    String principal = intake.authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION));
    if (principal == null) {
      intake.metrics().refused(Transport.HTTP, signal, 0, Reason.UNAUTHENTICATED);
      return HttpResponse.of(ResponseHeaders.builder(HttpStatus.UNAUTHORIZED)
          .set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer")
          .contentType(MediaType.PLAIN_TEXT_UTF_8).build(), HttpData.ofUtf8("unauthorized"));
    }
    OtlpCodec.Format format = format(req.contentType());
    if (format == null) {
      return refuse(signal, Reason.UNSUPPORTED_MEDIA_TYPE, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "content type must be application/x-protobuf or application/json");
    }
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    boolean gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
    if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
      return refuse(signal, Reason.UNSUPPORTED_MEDIA_TYPE, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "content encoding must be gzip or identity");
    }
    Consumer consumer = intake.consumer(signal);
    if (consumer == null) {
      return refuse(signal, Reason.NO_PIPELINE, HttpStatus.NOT_FOUND,
          "no pipeline for " + signal.id());
    }
    // A declared length is reserved before a byte of the body is read, so a busy receiver
    // refuses without aggregating it; a chunked body is covered once aggregated.
    InFlightBytes.Reservation reservation = intake.inFlight().reservation();
    long declared = req.headers().contentLength();
    if (declared > 0 && !reservation.cover(declared)) {
      return overBudget(signal, format);
    }
    CompletableFuture<HttpResponse> response = req.aggregate()
        .thenApplyAsync(aggregated -> decode(ctx, aggregated, signal, format, gzip, principal,
            receivedAt, reservation), ctx.blockingTaskExecutor())
        .thenCompose(decoded -> decoded.telemetry == null
            ? CompletableFuture.completedFuture(decoded.failure)
            : handOver(consumer, decoded.telemetry, format))
        .exceptionally(failure -> aggregationFailed(signal, format, failure));
    response.whenComplete((ignored, failure) -> reservation.close());
    return HttpResponse.of(response);
  }

  private Decoded decode(ServiceRequestContext ctx, AggregatedHttpRequest aggregated,
      Signal signal, OtlpCodec.Format format, boolean gzip, String principal, Instant receivedAt,
      InFlightBytes.Reservation reservation) {
    if (!reservation.cover(aggregated.content().length())) {
      return Decoded.failed(overBudget(signal, format));
    }
    byte[] body;
    try {
      body = gzip ? gunzip(aggregated.content().array(), maxBodySize)
          : aggregated.content().array();
    } catch (OtlpDecodeException e) {
      return Decoded.failed(badData(signal, format, e));
    }
    if (!reservation.cover(body.length)) {
      return Decoded.failed(overBudget(signal, format));
    }
    Message request;
    try {
      request = intake.decode(signal, body, format);
    } catch (OtlpDecodeException e) {
      return Decoded.failed(badData(signal, format, e));
    }
    return new Decoded(
        intake.telemetry(signal, request, format == OtlpCodec.Format.PROTOBUF ? body : null,
            principal, ctx.remoteAddress(), receivedAt), null);
  }

  private HttpResponse overBudget(Signal signal, OtlpCodec.Format format) {
    intake.metrics().refused(Transport.HTTP, signal, 0, Reason.IN_FLIGHT_LIMIT);
    return status(HttpStatus.TOO_MANY_REQUESTS, Code.RESOURCE_EXHAUSTED, intake.overBudget(),
        format, DEFAULT_RETRY_AFTER);
  }

  private CompletableFuture<HttpResponse> handOver(Consumer consumer, Telemetry telemetry,
      OtlpCodec.Format format) {
    int items = telemetry.itemCount();
    return OtlpIntake.consume(consumer, telemetry).handle((ignored, failure) -> {
      if (failure == null) {
        intake.metrics().accepted(telemetry.signal(), items);
        return ok(OtlpCodec.encode(OtlpIntake.response(telemetry.signal()), format), format);
      }
      return consumerFailed(telemetry.signal(), items, format, TelemetryException.from(failure));
    });
  }

  private HttpResponse consumerFailed(Signal signal, int items, OtlpCodec.Format format,
      TelemetryException failure) {
    return switch (failure.kind()) {
      case PERMANENT -> {
        intake.metrics().refused(Transport.HTTP, signal, items, Reason.REJECTED);
        yield status(HttpStatus.BAD_REQUEST, Code.INVALID_ARGUMENT, failure.getMessage(), format,
            null);
      }
      case RETRYABLE -> {
        intake.metrics().refused(Transport.HTTP, signal, items, Reason.UNAVAILABLE);
        yield status(HttpStatus.SERVICE_UNAVAILABLE, Code.UNAVAILABLE, failure.getMessage(),
            format, failure.retryAfter().orElse(null));
      }
      case BACK_PRESSURE -> {
        intake.metrics().refused(Transport.HTTP, signal, items, Reason.THROTTLED);
        yield status(HttpStatus.TOO_MANY_REQUESTS, Code.RESOURCE_EXHAUSTED, failure.getMessage(),
            format, failure.retryAfter().orElse(DEFAULT_RETRY_AFTER));
      }
    };
  }

  private HttpResponse badData(Signal signal, OtlpCodec.Format format, OtlpDecodeException e) {
    logger.debug("refused an OTLP/HTTP {} request: {}", signal.id(), e.getMessage());
    return switch (e.reason()) {
      case TOO_LARGE -> {
        intake.metrics().refused(Transport.HTTP, signal, 0, Reason.TOO_LARGE);
        yield status(HttpStatus.REQUEST_ENTITY_TOO_LARGE, Code.INVALID_ARGUMENT, e.getMessage(),
            format, null);
      }
      case TOO_DEEP -> {
        intake.metrics().refused(Transport.HTTP, signal, 0, Reason.TOO_DEEP);
        yield status(HttpStatus.BAD_REQUEST, Code.INVALID_ARGUMENT, e.getMessage(), format, null);
      }
      case MALFORMED -> {
        intake.metrics().refused(Transport.HTTP, signal, 0, Reason.MALFORMED);
        yield status(HttpStatus.BAD_REQUEST, Code.INVALID_ARGUMENT, e.getMessage(), format, null);
      }
    };
  }

  private HttpResponse aggregationFailed(Signal signal, OtlpCodec.Format format,
      Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof ContentTooLargeException) {
      intake.metrics().refused(Transport.HTTP, signal, 0, Reason.TOO_LARGE);
      return status(HttpStatus.REQUEST_ENTITY_TOO_LARGE, Code.INVALID_ARGUMENT,
          "request body larger than " + maxBodySize + " bytes", format, null);
    }
    logger.debug("OTLP/HTTP {} request failed: {}", signal.id(), cause.getClass().getSimpleName());
    intake.metrics().refused(Transport.HTTP, signal, 0, Reason.UNAVAILABLE);
    return status(HttpStatus.SERVICE_UNAVAILABLE, Code.UNAVAILABLE, "request failed", format,
        null);
  }

  private HttpResponse refuse(Signal signal, Reason reason, HttpStatus status, String message) {
    intake.metrics().refused(Transport.HTTP, signal, 0, reason);
    return HttpResponse.of(status, MediaType.PLAIN_TEXT_UTF_8, message);
  }

  private static HttpResponse ok(byte[] body, OtlpCodec.Format format) {
    return HttpResponse.of(HttpStatus.OK, mediaType(format), body);
  }

  /** An OTLP error response: a {@code google.rpc.Status} in the request's format. */
  private static HttpResponse status(HttpStatus httpStatus, Code code, String message,
      OtlpCodec.Format format, Duration retryAfter) {
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(code.getNumber()).setMessage(message == null ? "" : message).build();
    ResponseHeadersBuilder headers = ResponseHeaders.builder(httpStatus)
        .contentType(mediaType(format));
    if (retryAfter != null) {
      headers.set(HttpHeaderNames.RETRY_AFTER,
          Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
    }
    return HttpResponse.of(headers.build(), HttpData.wrap(OtlpCodec.encode(status, format)));
  }

  private static MediaType mediaType(OtlpCodec.Format format) {
    return format == OtlpCodec.Format.JSON ? MediaType.JSON : MediaType.PROTOBUF;
  }

  static OtlpCodec.Format format(MediaType contentType) {
    if (contentType == null) {
      return null;
    }
    String type = contentType.type().toLowerCase(Locale.ROOT) + "/"
        + contentType.subtype().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "application/x-protobuf", "application/protobuf" -> OtlpCodec.Format.PROTOBUF;
      case "application/json" -> OtlpCodec.Format.JSON;
      default -> null;
    };
  }

  /** Inflates at most {@code max} bytes; more is TOO_LARGE, before anything past it is held. */
  static byte[] gunzip(byte[] compressed, int max) throws OtlpDecodeException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(
          (int) Math.min(max, Math.max(1024L, compressed.length * 4L)));
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (out.size() + (long) n > max) {
          throw new OtlpDecodeException(OtlpDecodeException.Reason.TOO_LARGE,
              "decompressed body larger than " + max + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new OtlpDecodeException(OtlpDecodeException.Reason.MALFORMED, "malformed gzip body");
    }
  }

  /** Either a telemetry unit to hand over, or the response that refuses the request. */
  private record Decoded(Telemetry telemetry, HttpResponse failure) {

    static Decoded failed(HttpResponse failure) {
      return new Decoded(null, failure);
    }
  }
}
