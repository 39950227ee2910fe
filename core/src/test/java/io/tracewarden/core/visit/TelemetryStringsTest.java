package io.tracewarden.core.visit;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TelemetryStringsTest {

  private static final String CANARY = "CANARY";
  private static final ByteString TRACE_ID = ByteString.copyFrom(new byte[] {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  private static final ByteString SPAN_ID = ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

  /** Replaces the canary wherever it appears and records the path of each replacement. */
  private static final class CanaryVisitor implements StringVisitor {
    final Map<String, FieldKind> replaced = new TreeMap<>();
    final List<String> records = new ArrayList<>();

    @Override
    public String visit(StringField field, String value) {
      if (!value.contains(CANARY)) {
        return value;
      }
      replaced.put(field.path(), field.kind());
      return value.replace(CANARY, "[masked]");
    }

    @Override
    public List<KeyValue> endRecord(RecordRef record, boolean changed) {
      records.add(record.kind() + ":" + changed);
      return changed && record.kind() == RecordKind.SPAN ? List.of(attr("visited", "yes"))
          : List.of();
    }
  }

  @Test
  void reachesEveryVisibleStringInTracesAndKeepsIdsAndKeys() {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attr("host.name", "h-" + CANARY)))
            .addScopeSpans(ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("lib-" + CANARY)
                    .addAttributes(attr("scope.attr", CANARY)))
                .addSpans(Span.newBuilder()
                    .setTraceId(TRACE_ID).setSpanId(SPAN_ID)
                    .setName("GET /x?token=" + CANARY)
                    .addAttributes(attr("plain", "nothing here"))
                    .addAttributes(attr(CANARY + ".key", "value " + CANARY))
                    .addAttributes(KeyValue.newBuilder().setKey("nested").setValue(kvlist(
                        KeyValue.newBuilder().setKey("list").setValue(array(
                            AnyValue.newBuilder().setIntValue(1).build(),
                            AnyValue.newBuilder().setStringValue("deep " + CANARY).build()))
                            .build())))
                    .setStatus(Status.newBuilder().setMessage("failed: " + CANARY))
                    .addEvents(Span.Event.newBuilder().setName("event " + CANARY)
                        .addAttributes(attr("exception.message", CANARY)))
                    .addLinks(Span.Link.newBuilder().setTraceId(TRACE_ID).setSpanId(SPAN_ID)
                        .addAttributes(attr("link.attr", CANARY))))))
        .build();

    CanaryVisitor visitor = new CanaryVisitor();
    ExportTraceServiceRequest result = TelemetryStrings.visit(request, visitor);

    assertThat(visitor.replaced).containsExactly(
        Map.entry("resource.attributes[host.name]", FieldKind.ATTRIBUTE),
        Map.entry("scope.attributes[scope.attr]", FieldKind.ATTRIBUTE),
        Map.entry("span.attributes[CANARY.key]", FieldKind.ATTRIBUTE),
        Map.entry("span.attributes[nested][list][1]", FieldKind.ATTRIBUTE),
        Map.entry("span.events[0].attributes[exception.message]", FieldKind.ATTRIBUTE),
        Map.entry("span.events[0].name", FieldKind.EVENT_NAME),
        Map.entry("span.links[0].attributes[link.attr]", FieldKind.ATTRIBUTE),
        Map.entry("span.name", FieldKind.SPAN_NAME),
        Map.entry("span.status.message", FieldKind.SPAN_STATUS_MESSAGE));
    String text = result.toString();
    // Keys and scope names are identifiers, never rewritten; every value is.
    assertThat(text.replace("CANARY.key", "").replace("lib-CANARY", "")).doesNotContain(CANARY);
    Span span = result.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(span.getLinks(0).getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getAttributesList()).extracting(KeyValue::getKey)
        .containsExactly("plain", CANARY + ".key", "nested", "visited");
    assertThat(span.getAttributes(2).getValue().getKvlistValue().getValues(0).getValue()
        .getArrayValue().getValues(0).getIntValue()).isEqualTo(1);
    assertThat(visitor.records).containsExactly("RESOURCE:true", "SCOPE:true", "SPAN:true");
  }

  @Test
  void cleanRequestsComeBackAsTheSameInstance() {
    ExportTraceServiceRequest traces = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attr("service.name", "svc")))
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("ok")
                .addAttributes(attr("a", "b")).addEvents(Span.Event.newBuilder().setName("e")))))
        .build();
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder()
                .setStringValue("hello")))))
        .build();
    CanaryVisitor visitor = new CanaryVisitor();
    assertThat(TelemetryStrings.visit(traces, visitor)).isSameAs(traces);
    assertThat(TelemetryStrings.visit(logs, visitor)).isSameAs(logs);
    assertThat(visitor.replaced).isEmpty();
  }

  @Test
  void maskingARecordLeavesAnAbsentResourceAndScopeAbsent() {
    ExportTraceServiceRequest traces = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
            .addSpans(Span.newBuilder().setName("op " + CANARY))))
        .build();
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setSeverityText(CANARY))))
        .build();

    ExportTraceServiceRequest maskedTraces = TelemetryStrings.visit(traces, new CanaryVisitor());
    ExportLogsServiceRequest maskedLogs = TelemetryStrings.visit(logs, new CanaryVisitor());

    // Setting an unchanged default resource or scope would add them to the encoding.
    assertThat(maskedTraces.getResourceSpans(0).hasResource()).isFalse();
    assertThat(maskedTraces.getResourceSpans(0).getScopeSpans(0).hasScope()).isFalse();
    assertThat(maskedTraces.getResourceSpans(0).getScopeSpans(0).getSpans(0).getName())
        .isEqualTo("op [masked]");
    assertThat(maskedLogs.getResourceLogs(0).hasResource()).isFalse();
    assertThat(maskedLogs.getResourceLogs(0).getScopeLogs(0).hasScope()).isFalse();
  }

  @Test
  void reachesLogBodiesAtAnyDepthAndLogAttributes() {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setTraceId(TRACE_ID)
                .setBody(kvlist(KeyValue.newBuilder().setKey("messages")
                    .setValue(array(AnyValue.newBuilder().setStringValue("x " + CANARY).build()))
                    .build()))
                .addAttributes(attr("cmd", CANARY))
                .setEventName("evt " + CANARY))
            .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder()
                .setStringValue(CANARY)))))
        .build();
    CanaryVisitor visitor = new CanaryVisitor();
    ExportLogsServiceRequest result = TelemetryStrings.visit(request, visitor);
    assertThat(visitor.replaced).containsOnlyKeys("log.body[messages][0]", "log.attributes[cmd]",
        "log.event_name", "log.body");
    assertThat(result.toString()).doesNotContain(CANARY);
    assertThat(result.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getTraceId())
        .isEqualTo(TRACE_ID);
  }

  @Test
  void kvlistKeysAndSeverityTextAreVisitedWithoutTheKeyInThePath() {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setSeverityText("WARN " + CANARY)
                .setBody(kvlist(KeyValue.newBuilder().setKey("Bearer " + CANARY)
                    .setValue(AnyValue.newBuilder().setStringValue("value " + CANARY)).build())))))
        .build();
    CanaryVisitor visitor = new CanaryVisitor();
    ExportLogsServiceRequest result = TelemetryStrings.visit(request, visitor);
    assertThat(visitor.replaced).containsOnlyKeys("log.body[{key}]", "log.body[Bearer [masked]]",
        "log.severity_text");
    assertThat(result.toString()).doesNotContain(CANARY);
  }

  @Test
  void valuesNestedBeyondAnyReceiversLimitAreRefusedNotPassedUnvisited() {
    AnyValue value = AnyValue.newBuilder().setStringValue(CANARY).build();
    for (int i = 0; i < 600; i++) {
      value = array(value);
    }
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setBody(value))))
        .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TelemetryStrings.visit(request, new CanaryVisitor()))
        .isInstanceOf(io.tracewarden.core.consumer.TelemetryException.class)
        .hasMessageContaining("nest deeper");
  }

  @Test
  void nullRemovesAttributesAndKvlistEntriesButBlanksOtherStrings() {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
            .addSpans(Span.newBuilder().setName("drop")
                .addAttributes(attr("keep", "fine"))
                .addAttributes(attr("secret", "drop"))
                .addAttributes(KeyValue.newBuilder().setKey("kv").setValue(kvlist(
                    attr("inner", "drop"), attr("other", "fine"))))
                .addAttributes(KeyValue.newBuilder().setKey("arr").setValue(array(
                    AnyValue.newBuilder().setStringValue("drop").build()))))))
        .build();
    Span span = TelemetryStrings.visit(request, (field, value) -> value.equals("drop") ? null
        : value).getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getName()).isEmpty();
    assertThat(span.getAttributesList()).extracting(KeyValue::getKey)
        .containsExactly("keep", "kv", "arr");
    assertThat(span.getAttributes(1).getValue().getKvlistValue().getValuesList())
        .extracting(KeyValue::getKey).containsExactly("other");
    assertThat(span.getAttributes(2).getValue().getArrayValue().getValues(0).getStringValue())
        .isEmpty();
  }

  @Test
  void reachesMetricDescriptionsAndPointAttributes() {
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder().addScopeMetrics(ScopeMetrics.newBuilder()
            .addMetrics(Metric.newBuilder().setName("requests").setDescription("d " + CANARY)
                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                    .setAsInt(3).addAttributes(attr("url.full", "https://x/?k=" + CANARY)))))))
        .build();
    CanaryVisitor visitor = new CanaryVisitor();
    ExportMetricsServiceRequest result = TelemetryStrings.visit(request, visitor);
    assertThat(visitor.replaced).containsOnlyKeys("metric.description",
        "metric.data_points[0].attributes[url.full]");
    Metric metric = result.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
    assertThat(metric.getName()).isEqualTo("requests");
    assertThat(metric.getGauge().getDataPoints(0).getAsInt()).isEqualTo(3);
    assertThat(result.toString()).doesNotContain(CANARY);
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static AnyValue kvlist(KeyValue... entries) {
    return AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addAllValues(List.of(entries))).build();
  }

  private static AnyValue array(AnyValue... values) {
    return AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
        .addAllValues(List.of(values))).build();
  }
}
