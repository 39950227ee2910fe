package io.tracewarden.exporters.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientFactoryBuilder;
import com.linecorp.armeria.client.grpc.GrpcClientBuilder;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.Codec;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.exporters.internal.RequestSender;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One unary OTLP/gRPC Export call per request, on Armeria's gRPC client. */
final class OtlpGrpcSender implements RequestSender {

  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** Retryable per the OTLP spec; RESOURCE_EXHAUSTED only when the server sent RetryInfo. */
  private static final Set<Status.Code> RETRYABLE = EnumSet.of(Status.Code.CANCELLED,
      Status.Code.DEADLINE_EXCEEDED, Status.Code.ABORTED, Status.Code.OUT_OF_RANGE,
      Status.Code.UNAVAILABLE, Status.Code.DATA_LOSS);

  private final OtlpGrpcConfig config;
  private ClientFactory factory;
  private volatile TraceServiceGrpc.TraceServiceStub traces;
  private volatile LogsServiceGrpc.LogsServiceStub logs;
  private volatile MetricsServiceGrpc.MetricsServiceStub metrics;

  OtlpGrpcSender(OtlpGrpcConfig config) {
    this.config = config;
  }

  @Override
  public void start() {
    ClientFactoryBuilder factoryBuilder = ClientFactory.builder();
    config.client().tls().apply(factoryBuilder);
    factory = factoryBuilder.build();
    traces = builder().build(TraceServiceGrpc.TraceServiceStub.class);
    logs = builder().build(LogsServiceGrpc.LogsServiceStub.class);
    metrics = builder().build(MetricsServiceGrpc.MetricsServiceStub.class);
  }

  private GrpcClientBuilder builder() {
    GrpcClientBuilder builder = GrpcClients.builder(config.target())
        .factory(factory)
        .responseTimeout(config.client().timeout())
        .maxRequestMessageLength(MAX_MESSAGE_BYTES)
        .maxResponseMessageLength(MAX_MESSAGE_BYTES);
    config.client().headers().forEach(builder::addHeader);
    if (config.client().gzip()) {
      builder.compressor(new Codec.Gzip());
    }
    return builder;
  }

  @Override
  public CompletableFuture<SendResult> send(Telemetry telemetry) {
    if (traces == null) {
      return CompletableFuture.failedFuture(
          TelemetryException.retryable("exporter is not started", null));
    }
    long timeoutMillis = config.client().timeout().toMillis();
    return switch (telemetry.signal()) {
      case TRACES -> {
        Result<ExportTraceServiceResponse> result = new Result<>(response -> new SendResult(
            response.getPartialSuccess().getRejectedSpans(),
            response.getPartialSuccess().getErrorMessage()));
        traces.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
            .export(telemetry.traces(), result);
        yield result.future;
      }
      case LOGS -> {
        Result<ExportLogsServiceResponse> result = new Result<>(response -> new SendResult(
            response.getPartialSuccess().getRejectedLogRecords(),
            response.getPartialSuccess().getErrorMessage()));
        logs.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
            .export(telemetry.logs(), result);
        yield result.future;
      }
      case METRICS -> {
        Result<ExportMetricsServiceResponse> result = new Result<>(response -> new SendResult(
            response.getPartialSuccess().getRejectedDataPoints(),
            response.getPartialSuccess().getErrorMessage()));
        metrics.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
            .export(telemetry.metrics(), result);
        yield result.future;
      }
    };
  }

  @Override
  public void close() {
    traces = null;
    logs = null;
    metrics = null;
    if (factory != null) {
      factory.close();
      factory = null;
    }
  }

  /** Maps a failed call to a retryable or permanent {@link TelemetryException}. */
  TelemetryException classify(Throwable error) {
    Status status = Status.fromThrowable(error);
    Duration retryDelay = retryDelay(error);
    String message = config.target() + " answered " + status.getCode()
        + (status.getDescription() == null ? "" : ": " + status.getDescription());
    boolean retryable = RETRYABLE.contains(status.getCode())
        || status.getCode() == Status.Code.RESOURCE_EXHAUSTED && retryDelay != null;
    if (!retryable) {
      return TelemetryException.permanent(message);
    }
    return new TelemetryException(TelemetryException.Kind.RETRYABLE, message, retryDelay, error);
  }

  /** {@code google.rpc.RetryInfo.retry_delay} from the status details, or null. */
  static Duration retryDelay(Throwable error) {
    com.google.rpc.Status status = StatusProto.fromThrowable(error);
    if (status == null) {
      return null;
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
          return Duration.ofSeconds(Math.max(0, delay.getSeconds()), Math.max(0, delay.getNanos()));
        } catch (InvalidProtocolBufferException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** Bridges a unary call's observer to a future. */
  private final class Result<T> implements StreamObserver<T> {

    final CompletableFuture<SendResult> future = new CompletableFuture<>();
    private final Function<T, SendResult> interpret;
    private SendResult result = SendResult.ACCEPTED;

    Result(Function<T, SendResult> interpret) {
      this.interpret = interpret;
    }

    @Override
    public void onNext(T response) {
      result = interpret.apply(response);
    }

    @Override
    public void onError(Throwable error) {
      future.completeExceptionally(classify(error));
    }

    @Override
    public void onCompleted() {
      future.complete(result);
    }
  }
}
