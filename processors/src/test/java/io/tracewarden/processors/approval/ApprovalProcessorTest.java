package io.tracewarden.processors.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.audit.AuditEvent;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.Registrar;
import io.tracewarden.core.component.ServiceStatus;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.telemetry.SelfTelemetry;
import io.tracewarden.core.testing.Canaries;
import io.tracewarden.core.testing.RecordingConsumer;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.processors.approval.DecisionResult.Outcome;
import io.tracewarden.processors.secrets.SecretsProcessorFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approval processor behind a real secrets processor, with a recording downstream. */
class ApprovalProcessorTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private final RecordingConsumer next = new RecordingConsumer();
  private final AuditBus audit = new AuditBus();
  private final SelfTelemetry telemetry = new SelfTelemetry();
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<HoldStore> registered = new CopyOnWriteArrayList<>();
  private final List<Processor> started = new ArrayList<>();
  private ApprovalProcessor approval;
  private Consumer chain;

  @AfterEach
  void stop() {
    started.forEach(p -> p.shutdown(Duration.ofSeconds(5)));
  }

  private void start(String yaml) throws Exception {
    audit.subscribe(events::add);
    approval = (ApprovalProcessor) new ApprovalProcessorFactory().create(
        TestComponents.settings(ComponentKind.PROCESSOR, "approval", dir, telemetry, audit),
        TestComponents.config(yaml), Signal.TRACES, next);
    Processor secrets = new SecretsProcessorFactory().create(
        TestComponents.settings(ComponentKind.PROCESSOR, "secrets", dir, telemetry, audit),
        TestComponents.config("fingerprint_key: approval-test-key-0123456789"), Signal.TRACES,
        approval);
    Host host = hostWithRegistrar();
    approval.start(host);
    secrets.start(host);
    started.add(secrets);
    started.add(approval);
    chain = secrets;
  }

  // ---- holding and releasing

  @Test
  void holdsACriticalSecretAndForwardsTheRestOfTheRequestAtOnce() throws Exception {
    start("timeout: 1m");

    CompletableFuture<Void> result = chain.consume(request("agent-sender",
        span("clean", "s1", "the weather is mild"),
        span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));

    result.get(5, TimeUnit.SECONDS);
    assertThat(spanNames(next.received())).containsExactly("clean");
    HoldSummary hold = single(approval.holds(HoldState.PENDING));
    assertThat(hold.records()).isEqualTo(1);
    assertThat(hold.principal()).isEqualTo("agent-sender");
    assertThat(hold.service()).isEqualTo("coding-agent");
    assertThat(hold.session()).isEqualTo("s1");
    assertThat(hold.rules()).containsExactly("github-pat");
    assertThat(hold.severities()).containsExactly("critical");
    assertThat(hold.reasons()).containsExactly("severity>=critical");
    assertThat(registered).containsExactly(approval);
    assertThat(eventTypes()).contains(ApprovalProcessor.CREATED);
  }

  @Test
  void previewIsTheMaskedRecordAndFindingsCarryPathAndFingerprintButNeverTheValue()
      throws Exception {
    start("timeout: 1m");
    chain.consume(request("p", span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));

    HoldDetail detail = approval.hold(single(approval.holds(null)).id()).orElseThrow();

    assertThat(detail.preview()).contains("[REDACTED:github-pat:")
        .doesNotContain(Canaries.GITHUB_TOKEN);
    assertThat(detail.findings()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo("github-pat");
      assertThat(f.severity()).isEqualTo("critical");
      assertThat(f.path()).isEqualTo("span.attributes[output]");
      assertThat(f.fingerprint()).matches("[0-9a-f]{8}");
    });
    assertThat(events.toString()).doesNotContain(Canaries.GITHUB_TOKEN);
  }

  @Test
  void approvalReleasesTheMaskedSpanExactlyOnceWithTheOriginalContext() throws Exception {
    start("timeout: 1m");
    chain.consume(request("agent-sender",
        span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));
    String id = single(approval.holds(HoldState.PENDING)).id();
    assertThat(next.received()).isEmpty();

    DecisionResult result = approval.decide(id, new Decision("alice", true, "reviewed"));

    assertThat(result.outcome()).isEqualTo(Outcome.APPROVED);
    List<Telemetry> received = next.awaitRequests(1, WAIT);
    assertThat(spanNames(received)).containsExactly("leaky");
    assertThat(received.get(0).context().principal()).isEqualTo("agent-sender");
    assertThat(new String(received.get(0).request().toByteArray(), StandardCharsets.ISO_8859_1))
        .doesNotContain(Canaries.GITHUB_TOKEN);
    assertThat(approval.decide(id, new Decision("bob", true, "")).outcome())
        .isEqualTo(Outcome.ALREADY_DECIDED);
    assertThat(approval.decide(id, new Decision("bob", false, "")).outcome())
        .isEqualTo(Outcome.ALREADY_DECIDED);
    Thread.sleep(100);
    assertThat(next.received()).hasSize(1);
    AuditEvent approved = event(ApprovalProcessor.APPROVED);
    assertThat(approved.attributes()).containsEntry("approver", "alice")
        .containsEntry("reason", "reviewed").containsEntry("hold_id", id)
        .containsEntry("outcome", "released");
    assertThat(approved.session()).isEqualTo("s1");
  }

  @Test
  void denialDropsTheHeldRecordsAndAuditsWhoAndWhy() throws Exception {
    start("timeout: 1m");
    chain.consume(request("p", span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));
    String id = single(approval.holds(null)).id();

    assertThat(approval.decide(id, new Decision("alice", false, "exfiltration")).outcome())
        .isEqualTo(Outcome.DENIED);

    Thread.sleep(200);
    assertThat(next.received()).isEmpty();
    assertThat(approval.holds(HoldState.DENIED)).singleElement()
        .satisfies(h -> assertThat(h.outcome()).isEqualTo("dropped"));
    assertThat(event(ApprovalProcessor.DENIED).attributes())
        .containsEntry("approver", "alice").containsEntry("reason", "exfiltration");
  }

  @Test
  void theSenderCannotApproveItsOwnHoldButMayDenyIt() throws Exception {
    start("timeout: 1m");
    chain.consume(request("agent-7", span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));
    String id = single(approval.holds(null)).id();

    assertThat(approval.decide(id, new Decision("agent-7", true, "")).outcome())
        .isEqualTo(Outcome.OWN_HOLD);
    assertThat(approval.holds(HoldState.PENDING)).hasSize(1);
    assertThat(approval.decide(id, new Decision("agent-7", false, "oops")).outcome())
        .isEqualTo(Outcome.DENIED);
  }

  @Test
  void fourEyesNeedDistinctApprovers() throws Exception {
    start("timeout: 1m\nmin_approvals: 2");
    chain.consume(request("p", span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));
    String id = single(approval.holds(null)).id();

    assertThat(approval.decide(id, new Decision("alice", true, "")).outcome())
        .isEqualTo(Outcome.APPROVAL_RECORDED);
    assertThat(approval.decide(id, new Decision("alice", true, "")).outcome())
        .isEqualTo(Outcome.DUPLICATE_APPROVER);
    assertThat(next.received()).isEmpty();
    assertThat(approval.decide(id, new Decision("bob", true, "")).outcome())
        .isEqualTo(Outcome.APPROVED);
    next.awaitRequests(1, WAIT);
    assertThat(single(approval.holds(HoldState.APPROVED)).approvals())
        .containsExactly("alice", "bob");
  }

  @Test
  void timeoutDeniesByDefault() throws Exception {
    start("timeout: 200ms");
    chain.consume(request("p", span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));

    awaitState(HoldState.EXPIRED);
    Thread.sleep(100);
    assertThat(next.received()).isEmpty();
    assertThat(event(ApprovalProcessor.EXPIRED).attributes())
        .containsEntry("reason", "timeout").containsEntry("outcome", "dropped")
        .containsEntry("approver", ApprovalProcessor.SYSTEM);
  }

  @Test
  void timeoutReleasesWhenConfiguredTo() throws Exception {
    start("timeout: 200ms\non_timeout: release");
    chain.consume(request("p", span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));

    assertThat(spanNames(next.awaitRequests(1, WAIT))).containsExactly("leaky");
    assertThat(event(ApprovalProcessor.EXPIRED).attributes()).containsEntry("outcome", "released");
  }

  @Test
  void sessionScopeKeepsLaterRecordsOfTheSessionBehindThePendingHoldInOrder() throws Exception {
    start("timeout: 1m\nscope: session");
    chain.consume(request("p", span("a-leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN),
        span("b-clean", "s1", "fine"), span("other-session", "s2", "fine")));
    chain.consume(request("p", span("c-clean", "s1", "still fine")));
    chain.consume(request("p", span("d-leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));
    chain.consume(request("p", span("e-clean", "s1", "after")));

    assertThat(spanNames(next.received())).containsExactly("other-session");
    List<HoldSummary> holds = approval.holds(HoldState.PENDING);
    assertThat(holds).hasSize(2);

    // Deciding the later hold first releases nothing: it waits behind the first.
    approval.decide(holds.get(1).id(), new Decision("alice", true, ""));
    Thread.sleep(200);
    assertThat(spanNames(next.received())).containsExactly("other-session");

    approval.decide(holds.get(0).id(), new Decision("alice", true, ""));
    List<Telemetry> received = next.awaitItems(6, WAIT);
    assertThat(spanNames(received)).containsExactly(
        "other-session", "a-leaky", "b-clean", "c-clean", "d-leaky", "e-clean");
    // The session is free again: new clean records pass at once.
    chain.consume(request("p", span("f-clean", "s1", "free")));
    assertThat(spanNames(next.received())).endsWith("f-clean");
  }

  @Test
  void sessionScopeReleasesWaitingRecordsWhenTheHoldIsDenied() throws Exception {
    start("timeout: 1m\nscope: session");
    chain.consume(request("p", span("a-leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));
    chain.consume(request("p", span("b-clean", "s1", "fine")));

    approval.decide(single(approval.holds(null)).id(), new Decision("alice", false, "no"));

    assertThat(spanNames(next.awaitItems(1, WAIT))).containsExactly("b-clean");
  }

  @Test
  void whenFullNewMatchingRecordsAreRefusedWithBackPressureAndNothingIsForwarded()
      throws Exception {
    start("timeout: 1m\nmax_pending: 1");
    chain.consume(request("p", span("first", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)))
        .get(5, TimeUnit.SECONDS);

    CompletableFuture<Void> refused = chain.consume(request("p", span("clean", "s2", "fine"),
        span("second", "s2", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));

    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(refused::join).satisfies(e -> assertThat(TelemetryException.from(e).kind())
        .isEqualTo(TelemetryException.Kind.BACK_PRESSURE));
    assertThat(next.received()).isEmpty();
    assertThat(approval.holds(null)).hasSize(1);
    // Clean data still flows.
    chain.consume(request("p", span("clean-2", "s3", "fine"))).get(5, TimeUnit.SECONDS);
    assertThat(spanNames(next.received())).containsExactly("clean-2");
  }

  @Test
  void maxPendingBytesAlsoRefuses() throws Exception {
    start("timeout: 1m\nmax_pending_bytes: 1KiB");
    String big = "x".repeat(2000);

    CompletableFuture<Void> refused = chain.consume(request("p",
        span("big", "s1", big + " GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));

    assertThat(TelemetryException.from(catchFailure(refused)).kind())
        .isEqualTo(TelemetryException.Kind.BACK_PRESSURE);
  }

  @Test
  void shutdownResolvesPendingHoldsByTheTimeoutPolicyAndAuditsThem() throws Exception {
    start("timeout: 1h\non_timeout: release");
    chain.consume(request("p", span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));

    approval.shutdown(Duration.ofSeconds(5));

    assertThat(spanNames(next.awaitRequests(1, WAIT))).containsExactly("leaky");
    assertThat(event(ApprovalProcessor.EXPIRED).attributes())
        .containsEntry("reason", "shutdown").containsEntry("outcome", "released");
    assertThat(registered).isEmpty();
    approval.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void shutdownWithDenyDropsPendingHolds() throws Exception {
    start("timeout: 1h");
    chain.consume(request("p", span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));

    approval.shutdown(Duration.ofSeconds(5));

    assertThat(next.received()).isEmpty();
    assertThat(event(ApprovalProcessor.EXPIRED).attributes())
        .containsEntry("reason", "shutdown").containsEntry("outcome", "dropped");
  }

  @Test
  void holdsOnRuleListGuardVerdictAndAttributeValue() throws Exception {
    start("""
        timeout: 1m
        hold_when:
          rules: [aws-access-key-id]
          guard_hold: true
          attributes: { gen_ai.tool.name: shell }
        """);
    Span guardHold = span("guarded", "s1", "fine").toBuilder()
        .addAttributes(attr(ApprovalProcessor.GUARD_ACTION, "hold")).build();
    Span tool = span("tool", "s2", "fine").toBuilder()
        .addAttributes(attr("gen_ai.tool.name", "shell")).build();
    chain.consume(request("p", span("aws", "s3", "key " + Canaries.AWS_KEY_ID), guardHold, tool,
        span("github", "s4", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));

    // GitHub is critical, but min_severity is not set once hold_when is given.
    assertThat(spanNames(next.received())).containsExactly("github");
    // In record scope, the held records of one request form one hold.
    HoldSummary hold = single(approval.holds(HoldState.PENDING));
    assertThat(hold.records()).isEqualTo(3);
    assertThat(hold.reasons()).containsExactlyInAnyOrder("rule:aws-access-key-id", "guard:hold",
        "attribute:gen_ai.tool.name");
  }

  @Test
  void withoutTheAuditEventSeverityComesFromTheBuiltInRules() throws Exception {
    RecordingConsumer downstream = new RecordingConsumer();
    ApprovalProcessor alone = (ApprovalProcessor) new ApprovalProcessorFactory().create(
        TestComponents.settings(ComponentKind.PROCESSOR, "approval", dir, telemetry, audit),
        TestComponents.config("hold_when: { min_severity: high }"), Signal.TRACES, downstream);
    alone.start(TestComponents.host());
    started.add(alone);
    KeyValue rules = KeyValue.newBuilder().setKey(ApprovalProcessor.MASKED_RULES)
        .setValue(AnyValue.newBuilder().setArrayValue(io.opentelemetry.proto.common.v1.ArrayValue
            .newBuilder().addValues(AnyValue.newBuilder().setStringValue("aws-access-key-id"))))
        .build();

    alone.consume(request("p", span("masked", "s1", "x").toBuilder().addAttributes(rules)
        .build(), span("clean", "s1", "y")));

    assertThat(spanNames(downstream.received())).containsExactly("clean");
    assertThat(single(alone.holds(null)).severities()).containsExactly("high");
  }

  @Test
  void metricsPassThroughAndConsumeBeforeStartFailsClosed() throws Exception {
    ApprovalProcessor fresh = (ApprovalProcessor) new ApprovalProcessorFactory().create(
        TestComponents.settings(ComponentKind.PROCESSOR, "approval", dir, telemetry, audit),
        TestComponents.config(""), Signal.TRACES, next);
    assertThatThrownBy(() -> fresh.consume(request("p", span("a", "s", "b"))))
        .isInstanceOf(IllegalStateException.class);
    fresh.shutdown(Duration.ofSeconds(1));
    fresh.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void lifecycleCreateStartConsumeShutdown() throws Exception {
    start("");
    chain.consume(request("p", span("clean", "s", "fine"))).get(5, TimeUnit.SECONDS);
    approval.shutdown(Duration.ofSeconds(1));
    approval.shutdown(Duration.ofSeconds(1));
    assertThat(spanNames(next.received())).containsExactly("clean");
  }

  @Test
  void pendingGaugeAndDecisionMetricsAreExported() throws Exception {
    start("timeout: 1m");
    chain.consume(request("p", span("leaky", "s1", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)));
    assertThat(telemetry.prometheusText()).contains("tracewarden_approval_pending");
    approval.decide(single(approval.holds(null)).id(), new Decision("a", false, ""));
    String text = telemetry.prometheusText();
    assertThat(text).contains("tracewarden_approval_decisions").contains("outcome=\"denied\"")
        .contains("tracewarden_approval_decision_duration");
  }

  @Test
  void configErrorsAreReported() {
    assertThatThrownBy(() -> new ApprovalConfig(TestComponents.config(
        "hold_when: { guard_hold: false }"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("holds nothing");
    assertThatThrownBy(() -> new ApprovalConfig(TestComponents.config("on_timeout: maybe")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("deny, release");
    assertThatThrownBy(() -> new ApprovalConfig(TestComponents.config("timeout: 0")))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> new ApprovalConfig(TestComponents.config(
        "webhook_url: ftp://hooks.example/secret-path"))).isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("secret-path");
    assertThatThrownBy(() -> new ApprovalConfig(TestComponents.config("reveal_to: [x]")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not supported");
  }

  // ---- helpers

  private Host hostWithRegistrar() {
    Registrar registrar = new RegistrarExtension();
    return new Host() {
      @Override
      public Map<ComponentId, Extension> extensions() {
        return Map.of(ComponentId.of("admin"), (Extension) registrar);
      }

      @Override
      public ServiceStatus status() {
        return new ServiceStatus(true, Map.of());
      }
    };
  }

  private final class RegistrarExtension implements Extension, Registrar {
    @Override
    public <T> AutoCloseable register(Class<T> type, T object) {
      registered.add((HoldStore) object);
      return () -> registered.remove(object);
    }
  }

  private void awaitState(HoldState state) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (approval.holds(state).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no hold reached " + state);
      }
      Thread.sleep(20);
    }
  }

  private static Throwable catchFailure(CompletableFuture<Void> future) {
    try {
      future.join();
      throw new AssertionError("expected a failure");
    } catch (RuntimeException e) {
      return e;
    }
  }

  private AuditEvent event(String type) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      for (AuditEvent event : events) {
        if (event.type().equals(type)) {
          return event;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + type + " event in " + eventTypes());
      }
      Thread.sleep(20);
    }
  }

  private List<String> eventTypes() {
    return events.stream().map(AuditEvent::type).toList();
  }

  private static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  private static List<String> spanNames(List<Telemetry> requests) {
    List<String> names = new ArrayList<>();
    for (Telemetry t : requests) {
      t.traces().getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
          .forEach(ss -> ss.getSpansList().forEach(s -> names.add(s.getName()))));
    }
    return names;
  }

  private static int spanCounter;

  private static Span span(String name, String session, String output) {
    spanCounter++;
    return Span.newBuilder().setName(name)
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
            15, (byte) spanCounter}))
        .setSpanId(ByteString.copyFrom(new byte[] {9, 9, 9, 9, 0, 0, (byte) (spanCounter >> 8),
            (byte) spanCounter}))
        .addAttributes(attr("gen_ai.conversation.id", session))
        .addAttributes(attr("output", output))
        .build();
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static Telemetry request(String principal, Span... spans) {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attr("service.name", "coding-agent")))
            .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
        .build();
    return Telemetry.traces(request, new TelemetryContext(principal, ComponentId.of("otlp"),
        "127.0.0.1:1", Instant.now()));
  }
}
