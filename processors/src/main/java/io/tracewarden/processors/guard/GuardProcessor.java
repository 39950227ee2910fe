package io.tracewarden.processors.guard;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.audit.AuditEvent;
import io.tracewarden.core.audit.Sessions;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.consumer.Capabilities;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.engine.Severity;
import io.tracewarden.guard.Action;
import io.tracewarden.guard.Guard;
import io.tracewarden.guard.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recognises tool calls that dump secrets (shell, SQL, URLs, per {@link Guard}) and
 * sessions exposing secrets at a rate no task needs, and blocks, holds or flags them.
 *
 * <p>Blocked spans are not forwarded, nor are their descendants in the same request, nor (for
 * {@code blocked_span_ttl}) descendants and log records arriving later. A request whose every
 * record is blocked completes successfully without being forwarded: the sender must not retry.
 */
final class GuardProcessor implements Processor {

  static final String RULE_ATTRIBUTE = "tracewarden.guard.rule";
  static final String ACTION_ATTRIBUTE = "tracewarden.guard.action";
  static final String BLOCKED_EVENT = "guard.blocked";
  static final String SESSION_BLOCKED_EVENT = "guard.session_blocked";

  private static final AttributeKey<String> RULE = AttributeKey.stringKey("rule");
  private static final AttributeKey<String> ACTION = AttributeKey.stringKey("action");
  private static final HexFormat HEX = HexFormat.of();
  /** Shared per audit bus (one per service) and component id: traces and logs see one state. */
  private static final Map<AuditBus, Map<ComponentId, GuardState>> STATES = new WeakHashMap<>();

  private final ComponentId id;
  private final GuardConfig config;
  private final Guard guard;
  private final Consumer next;
  private final AuditBus audit;
  private final LongCounter verdicts;
  private final Attributes componentAttributes;
  private final Map<String, Attributes> verdictAttributes = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private AutoCloseable subscription;
  private volatile GuardState state;

  GuardProcessor(ComponentSettings settings, GuardConfig config, Consumer next) {
    this.id = settings.id();
    this.config = config;
    this.guard = config.guard;
    this.next = next;
    this.audit = settings.audit();
    this.componentAttributes = settings.metrics().attributes();
    this.verdicts = settings.metrics().meter().counterBuilder("tracewarden.guard.verdicts")
        .setDescription("Guard verdicts, by rule and action").setUnit("{record}").build();
  }

  @Override
  public void start(Host host) {
    GuardState shared;
    synchronized (STATES) {
      shared = STATES.computeIfAbsent(audit, bus -> new HashMap<>())
          .computeIfAbsent(id, key -> new GuardState(config));
    }
    synchronized (lock) {
      if (subscription == null && config.volumeSessionAction != null
          && config.maxDistinctSecrets > 0) {
        subscription = audit.subscribe(this::onAuditEvent);
      }
    }
    state = shared;
  }

  @Override
  public void shutdown(Duration timeout) {
    synchronized (lock) {
      if (subscription != null) {
        try {
          subscription.close();
        } catch (Exception e) {
          // Unsubscribing from the in-memory bus cannot fail.
        }
        subscription = null;
      }
    }
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    GuardState current = state;
    if (current == null) {
      // Fail closed, like the secrets processor: nothing passes unguarded.
      throw new IllegalStateException(id + " received data before it started");
    }
    return switch (telemetry.signal()) {
      case TRACES -> forward(telemetry, traces(telemetry, current));
      case LOGS -> forward(telemetry, logs(telemetry, current));
      case METRICS -> next.consume(telemetry);
    };
  }

  private CompletableFuture<Void> forward(Telemetry original, com.google.protobuf.Message result) {
    if (result == null) {
      // Everything was blocked: done, successfully, so that the sender does not retry.
      return CompletableFuture.completedFuture(null);
    }
    return next.consume(original.withRequest(result));
  }

  private void onAuditEvent(AuditEvent event) {
    GuardState current = state;
    if (current == null || !event.type().equals("secrets.masked") || event.session().isEmpty()) {
      return;
    }
    if (!(event.attributes().get("findings") instanceof List<?> findings)) {
      return;
    }
    List<String> fingerprints = new ArrayList<>(findings.size());
    for (Object finding : findings) {
      if (finding instanceof Map<?, ?> map && map.get("fingerprint") instanceof String print) {
        fingerprints.add(print);
      }
    }
    current.secretsSeen(event.session(), fingerprints, System.nanoTime());
  }

  // ---- traces

  /** The request to forward (the same instance when untouched), or null when nothing is left. */
  private ExportTraceServiceRequest traces(Telemetry telemetry, GuardState st) {
    ExportTraceServiceRequest request = telemetry.traces();
    long now = System.nanoTime();
    Map<Span, Decision> decisions = null;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Resource resource = resourceSpans.getResource();
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          Decision decision = decide(span, resource, telemetry, st, now);
          if (decision != null) {
            if (decisions == null) {
              decisions = new IdentityHashMap<>();
            }
            decisions.put(span, decision);
          }
        }
      }
    }
    if (decisions == null) {
      return request;
    }
    dropDescendants(request, decisions, st, now);
    ExportTraceServiceRequest.Builder out = ExportTraceServiceRequest.newBuilder();
    int kept = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      ResourceSpans.Builder resourceOut = null;
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        List<Span> spans = new ArrayList<>(scopeSpans.getSpansCount());
        for (Span span : scopeSpans.getSpansList()) {
          Decision decision = decisions.get(span);
          if (decision == null) {
            spans.add(span);
          } else if (!decision.drop) {
            spans.add(span.toBuilder().addAllAttributes(annotation(decision.verdict)).build());
          }
        }
        if (spans.isEmpty()) {
          continue;
        }
        kept += spans.size();
        if (resourceOut == null) {
          resourceOut = resourceSpans.toBuilder().clearScopeSpans();
        }
        resourceOut.addScopeSpans(scopeSpans.toBuilder().clearSpans().addAllSpans(spans));
      }
      if (resourceOut != null) {
        out.addResourceSpans(resourceOut);
      }
    }
    return kept == 0 ? null : out.build();
  }

  private Decision decide(Span span, Resource resource, Telemetry telemetry, GuardState st,
      long now) {
    if (st.anyBlockedSpans() && !span.getParentSpanId().isEmpty()
        && st.spanBlocked(span.getTraceId(), span.getParentSpanId(), now)) {
      count(GuardConfig.CHILD_OF_BLOCKED, Action.BLOCK);
      return Decision.DROP_QUIETLY;
    }
    RecordScan scan = new RecordScan();
    scan.scan(span.getAttributesList());
    for (int i = 0; i < span.getEventsCount(); i++) {
      scan.scan(span.getEvents(i).getAttributesList());
    }
    String session = null;
    if (st.anySessionBlocked()) {
      session = Sessions.of(span, resource);
      if (st.sessionBlocked(session, now)) {
        count(GuardConfig.SESSION_BLOCKED, Action.BLOCK);
        return Decision.DROP_QUIETLY;
      }
    }
    if (!scan.hasInputs() && scan.maskedCount() == 0) {
      return null;
    }
    Verdict verdict = verdict(scan, () -> Sessions.of(span, resource), st, now);
    if (verdict == null) {
      return null;
    }
    return act(verdict, scan, session != null ? session : Sessions.of(span, resource),
        telemetry, "span", span.getTraceId(), span.getSpanId(), st, now);
  }

  /** Drops, transitively, spans whose parent was dropped in this request. */
  private void dropDescendants(ExportTraceServiceRequest request, Map<Span, Decision> decisions,
      GuardState st, long now) {
    Map<ByteString, Set<ByteString>> dropped = new LinkedHashMap<>();
    for (Map.Entry<Span, Decision> entry : decisions.entrySet()) {
      if (entry.getValue().drop) {
        Span span = entry.getKey();
        dropped.computeIfAbsent(span.getTraceId(), t -> new HashSet<>()).add(span.getSpanId());
      }
    }
    if (dropped.isEmpty()) {
      return;
    }
    Map<ByteString, List<Span>> children = new HashMap<>();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          if (!span.getParentSpanId().isEmpty()) {
            children.computeIfAbsent(span.getParentSpanId(), p -> new ArrayList<>()).add(span);
          }
        }
      }
    }
    ArrayDeque<Span> work = new ArrayDeque<>();
    for (Map.Entry<Span, Decision> entry : decisions.entrySet()) {
      if (entry.getValue().drop) {
        work.add(entry.getKey());
      }
    }
    while (!work.isEmpty()) {
      Span parent = work.poll();
      for (Span child : children.getOrDefault(parent.getSpanId(), List.of())) {
        Decision existing = decisions.get(child);
        if (child.getTraceId().equals(parent.getTraceId())
            && (existing == null || !existing.drop)) {
          decisions.put(child, Decision.DROP_QUIETLY);
          count(GuardConfig.CHILD_OF_BLOCKED, Action.BLOCK);
          dropped.computeIfAbsent(child.getTraceId(), t -> new HashSet<>())
              .add(child.getSpanId());
          work.add(child);
        }
      }
    }
    dropped.forEach((traceId, spanIds) -> st.rememberBlocked(traceId, spanIds, now));
  }

  // ---- logs

  private ExportLogsServiceRequest logs(Telemetry telemetry, GuardState st) {
    ExportLogsServiceRequest request = telemetry.logs();
    long now = System.nanoTime();
    Map<LogRecord, Decision> decisions = null;
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      Resource resource = resourceLogs.getResource();
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        for (LogRecord log : scopeLogs.getLogRecordsList()) {
          Decision decision = decide(log, resource, telemetry, st, now);
          if (decision != null) {
            if (decisions == null) {
              decisions = new IdentityHashMap<>();
            }
            decisions.put(log, decision);
          }
        }
      }
    }
    if (decisions == null) {
      return request;
    }
    // Records of a span whose tool call was blocked in this request go too.
    Map<ByteString, Set<ByteString>> blockedSpans = new HashMap<>();
    decisions.forEach((log, decision) -> {
      if (decision.drop && !log.getSpanId().isEmpty()) {
        blockedSpans.computeIfAbsent(log.getTraceId(), t -> new HashSet<>()).add(log.getSpanId());
      }
    });
    blockedSpans.forEach((traceId, spanIds) -> st.rememberBlocked(traceId, spanIds, now));
    ExportLogsServiceRequest.Builder out = ExportLogsServiceRequest.newBuilder();
    int kept = 0;
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      ResourceLogs.Builder resourceOut = null;
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        List<LogRecord> records = new ArrayList<>(scopeLogs.getLogRecordsCount());
        for (LogRecord log : scopeLogs.getLogRecordsList()) {
          Decision decision = decisions.get(log);
          boolean sameSpan = decision == null && !log.getSpanId().isEmpty()
              && blockedSpans.getOrDefault(log.getTraceId(), Set.of()).contains(log.getSpanId());
          if (sameSpan) {
            count(GuardConfig.CHILD_OF_BLOCKED, Action.BLOCK);
          } else if (decision == null) {
            records.add(log);
          } else if (!decision.drop) {
            records.add(log.toBuilder().addAllAttributes(annotation(decision.verdict)).build());
          }
        }
        if (records.isEmpty()) {
          continue;
        }
        kept += records.size();
        if (resourceOut == null) {
          resourceOut = resourceLogs.toBuilder().clearScopeLogs();
        }
        resourceOut.addScopeLogs(scopeLogs.toBuilder().clearLogRecords().addAllLogRecords(records));
      }
      if (resourceOut != null) {
        out.addResourceLogs(resourceOut);
      }
    }
    return kept == 0 ? null : out.build();
  }

  private Decision decide(LogRecord log, Resource resource, Telemetry telemetry, GuardState st,
      long now) {
    if (st.anyBlockedSpans() && !log.getSpanId().isEmpty()
        && st.spanBlocked(log.getTraceId(), log.getSpanId(), now)) {
      count(GuardConfig.CHILD_OF_BLOCKED, Action.BLOCK);
      return Decision.DROP_QUIETLY;
    }
    RecordScan scan = new RecordScan();
    scan.scan(log.getAttributesList());
    String session = null;
    if (st.anySessionBlocked()) {
      session = Sessions.of(log, resource);
      if (st.sessionBlocked(session, now)) {
        count(GuardConfig.SESSION_BLOCKED, Action.BLOCK);
        return Decision.DROP_QUIETLY;
      }
    }
    if (!scan.hasInputs() && scan.maskedCount() == 0) {
      return null;
    }
    Verdict verdict = verdict(scan, () -> Sessions.of(log, resource), st, now);
    if (verdict == null) {
      return null;
    }
    return act(verdict, scan, session != null ? session : Sessions.of(log, resource), telemetry,
        "log_record", log.getTraceId(), log.getSpanId(), st, now);
  }

  // ---- shared

  private Verdict verdict(RecordScan scan, java.util.function.Supplier<String> session,
      GuardState st, long now) {
    Verdict verdict = scan.inspect(guard);
    long masked = scan.maskedCount();
    if (masked > 0 && config.volumeRecordAction != null && config.maxSecretsPerRecord > 0
        && masked > config.maxSecretsPerRecord) {
      verdict = Verdict.stronger(verdict, new Verdict(GuardConfig.VOLUME_RECORD, Severity.HIGH, 0,
          config.volumeRecordAction, RecordScan.MASKED_COUNT + "=" + masked,
          RecordScan.MASKED_COUNT, Integer.MAX_VALUE));
    }
    if (masked > 0 && config.volumeSessionAction != null && config.maxDistinctSecrets > 0) {
      int distinct = st.distinctSecrets(session.get(), now);
      if (distinct > config.maxDistinctSecrets) {
        verdict = Verdict.stronger(verdict, new Verdict(GuardConfig.VOLUME_SESSION,
            Severity.HIGH, 0, config.volumeSessionAction,
            "distinct secrets in window=" + distinct, "session", Integer.MAX_VALUE));
      }
    }
    return verdict;
  }

  private Decision act(Verdict verdict, RecordScan scan, String session, Telemetry telemetry,
      String record, ByteString traceId, ByteString spanId, GuardState st, long now) {
    count(verdict.ruleId(), verdict.action());
    if (verdict.action() != Action.BLOCK) {
      return new Decision(false, verdict);
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("rule", verdict.ruleId());
    attributes.put("action", verdict.action().id());
    attributes.put("severity", verdict.severity().id());
    attributes.put("signal", telemetry.signal().id());
    attributes.put("record", record);
    attributes.put("principal", telemetry.context().principal());
    attributes.put("receiver", telemetry.context().receiver().toString());
    attributes.put("trace_id", HEX.formatHex(traceId.toByteArray()));
    attributes.put("span_id", HEX.formatHex(spanId.toByteArray()));
    attributes.put("attribute", verdict.location());
    attributes.put("excerpt", verdict.excerpt());
    if (!scan.toolName().isEmpty()) {
      attributes.put("tool", scan.toolName());
    }
    audit.publish(new AuditEvent(BLOCKED_EVENT, Instant.now(), session, id, attributes));
    if (config.sessionBlockAfter > 0
        && st.blockCounted(session, verdict.ruleId() + "\n" + verdict.excerpt(), now)) {
      Map<String, Object> escalation = new LinkedHashMap<>();
      escalation.put("rule", verdict.ruleId());
      escalation.put("blocks", config.sessionBlockAfter);
      escalation.put("cooldown_seconds", config.sessionCooldown.toSeconds());
      escalation.put("principal", telemetry.context().principal());
      audit.publish(new AuditEvent(SESSION_BLOCKED_EVENT, Instant.now(), session, id,
          escalation));
    }
    return new Decision(true, verdict);
  }

  private static List<KeyValue> annotation(Verdict verdict) {
    return List.of(
        KeyValue.newBuilder().setKey(RULE_ATTRIBUTE)
            .setValue(AnyValue.newBuilder().setStringValue(verdict.ruleId())).build(),
        KeyValue.newBuilder().setKey(ACTION_ATTRIBUTE)
            .setValue(AnyValue.newBuilder().setStringValue(verdict.action().id())).build());
  }

  private void count(String rule, Action action) {
    verdicts.add(1, verdictAttributes.computeIfAbsent(rule + "/" + action.id(),
        key -> componentAttributes.toBuilder().put(RULE, rule).put(ACTION, action.id()).build()));
  }

  /** What happens to one record: dropped, or forwarded with the verdict's attributes. */
  private record Decision(boolean drop, Verdict verdict) {
    static final Decision DROP_QUIETLY = new Decision(true, null);
  }
}
