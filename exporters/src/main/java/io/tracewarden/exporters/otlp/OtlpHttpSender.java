package io.tracewarden.exporters.otlp;

import com.google.protobuf.Message;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientFactoryBuilder;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.core.otlp.OtlpDecodeException;
import io.tracewarden.exporters.internal.RequestSender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

/** One OTLP/HTTP POST per request, protobuf or JSON, optionally gzipped. */
final class OtlpHttpSender implements RequestSender {

  private static final MediaType PROTOBUF = MediaType.parse(OtlpCodec.Format.PROTOBUF.mediaType());
  private static final MediaType JSON = MediaType.parse(OtlpCodec.Format.JSON.mediaType());
  private static final long MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

  private final OtlpHttpConfig config;
  private final Map<Signal, WebClient> clients = new EnumMap<>(Signal.class);
  private ClientFactory factory;

  OtlpHttpSender(OtlpHttpConfig config) {
    this.config = config;
  }

  @Override
  public void start() {
    ClientFactoryBuilder builder = ClientFactory.builder();
    config.client().tls().apply(builder);
    factory = builder.build();
    for (Map.Entry<Signal, URI> entry : config.urls().entrySet()) {
      URI url = entry.getValue();
      clients.put(entry.getKey(), WebClient.builder(url.getScheme() + "://" + url.getRawAuthority())
          .factory(factory)
          .responseTimeout(config.client().timeout())
          .maxResponseLength(MAX_RESPONSE_BYTES)
          .build());
    }
  }

  @Override
  public CompletableFuture<SendResult> send(Telemetry telemetry) {
    WebClient client = clients.get(telemetry.signal());
    if (client == null) {
      return CompletableFuture.failedFuture(
          TelemetryException.retryable("exporter is not started", null));
    }
    URI url = config.urls().get(telemetry.signal());
    OtlpCodec.Format format = config.json() ? OtlpCodec.Format.JSON : OtlpCodec.Format.PROTOBUF;
    byte[] body = format == OtlpCodec.Format.PROTOBUF ? telemetry.protobufBytes()
        : OtlpCodec.encode(telemetry.request(), format);
    String path = url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, path)
        .contentType(config.json() ? JSON : PROTOBUF);
    config.client().headers().forEach(headers::add);
    if (config.client().gzip()) {
      body = gzip(body);
      headers.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
    }
    String target = url.getScheme() + "://" + url.getRawAuthority() + path;
    return client.execute(HttpRequest.of(headers.build(), HttpData.wrap(body)))
        .aggregate()
        .handle((response, error) -> {
          if (error != null) {
            throw TelemetryException.retryable(
                "cannot send to " + target + ": " + describe(error), error);
          }
          return interpret(telemetry.signal(), target, response);
        });
  }

  @Override
  public void close() {
    clients.clear();
    if (factory != null) {
      factory.close();
      factory = null;
    }
  }

  private SendResult interpret(Signal signal, String target, AggregatedHttpResponse response) {
    HttpStatus status = response.status();
    if (status.isSuccess()) {
      return partialSuccess(signal, response);
    }
    String message = target + " answered " + status.code() + errorMessage(response);
    if (isRetryable(status.code())) {
      Duration retryAfter = retryAfter(response.headers().get(HttpHeaderNames.RETRY_AFTER));
      throw new TelemetryException(TelemetryException.Kind.RETRYABLE, message, retryAfter, null);
    }
    throw TelemetryException.permanent(message);
  }

  /** Retryable per the OTLP/HTTP spec. */
  static boolean isRetryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /** {@code Retry-After} as delay-seconds or an HTTP-date; null when absent or unreadable. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.trim();
    try {
      long seconds = Long.parseLong(trimmed);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration delay = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return delay.isNegative() ? Duration.ZERO : delay;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  private SendResult partialSuccess(Signal signal, AggregatedHttpResponse response) {
    byte[] content = response.content().array();
    if (content.length == 0) {
      return SendResult.ACCEPTED;
    }
    MediaType type = response.contentType();
    OtlpCodec.Format format = type != null && type.is(MediaType.ANY_APPLICATION_TYPE)
        && type.subtype().toLowerCase(Locale.ROOT).contains("json")
        ? OtlpCodec.Format.JSON : OtlpCodec.Format.PROTOBUF;
    try {
      return switch (signal) {
        case TRACES -> {
          ExportTraceServiceResponse parsed = decode(content, format,
              ExportTraceServiceResponse.newBuilder(), ExportTraceServiceResponse.class);
          yield new SendResult(parsed.getPartialSuccess().getRejectedSpans(),
              parsed.getPartialSuccess().getErrorMessage());
        }
        case LOGS -> {
          ExportLogsServiceResponse parsed = decode(content, format,
              ExportLogsServiceResponse.newBuilder(), ExportLogsServiceResponse.class);
          yield new SendResult(parsed.getPartialSuccess().getRejectedLogRecords(),
              parsed.getPartialSuccess().getErrorMessage());
        }
        case METRICS -> {
          ExportMetricsServiceResponse parsed = decode(content, format,
              ExportMetricsServiceResponse.newBuilder(), ExportMetricsServiceResponse.class);
          yield new SendResult(parsed.getPartialSuccess().getRejectedDataPoints(),
              parsed.getPartialSuccess().getErrorMessage());
        }
      };
    } catch (OtlpDecodeException | RuntimeException e) {
      // The backend took the data; an unreadable response body is not a reason to resend it.
      return SendResult.ACCEPTED;
    }
  }

  private static <T extends Message> T decode(byte[] content, OtlpCodec.Format format,
      Message.Builder builder, Class<T> type) throws OtlpDecodeException {
    return OtlpCodec.decode(content, format, OtlpCodec.Limits.DEFAULT, builder, type);
  }

  /** The backend's explanation: google.rpc.Status message, else the start of a text body. */
  private static String errorMessage(AggregatedHttpResponse response) {
    byte[] content = response.content().array();
    if (content.length == 0) {
      return "";
    }
    MediaType type = response.contentType();
    if (type != null && (type.subtype().contains("protobuf") || type.subtype().contains("json"))) {
      OtlpCodec.Format format = type.subtype().contains("json")
          ? OtlpCodec.Format.JSON : OtlpCodec.Format.PROTOBUF;
      try {
        com.google.rpc.Status status = OtlpCodec.decode(content, format, OtlpCodec.Limits.DEFAULT,
            com.google.rpc.Status.newBuilder(), com.google.rpc.Status.class);
        if (!status.getMessage().isEmpty()) {
          return ": " + status.getMessage();
        }
      } catch (OtlpDecodeException | RuntimeException e) {
        // fall through to the text
      }
    }
    if (type != null && type.is(MediaType.ANY_TEXT_TYPE)) {
      return ": " + new String(content, 0, Math.min(content.length, 256), StandardCharsets.UTF_8);
    }
    return "";
  }

  static String describe(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause
        && (cause instanceof java.util.concurrent.CompletionException
            || cause.getClass().getSimpleName().equals("UnprocessedRequestException"))) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName();
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
