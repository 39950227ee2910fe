package io.tracewarden.receivers.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.core.otlp.OtlpDecodeException;
import io.tracewarden.receivers.otlp.ReceiverMetrics.Reason;
import io.tracewarden.receivers.otlp.ReceiverMetrics.Transport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/gRPC services. Methods take the request as raw bytes and decode them with
 * {@link OtlpCodec}, so that gRPC gets exactly the limits of HTTP (nesting depth, UTF-8) instead
 * of the generated parser's defaults, which would refuse legitimate depth-64 values.
 */
final class OtlpGrpcServices {

  private static final Logger logger = LoggerFactory.getLogger(OtlpGrpcServices.class);

  private OtlpGrpcServices() {}

  static List<ServerServiceDefinition> create(OtlpIntake intake) {
    List<ServerServiceDefinition> services = new ArrayList<>();
    services.add(service(intake, Signal.TRACES, TraceServiceGrpc.getExportMethod()));
    services.add(service(intake, Signal.LOGS, LogsServiceGrpc.getExportMethod()));
    services.add(service(intake, Signal.METRICS, MetricsServiceGrpc.getExportMethod()));
    return services;
  }

  private static ServerServiceDefinition service(OtlpIntake intake, Signal signal,
      MethodDescriptor<?, ?> generated) {
    MethodDescriptor<byte[], byte[]> method =
        generated.toBuilder(BytesMarshaller.INSTANCE, BytesMarshaller.INSTANCE).build();
    return ServerServiceDefinition.builder(generated.getServiceName())
        .addMethod(method, ServerCalls.asyncUnaryCall(
            (request, observer) -> export(intake, signal, request, observer)))
        .build();
  }

  private static void export(OtlpIntake intake, Signal signal, byte[] data,
      StreamObserver<byte[]> observer) {
    Instant receivedAt = Instant.now();
    ServiceRequestContext ctx = ServiceRequestContext.current();
    String principal =
        intake.authenticate(ctx.request().headers().get(HttpHeaderNames.AUTHORIZATION));
    if (principal == null) {
      intake.metrics().refused(Transport.GRPC, signal, 0, Reason.UNAUTHENTICATED);
      observer.onError(Status.UNAUTHENTICATED.withDescription("unauthenticated")
          .asRuntimeException());
      return;
    }
    Consumer consumer = intake.consumer(signal);
    if (consumer == null) {
      intake.metrics().refused(Transport.GRPC, signal, 0, Reason.NO_PIPELINE);
      observer.onError(Status.UNIMPLEMENTED.withDescription("no pipeline for " + signal.id())
          .asRuntimeException());
      return;
    }
    // gRPC has aggregated the message by now; refusing it still spares decoding and holding it.
    InFlightBytes.Reservation reservation = intake.inFlight().reservation();
    if (!reservation.cover(data.length)) {
      intake.metrics().refused(Transport.GRPC, signal, 0, Reason.IN_FLIGHT_LIMIT);
      observer.onError(unavailable(intake.overBudget(), OtlpHttpService.DEFAULT_RETRY_AFTER));
      return;
    }
    Message request;
    try {
      request = intake.decode(signal, data, OtlpCodec.Format.PROTOBUF);
    } catch (OtlpDecodeException e) {
      reservation.close();
      logger.debug("refused an OTLP/gRPC {} request: {}", signal.id(), e.getMessage());
      intake.metrics().refused(Transport.GRPC, signal, 0, switch (e.reason()) {
        case TOO_DEEP -> Reason.TOO_DEEP;
        case TOO_LARGE -> Reason.TOO_LARGE;
        case MALFORMED -> Reason.MALFORMED;
      });
      observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage())
          .asRuntimeException());
      return;
    }
    Telemetry telemetry =
        intake.telemetry(signal, request, data, principal, ctx.remoteAddress(), receivedAt);
    int items = telemetry.itemCount();
    OtlpIntake.consume(consumer, telemetry).whenComplete((ignored, failure) -> {
      reservation.close();
      if (failure == null) {
        intake.metrics().accepted(signal, items);
        observer.onNext(OtlpIntake.response(signal).toByteArray());
        observer.onCompleted();
      } else {
        observer.onError(consumerFailed(intake, signal, items, TelemetryException.from(failure)));
      }
    });
  }

  /**
   * Per the OTLP spec's throttling rules: retryable failures are {@code UNAVAILABLE}, with a
   * {@code RetryInfo} when a delay is known (always for back-pressure); permanent ones are
   * {@code INVALID_ARGUMENT}.
   */
  private static RuntimeException consumerFailed(OtlpIntake intake, Signal signal, int items,
      TelemetryException failure) {
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    return switch (failure.kind()) {
      case PERMANENT -> {
        intake.metrics().refused(Transport.GRPC, signal, items, Reason.REJECTED);
        yield Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
      }
      case RETRYABLE -> {
        intake.metrics().refused(Transport.GRPC, signal, items, Reason.UNAVAILABLE);
        yield unavailable(message, failure.retryAfter().orElse(null));
      }
      case BACK_PRESSURE -> {
        intake.metrics().refused(Transport.GRPC, signal, items, Reason.THROTTLED);
        yield unavailable(message,
            failure.retryAfter().orElse(OtlpHttpService.DEFAULT_RETRY_AFTER));
      }
    };
  }

  private static RuntimeException unavailable(String message, Duration retryAfter) {
    com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
        .setCode(Code.UNAVAILABLE.getNumber()).setMessage(message);
    if (retryAfter != null) {
      status.addDetails(Any.pack(RetryInfo.newBuilder()
          .setRetryDelay(com.google.protobuf.Duration.newBuilder()
              .setSeconds(retryAfter.getSeconds()).setNanos(retryAfter.getNano()))
          .build()));
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }

  /** Passes message bytes through; Armeria has already enforced the message size limit. */
  private enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
