package io.tracewarden.javaagent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.javaagent.sample.LangChain4jSampleApp;
import io.tracewarden.javaagent.sample.Planted;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's OpenAI chat model under the javaagent, against the fake model: Tracewarden's own
 * LangChain4j instrumentation emits a GenAI chat span with input/output messages (text,
 * reasoning, tool calls) and usage, and every planted secret is masked before export.
 */
class LangChain4jJavaagentIT {

  private static FakeModelServer model;
  private static OtlpReceiver otlp;
  private static AgentRun run;

  @BeforeAll
  static void runSampleApp() throws Exception {
    model = new FakeModelServer();
    otlp = new OtlpReceiver();
    run = AgentRun.run(LangChain4jSampleApp.class.getName(), otlp.endpoint(), List.of(),
        model.baseUrl());
  }

  @AfterAll
  static void stop() throws Exception {
    otlp.dump(Path.of("target", "it-logs", "LangChain4jJavaagentIT-otlp.txt"));
    model.close();
    otlp.close();
  }

  @Test
  void sampleAppRanUnderTheAgent() {
    assertThat(run.exitCode).as(run.output).isZero();
    assertThat(run.output).contains("RESPONSE_ID " + Planted.RESPONSE_ID, "THINKING true",
        "TOOL_CALLS 1");
  }

  @Test
  void chatSpanFollowsTheGenAiConventions() {
    Span chat = chatSpan();
    assertThat(chat.getName()).isEqualTo("chat " + Planted.MODEL);
    assertThat(chat.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(string(chat, "gen_ai.provider.name")).isEqualTo("openai");
    assertThat(string(chat, "gen_ai.request.model")).isEqualTo(Planted.MODEL);
    assertThat(string(chat, "gen_ai.response.id")).isEqualTo(Planted.RESPONSE_ID);
    assertThat(attr(chat, "gen_ai.usage.input_tokens").getIntValue()).isEqualTo(42);
    assertThat(attr(chat, "gen_ai.usage.output_tokens").getIntValue()).isEqualTo(17);
    assertThat(attr(chat, "gen_ai.request.temperature").getDoubleValue()).isEqualTo(0.2);
    assertThat(attr(chat, "gen_ai.response.finish_reasons").getArrayValue().getValues(0)
        .getStringValue()).isEqualTo("tool_call");
    // The HTTP call to the model nests under the chat span.
    assertThat(otlp.spans).anySatisfy(s -> assertThat(s.getParentSpanId())
        .isEqualTo(chat.getSpanId()));
  }

  @Test
  void messagesAreCapturedAndMasked() {
    Span chat = chatSpan();
    String input = string(chat, "gen_ai.input.messages");
    String output = string(chat, "gen_ai.output.messages");
    assertThat(input).startsWith("[{\"role\":\"system\"").contains("\"role\":\"user\"",
        "Deploy the orders service", "[REDACTED:").doesNotContain(Planted.AWS_KEY_ID);
    assertThat(output).contains("\"type\":\"reasoning\"", "\"type\":\"tool_call\"",
        "\"id\":\"" + Planted.TOOL_CALL_ID + "\"", "\"name\":\"" + Planted.TOOL_NAME + "\"",
        "acme/orders", "Opening a pull request", "db.internal", "\"finish_reason\":\"tool_call\"")
        .doesNotContain(Planted.AWS_KEY_ID, Planted.GITHUB_TOKEN, Planted.POSTGRES_PASSWORD);
    assertThat(attr(chat, "tracewarden.masked.count").getIntValue()).isGreaterThanOrEqualTo(4);
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
        .filter(s -> "chat".equals(string(s, "gen_ai.operation.name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no GenAI chat span among " + otlp.spans.stream()
            .map(Span::getName).collect(Collectors.toList()) + "\n" + run.output));
  }

  private static String string(Span s, String key) {
    return OtlpReceiver.string(s.getAttributesList(), key);
  }

  private static AnyValue attr(Span s, String key) {
    return OtlpReceiver.attribute(s.getAttributesList(), key)
        .orElseThrow(() -> new AssertionError("no " + key + " on " + s.getName()));
  }
}
