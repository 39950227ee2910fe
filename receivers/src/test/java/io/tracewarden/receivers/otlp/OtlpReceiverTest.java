package io.tracewarden.receivers.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Consumers;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.core.telemetry.SelfTelemetry;
import io.tracewarden.core.testing.RecordingConsumer;
import io.tracewarden.core.testing.TestComponents;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpReceiverTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int BODY_LIMIT = 1024 * 1024;
  private static final String CONFIG = """
      protocols:
        grpc: { endpoint: "127.0.0.1:0" }
        http: { endpoint: "127.0.0.1:0", max_request_body_size: 1MiB }
      """;

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
  private final RecordingConsumer traces = new RecordingConsumer();
  private final RecordingConsumer logs = new RecordingConsumer();
  private final List<OtlpReceiver> started = new ArrayList<>();
  private SelfTelemetry selfTelemetry;
  private OtlpReceiver receiver;

  @BeforeEach
  void setUp() throws Exception {
    selfTelemetry = new SelfTelemetry();
    receiver = start(CONFIG, Map.of(Signal.TRACES, traces, Signal.LOGS, logs), Map.of());
  }

  @AfterEach
  void tearDown() {
    started.forEach(r -> r.shutdown(Duration.ofSeconds(5)));
    selfTelemetry.close();
  }

  private OtlpReceiver start(String yaml, Map<Signal, Consumer> consumers, Map<String, String> env)
      throws Exception {
    OtlpReceiver created = new OtlpReceiverFactory(env::get).create(
        TestComponents.settings(ComponentKind.RECEIVER, "otlp", dataDir, selfTelemetry,
            new io.tracewarden.core.audit.AuditBus()),
        TestComponents.config(yaml), Consumers.of(consumers));
    created.start(TestComponents.host());
    started.add(created);
    return created;
  }

  // ---- real SDK exporters -----------------------------------------------------------------

  @Test
  void grpcSpanExporterWithGzipDeliversSpans() throws Exception {
    OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + receiver.grpcPort()).setCompression("gzip").build();
    SpanData sent = emitSpan(exporter, "grpc-span");

    Telemetry received = traces.awaitItems(1, WAIT).get(0);
    assertSpanArrived(received, sent);
    assertThat(received.context().principal()).isEqualTo(TelemetryContext.ANONYMOUS);
    assertThat(received.context().receiver().toString()).isEqualTo("otlp");
    assertThat(received.context().peer()).startsWith("127.0.0.1:");
  }

  @Test
  void httpProtobufSpanExporterWithGzipDeliversSpans() throws Exception {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(httpUrl("/v1/traces")).setCompression("gzip").build();
    SpanData sent = emitSpan(exporter, "http-span");

    assertSpanArrived(traces.awaitItems(1, WAIT).get(0), sent);
  }

  @Test
  void httpJsonAsTheSdkEncodesItDeliversSpans() throws Exception {
    CapturingSpanExporter capture = new CapturingSpanExporter();
    SpanData sent = emitSpan(capture, "json-span");
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(List.of(sent)).writeJsonTo(json);
    assertThat(json.toString(StandardCharsets.UTF_8)).contains(sent.getTraceId());

    HttpResponse<byte[]> response = post("/v1/traces", "application/json; charset=utf-8",
        json.toByteArray(), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertSpanArrived(traces.awaitItems(1, WAIT).get(0), sent);
  }

  @Test
  void httpLogExporterDeliversLogs() throws Exception {
    OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
        .setEndpoint(httpUrl("/v1/logs")).setCompression("gzip").build();
    try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter)).build()) {
      provider.get("test").logRecordBuilder().setSeverity(Severity.WARN)
          .setBody("thinking about the answer").setAttribute(AttributeKey.stringKey("k"), "v")
          .emit();
      provider.forceFlush().join(10, TimeUnit.SECONDS);
    }
    LogRecord record = logs.awaitItems(1, WAIT).get(0).logs().getResourceLogs(0).getScopeLogs(0)
        .getLogRecords(0);
    assertThat(record.getBody().getStringValue()).isEqualTo("thinking about the answer");
    assertThat(record.getSeverityNumber().getNumber()).isEqualTo(Severity.WARN.getSeverityNumber());
    assertThat(record.getAttributes(0).getKey()).isEqualTo("k");
  }

  @Test
  void metricsCountAcceptedItems() throws Exception {
    assertThat(post("/v1/traces", "application/x-protobuf", oneSpan().toByteArray(), null)
        .statusCode()).isEqualTo(200);
    assertThat(counter("tracewarden.items.accepted", "traces")).isGreaterThanOrEqualTo(1);
  }

  // ---- bad input: the right status, and the receiver still serves --------------------------

  @Test
  void malformedProtobufIs400WithStatusBody() throws Exception {
    HttpResponse<byte[]> response = post("/v1/traces", "application/x-protobuf",
        new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x02}, null);
    assertThat(response.statusCode()).isEqualTo(400);
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(response.body());
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(status.getMessage()).isNotEmpty();
    assertThat(refusedRequests("malformed")).isEqualTo(1);
    assertStillServes();
  }

  @Test
  void malformedJsonIs400WithJsonStatusBody() throws Exception {
    HttpResponse<byte[]> response = post("/v1/traces", "application/json",
        "{\"resourceSpans\": [ secret-token-123".getBytes(StandardCharsets.UTF_8), null);
    assertThat(response.statusCode()).isEqualTo(400);
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertThat(body).contains("\"code\":3").doesNotContain("secret-token-123");
    assertStillServes();
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    HttpResponse<byte[]> response = post("/v1/traces", "application/x-protobuf",
        new byte[BODY_LIMIT + 1], null);
    assertThat(response.statusCode()).isEqualTo(413);
    assertStillServes();
  }

  @Test
  void gzipBombIs413Quickly() throws Exception {
    // ~100 KB on the wire (under the 1 MiB limit), 100 MiB once inflated.
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1024 * 1024];
      for (int i = 0; i < 100; i++) {
        gzip.write(zeros);
      }
    }
    assertThat(compressed.size()).isLessThan(BODY_LIMIT);
    long start = System.nanoTime();
    HttpResponse<byte[]> response = post("/v1/traces", "application/x-protobuf",
        compressed.toByteArray(), "gzip");
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(refusedRequests("too_large")).isEqualTo(1);
    assertStillServes();
  }

  @Test
  void tooDeepNestingIs400() throws Exception {
    AnyValue value = AnyValue.newBuilder().setStringValue("leaf").build();
    for (int i = 1; i < 65; i++) {
      value = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(value)).build();
    }
    byte[] json = OtlpCodec.encode(withAttribute(value), OtlpCodec.Format.JSON);
    HttpResponse<byte[]> response = post("/v1/traces", "application/json", json, null);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(refusedRequests("too_deep")).isEqualTo(1);
    assertStillServes();
  }

  @Test
  void invalidUtf8Is400() throws Exception {
    byte[] request = OtlpCodec.encode(oneSpan(), OtlpCodec.Format.PROTOBUF);
    // The span name "work" is stored as-is; corrupt its first byte into a lone continuation byte.
    int at = indexOf(request, "work".getBytes(StandardCharsets.UTF_8));
    request[at] = (byte) 0x80;
    HttpResponse<byte[]> response = post("/v1/traces", "application/x-protobuf", request, null);
    assertThat(response.statusCode()).isEqualTo(400);
    assertStillServes();
  }

  @Test
  void otherContentTypeIs415() throws Exception {
    assertThat(post("/v1/traces", "text/plain", new byte[] {1}, null).statusCode())
        .isEqualTo(415);
    assertThat(post("/v1/traces", "application/x-protobuf", new byte[] {1}, "br").statusCode())
        .isEqualTo(415);
    assertStillServes();
  }

  @Test
  void getIs405AndUnknownPathIs404() throws Exception {
    HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(httpUrl("/v1/traces")))
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    assertThat(post("/v1/nothing", "application/x-protobuf", new byte[0], null).statusCode())
        .isEqualTo(404);
    assertStillServes();
  }

  @Test
  void signalWithoutPipelineIs404AndUnimplemented() throws Exception {
    assertThat(post("/v1/metrics", "application/x-protobuf", new byte[0], null).statusCode())
        .isEqualTo(404);
    OtlpReceiver tracesOnly = start(CONFIG, Map.of(Signal.TRACES, traces), Map.of());
    LogsServiceGrpc.LogsServiceBlockingStub stub = GrpcClients.newClient(
        "http://127.0.0.1:" + tracesOnly.grpcPort(), LogsServiceGrpc.LogsServiceBlockingStub.class);
    assertThatThrownBy(() -> stub.export(ExportLogsServiceRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    assertStillServes();
  }

  @Test
  void bearerTokenAuthenticatesAndNamesThePrincipal() throws Exception {
    OtlpReceiver secured = start(CONFIG + "auth: { bearer_tokens_env: TOKENS }\n",
        Map.of(Signal.TRACES, traces), Map.of("TOKENS", "model-a:tok-a,model-b:tok-b"));
    String url = "http://127.0.0.1:" + secured.httpPort() + "/v1/traces";
    byte[] body = oneSpan().toByteArray();
    assertThat(send(url, "application/x-protobuf", body, null, null).statusCode()).isEqualTo(401);
    assertThat(send(url, "application/x-protobuf", body, null, "Bearer wrong").statusCode())
        .isEqualTo(401);
    assertThat(send(url, "application/x-protobuf", body, null, "Bearer tok-b").statusCode())
        .isEqualTo(200);
    assertThat(traces.awaitRequests(1, WAIT).get(0).context().principal()).isEqualTo("model-b");

    TraceServiceGrpc.TraceServiceBlockingStub stub = GrpcClients.newClient(
        "http://127.0.0.1:" + secured.grpcPort(), TraceServiceGrpc.TraceServiceBlockingStub.class);
    assertThatThrownBy(() -> stub.export(oneSpan()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(refusedRequests("unauthenticated")).isEqualTo(3);
  }

  @Test
  void grpcLimitAppliesAfterDecompression() throws Exception {
    OtlpReceiver small = start("protocols: { grpc: { endpoint: \"127.0.0.1:0\", "
        + "max_recv_msg_size: 64KiB } }", Map.of(Signal.TRACES, traces), Map.of());
    TraceServiceGrpc.TraceServiceBlockingStub stub = GrpcClients.builder(
            "http://127.0.0.1:" + small.grpcPort())
        .compressor(new io.grpc.Codec.Gzip())
        .build(TraceServiceGrpc.TraceServiceBlockingStub.class);
    // ~2 MiB of one repeated character: a few KB on the wire, far over 64 KiB inflated.
    ExportTraceServiceRequest big = withAttribute(
        AnyValue.newBuilder().setStringValue("a".repeat(2 * 1024 * 1024)).build());
    assertThatThrownBy(() -> stub.export(big))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    stub.export(oneSpan());
    assertThat(traces.awaitRequests(1, WAIT)).hasSize(1);
  }

  // ---- consumer failures ------------------------------------------------------------------

  @Test
  void retryableFailureIs503AndUnavailable() throws Exception {
    traces.answerWith(t -> CompletableFuture.failedFuture(
        TelemetryException.retryable("exporter down", null)));
    assertThat(post("/v1/traces", "application/x-protobuf", oneSpan().toByteArray(), null)
        .statusCode()).isEqualTo(503);
    assertThatThrownBy(() -> grpcTraces().export(oneSpan()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void backPressureIs429WithRetryAfterAndUnavailableWithRetryInfo() throws Exception {
    traces.answerWith(t -> CompletableFuture.failedFuture(
        TelemetryException.backPressure("memory limit", Duration.ofSeconds(7))));
    HttpResponse<byte[]> response =
        post("/v1/traces", "application/x-protobuf", oneSpan().toByteArray(), null);
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("7");

    assertThatThrownBy(() -> grpcTraces().export(oneSpan()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          com.google.rpc.Status details = StatusProto.fromThrowable(e);
          assertThat(details).isNotNull();
          assertThat(details.getDetailsList()).anySatisfy(any -> assertThat(
              any.unpack(RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(7));
        });
    assertThat(refusedRequests("throttled")).isEqualTo(2);
  }

  @Test
  void requestsBeyondTheInFlightBudgetAreRefusedBeforeDecodingAndAdmittedOnceItFrees()
      throws Exception {
    RecordingConsumer held = new RecordingConsumer();
    CompletableFuture<Void> backend = new CompletableFuture<>();
    held.answerWith(t -> backend);
    OtlpReceiver small = start("""
        protocols:
          grpc: { endpoint: "127.0.0.1:0" }
          http: { endpoint: "127.0.0.1:0" }
        max_in_flight_bytes: 1KiB
        """, Map.of(Signal.TRACES, held), Map.of());
    String url = "http://127.0.0.1:" + small.httpPort() + "/v1/traces";
    byte[] body = withAttribute(AnyValue.newBuilder().setStringValue("x".repeat(600)).build())
        .toByteArray();

    CompletableFuture<HttpResponse<byte[]>> first = http.sendAsync(
        HttpRequest.newBuilder(URI.create(url)).timeout(WAIT)
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    held.awaitRequests(1, WAIT);

    // While it is held: a declared length, a chunked body, a body that only grows past the
    // budget when inflated, and a gRPC message are all refused, retryably, and never decoded.
    HttpResponse<byte[]> declared = send(url, "application/x-protobuf", body, null, null);
    assertThat(declared.statusCode()).isEqualTo(429);
    assertThat(declared.headers().firstValue("retry-after")).hasValue("1");
    assertThat(com.google.rpc.Status.parseFrom(declared.body()).getMessage())
        .contains("max_in_flight_bytes");
    HttpResponse<byte[]> chunked = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT)
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(body))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(chunked.statusCode()).isEqualTo(429);
    byte[] compressed = gzip(body);
    assertThat(compressed.length + body.length).as("fits until inflated").isLessThan(1024);
    HttpResponse<byte[]> inflated = send(url, "application/x-protobuf", compressed, "gzip", null);
    assertThat(inflated.statusCode()).isEqualTo(429);
    TraceServiceGrpc.TraceServiceBlockingStub grpc = GrpcClients.newClient(
        "http://127.0.0.1:" + small.grpcPort(), TraceServiceGrpc.TraceServiceBlockingStub.class);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
    assertThatThrownBy(() -> grpc.export(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(StatusProto.fromThrowable(e).getDetailsList())
              .anySatisfy(any -> assertThat(any.is(RetryInfo.class)).isTrue());
        });
    assertThat(held.received()).hasSize(1);
    assertThat(refusedRequests("in_flight_limit")).isEqualTo(4);

    // Answering the held request frees its bytes: the next one is admitted.
    backend.complete(null);
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(send(url, "application/x-protobuf", body, null, null).statusCode())
        .isEqualTo(200);
    assertThat(grpc.export(request)).isNotNull();
    // Alone, a body over the whole budget is still admitted, so it cannot starve.
    byte[] large = withAttribute(AnyValue.newBuilder().setStringValue("y".repeat(4000)).build())
        .toByteArray();
    assertThat(send(url, "application/x-protobuf", large, null, null).statusCode())
        .isEqualTo(200);
    assertThat(held.received()).hasSize(4);
  }

  private static byte[] gzip(byte[] data) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void permanentFailureIs400AndInvalidArgument() throws Exception {
    traces.answerWith(t -> CompletableFuture.failedFuture(TelemetryException.permanent("no")));
    assertThat(post("/v1/traces", "application/x-protobuf", oneSpan().toByteArray(), null)
        .statusCode()).isEqualTo(400);
    assertThatThrownBy(() -> grpcTraces().export(oneSpan()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void grpcAcceptsDepth64AndRefusesDepth65() throws Exception {
    AnyValue value = AnyValue.newBuilder().setStringValue("leaf").build();
    for (int i = 1; i < 64; i++) {
      value = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(value)).build();
    }
    grpcTraces().export(withAttribute(value));
    assertThat(traces.awaitRequests(1, WAIT)).hasSize(1);
    AnyValue deeper =
        AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(value)).build();
    assertThatThrownBy(() -> grpcTraces().export(withAttribute(deeper)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  @Test
  void lifecycleCreateStartConsumeShutdownTwiceAndWithoutStart() throws Exception {
    OtlpReceiver unstarted = new OtlpReceiverFactory().create(
        TestComponents.settings(ComponentKind.RECEIVER, "otlp/unstarted", dataDir),
        TestComponents.config(CONFIG), Consumers.of(Map.of()));
    unstarted.shutdown(Duration.ofSeconds(1));
    unstarted.shutdown(Duration.ofSeconds(1));
    assertThat(unstarted.grpcPort()).isEqualTo(-1);

    assertThat(receiver.grpcPort()).isPositive();
    assertThat(receiver.httpPort()).isPositive().isNotEqualTo(receiver.grpcPort());
    assertStillServes();
    int port = receiver.httpPort();
    receiver.shutdown(Duration.ofSeconds(5));
    receiver.shutdown(Duration.ofSeconds(5));
    assertThat(receiver.httpPort()).isEqualTo(-1);
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/traces"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build(),
        HttpResponse.BodyHandlers.discarding())).isInstanceOf(java.io.IOException.class);
    assertThatThrownBy(() -> receiver.start(TestComponents.host()))
        .isInstanceOf(IllegalStateException.class);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private TraceServiceGrpc.TraceServiceBlockingStub grpcTraces() {
    return GrpcClients.newClient("http://127.0.0.1:" + receiver.grpcPort(),
        TraceServiceGrpc.TraceServiceBlockingStub.class);
  }

  private SpanData emitSpan(SpanExporter exporter, String name) {
    CapturingSpanExporter capture = new CapturingSpanExporter();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .addSpanProcessor(SimpleSpanProcessor.create(capture)).build()) {
      provider.get("tracewarden-test").spanBuilder(name).setSpanKind(SpanKind.CLIENT)
          .setAllAttributes(Attributes.of(AttributeKey.stringKey("gen_ai.system"), "openai",
              AttributeKey.longKey("gen_ai.usage.input_tokens"), 42L))
          .startSpan().end();
      provider.forceFlush().join(10, TimeUnit.SECONDS);
    }
    return capture.spans.get(0);
  }

  private static void assertSpanArrived(Telemetry telemetry, SpanData sent) {
    assertThat(telemetry.signal()).isEqualTo(Signal.TRACES);
    Span span = telemetry.traces().getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getName()).isEqualTo(sent.getName());
    assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray()))
        .isEqualTo(sent.getTraceId());
    assertThat(HexFormat.of().formatHex(span.getSpanId().toByteArray()))
        .isEqualTo(sent.getSpanId());
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.getAttributesList()).contains(
        KeyValue.newBuilder().setKey("gen_ai.system")
            .setValue(AnyValue.newBuilder().setStringValue("openai")).build(),
        KeyValue.newBuilder().setKey("gen_ai.usage.input_tokens")
            .setValue(AnyValue.newBuilder().setIntValue(42)).build());
  }

  private void assertStillServes() throws Exception {
    int before = traces.received().size();
    HttpResponse<byte[]> response =
        post("/v1/traces", "application/x-protobuf", oneSpan().toByteArray(), null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(traces.awaitRequests(before + 1, WAIT)).hasSize(before + 1);
  }

  private static ExportTraceServiceRequest oneSpan() {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("work")
            .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
            .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[8])))))
        .build();
  }

  private static ExportTraceServiceRequest withAttribute(AnyValue value) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("deep")
            .addAttributes(KeyValue.newBuilder().setKey("k").setValue(value)))))
        .build();
  }

  private String httpUrl(String path) {
    return "http://127.0.0.1:" + receiver.httpPort() + path;
  }

  private HttpResponse<byte[]> post(String path, String contentType, byte[] body,
      String encoding) throws Exception {
    return send(httpUrl(path), contentType, body, encoding, null);
  }

  private HttpResponse<byte[]> send(String url, String contentType, byte[] body, String encoding,
      String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(WAIT)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private long refusedRequests(String reason) {
    return sum(ReceiverMetrics.REFUSED_REQUESTS, "reason", reason);
  }

  private long counter(String namePrefix, String signal) {
    long total = 0;
    for (MetricData metric : selfTelemetry.collect()) {
      if (metric.getName().startsWith(namePrefix)) {
        total += metric.getLongSumData().getPoints().stream()
            .filter(p -> signal.equals(p.getAttributes().get(AttributeKey.stringKey("signal"))))
            .mapToLong(p -> p.getValue()).sum();
      }
    }
    return total;
  }

  private long sum(String name, String attribute, String value) {
    long total = 0;
    for (MetricData metric : selfTelemetry.collect()) {
      if (metric.getName().equals(name)) {
        total += metric.getLongSumData().getPoints().stream()
            .filter(p -> value.equals(p.getAttributes().get(AttributeKey.stringKey(attribute))))
            .mapToLong(p -> p.getValue()).sum();
      }
    }
    return total;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  /** Keeps the spans the SDK ends, to compare with what the receiver got. */
  private static final class CapturingSpanExporter implements SpanExporter {

    private final List<SpanData> spans = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
