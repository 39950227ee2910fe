package io.tracewarden.javaagent.instrumentation.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenAiMessagesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void inputMessagesAreValidSemconvJson() throws Exception {
    ToolExecutionRequest call = ToolExecutionRequest.builder().id("c1").name("f")
        .arguments("{\"a\":\"x\\\"y\"}").build();
    String json = GenAiMessages.input(List.of(
        SystemMessage.from("be \"brief\"\n"),
        UserMessage.from("hi\u0001"),
        AiMessage.from(List.of(call)),
        ToolExecutionResultMessage.from(call, "ok")));
    JsonNode n = JSON.readTree(json);
    assertThat(n).hasSize(4);
    assertThat(n.get(0).get("role").asText()).isEqualTo("system");
    assertThat(n.get(0).get("parts").get(0).get("content").asText()).isEqualTo("be \"brief\"\n");
    assertThat(n.get(1).get("parts").get(0).get("content").asText()).isEqualTo("hi\u0001");
    assertThat(n.get(2).get("parts").get(0).get("type").asText()).isEqualTo("tool_call");
    assertThat(n.get(2).get("parts").get(0).get("arguments").asText())
        .isEqualTo("{\"a\":\"x\\\"y\"}");
    assertThat(n.get(3).get("role").asText()).isEqualTo("tool");
    assertThat(n.get(3).get("parts").get(0).get("type").asText()).isEqualTo("tool_call_response");
  }

  @Test
  void outputCarriesReasoningTextToolCallsAndFinishReason() throws Exception {
    AiMessage ai = AiMessage.builder().text("done").thinking("hmm")
        .toolExecutionRequests(List.of(ToolExecutionRequest.builder().id("c1").name("f")
            .arguments("{}").build()))
        .build();
    JsonNode n = JSON.readTree(GenAiMessages.output(ai, "tool_call")).get(0);
    assertThat(n.get("role").asText()).isEqualTo("assistant");
    assertThat(n.get("finish_reason").asText()).isEqualTo("tool_call");
    assertThat(n.get("parts")).extracting(p -> p.get("type").asText())
        .containsExactly("reasoning", "text", "tool_call");
  }
}
