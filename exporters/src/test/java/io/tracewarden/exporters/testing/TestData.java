package io.tracewarden.exporters.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.telemetry.ComponentMetrics;
import io.tracewarden.core.telemetry.SelfTelemetry;
import io.tracewarden.core.testing.TestComponents;

/** Requests built with the proto builders, and counters read back from self-telemetry. */
public final class TestData {

  private TestData() {}

  /** A request with {@code spans} spans named {@code <prefix>-<i>}, ids derived from i. */
  public static ExportTraceServiceRequest traces(String prefix, int spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("test-scope").setVersion("1.0"));
    for (int i = 0; i < spans; i++) {
      scope.addSpans(Span.newBuilder()
          .setTraceId(id(16, i + 1))
          .setSpanId(id(8, i + 1))
          .setName(prefix + "-" + i)
          .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
          .setStartTimeUnixNano(1_700_000_000_000_000_000L + i)
          .setEndTimeUnixNano(1_700_000_000_500_000_000L + i)
          .addAttributes(attribute("gen_ai.prompt", "say hello " + i))
          .addAttributes(KeyValue.newBuilder().setKey("n")
              .setValue(AnyValue.newBuilder().setIntValue(i)))
          .addEvents(Span.Event.newBuilder().setName("gen_ai.choice").setTimeUnixNano(5)
              .addAttributes(attribute("text", "hi"))));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "agent")))
            .addScopeSpans(scope))
        .build();
  }

  public static ExportLogsServiceRequest logs(String prefix, int records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("test-scope"));
    for (int i = 0; i < records; i++) {
      scope.addLogRecords(LogRecord.newBuilder()
          .setTimeUnixNano(1_700_000_000_000_000_000L + i)
          .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
          .setSeverityText("INFO")
          .setBody(AnyValue.newBuilder().setStringValue(prefix + " log " + i))
          .setTraceId(id(16, i + 7))
          .setSpanId(id(8, i + 7))
          .addAttributes(attribute("k", "v" + i)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "agent")))
            .addScopeLogs(scope))
        .build();
  }

  public static Telemetry traceTelemetry(String prefix, int spans) {
    return Telemetry.traces(traces(prefix, spans), TestComponents.context());
  }

  public static Telemetry logTelemetry(String prefix, int records) {
    return Telemetry.logs(logs(prefix, records), TestComponents.context());
  }

  public static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static ByteString id(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (seed * 31 + i);
    }
    return ByteString.copyFrom(bytes);
  }

  /** The value of counter {@code name} (e.g. {@code tracewarden.items.failed}) for one component. */
  public static long counter(SelfTelemetry telemetry, String name, String component,
      Signal signal) {
    long sum = 0;
    for (MetricData metric : telemetry.collect()) {
      if (!metric.getName().equals(name)) {
        continue;
      }
      for (LongPointData point : metric.getLongSumData().getPoints()) {
        if (component.equals(point.getAttributes().get(ComponentMetrics.COMPONENT))
            && signal.id().equals(point.getAttributes().get(ComponentMetrics.SIGNAL))) {
          sum += point.getValue();
        }
      }
    }
    return sum;
  }

  /** The last value of gauge {@code name} for one component, or -1 when absent. */
  public static long gauge(SelfTelemetry telemetry, String name, String component) {
    for (MetricData metric : telemetry.collect()) {
      if (metric.getName().equals(name)) {
        for (LongPointData point : metric.getLongGaugeData().getPoints()) {
          if (component.equals(point.getAttributes().get(ComponentMetrics.COMPONENT))) {
            return point.getValue();
          }
        }
      }
    }
    return -1;
  }
}
