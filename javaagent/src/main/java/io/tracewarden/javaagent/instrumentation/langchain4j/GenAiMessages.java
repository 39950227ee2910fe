package io.tracewarden.javaagent.instrumentation.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import io.tracewarden.javaagent.instrumentation.genai.GenAiJson;
import java.util.List;
import java.util.Locale;

/**
 * LangChain4j messages as the GenAI semantic conventions' {@code gen_ai.input.messages} /
 * {@code gen_ai.output.messages} JSON (roles and typed parts: text, reasoning, tool_call,
 * tool_call_response).
 */
final class GenAiMessages {

  private GenAiMessages() {}

  static String input(List<ChatMessage> messages) {
    GenAiJson json = new GenAiJson();
    for (ChatMessage m : messages) {
      if (m instanceof SystemMessage) {
        json.message("system").text(((SystemMessage) m).text());
      } else if (m instanceof UserMessage) {
        json.message("user");
        for (Content c : ((UserMessage) m).contents()) {
          if (c instanceof TextContent) {
            json.text(((TextContent) c).text());
          } else {
            json.opaquePart(String.valueOf(c.type()).toLowerCase(Locale.ROOT));
          }
        }
      } else if (m instanceof AiMessage) {
        aiParts(json.message("assistant"), (AiMessage) m);
      } else if (m instanceof ToolExecutionResultMessage) {
        ToolExecutionResultMessage t = (ToolExecutionResultMessage) m;
        json.message("tool").toolCallResponse(t.id(), t.text());
      } else {
        json.message(String.valueOf(m.type()).toLowerCase(Locale.ROOT));
      }
    }
    return json.build();
  }

  static String output(AiMessage ai, String finishReason) {
    return aiParts(new GenAiJson().message("assistant"), ai).finishReason(finishReason).build();
  }

  private static GenAiJson aiParts(GenAiJson json, AiMessage ai) {
    if (ai.thinking() != null) {
      json.reasoning(ai.thinking());
    }
    if (ai.text() != null) {
      json.text(ai.text());
    }
    if (ai.hasToolExecutionRequests()) {
      for (ToolExecutionRequest t : ai.toolExecutionRequests()) {
        json.toolCall(t.id(), t.name(), t.arguments());
      }
    }
    return json;
  }
}
