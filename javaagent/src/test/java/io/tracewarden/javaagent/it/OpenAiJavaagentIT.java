package io.tracewarden.javaagent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.javaagent.sample.OpenAiSampleApp;
import io.tracewarden.javaagent.sample.Planted;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI Java SDK under the javaagent, against a fake model: the upstream GenAI
 * instrumentation captures prompts, completions and tool calls (content capture is on by
 * default), and every planted secret is masked before it is exported.
 */
class OpenAiJavaagentIT {

  private static FakeModelServer model;
  private static OtlpReceiver otlp;
  private static AgentRun run;

  @BeforeAll
  static void runSampleApp() throws Exception {
    model = new FakeModelServer();
    otlp = new OtlpReceiver();
    run = AgentRun.run(OpenAiSampleApp.class.getName(), otlp.endpoint(), List.of(),
        model.baseUrl());
  }

  @AfterAll
  static void stop() throws Exception {
    otlp.dump(java.nio.file.Path.of("target", "it-logs", "OpenAiJavaagentIT-otlp.txt"));
    model.close();
    otlp.close();
  }

  @Test
  void sampleAppRanUnderTheAgent() {
    assertThat(run.exitCode).as(run.output).isZero();
    assertThat(run.output).contains("RESPONSE_ID " + Planted.RESPONSE_ID);
    assertThat(run.output).contains("opentelemetry-javaagent");
    assertThat(model.requests()).isEqualTo(1);
  }

  @Test
  void genAiSpanArrives() {
    Span chat = chatSpan();
    assertThat(OtlpReceiver.string(chat.getAttributesList(), "gen_ai.request.model"))
        .isEqualTo(Planted.MODEL);
    assertThat(OtlpReceiver.string(chat.getAttributesList(), "gen_ai.response.id"))
        .isEqualTo(Planted.RESPONSE_ID);
    assertThat(chat.getTraceId().size()).isEqualTo(16);
  }

  @Test
  void messageContentIsCapturedAndMasked() {
    String logs = otlp.logs.stream().map(OpenAiJavaagentIT::render)
        .collect(Collectors.joining("\n"));
    // Captured at all (else "nothing leaked" would prove nothing)...
    assertThat(logs).contains("Deploy the orders service", "Opening a pull request",
        Planted.TOOL_CALL_ID, Planted.TOOL_NAME, "acme/orders", "db.internal");
    // ...and masked.
    assertThat(logs).contains("[REDACTED:");
    assertThat(logs).doesNotContain(Planted.AWS_KEY_ID, Planted.GITHUB_TOKEN,
        Planted.POSTGRES_PASSWORD);
    List<LogRecord> masked = otlp.logs.stream()
        .filter(l -> OtlpReceiver.attribute(l.getAttributesList(), "tracewarden.masked.count")
            .isPresent())
        .collect(Collectors.toList());
    assertThat(masked).isNotEmpty();
    // The trace context survives the masking view.
    assertThat(masked).allSatisfy(l -> assertThat(l.getSpanId()).isEqualTo(chatSpan().getSpanId()));
  }

  @Test
  void noPlantedSecretInAnyExportedByte() {
    assertThat(otlp.rawBodies).isNotEmpty();
    for (byte[] body : otlp.rawBodies) {
      String s = new String(body, StandardCharsets.ISO_8859_1);
      assertThat(s).doesNotContain(Planted.AWS_KEY_ID, Planted.GITHUB_TOKEN,
          Planted.POSTGRES_PASSWORD);
    }
  }

  private static Span chatSpan() {
    return otlp.spans.stream()
        .filter(s -> "chat".equals(OtlpReceiver.string(s.getAttributesList(),
            "gen_ai.operation.name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no GenAI chat span among " + otlp.spans.stream()
            .map(Span::getName).collect(Collectors.toList()) + "\n" + run.output));
  }

  static String render(LogRecord log) {
    return log.getEventName() + " " + render(log.getBody()) + " " + log.getAttributesList();
  }

  private static String render(AnyValue v) {
    return v.toString();
  }
}
