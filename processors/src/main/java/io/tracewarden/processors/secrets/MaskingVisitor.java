package io.tracewarden.processors.secrets;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.audit.AuditEvent;
import io.tracewarden.core.audit.Sessions;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.visit.RecordKind;
import io.tracewarden.core.visit.RecordRef;
import io.tracewarden.core.visit.StringField;
import io.tracewarden.core.visit.StringVisitor;
import io.tracewarden.engine.Finding;
import io.tracewarden.engine.Redaction;
import io.tracewarden.engine.SecretEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** One request's masking pass: collects findings per record and reports each changed record. */
final class MaskingVisitor implements StringVisitor {

  static final String MASKED_COUNT = "tracewarden.masked.count";
  static final String MASKED_RULES = "tracewarden.masked.rules";
  private static final HexFormat HEX = HexFormat.of();

  private final SecretEngine engine;
  private final Set<String> skippedAttributes;
  private final Telemetry telemetry;
  private final ComponentId source;
  private final AuditBus audit;
  private final Consumer<String> countMasked;
  private List<Map<String, Object>> findings;

  MaskingVisitor(SecretEngine engine, Set<String> skippedAttributes, Telemetry telemetry,
      ComponentId source, AuditBus audit, Consumer<String> countMasked) {
    this.engine = engine;
    this.skippedAttributes = skippedAttributes;
    this.telemetry = telemetry;
    this.source = source;
    this.audit = audit;
    this.countMasked = countMasked;
  }

  @Override
  public void beginRecord(RecordRef record) {
    findings = null;
  }

  @Override
  public String visit(StringField field, String value) {
    if (!skippedAttributes.isEmpty() && field.attributeKey() != null
        && skippedAttributes.contains(field.attributeKey())) {
      return value;
    }
    Redaction redaction = engine.redact(value);
    if (!redaction.changed()) {
      return value;
    }
    if (findings == null) {
      findings = new ArrayList<>();
    }
    for (Finding finding : redaction.findings()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("rule", finding.ruleId());
      entry.put("severity", finding.severity().id());
      entry.put("path", field.path());
      entry.put("fingerprint", finding.fingerprint());
      findings.add(entry);
      countMasked.accept(finding.ruleId());
    }
    return redaction.dropAttribute() && field.removable() ? null : redaction.text();
  }

  @Override
  public List<KeyValue> endRecord(RecordRef record, boolean changed) {
    if (findings == null) {
      return List.of();
    }
    List<Map<String, Object>> recordFindings = findings;
    findings = null;
    publish(record, recordFindings);
    if (record.kind() != RecordKind.SPAN && record.kind() != RecordKind.LOG_RECORD) {
      return List.of();
    }
    Set<String> rules = new LinkedHashSet<>();
    recordFindings.forEach(f -> rules.add((String) f.get("rule")));
    ArrayValue.Builder ruleValues = ArrayValue.newBuilder();
    rules.forEach(rule -> ruleValues.addValues(AnyValue.newBuilder().setStringValue(rule)));
    return List.of(
        KeyValue.newBuilder().setKey(MASKED_COUNT)
            .setValue(AnyValue.newBuilder().setIntValue(recordFindings.size())).build(),
        KeyValue.newBuilder().setKey(MASKED_RULES)
            .setValue(AnyValue.newBuilder().setArrayValue(ruleValues)).build());
  }

  private void publish(RecordRef record, List<Map<String, Object>> recordFindings) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("signal", telemetry.signal().id());
    attributes.put("record", record.kind().name().toLowerCase(java.util.Locale.ROOT));
    attributes.put("principal", telemetry.context().principal());
    attributes.put("receiver", telemetry.context().receiver().toString());
    String session = "";
    switch (record.kind()) {
      case SPAN -> {
        session = Sessions.of(record.span(), record.resource());
        attributes.put("trace_id", HEX.formatHex(record.span().getTraceId().toByteArray()));
        attributes.put("span_id", HEX.formatHex(record.span().getSpanId().toByteArray()));
      }
      case LOG_RECORD -> {
        session = Sessions.of(record.logRecord(), record.resource());
        attributes.put("trace_id", HEX.formatHex(record.logRecord().getTraceId().toByteArray()));
        attributes.put("span_id", HEX.formatHex(record.logRecord().getSpanId().toByteArray()));
      }
      default -> {
        // Resource, scope and metric findings belong to no single session.
      }
    }
    attributes.put("findings", List.copyOf(recordFindings));
    // The session id comes from the record as received: if it is itself a secret, record it the
    // way the data shows it now, masked, which still groups the session's events together.
    String maskedSession = engine.redact(session).text();
    audit.publish(new AuditEvent("secrets.masked", Instant.now(), maskedSession, source,
        attributes));
  }
}
