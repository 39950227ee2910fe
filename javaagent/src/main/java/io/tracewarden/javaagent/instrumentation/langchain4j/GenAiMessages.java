package io.tracewarden.javaagent.instrumentation.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;

/**
 * LangChain4j messages as the GenAI semantic conventions' {@code gen_ai.input.messages} /
 * {@code gen_ai.output.messages} JSON (roles and typed parts: text, reasoning, tool_call,
 * tool_call_response). Written by hand: the helper must not depend on a JSON library.
 */
final class GenAiMessages {

  private GenAiMessages() {}

  static String input(List<ChatMessage> messages) {
    StringBuilder b = new StringBuilder(256).append('[');
    boolean first = true;
    for (ChatMessage m : messages) {
      if (!first) {
        b.append(',');
      }
      first = false;
      if (m instanceof SystemMessage) {
        open(b, "system");
        textPart(b, ((SystemMessage) m).text());
      } else if (m instanceof UserMessage) {
        open(b, "user");
        boolean firstPart = true;
        for (Content c : ((UserMessage) m).contents()) {
          if (!firstPart) {
            b.append(',');
          }
          firstPart = false;
          if (c instanceof TextContent) {
            textPart(b, ((TextContent) c).text());
          } else {
            b.append("{\"type\":");
            string(b, String.valueOf(c.type()).toLowerCase(java.util.Locale.ROOT));
            b.append('}');
          }
        }
      } else if (m instanceof AiMessage) {
        open(b, "assistant");
        aiParts(b, (AiMessage) m);
      } else if (m instanceof ToolExecutionResultMessage) {
        ToolExecutionResultMessage t = (ToolExecutionResultMessage) m;
        open(b, "tool");
        b.append("{\"type\":\"tool_call_response\",\"id\":");
        string(b, t.id());
        b.append(",\"response\":");
        string(b, t.text());
        b.append('}');
      } else {
        open(b, String.valueOf(m.type()).toLowerCase(java.util.Locale.ROOT));
      }
      b.append("]}");
    }
    return b.append(']').toString();
  }

  static String output(AiMessage ai, String finishReason) {
    StringBuilder b = new StringBuilder(256).append('[');
    open(b, "assistant");
    aiParts(b, ai);
    b.append(']');
    if (finishReason != null) {
      b.append(",\"finish_reason\":");
      string(b, finishReason);
    }
    return b.append("}]").toString();
  }

  private static void open(StringBuilder b, String role) {
    b.append("{\"role\":");
    string(b, role);
    b.append(",\"parts\":[");
  }

  private static void aiParts(StringBuilder b, AiMessage ai) {
    boolean first = true;
    if (ai.thinking() != null) {
      b.append("{\"type\":\"reasoning\",\"content\":");
      string(b, ai.thinking());
      b.append('}');
      first = false;
    }
    if (ai.text() != null) {
      if (!first) {
        b.append(',');
      }
      textPart(b, ai.text());
      first = false;
    }
    if (ai.hasToolExecutionRequests()) {
      for (ToolExecutionRequest t : ai.toolExecutionRequests()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        b.append("{\"type\":\"tool_call\",\"id\":");
        string(b, t.id());
        b.append(",\"name\":");
        string(b, t.name());
        b.append(",\"arguments\":");
        string(b, t.arguments());
        b.append('}');
      }
    }
  }

  private static void textPart(StringBuilder b, String text) {
    b.append("{\"type\":\"text\",\"content\":");
    string(b, text);
    b.append('}');
  }

  static void string(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }
}
