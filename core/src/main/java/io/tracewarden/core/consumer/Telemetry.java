package io.tracewarden.core.consumer;

import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.tracewarden.core.component.Signal;
import java.util.Objects;

/**
 * The unit that flows through a pipeline: one OTLP export request, exactly as received (decoded
 * once, encoded once), plus where it came from. Messages are immutable; a processor that changes
 * something returns a new {@code Telemetry} via {@link #withRequest}.
 *
 * <p>{@code protobuf} optionally carries the request's protobuf encoding as it arrived on the wire.
 * An exporter sends those bytes instead of encoding the message again, which is most of the cost
 * of forwarding unchanged data. The bytes belong to this exact request instance: when a processor
 * changes anything, {@link #withRequest} keeps only the bytes of the records it returned as the
 * same instances and encodes the rest, so data that was masked is never shadowed by its unmasked
 * encoding. Treat the array as read-only.
 */
public record Telemetry(
    Signal signal, Message request, TelemetryContext context, byte[] protobuf) {

  public Telemetry(Signal signal, Message request, TelemetryContext context) {
    this(signal, request, context, null);
  }

  public Telemetry {
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    Class<? extends Message> expected = switch (signal) {
      case TRACES -> ExportTraceServiceRequest.class;
      case LOGS -> ExportLogsServiceRequest.class;
      case METRICS -> ExportMetricsServiceRequest.class;
    };
    if (!expected.isInstance(request)) {
      throw new IllegalArgumentException(
          signal.id() + " telemetry needs " + expected.getSimpleName()
              + ", got " + request.getClass().getSimpleName());
    }
  }

  public static Telemetry traces(ExportTraceServiceRequest request, TelemetryContext context) {
    return new Telemetry(Signal.TRACES, request, context);
  }

  public static Telemetry logs(ExportLogsServiceRequest request, TelemetryContext context) {
    return new Telemetry(Signal.LOGS, request, context);
  }

  public static Telemetry metrics(ExportMetricsServiceRequest request, TelemetryContext context) {
    return new Telemetry(Signal.METRICS, request, context);
  }

  public ExportTraceServiceRequest traces() {
    return (ExportTraceServiceRequest) request;
  }

  public ExportLogsServiceRequest logs() {
    return (ExportLogsServiceRequest) request;
  }

  public ExportMetricsServiceRequest metrics() {
    return (ExportMetricsServiceRequest) request;
  }

  /**
   * The same context with another request of the same signal; {@code this} when identical. The
   * received encoding carries over only for the records {@code newRequest} shares with this
   * request (same instances); changed records are encoded here.
   */
  public Telemetry withRequest(Message newRequest) {
    if (newRequest == request) {
      return this;
    }
    byte[] spliced = protobuf == null ? null : WireSplice.splice(protobuf, request, newRequest);
    return new Telemetry(signal, newRequest, context, spliced);
  }

  /** The protobuf encoding of {@link #request}: the received bytes when known, else encoded. */
  public byte[] protobufBytes() {
    return protobuf != null ? protobuf : request.toByteArray();
  }

  /** Never the content: telemetry may hold secrets until it has been masked. */
  @Override
  public String toString() {
    return "Telemetry[" + signal.id() + ", " + itemCount() + " items, from " + context.principal()
        + " via " + context.receiver() + "]";
  }

  /** Spans, log records or metric data points in the request. */
  public int itemCount() {
    return switch (signal) {
      case TRACES -> countSpans(traces());
      case LOGS -> countLogRecords(logs());
      case METRICS -> countDataPoints(metrics());
    };
  }

  public static int countSpans(ExportTraceServiceRequest request) {
    int count = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        count += scopeSpans.getSpansCount();
      }
    }
    return count;
  }

  public static int countLogRecords(ExportLogsServiceRequest request) {
    int count = 0;
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        count += scopeLogs.getLogRecordsCount();
      }
    }
    return count;
  }

  public static int countDataPoints(ExportMetricsServiceRequest request) {
    int count = 0;
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        for (Metric metric : scopeMetrics.getMetricsList()) {
          count += switch (metric.getDataCase()) {
            case GAUGE -> metric.getGauge().getDataPointsCount();
            case SUM -> metric.getSum().getDataPointsCount();
            case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> metric.getSummary().getDataPointsCount();
            case DATA_NOT_SET -> 0;
          };
        }
      }
    }
    return count;
  }
}
