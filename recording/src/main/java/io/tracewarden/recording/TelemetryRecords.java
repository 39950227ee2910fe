package io.tracewarden.recording;

import static io.tracewarden.recording.trail.CanonicalJson.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
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
import io.tracewarden.core.audit.AuditEvent;
import io.tracewarden.core.audit.Sessions;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.recording.trail.CanonicalJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns a request or an audit event into record drafts (the writer adds seq, time and prev):
 * one {@code ingress} per request, then one {@code span}, {@code log} or {@code metric} record
 * per item, each with its session and its resource's {@code service.name}.
 */
final class TelemetryRecords {

  static final String INGRESS = "ingress";
  static final String SPAN = "span";
  static final String LOG = "log";
  static final String METRIC = "metric";
  static final String AUDIT = "audit";
  private static final HexFormat HEX = HexFormat.of();

  private TelemetryRecords() {}

  static List<ObjectNode> of(Telemetry telemetry, RecordingConfig.Content content) {
    List<ObjectNode> records = new ArrayList<>();
    TreeSet<String> services = new TreeSet<>();
    TreeSet<String> sessions = new TreeSet<>();
    ObjectNode ingress = NODES.objectNode();
    records.add(ingress);
    TelemetryContext context = telemetry.context();
    boolean full = content == RecordingConfig.Content.FULL;
    switch (telemetry.signal()) {
      case TRACES -> {
        for (ResourceSpans resourceSpans : telemetry.traces().getResourceSpansList()) {
          Resource resource = resourceSpans.getResource();
          String service = serviceName(resource);
          services.add(service);
          for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
            for (Span span : scopeSpans.getSpansList()) {
              String session = Sessions.of(span, resource);
              sessions.add(session);
              ObjectNode record = item(SPAN, session, context, service, scopeSpans.getScope());
              record.put("trace_id", hex(span.getTraceId()));
              record.put("span_id", hex(span.getSpanId()));
              record.put("name", span.getName());
              record.set(SPAN, full ? otlpJson(span) : spanMetadata(span));
              records.add(record);
            }
          }
        }
      }
      case LOGS -> {
        for (ResourceLogs resourceLogs : telemetry.logs().getResourceLogsList()) {
          Resource resource = resourceLogs.getResource();
          String service = serviceName(resource);
          services.add(service);
          for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
            for (LogRecord log : scopeLogs.getLogRecordsList()) {
              String session = Sessions.of(log, resource);
              sessions.add(session);
              ObjectNode record = item(LOG, session, context, service, scopeLogs.getScope());
              record.put("trace_id", hex(log.getTraceId()));
              record.put("span_id", hex(log.getSpanId()));
              record.set(LOG, full ? otlpJson(log) : logMetadata(log));
              records.add(record);
            }
          }
        }
      }
      case METRICS -> {
        for (ResourceMetrics resourceMetrics : telemetry.metrics().getResourceMetricsList()) {
          String service = serviceName(resourceMetrics.getResource());
          services.add(service);
          for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
            for (Metric metric : scopeMetrics.getMetricsList()) {
              ObjectNode record = item(METRIC, "", context, service, scopeMetrics.getScope());
              record.put("name", metric.getName());
              record.set(METRIC, full ? otlpJson(metric) : metricMetadata(metric));
              records.add(record);
            }
          }
        }
      }
    }
    ingress.put("type", INGRESS);
    ingress.put("signal", telemetry.signal().id());
    ingress.put("principal", context.principal());
    ingress.put("receiver", context.receiver().toString());
    ingress.put("peer", context.peer());
    ingress.put("received_at", context.receivedAt().toString());
    ingress.put("items", telemetry.itemCount());
    ingress.set("services", strings(services));
    ingress.set("sessions", strings(sessions));
    return records;
  }

  static ObjectNode audit(AuditEvent event) {
    ObjectNode record = NODES.objectNode();
    record.put("type", AUDIT);
    record.put("event", event.type());
    record.put("session", event.session());
    record.put("source", event.source().toString());
    record.put("event_time", event.time().toString());
    record.set("attributes", CanonicalJson.value(event.attributes()));
    return record;
  }

  private static ObjectNode item(String type, String session, TelemetryContext context,
      String service, InstrumentationScope scope) {
    ObjectNode record = NODES.objectNode();
    record.put("type", type);
    record.put("session", session);
    record.put("principal", context.principal());
    record.put("service", service);
    record.put("scope", scope.getName());
    return record;
  }

  private static JsonNode otlpJson(Message message) {
    try {
      return CanonicalJson.parseAny(OtlpCodec.encode(message, OtlpCodec.Format.JSON));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot re-read OTLP JSON", e);
    }
  }

  private static ObjectNode spanMetadata(Span span) {
    ObjectNode meta = NODES.objectNode();
    meta.put("name", span.getName());
    meta.put("trace_id", hex(span.getTraceId()));
    meta.put("span_id", hex(span.getSpanId()));
    meta.put("parent_span_id", hex(span.getParentSpanId()));
    meta.put("kind", span.getKindValue());
    meta.put("start_time_unix_nano", Long.toUnsignedString(span.getStartTimeUnixNano()));
    meta.put("end_time_unix_nano", Long.toUnsignedString(span.getEndTimeUnixNano()));
    meta.put("status_code", span.getStatus().getCodeValue());
    meta.set("attribute_keys", keys(span.getAttributesList()));
    ArrayNode events = meta.putArray("events");
    for (Span.Event event : span.getEventsList()) {
      ObjectNode e = events.addObject();
      e.put("name", event.getName());
      e.set("attribute_keys", keys(event.getAttributesList()));
    }
    ArrayNode links = meta.putArray("links");
    for (Span.Link link : span.getLinksList()) {
      ObjectNode l = links.addObject();
      l.put("trace_id", hex(link.getTraceId()));
      l.put("span_id", hex(link.getSpanId()));
      l.set("attribute_keys", keys(link.getAttributesList()));
    }
    return meta;
  }

  private static ObjectNode logMetadata(LogRecord log) {
    ObjectNode meta = NODES.objectNode();
    meta.put("time_unix_nano", Long.toUnsignedString(log.getTimeUnixNano()));
    meta.put("severity_number", log.getSeverityNumberValue());
    meta.put("event_name", log.getEventName());
    meta.put("body_type", log.getBody().getValueCase().name().toLowerCase());
    meta.set("attribute_keys", keys(log.getAttributesList()));
    return meta;
  }

  private static ObjectNode metricMetadata(Metric metric) {
    ObjectNode meta = NODES.objectNode();
    meta.put("name", metric.getName());
    meta.put("unit", metric.getUnit());
    meta.put("data", metric.getDataCase().name().toLowerCase());
    return meta;
  }

  private static ArrayNode keys(List<KeyValue> attributes) {
    ArrayNode keys = NODES.arrayNode();
    attributes.forEach(kv -> keys.add(kv.getKey()));
    return keys;
  }

  private static ArrayNode strings(Iterable<String> values) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(array::add);
    return array;
  }

  static String serviceName(Resource resource) {
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals("service.name") && attribute.getValue().hasStringValue()) {
        return attribute.getValue().getStringValue();
      }
    }
    return "";
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }
}
