package io.tracewarden.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.ServiceStatus;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.telemetry.SelfTelemetry;
import io.tracewarden.core.visit.TelemetryStrings;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import io.tracewarden.processors.secrets.SecretsProcessorFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the {@code secrets} processor adds to the unavoidable OTLP decode of one request:
 * {@value #SPANS} GenAI spans with ~1 KB of message content each. One operation handles one
 * request, so spans/s = ops/s x {@value #SPANS}. As in the agent, the request travels with its
 * received bytes and the next consumer takes {@link Telemetry#protobufBytes()}: the bytes as
 * received when nothing changed, else the received bytes with the masked spans encoded anew.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PipelineCostBenchmark {

  static final int SPANS = 500;
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /** {@code clean}: no secrets; {@code secrets10pct}: one secret in each tenth span. */
  @Param({"clean", "secrets10pct"})
  public String content;

  byte[] requestBytes;
  Processor processor;
  SecretEngine engine;
  TelemetryContext context;
  byte[] encoded;
  Telemetry forwarded;
  private Path dataDirectory;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    boolean withSecrets = content.equals("secrets10pct");
    Corpus corpus = corpus(withSecrets);
    ExportTraceServiceRequest request = request(corpus, withSecrets);
    requestBytes = request.toByteArray();

    dataDirectory = Files.createTempDirectory("tracewarden-bench");
    ComponentSettings settings = new ComponentSettings(ComponentId.parse("secrets"),
        ComponentKind.PROCESSOR, dataDirectory, new SelfTelemetry(), new AuditBus());
    ConfigSection config = ConfigSection.of(new ConfigLoader(System::getenv)
        .parse("fingerprint_key: 0123456789abcdef0123", "bench.yaml"), "secrets", null);
    processor = new SecretsProcessorFactory().create(settings, config, Signal.TRACES,
        telemetry -> {
          encoded = telemetry.protobufBytes();
          forwarded = telemetry;
          return DONE;
        });
    processor.start(new Host() {
      @Override
      public Map<ComponentId, Extension> extensions() {
        return Map.of();
      }

      @Override
      public ServiceStatus status() {
        return new ServiceStatus(true, Map.of());
      }
    });
    // The engine the processor builds from the same configuration (built-in pack, defaults).
    engine = SecretEngine.builder().addRules(Rules.builtin())
        .fingerprintKey("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8)).build();
    context = new TelemetryContext(TelemetryContext.ANONYMOUS, ComponentId.of("otlp"),
        "127.0.0.1:4317", Instant.now());

    // Check the processor does what we mean to measure.
    withSecrets();
    String out = new String(encoded, StandardCharsets.UTF_8);
    long survivors = corpus.planted.stream().filter(out::contains).count();
    ExportTraceServiceRequest masked = ExportTraceServiceRequest.parseFrom(encoded);
    long maskedSpans = masked.getResourceSpans(0).getScopeSpans(0).getSpansList().stream()
        .filter(s -> s.getAttributesList().stream()
            .anyMatch(kv -> kv.getKey().equals("tracewarden.masked.count")))
        .count();
    String maskedRules = masked.getResourceSpans(0).getScopeSpans(0).getSpansList().stream()
        .flatMap(s -> s.getAttributesList().stream())
        .filter(kv -> kv.getKey().equals("tracewarden.masked.rules"))
        .flatMap(kv -> kv.getValue().getArrayValue().getValuesList().stream())
        .map(AnyValue::getStringValue)
        .collect(java.util.stream.Collectors.groupingBy(r -> r,
            java.util.TreeMap::new, java.util.stream.Collectors.counting()))
        .toString();
    System.out.printf("%n[setup] masked rules: %s", maskedRules);
    System.out.printf("%n[setup] %s: %d spans, %d bytes (%.0f content bytes/span), "
            + "%d secrets planted, %d spans masked, %d secrets survived%n",
        content, SPANS, requestBytes.length, contentBytes(request) / (double) SPANS,
        corpus.planted.size(), maskedSpans, survivors);
    EngineBenchmark.check(survivors == 0, "every planted secret must be masked");
    EngineBenchmark.check(java.util.Arrays.equals(encoded, forwarded.traces().toByteArray()),
        "the bytes sent must encode the masked request");
    // Generated code such as `int orderPassword = fooBar(x)` can trip generic-password: allow
    // such false positives in up to 1% of spans (they are printed above).
    EngineBenchmark.check(maskedSpans >= corpus.planted.size()
        && maskedSpans <= corpus.planted.size() + SPANS / 100, "one masked span per secret");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    processor.shutdown(Duration.ofSeconds(1));
    Files.deleteIfExists(dataDirectory);
  }

  /** Decode the request and encode it again: the floor before the agent forwarded bytes. */
  @Benchmark
  public byte[] passThrough() throws InvalidProtocolBufferException {
    return ExportTraceServiceRequest.parseFrom(requestBytes).toByteArray();
  }

  /** The floor now: the agent decodes each request and forwards the bytes it received. */
  @Benchmark
  public ExportTraceServiceRequest decodeOnly() throws InvalidProtocolBufferException {
    return ExportTraceServiceRequest.parseFrom(requestBytes);
  }

  /** Decode and walk every string the processor scans, changing nothing: the walk's cost. */
  @Benchmark
  public ExportTraceServiceRequest decodeAndWalk() throws InvalidProtocolBufferException {
    return TelemetryStrings.visit(ExportTraceServiceRequest.parseFrom(requestBytes),
        (field, value) -> value);
  }

  /**
   * Decode, walk, and have the engine redact every string without applying the result: what the
   * engine costs, with none of the processor's bookkeeping, rebuilding or encoding.
   */
  @Benchmark
  public ExportTraceServiceRequest decodeAndScan() throws InvalidProtocolBufferException {
    return TelemetryStrings.visit(ExportTraceServiceRequest.parseFrom(requestBytes),
        (field, value) -> {
          engine.redact(value);
          return value;
        });
  }

  /** Decode, run the secrets processor, and take the bytes to send in the next consumer. */
  @Benchmark
  public byte[] withSecrets() throws InvalidProtocolBufferException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(requestBytes);
    processor.consume(new Telemetry(Signal.TRACES, request, context, requestBytes)).join();
    return encoded;
  }

  // ------------------------------------------------------------------ request

  /** The corpus that {@link #request} draws from for each {@code content}. */
  static Corpus corpus(boolean withSecrets) {
    return new Corpus(withSecrets ? 8L : 7L);
  }

  static ExportTraceServiceRequest request(Corpus corpus, boolean withSecrets) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
        .setName("opentelemetry.instrumentation.openai_v2").setVersion("2.1b0"));
    byte[] traceId = new byte[16];
    long now = 1_764_000_000_000_000_000L;
    for (int i = 0; i < SPANS; i++) {
      if (i % 25 == 0) {
        for (int b = 0; b < 16; b++) {
          traceId[b] = (byte) corpus.chars("0123456789abcdef", 1).charAt(0);
        }
      }
      String secretLine = withSecrets && i % 10 == 0
          ? corpus.secretLine(i / 10 % Corpus.SecretKind.values().length) : null;
      boolean tool = i % 3 == 2;
      Span.Builder span = Span.newBuilder()
          .setTraceId(ByteString.copyFrom(traceId))
          .setSpanId(ByteString.copyFromUtf8(corpus.chars("0123456789abcdef", 8)))
          .setParentSpanId(ByteString.copyFromUtf8(corpus.chars("0123456789abcdef", 8)))
          .setName(tool ? "execute_tool run_shell" : "chat gpt-4o")
          .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
          .setStartTimeUnixNano(now + i * 1_000_000L)
          .setEndTimeUnixNano(now + i * 1_000_000L + 850_000_000L)
          .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
          .addAttributes(str("gen_ai.operation.name", tool ? "execute_tool" : "chat"))
          .addAttributes(str("gen_ai.provider.name", "openai"))
          .addAttributes(str("gen_ai.request.model", "gpt-4o-2024-08-06"))
          .addAttributes(str("gen_ai.response.id", "chatcmpl-" + corpus.chars(
              "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 29)))
          .addAttributes(str("gen_ai.conversation.id", corpus.uuid()))
          .addAttributes(integer("gen_ai.usage.input_tokens", 200 + i))
          .addAttributes(integer("gen_ai.usage.output_tokens", 50 + i % 300))
          .addAttributes(str("gen_ai.input.messages", inputMessages(corpus, secretLine)))
          .addAttributes(str("gen_ai.output.messages", outputMessages(corpus)));
      if (secretLine != null) {
        corpus.planted.add(corpus.lastSecret);
      }
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(str("service.name", "coding-agent"))
            .addAttributes(str("service.version", "1.4.2"))
            .addAttributes(str("host.name", "dev-box-17"))
            .addAttributes(str("telemetry.sdk.language", "python")))
        .addScopeSpans(scope)).build();
  }

  /** ~600 chars: system + user message as GenAI semantic-convention JSON. */
  private static String inputMessages(Corpus corpus, String secretLine) {
    String user = corpus.traceProse(2);
    if (secretLine != null) {
      user += "\nThe deploy fails, here is the env:\n" + secretLine + "\n";
    }
    user += "\n" + corpus.traceCode(2);
    return "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\""
        + Corpus.jsonEscape(corpus.traceProse(1)) + "\"}]},"
        + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\""
        + Corpus.jsonEscape(user) + "\"}]}]";
  }

  /** ~450 chars: assistant text plus one tool call with JSON arguments. */
  private static String outputMessages(Corpus corpus) {
    String args = "{\"command\":\"grep -rn " + corpus.word(corpus.allWords()) + " src/\","
        + "\"cwd\":\"/workspace/" + corpus.word(corpus.allWords()) + "\",\"timeout_ms\":30000}";
    return "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\""
        + Corpus.jsonEscape(corpus.traceProse(2)) + "\"},{\"type\":\"tool_call\",\"id\":\"call_"
        + corpus.chars("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 24)
        + "\",\"name\":\"run_shell\",\"arguments\":" + args + "}],\"finish_reason\":\"tool_call\"}]";
  }

  private static long contentBytes(ExportTraceServiceRequest request) {
    long n = 0;
    for (Span s : request.getResourceSpans(0).getScopeSpans(0).getSpansList()) {
      for (KeyValue kv : s.getAttributesList()) {
        if (kv.getKey().endsWith(".messages")) {
          n += kv.getValue().getStringValue().length();
        }
      }
    }
    return n;
  }

  private static KeyValue str(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }
}
