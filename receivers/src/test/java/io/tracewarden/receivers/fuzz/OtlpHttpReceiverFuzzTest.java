package io.tracewarden.receivers.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Consumers;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.telemetry.SelfTelemetry;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.receivers.otlp.OtlpReceiver;
import io.tracewarden.receivers.otlp.OtlpReceiverFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the OTLP/HTTP receiver end to end: one real receiver (HTTP on 127.0.0.1, port 0, bearer
 * auth on, 64 KiB body limit, pipelines for traces and logs but not metrics) for the whole class,
 * and one raw HTTP/1.1 request per input, built from the fuzz data: method, path, content-type,
 * content-encoding, Authorization, a body that is fuzzed bytes, gzip of fuzzed bytes, a gzip bomb,
 * an over-limit body or a valid export request, and how the pipeline answers (accept, permanent,
 * retryable, back-pressure, throw, null future).
 *
 * <p>Properties: the status is one of the documented codes (200, 400, 401, 404, 405, 413, 415,
 * 429, 503), the exchange completes (no reset, no hang), and every {@value #HEALTH_EVERY} inputs a
 * good request still gets 200.
 */
class OtlpHttpReceiverFuzzTest {

  static final int BODY_LIMIT = 64 * 1024;
  static final int HEALTH_EVERY = 50;
  static final String TOKEN = "fuzz-token-0123456789";
  static final Set<Integer> DOCUMENTED = Set.of(200, 400, 401, 404, 405, 413, 415, 429, 503);

  private static final String[] METHODS = {"POST", "POST", "POST", "POST", "GET", "PUT", "DELETE",
      "PATCH"};
  private static final String[] PATHS = {"/v1/traces", "/v1/logs", "/v1/metrics", "/v1/traces/",
      "/", "/v1/traces?x=1"};
  private static final String[] CONTENT_TYPES = {"application/x-protobuf", "application/json",
      "application/json; charset=utf-8", "application/protobuf", "APPLICATION/X-PROTOBUF",
      "text/plain", "application/grpc", "multipart/form-data; boundary=x"};
  private static final String[] ENCODINGS = {"gzip", "identity", " GZip ", "br", "deflate",
      "gzip, gzip", ""};

  enum Pipeline { ACCEPT, PERMANENT, RETRYABLE, BACK_PRESSURE, THROW, NULL_FUTURE }

  static volatile Pipeline pipeline = Pipeline.ACCEPT;
  static SelfTelemetry telemetry;
  static OtlpReceiver receiver;
  static HttpClient http;
  static URI base;
  static int inputs;
  /** Requests sent per response status, printed at the end to show what the run reached. */
  static final Map<Integer, Integer> statuses = new java.util.TreeMap<>();

  @BeforeAll
  static void startReceiver() throws Exception {
    Path dir = Files.createTempDirectory("tw-fuzz-receiver");
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "fuzzer:" + TOKEN + "\n");
    String yaml = "protocols:\n"
        + "  http: { endpoint: \"127.0.0.1:0\", max_request_body_size: " + BODY_LIMIT + " }\n"
        + "max_nesting_depth: 8\n"
        + "auth: { bearer_tokens_file: \"" + tokens + "\" }\n";
    Consumer consumer = OtlpHttpReceiverFuzzTest::consume;
    telemetry = new SelfTelemetry();
    receiver = new OtlpReceiverFactory().create(
        TestComponents.settings(ComponentKind.RECEIVER, "otlp", dir, telemetry, new AuditBus()),
        TestComponents.config(yaml),
        Consumers.of(Map.of(Signal.TRACES, consumer, Signal.LOGS, consumer)));
    receiver.start(TestComponents.host());
    base = URI.create("http://127.0.0.1:" + receiver.httpPort());
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopReceiver() {
    System.out.println("OtlpHttpReceiverFuzzTest: " + inputs + " inputs, requests by status: "
        + statuses);
    if (receiver != null) {
      receiver.shutdown(Duration.ofSeconds(5));
    }
    if (telemetry != null) {
      telemetry.close();
    }
  }

  private static CompletableFuture<Void> consume(Telemetry telemetry) {
    return switch (pipeline) {
      case ACCEPT -> CompletableFuture.completedFuture(null);
      case PERMANENT -> CompletableFuture.failedFuture(TelemetryException.permanent("refused"));
      case RETRYABLE -> CompletableFuture.failedFuture(
          TelemetryException.retryable("later", null));
      case BACK_PRESSURE -> CompletableFuture.failedFuture(
          TelemetryException.backPressure("slow down", Duration.ofMillis(1500)));
      case THROW -> throw new IllegalStateException("pipeline bug");
      case NULL_FUTURE -> null;
    };
  }

  @FuzzTest(maxDuration = "30s")
  void httpRequest(FuzzedDataProvider data) throws Exception {
    // Jazzer's SSRF detector flags every connection a fuzz test makes unless it is allowed.
    try (SilentCloseable allowed = BugDetectors.allowNetworkConnections(
        (host, port) -> port == base.getPort()
            && ("127.0.0.1".equals(host) || "localhost".equals(host)))) {
      send(data);
    }
  }

  private void send(FuzzedDataProvider data) throws Exception {
    if (++inputs % HEALTH_EVERY == 0) {
      assertHealthy();
    }
    pipeline = data.pickValue(Pipeline.values());
    String method = data.pickValue(METHODS);
    String path = data.consumeBoolean() ? data.pickValue(PATHS) : "/" + pathChars(data);
    String contentType = pickOrFuzz(data, CONTENT_TYPES);
    String encoding = pickOrFuzz(data, ENCODINGS);
    int auth = data.consumeInt(0, 3);
    String authorization = switch (auth) {
      case 0 -> "Bearer " + TOKEN;
      case 1 -> "bearer  " + TOKEN + " ";
      case 2 -> null;
      default -> data.consumeString(64);
    };
    byte[] body = body(data);

    HttpRequest.Builder request;
    try {
      // Appended, not resolved: "//host/x" must stay a path on the receiver, never a new host.
      request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
          .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      if (encoding != null) {
        request.header("Content-Encoding", encoding);
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
    } catch (IllegalArgumentException e) {
      return; // the client refuses the header or URI: nothing reaches the receiver
    }
    HttpResponse<byte[]> response = http.send(request.build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(DOCUMENTED).as("status of %s %s (content-type %s, content-encoding %s, %d bytes)",
        method, path, contentType, encoding, body.length).contains(response.statusCode());
    statuses.merge(response.statusCode(), 1, Integer::sum);
    pipeline = Pipeline.ACCEPT;
  }

  private static byte[] body(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 5)) {
      case 0 -> gzip(data.consumeRemainingAsBytes());
      case 1 -> gzip(new byte[data.pickValue(new int[] {BODY_LIMIT, BODY_LIMIT + 1,
          4 * BODY_LIMIT})]);
      case 2 -> new byte[data.pickValue(new int[] {BODY_LIMIT, BODY_LIMIT + 1, 2 * BODY_LIMIT})];
      case 3 -> data.consumeBoolean() ? validTraces().toByteArray()
          : gzip(validTraces().toByteArray());
      default -> data.consumeRemainingAsBytes();
    };
  }

  private static String pickOrFuzz(FuzzedDataProvider data, String[] choices) {
    int pick = data.consumeInt(0, choices.length + 1);
    if (pick < choices.length) {
      return choices[pick];
    }
    return pick == choices.length ? null : data.consumeString(80);
  }

  private static String pathChars(FuzzedDataProvider data) {
    String raw = data.consumeString(48);
    StringBuilder sb = new StringBuilder();
    for (char c : raw.toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "/._~-%".indexOf(c) >= 0) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static void assertHealthy() throws Exception {
    pipeline = Pipeline.ACCEPT;
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(base.resolve("/v1/traces"))
        .timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/x-protobuf")
        .header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofByteArray(validTraces().toByteArray())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as("a good request after %d fuzzed ones", inputs)
        .isEqualTo(200);
  }

  static ExportTraceServiceRequest validTraces() {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder()
            .setName("fuzz").setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
            .addAttributes(KeyValue.newBuilder().setKey("k")
                .setValue(AnyValue.newBuilder().setStringValue("v")))))).build();
  }

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
