package io.tracewarden.core.visit;

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
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.otlp.OtlpCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks every visible string of an OTLP request and rebuilds, copy-on-write, only the path to
 * what the visitor changed: a request the visitor leaves alone is returned as the same instance.
 */
public final class TelemetryStrings {

  /**
   * Deeper than any receiver accepts ({@link OtlpCodec.Limits#MAX_NESTING_DEPTH}). Data nested
   * deeper can only have been built in-process; it is refused rather than passed on unvisited,
   * since a string the walk never reached was never masked.
   */
  private static final int MAX_DEPTH = 2 * OtlpCodec.Limits.MAX_NESTING_DEPTH;

  private final StringVisitor visitor;
  private boolean recordChanged;

  private TelemetryStrings(StringVisitor visitor) {
    this.visitor = visitor;
  }

  public static ExportTraceServiceRequest visit(
      ExportTraceServiceRequest request, StringVisitor visitor) {
    TelemetryStrings walk = new TelemetryStrings(visitor);
    List<ResourceSpans> rewritten = null;
    for (int i = 0; i < request.getResourceSpansCount(); i++) {
      ResourceSpans original = request.getResourceSpans(i);
      ResourceSpans updated = walk.resourceSpans(original);
      rewritten = replace(rewritten, request.getResourceSpansList(), i, original, updated);
    }
    return rewritten == null ? request
        : request.toBuilder().clearResourceSpans().addAllResourceSpans(rewritten).build();
  }

  public static ExportLogsServiceRequest visit(
      ExportLogsServiceRequest request, StringVisitor visitor) {
    TelemetryStrings walk = new TelemetryStrings(visitor);
    List<ResourceLogs> rewritten = null;
    for (int i = 0; i < request.getResourceLogsCount(); i++) {
      ResourceLogs original = request.getResourceLogs(i);
      ResourceLogs updated = walk.resourceLogs(original);
      rewritten = replace(rewritten, request.getResourceLogsList(), i, original, updated);
    }
    return rewritten == null ? request
        : request.toBuilder().clearResourceLogs().addAllResourceLogs(rewritten).build();
  }

  public static ExportMetricsServiceRequest visit(
      ExportMetricsServiceRequest request, StringVisitor visitor) {
    TelemetryStrings walk = new TelemetryStrings(visitor);
    List<ResourceMetrics> rewritten = null;
    for (int i = 0; i < request.getResourceMetricsCount(); i++) {
      ResourceMetrics original = request.getResourceMetrics(i);
      ResourceMetrics updated = walk.resourceMetrics(original);
      rewritten = replace(rewritten, request.getResourceMetricsList(), i, original, updated);
    }
    return rewritten == null ? request
        : request.toBuilder().clearResourceMetrics().addAllResourceMetrics(rewritten).build();
  }

  // ---- traces

  private ResourceSpans resourceSpans(ResourceSpans original) {
    Resource resource = resource(original.getResource());
    List<ScopeSpans> scopes = null;
    for (int i = 0; i < original.getScopeSpansCount(); i++) {
      ScopeSpans scopeSpans = original.getScopeSpans(i);
      ScopeSpans updated = scopeSpans(scopeSpans, original.getResource());
      scopes = replace(scopes, original.getScopeSpansList(), i, scopeSpans, updated);
    }
    if (resource == original.getResource() && scopes == null) {
      return original;
    }
    ResourceSpans.Builder builder = original.toBuilder();
    if (resource != original.getResource()) {
      // Setting an unchanged resource would mark an absent one present, and differ on the wire.
      builder.setResource(resource);
    }
    if (scopes != null) {
      builder.clearScopeSpans().addAllScopeSpans(scopes);
    }
    return builder.build();
  }

  private ScopeSpans scopeSpans(ScopeSpans original, Resource resource) {
    InstrumentationScope scope = scope(original.getScope(), resource);
    List<Span> spans = null;
    for (int i = 0; i < original.getSpansCount(); i++) {
      Span span = original.getSpans(i);
      spans = replace(spans, original.getSpansList(), i, span, span(span, resource));
    }
    if (scope == original.getScope() && spans == null) {
      return original;
    }
    ScopeSpans.Builder builder = original.toBuilder();
    if (scope != original.getScope()) {
      builder.setScope(scope);
    }
    if (spans != null) {
      builder.clearSpans().addAllSpans(spans);
    }
    return builder.build();
  }

  private Span span(Span original, Resource resource) {
    RecordRef ref = new RecordRef(RecordKind.SPAN, original, resource);
    visitor.beginRecord(ref);
    recordChanged = false;
    String name = string(StringField.of(FieldKind.SPAN_NAME, "span.name"), original.getName());
    List<KeyValue> attributes =
        attributes(original.getAttributesList(), FieldKind.ATTRIBUTE, "span.attributes");
    Status status = original.getStatus();
    String statusMessage = string(
        StringField.of(FieldKind.SPAN_STATUS_MESSAGE, "span.status.message"), status.getMessage());
    List<Span.Event> events = null;
    for (int i = 0; i < original.getEventsCount(); i++) {
      Span.Event event = original.getEvents(i);
      events = replace(events, original.getEventsList(), i, event, event(event, i));
    }
    List<Span.Link> links = null;
    for (int i = 0; i < original.getLinksCount(); i++) {
      Span.Link link = original.getLinks(i);
      links = replace(links, original.getLinksList(), i, link, link(link, i));
    }
    boolean changed = recordChanged;
    List<KeyValue> extra = visitor.endRecord(ref, changed);
    if (!changed && extra.isEmpty()) {
      return original;
    }
    Span.Builder builder = original.toBuilder().setName(name);
    if (attributes != original.getAttributesList() || !extra.isEmpty()) {
      builder.clearAttributes().addAllAttributes(attributes).addAllAttributes(extra);
    }
    if (statusMessage != status.getMessage()) {
      builder.setStatus(status.toBuilder().setMessage(statusMessage));
    }
    if (events != null) {
      builder.clearEvents().addAllEvents(events);
    }
    if (links != null) {
      builder.clearLinks().addAllLinks(links);
    }
    return builder.build();
  }

  private Span.Event event(Span.Event original, int index) {
    String prefix = "span.events[" + index + "]";
    String name = string(StringField.of(FieldKind.EVENT_NAME, prefix + ".name"), original.getName());
    List<KeyValue> attributes =
        attributes(original.getAttributesList(), FieldKind.ATTRIBUTE, prefix + ".attributes");
    if (name == original.getName() && attributes == original.getAttributesList()) {
      return original;
    }
    return original.toBuilder().setName(name).clearAttributes().addAllAttributes(attributes)
        .build();
  }

  private Span.Link link(Span.Link original, int index) {
    List<KeyValue> attributes = attributes(original.getAttributesList(), FieldKind.ATTRIBUTE,
        "span.links[" + index + "].attributes");
    if (attributes == original.getAttributesList()) {
      return original;
    }
    return original.toBuilder().clearAttributes().addAllAttributes(attributes).build();
  }

  // ---- logs

  private ResourceLogs resourceLogs(ResourceLogs original) {
    Resource resource = resource(original.getResource());
    List<ScopeLogs> scopes = null;
    for (int i = 0; i < original.getScopeLogsCount(); i++) {
      ScopeLogs scopeLogs = original.getScopeLogs(i);
      ScopeLogs updated = scopeLogs(scopeLogs, original.getResource());
      scopes = replace(scopes, original.getScopeLogsList(), i, scopeLogs, updated);
    }
    if (resource == original.getResource() && scopes == null) {
      return original;
    }
    ResourceLogs.Builder builder = original.toBuilder();
    if (resource != original.getResource()) {
      // Setting an unchanged resource would mark an absent one present, and differ on the wire.
      builder.setResource(resource);
    }
    if (scopes != null) {
      builder.clearScopeLogs().addAllScopeLogs(scopes);
    }
    return builder.build();
  }

  private ScopeLogs scopeLogs(ScopeLogs original, Resource resource) {
    InstrumentationScope scope = scope(original.getScope(), resource);
    List<LogRecord> records = null;
    for (int i = 0; i < original.getLogRecordsCount(); i++) {
      LogRecord record = original.getLogRecords(i);
      records = replace(records, original.getLogRecordsList(), i, record,
          logRecord(record, resource));
    }
    if (scope == original.getScope() && records == null) {
      return original;
    }
    ScopeLogs.Builder builder = original.toBuilder();
    if (scope != original.getScope()) {
      builder.setScope(scope);
    }
    if (records != null) {
      builder.clearLogRecords().addAllLogRecords(records);
    }
    return builder.build();
  }

  private LogRecord logRecord(LogRecord original, Resource resource) {
    RecordRef ref = new RecordRef(RecordKind.LOG_RECORD, original, resource);
    visitor.beginRecord(ref);
    recordChanged = false;
    AnyValue body = original.hasBody()
        ? anyValue(original.getBody(), StringField.of(FieldKind.LOG_BODY, "log.body"), 0)
        : original.getBody();
    List<KeyValue> attributes =
        attributes(original.getAttributesList(), FieldKind.ATTRIBUTE, "log.attributes");
    String eventName = string(StringField.of(FieldKind.LOG_EVENT_NAME, "log.event_name"),
        original.getEventName());
    String severityText = string(
        StringField.of(FieldKind.LOG_SEVERITY_TEXT, "log.severity_text"),
        original.getSeverityText());
    boolean changed = recordChanged;
    List<KeyValue> extra = visitor.endRecord(ref, changed);
    if (!changed && extra.isEmpty()) {
      return original;
    }
    LogRecord.Builder builder = original.toBuilder().setEventName(eventName)
        .setSeverityText(severityText);
    if (body != original.getBody()) {
      builder.setBody(body);
    }
    if (attributes != original.getAttributesList() || !extra.isEmpty()) {
      builder.clearAttributes().addAllAttributes(attributes).addAllAttributes(extra);
    }
    return builder.build();
  }

  // ---- metrics

  private ResourceMetrics resourceMetrics(ResourceMetrics original) {
    Resource resource = resource(original.getResource());
    List<ScopeMetrics> scopes = null;
    for (int i = 0; i < original.getScopeMetricsCount(); i++) {
      ScopeMetrics scopeMetrics = original.getScopeMetrics(i);
      ScopeMetrics updated = scopeMetrics(scopeMetrics, original.getResource());
      scopes = replace(scopes, original.getScopeMetricsList(), i, scopeMetrics, updated);
    }
    if (resource == original.getResource() && scopes == null) {
      return original;
    }
    ResourceMetrics.Builder builder = original.toBuilder();
    if (resource != original.getResource()) {
      // Setting an unchanged resource would mark an absent one present, and differ on the wire.
      builder.setResource(resource);
    }
    if (scopes != null) {
      builder.clearScopeMetrics().addAllScopeMetrics(scopes);
    }
    return builder.build();
  }

  private ScopeMetrics scopeMetrics(ScopeMetrics original, Resource resource) {
    InstrumentationScope scope = scope(original.getScope(), resource);
    List<Metric> metrics = null;
    for (int i = 0; i < original.getMetricsCount(); i++) {
      Metric metric = original.getMetrics(i);
      metrics = replace(metrics, original.getMetricsList(), i, metric, metric(metric, resource));
    }
    if (scope == original.getScope() && metrics == null) {
      return original;
    }
    ScopeMetrics.Builder builder = original.toBuilder();
    if (scope != original.getScope()) {
      builder.setScope(scope);
    }
    if (metrics != null) {
      builder.clearMetrics().addAllMetrics(metrics);
    }
    return builder.build();
  }

  private Metric metric(Metric original, Resource resource) {
    RecordRef ref = new RecordRef(RecordKind.METRIC, original, resource);
    visitor.beginRecord(ref);
    recordChanged = false;
    String description = string(
        StringField.of(FieldKind.METRIC_DESCRIPTION, "metric.description"),
        original.getDescription());
    Metric.Builder builder = null;
    switch (original.getDataCase()) {
      case GAUGE -> {
        List<NumberDataPoint> points = numberPoints(original.getGauge().getDataPointsList());
        if (points != null) {
          builder = original.toBuilder();
          builder.setGauge(original.getGauge().toBuilder().clearDataPoints()
              .addAllDataPoints(points));
        }
      }
      case SUM -> {
        List<NumberDataPoint> points = numberPoints(original.getSum().getDataPointsList());
        if (points != null) {
          builder = original.toBuilder();
          builder.setSum(original.getSum().toBuilder().clearDataPoints().addAllDataPoints(points));
        }
      }
      case HISTOGRAM -> {
        List<HistogramDataPoint> points = null;
        List<HistogramDataPoint> list = original.getHistogram().getDataPointsList();
        for (int i = 0; i < list.size(); i++) {
          HistogramDataPoint point = list.get(i);
          List<KeyValue> attributes = pointAttributes(point.getAttributesList(), i);
          List<Exemplar> exemplars = exemplars(point.getExemplarsList(), i);
          HistogramDataPoint updated = attributes == point.getAttributesList() && exemplars == null
              ? point
              : point.toBuilder().clearAttributes().addAllAttributes(attributes)
                  .clearExemplars().addAllExemplars(exemplars == null
                      ? point.getExemplarsList() : exemplars).build();
          points = replace(points, list, i, point, updated);
        }
        if (points != null) {
          builder = original.toBuilder();
          builder.setHistogram(original.getHistogram().toBuilder().clearDataPoints()
              .addAllDataPoints(points));
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        List<ExponentialHistogramDataPoint> points = null;
        List<ExponentialHistogramDataPoint> list =
            original.getExponentialHistogram().getDataPointsList();
        for (int i = 0; i < list.size(); i++) {
          ExponentialHistogramDataPoint point = list.get(i);
          List<KeyValue> attributes = pointAttributes(point.getAttributesList(), i);
          List<Exemplar> exemplars = exemplars(point.getExemplarsList(), i);
          ExponentialHistogramDataPoint updated =
              attributes == point.getAttributesList() && exemplars == null
                  ? point
                  : point.toBuilder().clearAttributes().addAllAttributes(attributes)
                      .clearExemplars().addAllExemplars(exemplars == null
                          ? point.getExemplarsList() : exemplars).build();
          points = replace(points, list, i, point, updated);
        }
        if (points != null) {
          builder = original.toBuilder();
          builder.setExponentialHistogram(original.getExponentialHistogram().toBuilder()
              .clearDataPoints().addAllDataPoints(points));
        }
      }
      case SUMMARY -> {
        List<SummaryDataPoint> points = null;
        List<SummaryDataPoint> list = original.getSummary().getDataPointsList();
        for (int i = 0; i < list.size(); i++) {
          SummaryDataPoint point = list.get(i);
          List<KeyValue> attributes = pointAttributes(point.getAttributesList(), i);
          SummaryDataPoint updated = attributes == point.getAttributesList() ? point
              : point.toBuilder().clearAttributes().addAllAttributes(attributes).build();
          points = replace(points, list, i, point, updated);
        }
        if (points != null) {
          builder = original.toBuilder();
          builder.setSummary(original.getSummary().toBuilder().clearDataPoints()
              .addAllDataPoints(points));
        }
      }
      case DATA_NOT_SET -> {
        // Nothing beyond the description to visit.
      }
    }
    visitor.endRecord(ref, recordChanged);
    if (description == original.getDescription() && builder == null) {
      return original;
    }
    return (builder == null ? original.toBuilder() : builder).setDescription(description).build();
  }

  private List<NumberDataPoint> numberPoints(List<NumberDataPoint> list) {
    List<NumberDataPoint> points = null;
    for (int i = 0; i < list.size(); i++) {
      NumberDataPoint point = list.get(i);
      List<KeyValue> attributes = pointAttributes(point.getAttributesList(), i);
      List<Exemplar> exemplars = exemplars(point.getExemplarsList(), i);
      NumberDataPoint updated = attributes == point.getAttributesList() && exemplars == null
          ? point
          : point.toBuilder().clearAttributes().addAllAttributes(attributes).clearExemplars()
              .addAllExemplars(exemplars == null ? point.getExemplarsList() : exemplars).build();
      points = replace(points, list, i, point, updated);
    }
    return points;
  }

  private List<KeyValue> pointAttributes(List<KeyValue> attributes, int index) {
    return attributes.isEmpty() ? attributes
        : attributes(attributes, FieldKind.ATTRIBUTE, "metric.data_points[" + index + "].attributes");
  }

  private List<Exemplar> exemplars(List<Exemplar> list, int pointIndex) {
    List<Exemplar> exemplars = null;
    for (int i = 0; i < list.size(); i++) {
      Exemplar exemplar = list.get(i);
      List<KeyValue> attributes = attributes(exemplar.getFilteredAttributesList(),
          FieldKind.ATTRIBUTE,
          "metric.data_points[" + pointIndex + "].exemplars[" + i + "].filtered_attributes");
      Exemplar updated = attributes == exemplar.getFilteredAttributesList() ? exemplar
          : exemplar.toBuilder().clearFilteredAttributes().addAllFilteredAttributes(attributes)
              .build();
      exemplars = replace(exemplars, list, i, exemplar, updated);
    }
    return exemplars;
  }

  // ---- shared

  private Resource resource(Resource original) {
    if (original.getAttributesCount() == 0) {
      return original;
    }
    RecordRef ref = new RecordRef(RecordKind.RESOURCE, original, original);
    visitor.beginRecord(ref);
    recordChanged = false;
    List<KeyValue> attributes =
        attributes(original.getAttributesList(), FieldKind.ATTRIBUTE, "resource.attributes");
    visitor.endRecord(ref, recordChanged);
    return attributes == original.getAttributesList() ? original
        : original.toBuilder().clearAttributes().addAllAttributes(attributes).build();
  }

  private InstrumentationScope scope(InstrumentationScope original, Resource resource) {
    if (original.getAttributesCount() == 0) {
      return original;
    }
    RecordRef ref = new RecordRef(RecordKind.SCOPE, original, resource);
    visitor.beginRecord(ref);
    recordChanged = false;
    List<KeyValue> attributes =
        attributes(original.getAttributesList(), FieldKind.ATTRIBUTE, "scope.attributes");
    visitor.endRecord(ref, recordChanged);
    return attributes == original.getAttributesList() ? original
        : original.toBuilder().clearAttributes().addAllAttributes(attributes).build();
  }

  /** The same list instance when nothing changed. */
  private List<KeyValue> attributes(List<KeyValue> list, FieldKind kind, String container) {
    List<KeyValue> result = null;
    for (int i = 0; i < list.size(); i++) {
      KeyValue attribute = list.get(i);
      if (!attribute.hasValue()) {
        if (result != null) {
          result.add(attribute);
        }
        continue;
      }
      StringField field = StringField.attribute(kind, container, attribute.getKey());
      AnyValue value = anyValue(attribute.getValue(), field, 0);
      if (value == attribute.getValue()) {
        if (result != null) {
          result.add(attribute);
        }
        continue;
      }
      if (result == null) {
        result = new ArrayList<>(list.subList(0, i));
      }
      if (value != null) {
        result.add(attribute.toBuilder().setValue(value).build());
      }
    }
    return result == null ? list : result;
  }

  /** The same instance when unchanged; null when a removable string was dropped. */
  private AnyValue anyValue(AnyValue value, StringField field, int depth) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> {
        String original = value.getStringValue();
        String updated = visitor.visit(field, original);
        if (updated == original) {
          return value;
        }
        recordChanged = true;
        if (updated == null) {
          return field.removable() ? null : AnyValue.newBuilder().setStringValue("").build();
        }
        return AnyValue.newBuilder().setStringValue(updated).build();
      }
      case ARRAY_VALUE -> {
        checkDepth(depth);
        List<AnyValue> items = value.getArrayValue().getValuesList();
        List<AnyValue> result = null;
        for (int i = 0; i < items.size(); i++) {
          AnyValue item = items.get(i);
          AnyValue updated = anyValue(item, field.element(i), depth + 1);
          result = replace(result, items, i, item, updated);
        }
        return result == null ? value
            : AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addAllValues(result))
                .build();
      }
      case KVLIST_VALUE -> {
        checkDepth(depth);
        List<KeyValue> entries = value.getKvlistValue().getValuesList();
        List<KeyValue> result = null;
        for (int i = 0; i < entries.size(); i++) {
          KeyValue entry = entries.get(i);
          // Keys inside values are data (a JSON object turned into a kvlist), so they are
          // visited too; paths below a masked key show the masked key.
          String key = string(field.keyOf(), entry.getKey());
          AnyValue updated = entry.hasValue()
              ? anyValue(entry.getValue(), field.child(key), depth + 1)
              : entry.getValue();
          boolean changed = updated != entry.getValue() || key != entry.getKey();
          if (!changed && result == null) {
            continue;
          }
          if (result == null) {
            result = new ArrayList<>(entries.subList(0, i));
          }
          if (!changed) {
            result.add(entry);
          } else if (updated != null) {
            result.add(entry.toBuilder().setKey(key).setValue(updated).build());
          }
        }
        return result == null ? value
            : AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addAllValues(result))
                .build();
      }
      default -> {
        return value;
      }
    }
  }

  private static void checkDepth(int depth) {
    if (depth >= MAX_DEPTH) {
      throw TelemetryException.permanent("values nest deeper than " + MAX_DEPTH + " levels");
    }
  }

  private String string(StringField field, String value) {
    if (value.isEmpty()) {
      return value;
    }
    String updated = visitor.visit(field, value);
    if (updated == value) {
      return value;
    }
    recordChanged = true;
    return updated == null ? "" : updated;
  }

  /**
   * Copy-on-write for repeated fields: returns null while nothing differs, and a full copy with
   * the change (a null {@code updated} is removed) once something does.
   */
  private static <T> List<T> replace(List<T> result, List<T> originals, int index, T original,
      T updated) {
    if (result == null) {
      if (updated == original) {
        return null;
      }
      result = new ArrayList<>(originals.subList(0, index));
    }
    if (updated != null) {
      result.add(updated);
    }
    return result;
  }
}
