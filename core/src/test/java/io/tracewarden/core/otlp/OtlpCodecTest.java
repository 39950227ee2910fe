package io.tracewarden.core.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracewarden.core.otlp.OtlpCodec.Format;
import io.tracewarden.core.otlp.OtlpCodec.Limits;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OtlpCodecTest {

  private static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
  private static final String SPAN_ID = "eee19b7ec3c1b174";
  private static final String PARENT_ID = "eee19b7ec3c1b173";
  private static final ObjectMapper JSON = new ObjectMapper();

  static ExportTraceServiceRequest traces(AnyValue attributeValue) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(kv("service.name", str("agent"))))
            .addScopeSpans(ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("scope").setVersion("1"))
                .addSpans(Span.newBuilder()
                    .setTraceId(id(TRACE_ID))
                    .setSpanId(id(SPAN_ID))
                    .setParentSpanId(id(PARENT_ID))
                    .setName("chat gpt-4o")
                    .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .setStartTimeUnixNano(1_700_000_000_123_456_789L)
                    .setEndTimeUnixNano(1_700_000_001_123_456_789L)
                    .addAttributes(kv("gen_ai.prompt", attributeValue))
                    .addEvents(Span.Event.newBuilder().setName("evt").setTimeUnixNano(5)
                        .addAttributes(kv("bytes", AnyValue.newBuilder()
                            .setBytesValue(ByteString.copyFromUtf8("raw")).build())))
                    .addLinks(Span.Link.newBuilder().setTraceId(id(TRACE_ID))
                        .setSpanId(id(PARENT_ID)))
                    .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)
                        .setMessage("boom")))))
        .build();
  }

  static ExportLogsServiceRequest logs() {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .addScopeLogs(ScopeLogs.newBuilder()
                .addLogRecords(LogRecord.newBuilder()
                    .setTimeUnixNano(42)
                    .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
                    .setBody(str("reasoning step"))
                    .setTraceId(id(TRACE_ID))
                    .setSpanId(id(SPAN_ID))
                    .addAttributes(kv("double", AnyValue.newBuilder().setDoubleValue(1.5).build()))
                    .addAttributes(kv("int", AnyValue.newBuilder().setIntValue(-7).build())))))
        .build();
  }

  static ExportMetricsServiceRequest metrics() {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder()
            .addScopeMetrics(ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("tokens").setUnit("1")
                    .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                        .setAsInt(Long.MAX_VALUE).setTimeUnixNano(3)
                        .addExemplars(Exemplar.newBuilder().setAsDouble(Double.NaN)
                            .setTraceId(id(TRACE_ID)).setSpanId(id(SPAN_ID))))))))
        .build();
  }

  static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  static AnyValue str(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  /** A value of exactly {@code depth} AnyValue levels, alternating kvlist and array. */
  static AnyValue nested(int depth) {
    AnyValue value = str("leaf");
    for (int level = 2; level <= depth; level++) {
      value = level % 2 == 0
          ? AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(kv("k", value)))
              .build()
          : AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(value)).build();
    }
    return value;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Format.class)
  void roundTripsAllSignals(Format format) throws Exception {
    ExportTraceServiceRequest traces = traces(nested(5));
    assertThat(OtlpCodec.decodeTraces(OtlpCodec.encode(traces, format), format, Limits.DEFAULT))
        .isEqualTo(traces);
    assertThat(OtlpCodec.decodeLogs(OtlpCodec.encode(logs(), format), format, Limits.DEFAULT))
        .isEqualTo(logs());
    assertThat(OtlpCodec.decodeMetrics(OtlpCodec.encode(metrics(), format), format,
        Limits.DEFAULT)).isEqualTo(metrics());
  }

  @Test
  void jsonWritesHexIdsEnumIntsAndCamelCase() throws Exception {
    JsonNode root = JSON.readTree(OtlpCodec.encode(traces(str("v")), Format.JSON));
    JsonNode span = root.at("/resourceSpans/0/scopeSpans/0/spans/0");
    assertThat(span.get("traceId").asText()).isEqualTo(TRACE_ID);
    assertThat(span.get("spanId").asText()).isEqualTo(SPAN_ID);
    assertThat(span.get("parentSpanId").asText()).isEqualTo(PARENT_ID);
    assertThat(span.get("kind").isInt()).isTrue();
    assertThat(span.get("kind").asInt()).isEqualTo(3);
    assertThat(span.at("/status/code").asInt()).isEqualTo(2);
    assertThat(span.get("startTimeUnixNano").asText()).isEqualTo("1700000000123456789");
    assertThat(span.at("/links/0/spanId").asText()).isEqualTo(PARENT_ID);
    // other bytes stay base64
    assertThat(span.at("/events/0/attributes/0/value/bytesValue").asText()).isEqualTo("cmF3");

    JsonNode log = JSON.readTree(OtlpCodec.encode(logs(), Format.JSON))
        .at("/resourceLogs/0/scopeLogs/0/logRecords/0");
    assertThat(log.get("traceId").asText()).isEqualTo(TRACE_ID);
    assertThat(log.get("severityNumber").asInt()).isEqualTo(13);
    JsonNode exemplar = JSON.readTree(OtlpCodec.encode(metrics(), Format.JSON))
        .at("/resourceMetrics/0/scopeMetrics/0/metrics/0/gauge/dataPoints/0/exemplars/0");
    assertThat(exemplar.get("spanId").asText()).isEqualTo(SPAN_ID);
  }

  @Test
  void jsonAcceptsSnakeCaseUnknownFieldsEnumNamesAndInt64AsNumberOrString() throws Exception {
    String json = """
        {"resource_spans":[{"futureField":{"a":[1,2]},"scope_spans":[{"spans":[
          {"trace_id":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174",
           "name":"n","kind":"SPAN_KIND_SERVER","start_time_unix_nano":1700000000123456789,
           "endTimeUnixNano":"1700000001123456789","unknown":null,
           "attributes":[{"key":"k","value":{"intValue":"12"}},
                         {"key":"j","value":{"intValue":13}}]}]}]}]}
        """;
    ExportTraceServiceRequest request = OtlpCodec.decodeTraces(
        json.getBytes(StandardCharsets.UTF_8), Format.JSON, Limits.DEFAULT);
    Span span = request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getTraceId()).isEqualTo(id(TRACE_ID));
    assertThat(span.getSpanId()).isEqualTo(id(SPAN_ID));
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1_700_000_000_123_456_789L);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(1_700_000_001_123_456_789L);
    assertThat(span.getAttributes(0).getValue().getIntValue()).isEqualTo(12);
    assertThat(span.getAttributes(1).getValue().getIntValue()).isEqualTo(13);
  }

  @Test
  void protobufIgnoresUnknownFields() throws Exception {
    byte[] known = traces(str("v")).toByteArray();
    byte[] withUnknown = new byte[known.length + 3];
    System.arraycopy(known, 0, withUnknown, 0, known.length);
    // field 999, varint 1: tag = (999 << 3) | 0 = 7992 = 0xB8 0x3E
    withUnknown[known.length] = (byte) 0xB8;
    withUnknown[known.length + 1] = 0x3E;
    withUnknown[known.length + 2] = 1;
    ExportTraceServiceRequest decoded =
        OtlpCodec.decodeTraces(withUnknown, Format.PROTOBUF, Limits.DEFAULT);
    assertThat(decoded.getResourceSpans(0)).isEqualTo(traces(str("v")).getResourceSpans(0));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Format.class)
  void acceptsDepth64(Format format) throws Exception {
    ExportTraceServiceRequest request = traces(nested(64));
    assertThat(OtlpCodec.decodeTraces(OtlpCodec.encode(request, format), format, Limits.DEFAULT))
        .isEqualTo(request);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Format.class)
  void refusesDepth65(Format format) {
    byte[] data = OtlpCodec.encode(traces(nested(65)), format);
    assertThatThrownBy(() -> OtlpCodec.decodeTraces(data, format, Limits.DEFAULT))
        .isInstanceOfSatisfying(OtlpDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(OtlpDecodeException.Reason.TOO_DEEP));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Format.class)
  void refusesDeepLogBodyAndHonoursConfiguredLimit(Format format) throws Exception {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setBody(nested(5)))))
        .build();
    byte[] data = OtlpCodec.encode(request, format);
    assertThat(OtlpCodec.decodeLogs(data, format, Limits.ofNestingDepth(5))).isEqualTo(request);
    assertThatThrownBy(() -> OtlpCodec.decodeLogs(data, format, Limits.ofNestingDepth(4)))
        .isInstanceOf(OtlpDecodeException.class);
  }

  @Test
  void hostileProtobufNestingIsRefusedWithoutStackOverflow() {
    // 3000 levels of AnyValue{array_value{values{...}}}, built from the inside out as raw bytes.
    byte[] value = AnyValue.newBuilder().setStringValue("x").build().toByteArray();
    for (int i = 0; i < 3000; i++) {
      // ArrayValue.values = 1 (len), AnyValue.array_value = 5 (len)
      byte[] array = frame(1, value);
      value = frame(5, array);
    }
    byte[] keyValue = concat(frame(1, "k".getBytes(StandardCharsets.UTF_8)), frame(2, value));
    byte[] span = frame(9, keyValue);
    byte[] scopeSpans = frame(2, span);
    byte[] resourceSpans = frame(2, scopeSpans);
    byte[] request = frame(1, resourceSpans);
    assertThatThrownBy(() -> OtlpCodec.decodeTraces(request, Format.PROTOBUF, Limits.DEFAULT))
        .isInstanceOfSatisfying(OtlpDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(OtlpDecodeException.Reason.TOO_DEEP));
  }

  @Test
  void hostileJsonNestingIsRefusedWithoutStackOverflow() {
    String json = "{\"resourceSpans\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThatThrownBy(() -> OtlpCodec.decodeTraces(json.getBytes(StandardCharsets.UTF_8),
        Format.JSON, Limits.DEFAULT))
        .isInstanceOfSatisfying(OtlpDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(OtlpDecodeException.Reason.TOO_DEEP));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Format.class)
  void refusesGarbageWithoutEchoingIt(Format format) {
    byte[] garbage = "sk-live-SECRETSECRET {{{ not otlp \u0000\u0001"
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OtlpCodec.decodeTraces(garbage, format, Limits.DEFAULT))
        .isInstanceOfSatisfying(OtlpDecodeException.class, e -> {
          assertThat(e.reason()).isEqualTo(OtlpDecodeException.Reason.MALFORMED);
          assertThat(e.getMessage()).doesNotContain("SECRET").hasSizeLessThan(120);
        });
  }

  @Test
  void refusesJsonThatDoesNotMatchTheSchema() {
    for (String json : new String[] {
        "[]", "{\"resourceSpans\":{}}", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
            + "\"traceId\":\"zz\"}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"abcd\"}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":5}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"x1\"}]}]}]}"}) {
      assertThatThrownBy(() -> OtlpCodec.decodeTraces(json.getBytes(StandardCharsets.UTF_8),
          Format.JSON, Limits.DEFAULT)).as(json).isInstanceOf(OtlpDecodeException.class);
    }
  }

  @Test
  void refusesInvalidUtf8InProtobufStrings() {
    byte[] name = {(byte) 0xC3, (byte) 0x28}; // invalid 2-byte sequence
    byte[] span = concat(frame(1, new byte[16]), frame(5, name));
    byte[] request = frame(1, frame(2, frame(2, span)));
    assertThatThrownBy(() -> OtlpCodec.decodeTraces(request, Format.PROTOBUF, Limits.DEFAULT))
        .isInstanceOfSatisfying(OtlpDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(OtlpDecodeException.Reason.MALFORMED));
  }

  @Test
  void refusesInvalidUtf8InJson() {
    byte[] prefix = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\""
        .getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\"}]}]}]}".getBytes(StandardCharsets.UTF_8);
    byte[] data = concat(concat(prefix, new byte[] {(byte) 0xC3, (byte) 0x28}), suffix);
    assertThatThrownBy(() -> OtlpCodec.decodeTraces(data, Format.JSON, Limits.DEFAULT))
        .isInstanceOf(OtlpDecodeException.class);
  }

  @Test
  void streamDecodingIsBounded() throws Exception {
    byte[] data = OtlpCodec.encode(logs(), Format.PROTOBUF);
    assertThat(OtlpCodec.decodeLogs(new ByteArrayInputStream(data), Format.PROTOBUF,
        Limits.DEFAULT.withMaxMessageBytes(data.length))).isEqualTo(logs());
    assertThatThrownBy(() -> OtlpCodec.decodeLogs(new ByteArrayInputStream(data),
        Format.PROTOBUF, Limits.DEFAULT.withMaxMessageBytes(data.length - 1)))
        .isInstanceOfSatisfying(OtlpDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(OtlpDecodeException.Reason.TOO_LARGE));
  }

  @Test
  void emptyPayloadIsAnEmptyRequest() throws Exception {
    assertThat(OtlpCodec.decodeTraces(new byte[0], Format.PROTOBUF, Limits.DEFAULT))
        .isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
    assertThat(OtlpCodec.decodeTraces("{}".getBytes(StandardCharsets.UTF_8), Format.JSON,
        Limits.DEFAULT)).isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
  }

  private static byte[] frame(int field, byte[] payload) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(payload.length + 8);
    writeVarint(out, (field << 3) | 2);
    writeVarint(out, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static void writeVarint(java.io.ByteArrayOutputStream out, int value) {
    while ((value & ~0x7F) != 0) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = new byte[a.length + b.length];
    System.arraycopy(a, 0, result, 0, a.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
