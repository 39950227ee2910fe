package io.tracewarden.processors.approval;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
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
import io.tracewarden.core.component.Registrar;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.engine.Severity;
import io.tracewarden.processors.approval.ApprovalConfig.Scope;
import io.tracewarden.processors.approval.DecisionResult.Outcome;
import io.tracewarden.processors.approval.HoldDetail.DecisionRecord;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds records that carry a high-risk secret (after masking) until a human approves or denies
 * them, or until a timeout applies the configured default.
 *
 * <p>A request is split: records that need no decision go on at once and the sender's future
 * follows that part; held records become holds, each forwarded later as its own request with the
 * original context. With {@code scope: session}, every later record of a session with a pending
 * hold waits behind it, so that the session's order is kept. Holds live in memory, bounded by
 * {@code max_pending} and {@code max_pending_bytes}; when full, a request that would add to them is
 * refused to its sender with back-pressure, never dropped.
 *
 * <p>Releases run on one thread in decision order, so a session's records leave in order.
 */
final class ApprovalProcessor implements Processor, HoldStore {

  static final String MASKED_RULES = "tracewarden.masked.rules";
  static final String GUARD_ACTION = "tracewarden.guard.action";
  static final String CREATED = "hold.created";
  static final String APPROVAL_RECORDED = "hold.approval_recorded";
  static final String APPROVED = "hold.approved";
  static final String DENIED = "hold.denied";
  static final String EXPIRED = "hold.expired";
  static final String RELEASE_FAILED = "hold.release_failed";
  static final String SYSTEM = "tracewarden";

  private static final Logger logger = LoggerFactory.getLogger(ApprovalProcessor.class);
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private static final int FINDINGS_CACHE = 16_384;
  private static final int RELEASE_ATTEMPTS = 4;

  private final Object lock = new Object();
  private final ComponentId id;
  private final ApprovalConfig config;
  private final Consumer next;
  private final AuditBus audit;
  private final Map<String, Severity> knownSeverities;
  private final FindingsCache findings = new FindingsCache(FINDINGS_CACHE);
  private final LongCounter decisions;
  private final LongCounter refused;
  private final DoubleHistogram timeToDecision;
  private final Attributes componentAttributes;
  private final Map<String, Attributes> outcomeAttributes = new HashMap<>();

  // Guarded by lock.
  private final Map<String, Hold> pending = new LinkedHashMap<>();
  private final Map<String, Deque<Object>> sessionQueues = new HashMap<>();
  private final Deque<Hold> decided = new ArrayDeque<>();
  private long heldBytes;
  private boolean started;
  private boolean stopped;
  private volatile ScheduledThreadPoolExecutor scheduler;
  private final List<AutoCloseable> registrations = new ArrayList<>();
  private AutoCloseable subscription;
  private Webhook webhook;
  /** Mirrors {@code sessionQueues.isEmpty()} for the lock-free fast path. */
  private volatile boolean anySessionQueued;

  ApprovalProcessor(ComponentSettings settings, ApprovalConfig config, Consumer next,
      Map<String, Severity> knownSeverities) {
    this.id = settings.id();
    this.config = config;
    this.next = next;
    this.audit = settings.audit();
    this.knownSeverities = Map.copyOf(knownSeverities);
    this.componentAttributes = settings.metrics().attributes();
    this.decisions = settings.metrics().meter().counterBuilder("tracewarden.approval.decisions")
        .setDescription("Holds resolved, by outcome").setUnit("{hold}").build();
    this.refused = settings.metrics().meter().counterBuilder("tracewarden.approval.refused")
        .setDescription("Records refused to their sender because the hold store was full")
        .setUnit("{record}").build();
    this.timeToDecision = settings.metrics().meter()
        .histogramBuilder("tracewarden.approval.decision.duration")
        .setDescription("Time from hold to decision").setUnit("s").build();
    settings.metrics().gauge("tracewarden.approval.pending", "Holds awaiting a decision",
        "{hold}", this::pendingCount);
    for (String outcome : List.of("approved", "denied", "expired_released", "expired_dropped",
        "shutdown_released", "shutdown_dropped")) {
      outcomeAttributes.put(outcome, componentAttributes.toBuilder().put(OUTCOME, outcome).build());
    }
  }

  // ---- lifecycle

  @Override
  public void start(Host host) {
    synchronized (lock) {
      if (started || stopped) {
        return;
      }
      started = true;
      scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "tracewarden-" + id + "-holds");
        thread.setDaemon(true);
        return thread;
      });
      scheduler.setRemoveOnCancelPolicy(true);
      scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      subscription = audit.subscribe(findings::onEvent);
      if (config.webhookUrl != null) {
        webhook = new Webhook(config.webhookUrl, id);
      }
      for (Registrar registrar : host.extensionsOf(Registrar.class)) {
        registrations.add(registrar.register(HoldStore.class, this));
      }
    }
    if (registrations.isEmpty()) {
      logger.warn("{}: no admin extension to expose holds; they resolve only by timeout ({})",
          id, config.releaseOnTimeout ? "release" : "deny");
    }
  }

  @Override
  public void shutdown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<AuditEvent> events = new ArrayList<>();
    ScheduledThreadPoolExecutor executor;
    List<AutoCloseable> handles;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      executor = scheduler;
      handles = new ArrayList<>(registrations);
      registrations.clear();
      if (subscription != null) {
        handles.add(subscription);
      }
      for (Hold hold : new ArrayList<>(pending.values())) {
        finish(hold, HoldState.EXPIRED, config.releaseOnTimeout, SYSTEM, "shutdown", events);
      }
    }
    events.forEach(audit::publish);
    for (AutoCloseable handle : handles) {
      try {
        handle.close();
      } catch (Exception e) {
        logger.warn("{}: could not unregister", id, e);
      }
    }
    if (executor != null) {
      executor.shutdown();
      try {
        long left = deadline - System.nanoTime();
        if (!executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
          logger.warn("{}: releases still running at the shutdown deadline", id);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (webhook != null) {
      webhook.close();
    }
  }

  // ---- data path

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    if (telemetry.signal() == Signal.METRICS) {
      return next.consume(telemetry);
    }
    if (!isStarted()) {
      // Fail closed: nothing may pass a policy that is not running.
      throw new IllegalStateException(id + " received data before it started or after shutdown");
    }
    Classified classified = classify(telemetry);
    if (!classified.anyMatch && (config.scope == Scope.RECORD || !anySessionQueued)) {
      return next.consume(telemetry);
    }
    List<AuditEvent> events = new ArrayList<>();
    List<Hold> created = new ArrayList<>();
    Telemetry pass;
    synchronized (lock) {
      if (stopped) {
        return CompletableFuture.failedFuture(
            TelemetryException.retryable(id + " is shutting down", null));
      }
      pass = hold(telemetry, classified, created, events);
      if (pass == null) {
        refused.add(telemetry.itemCount(), componentAttributes);
        return CompletableFuture.failedFuture(TelemetryException.backPressure(
            id + ": too many records awaiting approval", Duration.ofSeconds(30)));
      }
    }
    events.forEach(audit::publish);
    if (webhook != null) {
      created.forEach(h -> webhook.notify(summary(h)));
    }
    return pass.itemCount() == 0 ? CompletableFuture.completedFuture(null) : next.consume(pass);
  }

  private boolean isStarted() {
    synchronized (lock) {
      return started && !stopped;
    }
  }

  /**
   * Splits {@code telemetry} into what passes and what is held, under the lock. Returns the part
   * to forward now, or null (having changed nothing) when the store has no room.
   */
  private Telemetry hold(Telemetry telemetry, Classified classified, List<Hold> created,
      List<AuditEvent> events) {
    int count = classified.records.length;
    int[] group = new int[count];
    // Part 0 passes; then per session, a held part and a waiting part.
    List<PartKey> parts = new ArrayList<>();
    parts.add(null);
    Map<String, int[]> partsBySession = new LinkedHashMap<>();
    Set<String> holding = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      RecordInfo info = classified.records[i];
      boolean match = info.reasons != null;
      String session = info.session;
      boolean sessionScoped = config.scope == Scope.SESSION && !session.isEmpty();
      String key = sessionScoped ? session : "\u0000record";
      if (match) {
        int[] indices = partsBySession.computeIfAbsent(key, k -> new int[] {-1, -1});
        if (indices[0] < 0) {
          indices[0] = parts.size();
          parts.add(new PartKey(session, true));
        }
        group[i] = indices[0];
        holding.add(key);
      } else if (sessionScoped && (holding.contains(key) || sessionQueues.containsKey(key))) {
        int[] indices = partsBySession.computeIfAbsent(key, k -> new int[] {-1, -1});
        if (indices[1] < 0) {
          indices[1] = parts.size();
          parts.add(new PartKey(session, false));
        }
        group[i] = indices[1];
      }
    }
    if (parts.size() == 1) {
      return telemetry;
    }
    Telemetry[] split = split(telemetry, group, parts.size());
    int newHolds = 0;
    long newBytes = 0;
    for (int p = 1; p < parts.size(); p++) {
      newHolds += parts.get(p).held ? 1 : 0;
      newBytes += split[p].request().getSerializedSize();
    }
    if (pending.size() + newHolds > config.maxPending
        || heldBytes + newBytes > config.maxPendingBytes) {
      return null;
    }
    Instant now = Instant.now();
    for (int p = 1; p < parts.size(); p++) {
      PartKey part = parts.get(p);
      Telemetry piece = split[p];
      long bytes = piece.request().getSerializedSize();
      heldBytes += bytes;
      Object entry;
      if (part.held) {
        List<RecordInfo> infos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          if (group[i] == p) {
            infos.add(classified.records[i]);
          }
        }
        Hold hold = new Hold(newId(), now, part.session, piece, bytes,
            infos.toArray(new RecordInfo[0]));
        pending.put(hold.id, hold);
        hold.timer = scheduler.schedule(() -> expire(hold.id), config.timeout.toNanos(),
            TimeUnit.NANOSECONDS);
        created.add(hold);
        events.add(event(CREATED, hold, Map.of("findings", findingMaps(hold.findings),
            "timeout_seconds", config.timeout.toSeconds(),
            "on_timeout", config.releaseOnTimeout ? "release" : "deny")));
        entry = hold;
      } else {
        entry = new Waiting(piece, bytes);
      }
      if (config.scope == Scope.SESSION && !part.session.isEmpty()) {
        sessionQueues.computeIfAbsent(part.session, k -> new ArrayDeque<>()).addLast(entry);
        anySessionQueued = true;
      }
    }
    return split[0];
  }

  private static Telemetry[] split(Telemetry telemetry, int[] group, int groups) {
    Telemetry[] out = new Telemetry[groups];
    if (telemetry.signal() == Signal.TRACES) {
      ExportTraceServiceRequest[] parts = Split.traces(telemetry.traces(), group, groups);
      for (int g = 0; g < groups; g++) {
        out[g] = Telemetry.traces(parts[g], telemetry.context());
      }
    } else {
      ExportLogsServiceRequest[] parts = Split.logs(telemetry.logs(), group, groups);
      for (int g = 0; g < groups; g++) {
        out[g] = Telemetry.logs(parts[g], telemetry.context());
      }
    }
    return out;
  }

  // ---- deciding which records to hold

  private Classified classify(Telemetry telemetry) {
    List<RecordInfo> records = new ArrayList<>();
    boolean anyMatch = false;
    boolean needSessions = config.scope == Scope.SESSION;
    if (telemetry.signal() == Signal.TRACES) {
      for (ResourceSpans resourceSpans : telemetry.traces().getResourceSpansList()) {
        Resource resource = resourceSpans.getResource();
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          for (Span span : scopeSpans.getSpansList()) {
            List<String> reasons = new ArrayList<>(0);
            List<HoldFinding> found = match(span.getAttributesList(), resource, "span",
                span.getTraceId(), span.getSpanId(), reasons);
            boolean match = !reasons.isEmpty();
            anyMatch |= match;
            String session = match || needSessions ? Sessions.of(span, resource) : "";
            records.add(new RecordInfo(session, match ? reasons : null, found,
                match ? service(resource) : ""));
          }
        }
      }
    } else {
      for (ResourceLogs resourceLogs : telemetry.logs().getResourceLogsList()) {
        Resource resource = resourceLogs.getResource();
        for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
          for (LogRecord log : scopeLogs.getLogRecordsList()) {
            List<String> reasons = new ArrayList<>(0);
            List<HoldFinding> found = match(log.getAttributesList(), resource, "log_record",
                log.getTraceId(), log.getSpanId(), reasons);
            boolean match = !reasons.isEmpty();
            anyMatch |= match;
            String session = match || needSessions ? Sessions.of(log, resource) : "";
            records.add(new RecordInfo(session, match ? reasons : null, found,
                match ? service(resource) : ""));
          }
        }
      }
    }
    return new Classified(records.toArray(new RecordInfo[0]), anyMatch);
  }

  /** Adds to {@code reasons} why this record is held; returns its findings. */
  private List<HoldFinding> match(List<KeyValue> attributes, Resource resource, String kind,
      com.google.protobuf.ByteString traceId, com.google.protobuf.ByteString spanId,
      List<String> reasons) {
    List<HoldFinding> found = List.of();
    AnyValue maskedRules = find(attributes, MASKED_RULES);
    if (maskedRules != null && maskedRules.hasArrayValue()) {
      found = findingsOf(maskedRules, kind, traceId, spanId);
      if (config.minSeverity != null) {
        for (HoldFinding finding : found) {
          if (severity(finding.severity()).compareTo(config.minSeverity) >= 0) {
            reasons.add("severity>=" + config.minSeverity.id());
            break;
          }
        }
      }
      if (!config.rules.isEmpty()) {
        for (AnyValue rule : maskedRules.getArrayValue().getValuesList()) {
          if (config.rules.contains(rule.getStringValue())) {
            reasons.add("rule:" + rule.getStringValue());
          }
        }
      }
    }
    if (config.guardHold) {
      AnyValue action = find(attributes, GUARD_ACTION);
      if (action != null && action.getStringValue().equals("hold")) {
        reasons.add("guard:hold");
      }
    }
    for (Map.Entry<String, String> wanted : config.attributes.entrySet()) {
      AnyValue value = find(attributes, wanted.getKey());
      if (value == null) {
        value = find(resource.getAttributesList(), wanted.getKey());
      }
      if (value != null && value.hasStringValue()
          && value.getStringValue().equals(wanted.getValue())) {
        reasons.add("attribute:" + wanted.getKey());
      }
    }
    return found;
  }

  /**
   * The findings of a masked record: from the {@code secrets.masked} audit event when it is known,
   * completed from the rules' severities for any rule the event did not cover. A rule of unknown
   * severity counts as critical: when in doubt, hold.
   */
  private List<HoldFinding> findingsOf(AnyValue maskedRules, String kind,
      com.google.protobuf.ByteString traceId, com.google.protobuf.ByteString spanId) {
    List<HoldFinding> known = spanId.isEmpty() ? List.of()
        : findings.get(kind, HEX.formatHex(traceId.toByteArray()),
            HEX.formatHex(spanId.toByteArray()));
    Set<String> covered = new TreeSet<>();
    known.forEach(f -> covered.add(f.rule()));
    List<HoldFinding> all = new ArrayList<>(known);
    for (AnyValue rule : maskedRules.getArrayValue().getValuesList()) {
      String ruleId = rule.getStringValue();
      if (covered.add(ruleId)) {
        Severity severity = knownSeverities.getOrDefault(ruleId, Severity.CRITICAL);
        all.add(new HoldFinding(ruleId, severity.id(), "", ""));
      }
    }
    return all;
  }

  private static Severity severity(String id) {
    try {
      return Severity.parse(id);
    } catch (IllegalArgumentException e) {
      return Severity.CRITICAL;
    }
  }

  private static AnyValue find(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        return attribute.getValue();
      }
    }
    return null;
  }

  private static String service(Resource resource) {
    AnyValue value = find(resource.getAttributesList(), "service.name");
    return value == null ? "" : value.getStringValue();
  }

  // ---- decisions

  @Override
  public ComponentId component() {
    return id;
  }

  @Override
  public List<HoldSummary> holds(HoldState state) {
    synchronized (lock) {
      List<HoldSummary> out = new ArrayList<>();
      if (state == null || state == HoldState.PENDING) {
        pending.values().forEach(h -> out.add(summary(h)));
      }
      if (state != HoldState.PENDING) {
        List<Hold> done = new ArrayList<>(decided);
        done.sort(Comparator.comparing((Hold h) -> h.decidedAt).reversed());
        for (Hold hold : done) {
          if (state == null || hold.state == state) {
            out.add(summary(hold));
          }
        }
      }
      return out;
    }
  }

  @Override
  public Optional<HoldDetail> hold(String holdId) {
    Hold hold;
    Telemetry data;
    HoldSummary summary;
    List<DecisionRecord> taken;
    synchronized (lock) {
      hold = find(holdId);
      if (hold == null) {
        return Optional.empty();
      }
      data = hold.state == HoldState.PENDING ? hold.telemetry : null;
      summary = summary(hold);
      taken = List.copyOf(hold.decisions);
    }
    String preview = "";
    boolean truncated = false;
    if (data != null) {
      byte[] json = OtlpCodec.encode(data.request(), OtlpCodec.Format.JSON);
      truncated = json.length > config.previewBytes;
      preview = new String(json, 0, Math.min(json.length, config.previewBytes),
          StandardCharsets.UTF_8);
    }
    return Optional.of(new HoldDetail(summary, hold.findings, taken, preview, truncated));
  }

  @Override
  public DecisionResult decide(String holdId, Decision decision) {
    List<AuditEvent> events = new ArrayList<>();
    DecisionResult result;
    synchronized (lock) {
      Hold hold = find(holdId);
      if (hold == null) {
        return new DecisionResult(Outcome.NOT_FOUND, null);
      }
      if (hold.state != HoldState.PENDING) {
        return new DecisionResult(Outcome.ALREADY_DECIDED, summary(hold));
      }
      if (decision.approve()) {
        if (decision.approver().equals(hold.principal)) {
          return new DecisionResult(Outcome.OWN_HOLD, summary(hold));
        }
        if (hold.approvers.contains(decision.approver())) {
          return new DecisionResult(Outcome.DUPLICATE_APPROVER, summary(hold));
        }
        hold.approvers.add(decision.approver());
        hold.decisions.add(new DecisionRecord(decision.approver(), true, decision.reason(),
            Instant.now()));
        if (hold.approvers.size() < config.minApprovals) {
          events.add(event(APPROVAL_RECORDED, hold, Map.of("approver", decision.approver(),
              "reason", decision.reason())));
          result = new DecisionResult(Outcome.APPROVAL_RECORDED, summary(hold));
        } else {
          finish(hold, HoldState.APPROVED, true, decision.approver(), decision.reason(), events);
          result = new DecisionResult(Outcome.APPROVED, summary(hold));
        }
      } else {
        hold.decisions.add(new DecisionRecord(decision.approver(), false, decision.reason(),
            Instant.now()));
        finish(hold, HoldState.DENIED, false, decision.approver(), decision.reason(), events);
        result = new DecisionResult(Outcome.DENIED, summary(hold));
      }
    }
    events.forEach(audit::publish);
    return result;
  }

  private void expire(String holdId) {
    List<AuditEvent> events = new ArrayList<>();
    synchronized (lock) {
      Hold hold = pending.get(holdId);
      if (hold == null || stopped) {
        return;
      }
      finish(hold, HoldState.EXPIRED, config.releaseOnTimeout, SYSTEM, "timeout", events);
    }
    events.forEach(audit::publish);
  }

  /**
   * Moves a pending hold to a final state, under the lock: audits it, and schedules whatever may
   * now leave (the hold itself if released, and in session scope everything queued behind it up
   * to the next pending hold).
   */
  private void finish(Hold hold, HoldState state, boolean release, String approver, String reason,
      List<AuditEvent> events) {
    pending.remove(hold.id);
    if (hold.timer != null) {
      hold.timer.cancel(false);
    }
    hold.state = state;
    hold.released = release;
    hold.decidedAt = Instant.now();
    hold.outcome = release ? "released" : "dropped";
    Duration waited = Duration.between(hold.createdAt, hold.decidedAt);
    timeToDecision.record(waited.toNanos() / 1e9, componentAttributes);
    String outcome = switch (state) {
      case APPROVED -> "approved";
      case DENIED -> "denied";
      default -> (reason.equals("shutdown") ? "shutdown_" : "expired_")
          + (release ? "released" : "dropped");
    };
    decisions.add(1, outcomeAttributes.get(outcome));
    String type = switch (state) {
      case APPROVED -> APPROVED;
      case DENIED -> DENIED;
      default -> EXPIRED;
    };
    events.add(event(type, hold, Map.of("approver", approver, "reason", reason,
        "outcome", hold.outcome, "approvals", List.copyOf(hold.approvers),
        "waited_ms", waited.toMillis())));

    decided.addLast(hold);
    while (decided.size() > config.retainDecided) {
      decided.removeFirst();
    }
    Deque<Object> queue = config.scope == Scope.SESSION ? sessionQueues.get(hold.session) : null;
    if (queue == null) {
      heldBytes -= hold.bytes;
      Telemetry data = hold.telemetry;
      hold.telemetry = null;
      if (release) {
        forwardLater(hold.id, data);
      }
      return;
    }
    drain(hold.session, queue);
  }

  private void drain(String session, Deque<Object> queue) {
    while (!queue.isEmpty()) {
      Object head = queue.peekFirst();
      if (head instanceof Hold hold) {
        if (hold.state == HoldState.PENDING) {
          return;
        }
        queue.removeFirst();
        heldBytes -= hold.bytes;
        Telemetry data = hold.telemetry;
        hold.telemetry = null;
        if (hold.released) {
          forwardLater(hold.id, data);
        }
      } else {
        Waiting waiting = (Waiting) queue.removeFirst();
        heldBytes -= waiting.bytes;
        forwardLater("", waiting.telemetry);
      }
    }
    sessionQueues.remove(session);
    anySessionQueued = !sessionQueues.isEmpty();
  }

  /** Queues a release on the single release thread, so releases leave in decision order. */
  private void forwardLater(String holdId, Telemetry data) {
    if (data == null || data.itemCount() == 0) {
      return;
    }
    if (scheduler == null) {
      return;
    }
    scheduler.execute(() -> forward(holdId, data, 1));
  }

  private void forward(String holdId, Telemetry data, int attempt) {
    CompletableFuture<Void> result;
    try {
      result = next.consume(data);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete((ok, failure) -> {
      if (failure == null) {
        return;
      }
      TelemetryException problem = TelemetryException.from(failure);
      boolean retry = problem.kind() != TelemetryException.Kind.PERMANENT
          && attempt < RELEASE_ATTEMPTS;
      if (retry) {
        try {
          scheduler.schedule(() -> forward(holdId, data, attempt + 1), 1L << attempt,
              TimeUnit.SECONDS);
          return;
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // Shutting down: report below.
        }
      }
      logger.warn("{}: released data was refused downstream ({}); it is lost", id,
          problem.kind());
      audit.publish(new AuditEvent(RELEASE_FAILED, Instant.now(), "", id, Map.of(
          "hold_id", holdId, "records", data.itemCount(), "kind", problem.kind().name())));
    });
  }

  private Hold find(String holdId) {
    Hold hold = pending.get(holdId);
    if (hold != null) {
      return hold;
    }
    for (Hold done : decided) {
      if (done.id.equals(holdId)) {
        return done;
      }
    }
    return null;
  }

  private long pendingCount() {
    synchronized (lock) {
      return pending.size();
    }
  }

  // ---- views and events

  private HoldSummary summary(Hold hold) {
    return new HoldSummary(hold.id, id.toString(), hold.state, hold.createdAt, hold.decidedAt,
        hold.session, hold.principal, hold.service, hold.signal, hold.records, hold.reasons,
        hold.rules, hold.severities, List.copyOf(hold.approvers), config.minApprovals,
        hold.outcome);
  }

  private AuditEvent event(String type, Hold hold, Map<String, Object> extra) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("hold_id", hold.id);
    attributes.put("principal", hold.principal);
    attributes.put("receiver", hold.receiver);
    attributes.put("service", hold.service);
    attributes.put("signal", hold.signal);
    attributes.put("records", hold.records);
    attributes.put("reasons", hold.reasons);
    attributes.put("rules", hold.rules);
    attributes.put("severities", hold.severities);
    attributes.putAll(extra);
    return new AuditEvent(type, Instant.now(), hold.session, id, attributes);
  }

  private static List<Map<String, Object>> findingMaps(List<HoldFinding> findings) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (HoldFinding finding : findings) {
      out.add(Map.of("rule", finding.rule(), "severity", finding.severity(),
          "path", finding.path(), "fingerprint", finding.fingerprint()));
    }
    return out;
  }

  private static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "h_" + HEX.formatHex(bytes);
  }

  // ---- nested types

  private record Classified(RecordInfo[] records, boolean anyMatch) {}

  /** One record: its session, and when it matched, why, what was found and its service. */
  private record RecordInfo(String session, List<String> reasons, List<HoldFinding> findings,
      String service) {}

  private record PartKey(String session, boolean held) {}

  /** Records of a session waiting behind a pending hold; they need no decision. */
  private record Waiting(Telemetry telemetry, long bytes) {}

  /** A held part of one request. Mutable fields are guarded by the processor's lock. */
  private static final class Hold {
    final String id;
    final Instant createdAt;
    final String session;
    final String principal;
    final String receiver;
    final String service;
    final String signal;
    final int records;
    final long bytes;
    final List<String> reasons;
    final List<String> rules;
    final List<String> severities;
    final List<HoldFinding> findings;
    final Set<String> approvers = new LinkedHashSet<>();
    final List<DecisionRecord> decisions = new ArrayList<>();
    Telemetry telemetry;
    HoldState state = HoldState.PENDING;
    boolean released;
    Instant decidedAt;
    String outcome = "";
    ScheduledFuture<?> timer;

    Hold(String id, Instant createdAt, String session, Telemetry telemetry, long bytes,
        RecordInfo[] infos) {
      this.id = id;
      this.createdAt = createdAt;
      this.session = session;
      this.telemetry = telemetry;
      this.bytes = bytes;
      this.principal = telemetry.context().principal();
      this.receiver = telemetry.context().receiver().toString();
      this.signal = telemetry.signal().id();
      this.records = telemetry.itemCount();
      Set<String> allReasons = new LinkedHashSet<>();
      Set<String> allRules = new LinkedHashSet<>();
      TreeSet<Severity> allSeverities = new TreeSet<>(Comparator.reverseOrder());
      List<HoldFinding> allFindings = new ArrayList<>();
      String firstService = "";
      for (RecordInfo info : infos) {
        if (info.reasons() != null) {
          allReasons.addAll(info.reasons());
        }
        for (HoldFinding finding : info.findings()) {
          allRules.add(finding.rule());
          allSeverities.add(severity(finding.severity()));
          allFindings.add(finding);
        }
        if (firstService.isEmpty()) {
          firstService = info.service();
        }
      }
      this.service = firstService;
      this.reasons = List.copyOf(allReasons);
      this.rules = List.copyOf(allRules);
      this.severities = allSeverities.stream().map(Severity::id).toList();
      this.findings = List.copyOf(allFindings);
    }
  }
}
