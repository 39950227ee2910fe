package io.tracewarden.javaagent.instrumentation.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.JsonValue;
import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ThinkingBlockParam;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.UrlImageSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SDK's own request and response types, built and parsed by the SDK, as GenAI JSON. */
class AnthropicMessagesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void systemBlocksBecomeSystemInstructions() throws Exception {
    MessageCreateParams params = base()
        .systemOfTextBlockParams(List.of(TextBlockParam.builder().text("be \"brief\"").build(),
            TextBlockParam.builder().text("no tools\n").build()))
        .build();
    JsonNode system = JSON.readTree(AnthropicMessages.systemInstructions(params));
    assertThat(system).extracting(p -> p.get("content").asText())
        .containsExactly("be \"brief\"", "no tools\n");
    assertThat(AnthropicMessages.systemInstructions(base().build())).isNull();
  }

  @Test
  void everyInputBlockKindHasAPart() throws Exception {
    MessageCreateParams params = base()
        .addAssistantMessageOfContentBlockParams(List.of(ContentBlockParam.ofThinking(
            ThinkingBlockParam.builder().thinking("let me see").signature("sig").build())))
        .addUserMessageOfContentBlockParams(List.of(
            ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId("toolu_1")
                .contentOfBlocks(List.of(
                    ToolResultBlockParam.Content.Block.ofText(
                        TextBlockParam.builder().text("line 1").build()),
                    ToolResultBlockParam.Content.Block.ofText(
                        TextBlockParam.builder().text("line 2").build())))
                .build()),
            ContentBlockParam.ofImage(UrlImageSource.builder().url("https://x/y.png").build())))
        .build();
    JsonNode input = JSON.readTree(AnthropicMessages.input(params.messages()));
    assertThat(input).extracting(m -> m.get("role").asText())
        .containsExactly("user", "assistant", "user");
    assertThat(input.get(1).get("parts").get(0).get("type").asText()).isEqualTo("reasoning");
    JsonNode result = input.get(2).get("parts").get(0);
    assertThat(result.get("type").asText()).isEqualTo("tool_call_response");
    assertThat(result.get("response").asText()).isEqualTo("line 1\nline 2");
    // Content not captured (an image) is recorded by type only: no URL, no bytes.
    JsonNode image = input.get(2).get("parts").get(1);
    assertThat(image.get("type").asText()).isEqualTo("image");
    assertThat(image.size()).isEqualTo(1);
  }

  @Test
  void responseBlocksKeepTheirOrderAndToolInputIsJsonText() throws Exception {
    Message message = ObjectMappers.jsonMapper().readValue("{\"id\":\"msg_1\",\"type\":"
        + "\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":["
        + "{\"type\":\"redacted_thinking\",\"data\":\"opaque\"},"
        + "{\"type\":\"text\",\"text\":\"calling\"},"
        + "{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"f\","
        + "\"input\":{\"a\":[1,\"x\\\"\"]}}"
        + "],\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
        + "\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}", Message.class);
    JsonNode output = JSON.readTree(AnthropicMessages.output(message, "tool_call")).get(0);
    assertThat(output.get("finish_reason").asText()).isEqualTo("tool_call");
    JsonNode parts = output.get("parts");
    assertThat(parts).extracting(p -> p.get("type").asText())
        .containsExactly("reasoning", "text", "tool_call");
    assertThat(parts.get(0).has("content")).isFalse(); // redacted: nothing readable
    assertThat(JSON.readTree(parts.get(2).get("arguments").asText()))
        .isEqualTo(JSON.readTree("{\"a\":[1,\"x\\\"\"]}"));
  }

  @Test
  void stopReasonsUseTheConventionsVocabulary() {
    assertThat(AnthropicSpans.finishReason(StopReason.END_TURN)).isEqualTo("stop");
    assertThat(AnthropicSpans.finishReason(StopReason.STOP_SEQUENCE)).isEqualTo("stop");
    assertThat(AnthropicSpans.finishReason(StopReason.MAX_TOKENS)).isEqualTo("length");
    assertThat(AnthropicSpans.finishReason(StopReason.TOOL_USE)).isEqualTo("tool_call");
    assertThat(AnthropicSpans.finishReason(StopReason.REFUSAL)).isEqualTo("content_filter");
    assertThat(AnthropicSpans.finishReason(StopReason.of("pause_turn"))).isEqualTo("pause_turn");
  }

  private static MessageCreateParams.Builder base() {
    return MessageCreateParams.builder().model("claude-x").maxTokens(10)
        .addUserMessage("hi")
        .putAdditionalBodyProperty("temperature", JsonValue.from(0.5));
  }
}
