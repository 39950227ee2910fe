package io.tracewarden.processors.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.audit.AuditEvent;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.telemetry.SelfTelemetry;
import io.tracewarden.core.testing.Canaries;
import io.tracewarden.core.testing.RecordingConsumer;
import io.tracewarden.core.testing.TestComponents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsProcessorTest {

  private static final ByteString TRACE_ID = ByteString.copyFrom(new byte[] {
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25});
  private static final ByteString SPAN_ID = ByteString.copyFrom(new byte[] {1, 1, 2, 3, 5, 8, 13, 21});
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private final RecordingConsumer next = new RecordingConsumer();
  private final AuditBus audit = new AuditBus();
  private final SelfTelemetry telemetry = new SelfTelemetry();
  private final List<AuditEvent> events = new ArrayList<>();

  private Processor start(String yaml) throws Exception {
    audit.subscribe(events::add);
    Processor processor = new SecretsProcessorFactory().create(
        TestComponents.settings(ComponentKind.PROCESSOR, "secrets", dir, telemetry, audit),
        TestComponents.config(yaml), Signal.TRACES, next);
    processor.start(TestComponents.host());
    return processor;
  }

  @Test
  void masksEverySpanLocationAndKeepsIdsKeysAndCleanText() throws Exception {
    String pem = Canaries.pemPrivateKey();
    String messages = JSON.writeValueAsString(List.of(Map.of("role", "assistant", "parts",
        List.of(Map.of("type", "text", "content", "Here is the key you asked for:\n" + pem
            + "\nkeep it safe")))));
    assertThat(messages).contains("\\n").doesNotContain("\n");
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder()
                .addAttributes(attr("service.name", "agent"))
                .addAttributes(attr("deploy.token", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)))
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder()
                .setTraceId(TRACE_ID).setSpanId(SPAN_ID)
                .setName("call " + Canaries.AWS_KEY_ID)
                .addAttributes(attr("gen_ai.conversation.id", "conv-42"))
                .addAttributes(attr("gen_ai.output.messages", messages))
                .addAttributes(KeyValue.newBuilder().setKey("tool").setValue(AnyValue.newBuilder()
                    .setKvlistValue(KeyValueList.newBuilder().addValues(attr("cmd",
                        "curl -H 'Authorization: Bearer " + Canaries.OPENAI_KEY + "' x")))))
                .setStatus(Status.newBuilder().setMessage("connect " + Canaries.POSTGRES_URL))
                .addEvents(Span.Event.newBuilder().setName("tool.result")
                    .addAttributes(attr("output", "SLACK=" + Canaries.SLACK_TOKEN)))
                .addLinks(Span.Link.newBuilder().setTraceId(TRACE_ID).setSpanId(SPAN_ID)
                    .addAttributes(attr("note", "ANTHROPIC_API_KEY=" + Canaries.ANTHROPIC_KEY))))))
        .build();

    Processor processor = start("");
    processor.consume(Telemetry.traces(request, TestComponents.context())).get(5, TimeUnit.SECONDS);
    ExportTraceServiceRequest masked = next.received().get(0).traces();

    String all = masked.toString();
    for (String canary : Canaries.tokens()) {
      if (!canary.equals(Canaries.STRIPE_KEY)) {
        assertThat(all).doesNotContain(canary);
      }
    }
    assertThat(all).doesNotContain(Canaries.POSTGRES_PASSWORD);
    Canaries.pemBodyLines(pem).forEach(line -> assertThat(all).doesNotContain(line));

    Span span = masked.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(span.getName()).startsWith("call [REDACTED:aws-access-key-id:").endsWith("]");
    assertThat(span.getStatus().getMessage())
        .startsWith("connect postgres://app_rw:[REDACTED:").endsWith("@db.internal:5432/orders");
    JsonNode parsed = JSON.readTree(value(span, "gen_ai.output.messages"));
    String content = parsed.get(0).get("parts").get(0).get("content").asText();
    assertThat(content).startsWith("Here is the key you asked for:\n").endsWith("\nkeep it safe")
        .contains("[REDACTED:");
    assertThat(value(span, "gen_ai.conversation.id")).isEqualTo("conv-42");
    assertThat(masked.getResourceSpans(0).getResource().getAttributes(0).getValue()
        .getStringValue()).isEqualTo("agent");
    assertThat(span.getAttributesList()).extracting(KeyValue::getKey).containsExactly(
        "gen_ai.conversation.id", "gen_ai.output.messages", "tool",
        MaskingVisitor.MASKED_COUNT, MaskingVisitor.MASKED_RULES);
    assertThat(span.getAttributes(3).getValue().getIntValue()).isEqualTo(6);

    assertThat(events).extracting(AuditEvent::type).containsOnly("secrets.masked");
    AuditEvent spanEvent = events.stream().filter(e -> e.attributes().get("record").equals("span"))
        .findFirst().orElseThrow();
    assertThat(spanEvent.session()).isEqualTo("conv-42");
    assertThat(spanEvent.attributes()).containsEntry("span_id", "0101020305080d15");
    assertThat(spanEvent.attributes().get("findings").toString())
        .contains("span.attributes[tool][cmd]", "span.links[0].attributes[note]",
            "span.events[0].attributes[output]", "span.status.message", "span.name",
            "span.attributes[gen_ai.output.messages]");
    String auditText = events.toString();
    Canaries.tokens().forEach(canary -> assertThat(auditText).doesNotContain(canary));
    assertThat(auditText).doesNotContain(Canaries.POSTGRES_PASSWORD);
    Canaries.pemBodyLines(pem).forEach(line -> assertThat(auditText).doesNotContain(line));
    String metrics = telemetry.prometheusText();
    assertThat(metrics).contains("tracewarden_secrets_masked_total{")
        .contains("rule=\"aws-access-key-id\"");
    processor.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void masksLogBodiesAndUsesConfiguredStyleAndAllowlistedAttributes() throws Exception {
    Processor processor = start("""
        masking: { style: fixed, text: "****" }
        allowlist: { attributes: [test.fixture] }
        """);
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder()
                .setBody(AnyValue.newBuilder().setStringValue("token " + Canaries.GITHUB_TOKEN))
                .addAttributes(attr("test.fixture", Canaries.GITHUB_TOKEN)))))
        .build();
    processor.consume(Telemetry.logs(request, TestComponents.context())).get(5, TimeUnit.SECONDS);
    LogRecord log = next.received().get(0).logs().getResourceLogs(0).getScopeLogs(0)
        .getLogRecords(0);
    assertThat(log.getBody().getStringValue()).isEqualTo("token ****");
    assertThat(log.getAttributes(0).getValue().getStringValue()).isEqualTo(Canaries.GITHUB_TOKEN);
  }

  @Test
  void maskedDataNeverTravelsWithItsReceivedEncoding() throws Exception {
    Processor processor = start("");
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
            .addSpans(Span.newBuilder().setName("clean span"))
            .addSpans(Span.newBuilder().setName("token " + Canaries.GITHUB_TOKEN))))
        .build();
    Telemetry received = new Telemetry(Signal.TRACES, request, TestComponents.context(),
        request.toByteArray());
    processor.consume(received).get(5, TimeUnit.SECONDS);
    Telemetry forwarded = next.received().get(0);
    // The clean span's received bytes are reused; the masked one is encoded afresh.
    assertThat(forwarded.protobuf()).isNotNull().isEqualTo(forwarded.traces().toByteArray());
    assertThat(new String(forwarded.protobufBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(Canaries.GITHUB_TOKEN).contains("[REDACTED:github-pat:");
    assertThat(ExportTraceServiceRequest.parseFrom(forwarded.protobuf()))
        .isEqualTo(forwarded.traces());
  }

  @Test
  void aSecretUsedAsTheSessionIdIsMaskedInTheAuditEventToo() throws Exception {
    Processor processor = start("");
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
            .addSpans(Span.newBuilder().setTraceId(TRACE_ID).setName("op")
                .addAttributes(attr("session.id", Canaries.GITHUB_TOKEN)))))
        .build();
    processor.consume(Telemetry.traces(request, TestComponents.context())).get(5, TimeUnit.SECONDS);
    assertThat(events).singleElement().satisfies(event ->
        assertThat(event.session()).startsWith("[REDACTED:github-pat:")
            .doesNotContain(Canaries.GITHUB_TOKEN));
    assertThat(events.toString()).doesNotContain(Canaries.GITHUB_TOKEN);
  }

  @Test
  void cleanDataPassesAsTheSameInstance() throws Exception {
    Processor processor = start("");
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
            .addSpans(Span.newBuilder().setTraceId(TRACE_ID).setName("chat gpt-4o")
                .addAttributes(attr("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":"
                    + "\"what is the weather in Paris? trace 4bf92f3577b34da6a3ce929d0e0e4736\"}]")))))
        .build();
    Telemetry input = Telemetry.traces(request, TestComponents.context());
    processor.consume(input).get(5, TimeUnit.SECONDS);
    assertThat(next.received().get(0)).isSameAs(input);
    assertThat(events).isEmpty();
  }

  @Test
  void generatesTheFingerprintKeyOnceWithOwnerOnlyPermissions() throws Exception {
    start("");
    Path key = dir.resolve("keys").resolve("fingerprint.key");
    assertThat(key).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    byte[] first = Files.readAllBytes(key);
    start("");
    assertThat(Files.readAllBytes(key)).isEqualTo(first);
  }

  @Test
  void sameSecretGetsTheSameFingerprintUnderOneKeyAndAnotherUnderAnother() throws Exception {
    String a = maskedName(start("fingerprint_key: 0123456789abcdef-first"));
    String b = maskedName(start("fingerprint_key: 0123456789abcdef-first"));
    String c = maskedName(start("fingerprint_key: 0123456789abcdef-other"));
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void configErrorsNameTheKey() {
    assertThatThrownBy(() -> start("rules: [" + dir.resolve("missing.yaml") + "]"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("test.rules: cannot load rules");
    assertThatThrownBy(() -> start("fingerprint_key: short"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.yaml:1:18: test.fingerprint_key: must be at least 16");
    assertThatThrownBy(() -> start("allowlist: { regexes: ['(unclosed'] }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.allowlist: an allowlist regex is not valid RE2 syntax")
        .hasMessageNotContaining("unclosed");
    assertThatThrownBy(() -> start("masking: { style: blur }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("test.masking.style: must be one of");
  }

  @Test
  void userRuleFilesAndDisabledRulesApply() throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, """
        rules:
          - id: acme-internal-token
            description: ACME internal token
            severity: high
            regex: '\\b(acme_[a-z0-9]{24})\\b'
            keywords: [acme_]
        """);
    Processor processor = start("rules: [builtin, " + rules + "]\ndisabled_rules: [aws-access-key-id]\n");
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
            .addSpans(Span.newBuilder().setName("acme_k3j4h5g6f7d8s9a0q1w2e3r4 and "
                + Canaries.AWS_KEY_ID))))
        .build();
    processor.consume(Telemetry.traces(request, TestComponents.context())).get(5, TimeUnit.SECONDS);
    String name = next.received().get(0).traces().getResourceSpans(0).getScopeSpans(0).getSpans(0)
        .getName();
    assertThat(name).startsWith("[REDACTED:acme-internal-token:").endsWith(Canaries.AWS_KEY_ID);
  }

  private String maskedName(Processor processor) throws Exception {
    next.received();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
            .addSpans(Span.newBuilder().setName(Canaries.AWS_KEY_ID))))
        .build();
    int before = next.received().size();
    processor.consume(Telemetry.traces(request, TestComponents.context())).get(5, TimeUnit.SECONDS);
    return next.received().get(before).traces().getResourceSpans(0).getScopeSpans(0).getSpans(0)
        .getName();
  }

  private static String value(Span span, String key) {
    return span.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst()
        .orElseThrow().getValue().getStringValue();
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }
}
