package io.tracewarden.core.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;

/**
 * Enforces the AnyValue nesting limit on decoded export requests, and the length of trace and
 * span ids (protobuf takes any bytes; OTLP JSON and collectors take 16 and 8 bytes only). The
 * recursion is bounded by the limit itself (it stops one level past it), and parsing has already
 * capped message nesting, so no input can exhaust the stack here.
 */
final class AnyValueDepth {

  private AnyValueDepth() {}

  static void check(Message message, int maxDepth) throws OtlpDecodeException {
    if (message instanceof ExportTraceServiceRequest traces) {
      checkTraces(traces, maxDepth);
    } else if (message instanceof ExportLogsServiceRequest logs) {
      checkLogs(logs, maxDepth);
    } else if (message instanceof ExportMetricsServiceRequest metrics) {
      checkMetrics(metrics, maxDepth);
    }
  }

  private static void checkTraces(ExportTraceServiceRequest request, int max)
      throws OtlpDecodeException {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      attributes(resourceSpans.getResource().getAttributesList(), max);
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        attributes(scopeSpans.getScope().getAttributesList(), max);
        for (Span span : scopeSpans.getSpansList()) {
          ids(span.getTraceId(), span.getSpanId());
          id(span.getParentSpanId(), 8);
          attributes(span.getAttributesList(), max);
          for (Span.Event event : span.getEventsList()) {
            attributes(event.getAttributesList(), max);
          }
          for (Span.Link link : span.getLinksList()) {
            ids(link.getTraceId(), link.getSpanId());
            attributes(link.getAttributesList(), max);
          }
        }
      }
    }
  }

  private static void checkLogs(ExportLogsServiceRequest request, int max)
      throws OtlpDecodeException {
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      attributes(resourceLogs.getResource().getAttributesList(), max);
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        attributes(scopeLogs.getScope().getAttributesList(), max);
        for (LogRecord record : scopeLogs.getLogRecordsList()) {
          ids(record.getTraceId(), record.getSpanId());
          if (record.hasBody()) {
            value(record.getBody(), 1, max);
          }
          attributes(record.getAttributesList(), max);
        }
      }
    }
  }

  private static void checkMetrics(ExportMetricsServiceRequest request, int max)
      throws OtlpDecodeException {
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      attributes(resourceMetrics.getResource().getAttributesList(), max);
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        attributes(scopeMetrics.getScope().getAttributesList(), max);
        for (Metric metric : scopeMetrics.getMetricsList()) {
          attributes(metric.getMetadataList(), max);
          switch (metric.getDataCase()) {
            case GAUGE -> numberPoints(metric.getGauge().getDataPointsList(), max);
            case SUM -> numberPoints(metric.getSum().getDataPointsList(), max);
            case HISTOGRAM -> {
              for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
                attributes(point.getAttributesList(), max);
                exemplars(point.getExemplarsList(), max);
              }
            }
            case EXPONENTIAL_HISTOGRAM -> {
              for (ExponentialHistogramDataPoint point
                  : metric.getExponentialHistogram().getDataPointsList()) {
                attributes(point.getAttributesList(), max);
                exemplars(point.getExemplarsList(), max);
              }
            }
            case SUMMARY -> {
              for (SummaryDataPoint point : metric.getSummary().getDataPointsList()) {
                attributes(point.getAttributesList(), max);
              }
            }
            case DATA_NOT_SET -> { }
          }
        }
      }
    }
  }

  private static void numberPoints(List<NumberDataPoint> points, int max)
      throws OtlpDecodeException {
    for (NumberDataPoint point : points) {
      attributes(point.getAttributesList(), max);
      exemplars(point.getExemplarsList(), max);
    }
  }

  private static void exemplars(List<Exemplar> exemplars, int max) throws OtlpDecodeException {
    for (Exemplar exemplar : exemplars) {
      ids(exemplar.getTraceId(), exemplar.getSpanId());
      attributes(exemplar.getFilteredAttributesList(), max);
    }
  }

  private static void attributes(List<KeyValue> attributes, int max) throws OtlpDecodeException {
    for (KeyValue attribute : attributes) {
      value(attribute.getValue(), 1, max);
    }
  }

  private static void ids(ByteString traceId, ByteString spanId) throws OtlpDecodeException {
    id(traceId, 16);
    id(spanId, 8);
  }

  /**
   * Ids are empty (unset) or exactly 16 (trace) or 8 (span) bytes, as OTLP JSON requires:
   * otherwise a request accepted as protobuf could not be sent on as JSON, and collectors refuse
   * the whole batch.
   */
  private static void id(ByteString id, int length) throws OtlpDecodeException {
    if (!id.isEmpty() && id.size() != length) {
      throw new OtlpDecodeException(OtlpDecodeException.Reason.MALFORMED,
          "a trace id must be 16 bytes and a span id 8 bytes");
    }
  }

  /** {@code value} sits at {@code depth} (a top-level attribute value is at depth 1). */
  private static void value(AnyValue value, int depth, int max) throws OtlpDecodeException {
    if (depth > max) {
      throw new OtlpDecodeException(OtlpDecodeException.Reason.TOO_DEEP,
          "attribute values nested deeper than " + max + " levels");
    }
    switch (value.getValueCase()) {
      case ARRAY_VALUE -> {
        for (AnyValue item : value.getArrayValue().getValuesList()) {
          value(item, depth + 1, max);
        }
      }
      case KVLIST_VALUE -> {
        for (KeyValue entry : value.getKvlistValue().getValuesList()) {
          value(entry.getValue(), depth + 1, max);
        }
      }
      default -> { }
    }
  }
}
