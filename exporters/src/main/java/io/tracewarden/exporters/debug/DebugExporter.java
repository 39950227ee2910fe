package io.tracewarden.exporters.debug;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.telemetry.ComponentMetrics;
import io.tracewarden.exporters.debug.DebugExporterConfig.Verbosity;
import java.io.PrintStream;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Prints requests as text. Sampling, as in the Collector: each second, the first
 * {@code sampling_initial} requests are printed, then one in {@code sampling_thereafter}.
 */
final class DebugExporter implements Exporter {

  private static final HexFormat HEX = HexFormat.of();
  private static final long SECOND_NANOS = 1_000_000_000L;

  private final Object lock = new Object();
  private final ComponentId id;
  private final ComponentMetrics metrics;
  private final DebugExporterConfig config;
  private final Supplier<PrintStream> output;
  private long windowStart = System.nanoTime();
  private long inWindow;

  DebugExporter(ComponentSettings settings, DebugExporterConfig config,
      Supplier<PrintStream> output) {
    this.id = settings.id();
    this.metrics = settings.metrics();
    this.config = config;
    this.output = output;
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    if (sampled()) {
      String text = render(telemetry);
      PrintStream stream = output.get();
      synchronized (lock) {
        stream.print(text);
        stream.flush();
      }
    }
    metrics.exported(telemetry.signal(), telemetry.itemCount());
    return CompletableFuture.completedFuture(null);
  }

  private boolean sampled() {
    synchronized (lock) {
      long now = System.nanoTime();
      if (now - windowStart >= SECOND_NANOS) {
        windowStart = now;
        inWindow = 0;
      }
      inWindow++;
      return inWindow <= config.samplingInitial()
          || (inWindow - config.samplingInitial()) % config.samplingThereafter() == 0;
    }
  }

  String render(Telemetry telemetry) {
    StringBuilder out = new StringBuilder(256);
    switch (telemetry.signal()) {
      case TRACES -> traces(telemetry.traces(), out);
      case LOGS -> logs(telemetry.logs(), out);
      case METRICS -> metrics(telemetry.metrics(), out);
    }
    return out.toString();
  }

  private void traces(ExportTraceServiceRequest request, StringBuilder out) {
    out.append(id).append(": traces: ").append(request.getResourceSpansCount())
        .append(" resource spans, ").append(Telemetry.countSpans(request)).append(" spans\n");
    if (config.verbosity() == Verbosity.BASIC) {
      return;
    }
    boolean detailed = config.verbosity() == Verbosity.DETAILED;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      if (detailed) {
        resource(resourceSpans.getResource(), out);
      }
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        if (detailed) {
          scope(scopeSpans.getScope(), out);
        }
        for (Span span : scopeSpans.getSpansList()) {
          out.append("  span ").append(quote(span.getName()))
              .append(" trace_id=").append(hex(span.getTraceId()))
              .append(" span_id=").append(hex(span.getSpanId()));
          if (!span.getParentSpanId().isEmpty()) {
            out.append(" parent_id=").append(hex(span.getParentSpanId()));
          }
          out.append(" kind=").append(span.getKind().name())
              .append(" status=").append(span.getStatus().getCode().name());
          if (!detailed) {
            out.append(" attributes=").append(span.getAttributesCount()).append('\n');
            continue;
          }
          out.append(" start=").append(span.getStartTimeUnixNano())
              .append(" end=").append(span.getEndTimeUnixNano()).append('\n');
          if (!span.getStatus().getMessage().isEmpty()) {
            out.append("    status_message: ").append(quote(span.getStatus().getMessage()))
                .append('\n');
          }
          attributes("    ", span.getAttributesList(), out);
          for (Span.Event event : span.getEventsList()) {
            out.append("    event ").append(quote(event.getName())).append(" time=")
                .append(event.getTimeUnixNano()).append('\n');
            attributes("      ", event.getAttributesList(), out);
          }
          for (Span.Link link : span.getLinksList()) {
            out.append("    link trace_id=").append(hex(link.getTraceId())).append(" span_id=")
                .append(hex(link.getSpanId())).append('\n');
            attributes("      ", link.getAttributesList(), out);
          }
        }
      }
    }
  }

  private void logs(ExportLogsServiceRequest request, StringBuilder out) {
    out.append(id).append(": logs: ").append(request.getResourceLogsCount())
        .append(" resource logs, ").append(Telemetry.countLogRecords(request))
        .append(" log records\n");
    if (config.verbosity() == Verbosity.BASIC) {
      return;
    }
    boolean detailed = config.verbosity() == Verbosity.DETAILED;
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      if (detailed) {
        resource(resourceLogs.getResource(), out);
      }
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        if (detailed) {
          scope(scopeLogs.getScope(), out);
        }
        for (LogRecord record : scopeLogs.getLogRecordsList()) {
          out.append("  log severity=").append(record.getSeverityText().isEmpty()
              ? record.getSeverityNumber().name() : record.getSeverityText());
          if (!record.getTraceId().isEmpty()) {
            out.append(" trace_id=").append(hex(record.getTraceId()))
                .append(" span_id=").append(hex(record.getSpanId()));
          }
          out.append(" body=").append(value(record.getBody()));
          if (!detailed) {
            out.append(" attributes=").append(record.getAttributesCount()).append('\n');
            continue;
          }
          out.append(" time=").append(record.getTimeUnixNano()).append('\n');
          attributes("    ", record.getAttributesList(), out);
        }
      }
    }
  }

  private void metrics(ExportMetricsServiceRequest request, StringBuilder out) {
    out.append(id).append(": metrics: ").append(request.getResourceMetricsCount())
        .append(" resource metrics, ").append(Telemetry.countDataPoints(request))
        .append(" data points\n");
    if (config.verbosity() == Verbosity.BASIC) {
      return;
    }
    boolean detailed = config.verbosity() == Verbosity.DETAILED;
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      if (detailed) {
        resource(resourceMetrics.getResource(), out);
      }
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        if (detailed) {
          scope(scopeMetrics.getScope(), out);
        }
        for (Metric metric : scopeMetrics.getMetricsList()) {
          out.append("  metric ").append(quote(metric.getName())).append(" type=")
              .append(metric.getDataCase().name()).append(" unit=")
              .append(quote(metric.getUnit())).append('\n');
          if (detailed) {
            out.append("    ").append(oneLine(metric.toString())).append('\n');
          }
        }
      }
    }
  }

  private static void resource(Resource resource, StringBuilder out) {
    out.append("  resource\n");
    attributes("    ", resource.getAttributesList(), out);
  }

  private static void scope(InstrumentationScope scope, StringBuilder out) {
    out.append("  scope ").append(quote(scope.getName())).append(' ')
        .append(quote(scope.getVersion())).append('\n');
  }

  private static void attributes(String indent, List<KeyValue> attributes, StringBuilder out) {
    for (KeyValue attribute : attributes) {
      out.append(indent).append(attribute.getKey()).append(": ")
          .append(value(attribute.getValue())).append('\n');
    }
  }

  static String value(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> quote(value.getStringValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BYTES_VALUE -> "0x" + hex(value.getBytesValue());
      case ARRAY_VALUE -> {
        StringBuilder array = new StringBuilder("[");
        for (AnyValue item : value.getArrayValue().getValuesList()) {
          array.append(array.length() > 1 ? ", " : "").append(value(item));
        }
        yield array.append(']').toString();
      }
      case KVLIST_VALUE -> {
        StringBuilder map = new StringBuilder("{");
        for (KeyValue entry : value.getKvlistValue().getValuesList()) {
          map.append(map.length() > 1 ? ", " : "").append(entry.getKey()).append(": ")
              .append(value(entry.getValue()));
        }
        yield map.append('}').toString();
      }
      default -> "null";
    };
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  /** Quotes and escapes control characters, so that one value never spans lines. */
  private static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ').trim();
  }
}
