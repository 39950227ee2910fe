package io.tracewarden.exporters.testing;

import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.tracewarden.core.otlp.OtlpCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP backend on an ephemeral port: gRPC TraceService/LogsService and HTTP /v1/traces,
 * /v1/logs (protobuf or JSON, gzip or not). Records what it decoded and answers as scripted.
 */
public final class FakeOtlpBackend implements AutoCloseable {

  /** One scripted answer; unscripted requests are accepted. */
  public sealed interface Answer {
    /** HTTP status (with an optional Retry-After) or, over gRPC, the matching status code. */
    record Http(int status, String retryAfter) implements Answer {}

    record Grpc(Status.Code code, Duration retryDelay) implements Answer {}

    record Partial(long rejected, String message) implements Answer {}

    /** Waits for {@code gate} before accepting. */
    record Hold(CompletableFuture<Void> gate) implements Answer {}
  }

  /** One request that reached the backend. */
  public record Attempt(String path, String contentType, String contentEncoding, long nanoTime) {}

  private final Object lock = new Object();
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Attempt> attempts = new ArrayList<>();
  private final List<ExportTraceServiceRequest> traces = new ArrayList<>();
  private final List<ExportLogsServiceRequest> logs = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private final List<String> grpcEncodings = new ArrayList<>();
  private final Server server;

  public FakeOtlpBackend() {
    this(null);
  }

  /** With {@code tls}, serves HTTPS (and gRPC over TLS) only. */
  public FakeOtlpBackend(com.linecorp.armeria.common.TlsKeyPair tls) {
    var builder = Server.builder();
    if (tls == null) {
      builder.http(0);
    } else {
      builder.https(0).tls(tls);
    }
    server = builder
        .service("/v1/traces", http(true))
        .service("/v1/logs", http(false))
        .service("/custom/logs", http(false))
        .service(GrpcService.builder()
            .addService(new TraceServiceGrpc.TraceServiceImplBase() {
              @Override
              public void export(ExportTraceServiceRequest request,
                  StreamObserver<ExportTraceServiceResponse> observer) {
                Answer answer = arrive("grpc:traces", "application/grpc", "", null);
                grpcAnswer(answer, observer, () -> record(request),
                    rejected -> ExportTraceServiceResponse.newBuilder().setPartialSuccess(
                        ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected.rejected())
                            .setErrorMessage(rejected.message())).build(),
                    ExportTraceServiceResponse.getDefaultInstance());
              }
            })
            .addService(new LogsServiceGrpc.LogsServiceImplBase() {
              @Override
              public void export(ExportLogsServiceRequest request,
                  StreamObserver<ExportLogsServiceResponse> observer) {
                Answer answer = arrive("grpc:logs", "application/grpc", "", null);
                grpcAnswer(answer, observer, () -> record(request),
                    rejected -> ExportLogsServiceResponse.newBuilder().setPartialSuccess(
                        ExportLogsPartialSuccess.newBuilder()
                            .setRejectedLogRecords(rejected.rejected())
                            .setErrorMessage(rejected.message())).build(),
                    ExportLogsServiceResponse.getDefaultInstance());
              }
            })
            .build())
        .decorator((delegate, ctx, req) -> {
          synchronized (lock) {
            String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (auth != null) {
              authorizations.add(auth);
            }
            String grpcEncoding = req.headers().get("grpc-encoding");
            if (grpcEncoding != null) {
              grpcEncodings.add(grpcEncoding);
            }
          }
          return delegate.serve(ctx, req);
        })
        .build();
    server.start().join();
  }

  public int port() {
    return server.activePort().localAddress().getPort();
  }

  public String httpUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Queues answers for the next requests, in order. */
  public void script(Answer... answers) {
    synchronized (lock) {
      script.addAll(List.of(answers));
    }
  }

  public List<Attempt> attempts() {
    synchronized (lock) {
      return List.copyOf(attempts);
    }
  }

  public List<ExportTraceServiceRequest> traces() {
    synchronized (lock) {
      return List.copyOf(traces);
    }
  }

  public List<ExportLogsServiceRequest> logs() {
    synchronized (lock) {
      return List.copyOf(logs);
    }
  }

  public List<String> authorizations() {
    synchronized (lock) {
      return List.copyOf(authorizations);
    }
  }

  /** The {@code grpc-encoding} request headers seen. */
  public List<String> grpcEncodings() {
    synchronized (lock) {
      return List.copyOf(grpcEncodings);
    }
  }

  /** Waits until {@code count} requests have arrived (accepted or not). */
  public void awaitAttempts(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (attempts.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + count + " attempts, got " + attempts.size());
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @Override
  public void close() {
    server.stop().join();
  }

  private Answer arrive(String path, String contentType, String encoding, Object unused) {
    synchronized (lock) {
      attempts.add(new Attempt(path, contentType, encoding, System.nanoTime()));
      lock.notifyAll();
      return script.pollFirst();
    }
  }

  private void record(Message request) {
    synchronized (lock) {
      if (request instanceof ExportTraceServiceRequest trace) {
        traces.add(trace);
      } else {
        logs.add((ExportLogsServiceRequest) request);
      }
    }
  }

  private HttpService http(boolean isTraces) {
    return (ctx, req) -> HttpResponse.of(req.aggregate().thenCompose(aggregated -> {
      String type = aggregated.contentType() == null ? "" : aggregated.contentType().toString();
      String encoding = aggregated.headers().get(HttpHeaderNames.CONTENT_ENCODING, "");
      Answer answer = arrive(ctx.path(), type, encoding, null);
      boolean json = type.startsWith("application/json");
      OtlpCodec.Format format = json ? OtlpCodec.Format.JSON : OtlpCodec.Format.PROTOBUF;
      CompletableFuture<Void> gate = answer instanceof Answer.Hold hold ? hold.gate()
          : CompletableFuture.completedFuture(null);
      return gate.thenApply(ignored -> httpAnswer(isTraces, aggregated, encoding, format, answer));
    }));
  }

  private HttpResponse httpAnswer(boolean isTraces, AggregatedHttpRequest request,
      String encoding, OtlpCodec.Format format, Answer answer) {
    if (answer instanceof Answer.Http http) {
      ResponseHeaders headers = http.retryAfter() == null
          ? ResponseHeaders.of(HttpStatus.valueOf(http.status()))
          : ResponseHeaders.builder(HttpStatus.valueOf(http.status()))
              .set(HttpHeaderNames.RETRY_AFTER, http.retryAfter()).build();
      return HttpResponse.of(headers, HttpData.ofUtf8("scripted failure"));
    }
    byte[] body = request.content().array();
    if (encoding.equals("gzip")) {
      body = gunzip(body);
    }
    Message response;
    try {
      if (isTraces) {
        record(OtlpCodec.decodeTraces(body, format, OtlpCodec.Limits.DEFAULT));
        response = answer instanceof Answer.Partial partial
            ? ExportTraceServiceResponse.newBuilder().setPartialSuccess(
                ExportTracePartialSuccess.newBuilder().setRejectedSpans(partial.rejected())
                    .setErrorMessage(partial.message())).build()
            : ExportTraceServiceResponse.getDefaultInstance();
      } else {
        record(OtlpCodec.decodeLogs(body, format, OtlpCodec.Limits.DEFAULT));
        response = answer instanceof Answer.Partial partial
            ? ExportLogsServiceResponse.newBuilder().setPartialSuccess(
                ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(partial.rejected())
                    .setErrorMessage(partial.message())).build()
            : ExportLogsServiceResponse.getDefaultInstance();
      }
    } catch (Exception e) {
      return HttpResponse.of(HttpStatus.BAD_REQUEST, MediaType.PLAIN_TEXT_UTF_8,
          "cannot decode: " + e);
    }
    MediaType type = MediaType.parse(format.mediaType());
    return HttpResponse.of(HttpStatus.OK, type, OtlpCodec.encode(response, format));
  }

  private static <T> void grpcAnswer(Answer answer, StreamObserver<T> observer, Runnable accept,
      java.util.function.Function<Answer.Partial, T> partialResponse, T ok) {
    if (answer instanceof Answer.Hold hold) {
      hold.gate().join();
    }
    if (answer instanceof Answer.Grpc grpc) {
      com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
          .setCode(grpc.code().value()).setMessage("scripted " + grpc.code());
      if (grpc.retryDelay() != null) {
        status.addDetails(com.google.protobuf.Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(com.google.protobuf.Duration.newBuilder()
                .setSeconds(grpc.retryDelay().getSeconds())
                .setNanos(grpc.retryDelay().getNano()))
            .build()));
      }
      observer.onError(StatusProto.toStatusRuntimeException(status.build()));
      return;
    }
    accept.run();
    observer.onNext(answer instanceof Answer.Partial partial ? partialResponse.apply(partial) : ok);
    observer.onCompleted();
  }

  private static byte[] gunzip(byte[] body) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
