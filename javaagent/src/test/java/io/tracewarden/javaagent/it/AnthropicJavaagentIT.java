package io.tracewarden.javaagent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.javaagent.sample.AnthropicSampleApp;
import io.tracewarden.javaagent.sample.Planted;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic Java SDK under the javaagent, one {@code messages().create} and one
 * {@code createStreaming} against the fake model: Tracewarden's instrumentation emits one GenAI
 * chat span per call (the SDK's own tracing stays quiet for them) with the system prompt, the
 * conversation (including an earlier tool round trip), thinking, text and the tool call, and every
 * planted secret is masked before export, including one the stream split across two deltas.
 */
class AnthropicJavaagentIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static FakeModelServer model;
  private static OtlpReceiver otlp;
  private static AgentRun run;

  @BeforeAll
  static void runSampleApp() throws Exception {
    model = new FakeModelServer();
    otlp = new OtlpReceiver();
    run = AgentRun.run(AnthropicSampleApp.class.getName(), otlp.endpoint(), List.of(),
        model.rootUrl(), "1", "both");
  }

  @AfterAll
  static void stop() throws Exception {
    otlp.dump(Path.of("target", "it-logs", "AnthropicJavaagentIT-otlp.txt"));
    model.close();
    otlp.close();
  }

  @Test
  void sampleAppRanUnderTheAgent() {
    assertThat(run.exitCode).as(run.output).isZero();
    assertThat(run.output).contains("RESPONSE_ID " + FakeModelAnswers.ANTHROPIC_MESSAGE_ID,
        "BLOCKS 3", "STREAMED_ID " + FakeModelAnswers.ANTHROPIC_MESSAGE_ID, "STREAMED_BLOCKS 3");
    assertThat(model.requests()).isEqualTo(2);
  }

  @Test
  void oneChatSpanPerCallFollowingTheGenAiConventions() {
    List<Span> chats = chatSpans();
    assertThat(chats).hasSize(2);
    for (Span chat : chats) {
      assertThat(chat.getName()).isEqualTo("chat " + AnthropicSampleApp.MODEL);
      assertThat(chat.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
      assertThat(string(chat, "gen_ai.provider.name")).isEqualTo("anthropic");
      assertThat(string(chat, "gen_ai.request.model")).isEqualTo(AnthropicSampleApp.MODEL);
      assertThat(attr(chat, "gen_ai.request.max_tokens").getIntValue()).isEqualTo(1024);
      assertThat(attr(chat, "gen_ai.request.temperature").getDoubleValue()).isEqualTo(0.2);
      assertThat(attr(chat, "gen_ai.request.top_k").getDoubleValue()).isEqualTo(40.0);
      assertThat(string(chat, "gen_ai.response.id"))
          .isEqualTo(FakeModelAnswers.ANTHROPIC_MESSAGE_ID);
      assertThat(string(chat, "gen_ai.response.model"))
          .isEqualTo(FakeModelAnswers.ANTHROPIC_RESPONSE_MODEL);
      assertThat(attr(chat, "gen_ai.response.finish_reasons").getArrayValue().getValuesList())
          .extracting(AnyValue::getStringValue).containsExactly("tool_call");
      assertThat(attr(chat, "gen_ai.usage.input_tokens").getIntValue()).isEqualTo(42);
      assertThat(attr(chat, "gen_ai.usage.output_tokens").getIntValue()).isEqualTo(17);
      assertThat(OtlpReceiver.attribute(chat.getAttributesList(), "error.type")).isEmpty();
      // The SDK's HTTP call nests under the chat span.
      assertThat(otlp.spans).anySatisfy(s -> assertThat(s.getParentSpanId())
          .isEqualTo(chat.getSpanId()));
    }
    // The SDK's own spans (on by default under a global OpenTelemetry) are not there twice.
    assertThat(otlp.spans).noneSatisfy(s -> assertThat(s.getName())
        .startsWith("anthropic.messages"));
  }

  @Test
  void systemPromptAndConversationAreCapturedAndMasked() throws Exception {
    for (Span chat : chatSpans()) {
      JsonNode system = JSON.readTree(string(chat, "gen_ai.system_instructions"));
      assertThat(system.get(0).get("content").asText()).isEqualTo(Planted.SYSTEM_PROMPT);

      JsonNode input = JSON.readTree(string(chat, "gen_ai.input.messages"));
      assertThat(input).extracting(m -> m.get("role").asText())
          .containsExactly("user", "assistant", "user");
      JsonNode priorCall = input.get(1).get("parts").get(0);
      assertThat(priorCall.get("type").asText()).isEqualTo("tool_call");
      assertThat(priorCall.get("id").asText()).isEqualTo(AnthropicSampleApp.PRIOR_TOOL_USE_ID);
      assertThat(priorCall.get("name").asText()).isEqualTo(AnthropicSampleApp.PRIOR_TOOL_NAME);
      assertThat(JSON.readTree(priorCall.get("arguments").asText()).get("repo").asText())
          .isEqualTo("acme/orders");
      JsonNode result = input.get(2).get("parts").get(0);
      assertThat(result.get("type").asText()).isEqualTo("tool_call_response");
      assertThat(result.get("id").asText()).isEqualTo(AnthropicSampleApp.PRIOR_TOOL_USE_ID);
      assertThat(result.get("response").asText()).startsWith("CI for acme/orders is green")
          .contains("[REDACTED:").doesNotContain(Planted.GITHUB_TOKEN);
      JsonNode question = input.get(2).get("parts").get(1);
      assertThat(question.get("type").asText()).isEqualTo("text");
      assertThat(question.get("content").asText()).startsWith("Deploy the orders service")
          .contains("[REDACTED:").doesNotContain(Planted.AWS_KEY_ID);
    }
  }

  @Test
  void thinkingTextAndToolCallAreCapturedAndMaskedForBothCalls() throws Exception {
    List<Span> chats = chatSpans();
    for (Span chat : chats) {
      JsonNode output = JSON.readTree(string(chat, "gen_ai.output.messages")).get(0);
      assertThat(output.get("role").asText()).isEqualTo("assistant");
      assertThat(output.get("finish_reason").asText()).isEqualTo("tool_call");
      JsonNode parts = output.get("parts");
      assertThat(parts).extracting(p -> p.get("type").asText())
          .containsExactly("reasoning", "text", "tool_call");
      assertThat(parts.get(0).get("content").asText()).startsWith("The user pasted an AWS key")
          .contains("[REDACTED:", "open a pull request instead");
      assertThat(parts.get(1).get("content").asText()).startsWith("Opening a pull request")
          .contains("postgres://app_rw:[REDACTED:", "@db.internal:5432/orders");
      assertThat(parts.get(2).get("id").asText()).isEqualTo(FakeModelAnswers.ANTHROPIC_TOOL_USE_ID);
      assertThat(parts.get(2).get("name").asText()).isEqualTo(Planted.TOOL_NAME);
      JsonNode arguments = JSON.readTree(parts.get(2).get("arguments").asText());
      assertThat(arguments.get("repo").asText()).isEqualTo("acme/orders");
      assertThat(arguments.get("token").asText()).startsWith("[REDACTED:");
      assertThat(attr(chat, "tracewarden.masked.count").getIntValue()).isGreaterThanOrEqualTo(5);
    }
    // The stream's accumulated message is the same message as the plain call's.
    assertThat(string(chats.get(0), "gen_ai.output.messages"))
        .isEqualTo(string(chats.get(1), "gen_ai.output.messages"));
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

  private static List<Span> chatSpans() {
    List<Span> chats = otlp.spans.stream()
        .filter(s -> "chat".equals(string(s, "gen_ai.operation.name")))
        .collect(Collectors.toList());
    assertThat(chats).as("chat spans among %s\n%s", otlp.spans.stream().map(Span::getName)
        .collect(Collectors.toList()), run.output).isNotEmpty();
    return chats;
  }

  private static String string(Span s, String key) {
    return OtlpReceiver.string(s.getAttributesList(), key);
  }

  private static AnyValue attr(Span s, String key) {
    return OtlpReceiver.attribute(s.getAttributesList(), key)
        .orElseThrow(() -> new AssertionError("no " + key + " on " + s.getName()));
  }
}
