package io.tracewarden.core.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.testing.TestComponents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WireSpliceTest {

  private static final String SECRET = "ghp_wireSpliceSecretValue0123456789abcd";

  static Stream<Long> seeds() {
    return IntStream.range(0, 20).mapToObj(i -> 1_000L + i);
  }

  /** Random requests, their secrets masked the way the visitor does it. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void changedSpansAreEncodedAndTheRestCopied(long seed) {
    Random random = new Random(seed);
    ExportTraceServiceRequest original = traces(random);
    byte[] wire = original.toByteArray();
    ExportTraceServiceRequest updated = maskSecrets(original);

    Telemetry forwarded = received(original, wire).withRequest(updated);

    assertThat(forwarded.protobuf()).isNotNull().isEqualTo(updated.toByteArray());
    assertThat(holdsSecret(wire)).isTrue();
    assertThat(holdsSecret(forwarded.protobuf())).isFalse();
  }

  @Test
  void unchangedSpansTravelAsTheyWereReceived() throws Exception {
    // A sender may order fields differently from protobuf-java (name before trace_id here): the
    // bytes differ from a fresh encoding, so finding them in the output proves they were copied.
    byte[] traceId = new byte[16];
    traceId[0] = 7;
    byte[] reordered = concat(field(5, "chat gpt-4o".getBytes(StandardCharsets.UTF_8)),
        field(1, traceId));
    Span secretSpan = Span.newBuilder().setName("token " + SECRET).build();
    byte[] wire = field(1, field(2, concat(field(2, reordered),
        field(2, secretSpan.toByteArray()))));
    ExportTraceServiceRequest original = ExportTraceServiceRequest.parseFrom(wire);
    ScopeSpans scope = original.getResourceSpans(0).getScopeSpans(0);
    ExportTraceServiceRequest updated = original.toBuilder().setResourceSpans(0,
        original.getResourceSpans(0).toBuilder().setScopeSpans(0, scope.toBuilder()
            .setSpans(1, Span.newBuilder().setName("token [REDACTED:github-pat:0011]"))))
        .build();
    assertThat(updated.getResourceSpans(0).getScopeSpans(0).getSpans(0))
        .isSameAs(scope.getSpans(0));

    byte[] spliced = WireSplice.splice(wire, original, updated);

    assertThat(spliced).isNotNull().isNotEqualTo(updated.toByteArray());
    assertThat(ExportTraceServiceRequest.parseFrom(spliced)).isEqualTo(updated);
    assertThat(indexOf(spliced, field(2, reordered))).isNotNegative();
    assertThat(holdsSecret(spliced)).isFalse();
  }

  @Test
  void partsOfAMergedRequestAreSplicedInTheirOwnResource() throws Exception {
    Random random = new Random(42);
    ExportTraceServiceRequest first = traces(random);
    ExportTraceServiceRequest second = traces(random);
    // What the batch processor forwards: two encodings back to back are the merged request.
    byte[] wire = concat(first.toByteArray(), second.toByteArray());
    ExportTraceServiceRequest original = ExportTraceServiceRequest.parseFrom(wire);
    ExportTraceServiceRequest updated = maskSecrets(original);

    byte[] spliced = received(original, wire).withRequest(updated).protobuf();

    assertThat(ExportTraceServiceRequest.parseFrom(spliced)).isEqualTo(updated);
    assertThat(holdsSecret(spliced)).isFalse();
  }

  @Test
  void aChangedResourceOrScopeIsEncodedWithItsElement() throws Exception {
    ExportTraceServiceRequest original = traces(new Random(7));
    ResourceSpans resourceSpans = original.getResourceSpans(0);
    ExportTraceServiceRequest updated = original.toBuilder().setResourceSpans(0, resourceSpans
            .toBuilder().setResource(Resource.newBuilder().addAttributes(attr("token", "[masked]")))
            .setScopeSpans(0, resourceSpans.getScopeSpans(0).toBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("other"))))
        .build();

    byte[] spliced = received(original, original.toByteArray()).withRequest(updated).protobuf();

    assertThat(spliced).isEqualTo(updated.toByteArray());
  }

  @Test
  void droppedSpansReencodeTheirScopeOnly() throws Exception {
    ExportTraceServiceRequest original = traces(new Random(3));
    ScopeSpans scope = original.getResourceSpans(0).getScopeSpans(0);
    ExportTraceServiceRequest updated = original.toBuilder().setResourceSpans(0,
        original.getResourceSpans(0).toBuilder().setScopeSpans(0,
            scope.toBuilder().removeSpans(0))).build();

    byte[] spliced = received(original, original.toByteArray()).withRequest(updated).protobuf();

    assertThat(ExportTraceServiceRequest.parseFrom(spliced)).isEqualTo(updated);
  }

  @Test
  void unknownFieldsOfUnchangedPartsSurvive() throws Exception {
    ExportTraceServiceRequest base = traces(new Random(5));
    UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
        .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(12345).build()).build();
    ResourceSpans resourceSpans = base.getResourceSpans(0);
    ExportTraceServiceRequest original = base.toBuilder().setResourceSpans(0, resourceSpans
        .toBuilder().setUnknownFields(unknown).setScopeSpans(0, resourceSpans.getScopeSpans(0)
            .toBuilder().setUnknownFields(unknown))).build();
    ExportTraceServiceRequest updated = maskSecrets(original);

    byte[] spliced = received(original, original.toByteArray()).withRequest(updated).protobuf();

    assertThat(spliced).isEqualTo(updated.toByteArray());
    assertThat(ExportTraceServiceRequest.parseFrom(spliced).getResourceSpans(0).getUnknownFields())
        .isEqualTo(unknown);
  }

  @Test
  void logsAndMetricsShareTheShape() throws Exception {
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource())
            .addScopeLogs(ScopeLogs.newBuilder()
                .addLogRecords(log("first"))
                .addLogRecords(log("token " + SECRET))
                .addLogRecords(log("third"))))
        .build();
    ScopeLogs scopeLogs = logs.getResourceLogs(0).getScopeLogs(0);
    ExportLogsServiceRequest maskedLogs = logs.toBuilder().setResourceLogs(0,
        logs.getResourceLogs(0).toBuilder().setScopeLogs(0, scopeLogs.toBuilder()
            .setLogRecords(1, log("token [masked]")))).build();
    byte[] logBytes = new Telemetry(Signal.LOGS, logs, TestComponents.context(),
        logs.toByteArray()).withRequest(maskedLogs).protobuf();
    assertThat(logBytes).isEqualTo(maskedLogs.toByteArray());

    ExportMetricsServiceRequest metrics = ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource())
            .addScopeMetrics(ScopeMetrics.newBuilder()
                .addMetrics(metric("ok"))
                .addMetrics(metric("has " + SECRET))))
        .build();
    ScopeMetrics scopeMetrics = metrics.getResourceMetrics(0).getScopeMetrics(0);
    ExportMetricsServiceRequest maskedMetrics = metrics.toBuilder().setResourceMetrics(0,
        metrics.getResourceMetrics(0).toBuilder().setScopeMetrics(0, scopeMetrics.toBuilder()
            .setMetrics(1, metric("has [masked]")))).build();
    byte[] metricBytes = new Telemetry(Signal.METRICS, metrics, TestComponents.context(),
        metrics.toByteArray()).withRequest(maskedMetrics).protobuf();
    assertThat(metricBytes).isEqualTo(maskedMetrics.toByteArray());
  }

  @Test
  void bytesThatAreNotTheRequestsEncodingAreNotUsed() {
    ExportTraceServiceRequest original = traces(new Random(9));
    ExportTraceServiceRequest updated = maskSecrets(original);
    byte[] wire = original.toByteArray();

    byte[] truncated = Arrays.copyOf(wire, wire.length - 3);
    assertThat(WireSplice.splice(truncated, original, updated)).isNull();
    byte[] oneResourceMore = original.toBuilder().addResourceSpans(original.getResourceSpans(0))
        .build().toByteArray();
    assertThat(WireSplice.splice(oneResourceMore, original, updated)).isNull();
    // Then the request is encoded from scratch when an exporter asks for bytes.
    Telemetry forwarded = received(original, truncated).withRequest(updated);
    assertThat(forwarded.protobuf()).isNull();
    assertThat(forwarded.protobufBytes()).isEqualTo(updated.toByteArray());
  }

  // ---- data

  private static boolean holdsSecret(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1).contains(SECRET);
  }

  private static Telemetry received(ExportTraceServiceRequest request, byte[] wire) {
    return new Telemetry(Signal.TRACES, request, TestComponents.context(), wire);
  }

  private static ExportTraceServiceRequest traces(Random random) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    int resources = 1 + random.nextInt(3);
    for (int r = 0; r < resources; r++) {
      ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder().setResource(resource())
          .setSchemaUrl("https://opentelemetry.io/schemas/1.30.0");
      int scopes = 1 + random.nextInt(3);
      for (int s = 0; s < scopes; s++) {
        ScopeSpans.Builder scopeSpans = ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("scope-" + s));
        int spans = 1 + random.nextInt(200);
        for (int i = 0; i < spans; i++) {
          // Sizes across the one- and two-byte length prefixes, and a few larger.
          String content = "x".repeat(random.nextInt(random.nextBoolean() ? 120 : 20_000));
          scopeSpans.addSpans(Span.newBuilder()
              .setTraceId(ByteString.copyFrom(new byte[16]))
              .setName("span " + i)
              .addAttributes(attr("gen_ai.input.messages",
                  random.nextInt(4) == 0 ? content : content + " key " + SECRET)));
        }
        resourceSpans.addScopeSpans(scopeSpans);
      }
      request.addResourceSpans(resourceSpans);
    }
    return request.build();
  }

  /** Masks the spans holding the secret and keeps the other instances, as the visitor does. */
  private static ExportTraceServiceRequest maskSecrets(ExportTraceServiceRequest original) {
    List<ResourceSpans> resources = new ArrayList<>();
    for (ResourceSpans resourceSpans : original.getResourceSpansList()) {
      ResourceSpans.Builder resource = resourceSpans.toBuilder().clearScopeSpans();
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        ScopeSpans.Builder scope = scopeSpans.toBuilder().clearSpans();
        for (Span span : scopeSpans.getSpansList()) {
          String content = span.getAttributes(0).getValue().getStringValue();
          scope.addSpans(!content.contains(SECRET) ? span : span.toBuilder().setAttributes(0,
              attr("gen_ai.input.messages", content.replace(SECRET, "[REDACTED:github-pat:0011]")))
              .addAttributes(attr("masked", "1")).build());
        }
        resource.addScopeSpans(scope);
      }
      resources.add(resource.build());
    }
    return original.toBuilder().clearResourceSpans().addAllResourceSpans(resources).build();
  }

  private static Resource resource() {
    return Resource.newBuilder().addAttributes(attr("service.name", "agent")).build();
  }

  private static LogRecord log(String body) {
    return LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(body)).build();
  }

  private static Metric metric(String description) {
    return Metric.newBuilder().setName("m").setDescription(description)
        .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setAsInt(1)))
        .build();
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  /** A length-delimited field: tag, length, payload. */
  private static byte[] field(int number, byte[] payload) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      com.google.protobuf.CodedOutputStream coded =
          com.google.protobuf.CodedOutputStream.newInstance(out);
      coded.writeByteArray(number, payload);
      coded.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
