package io.tracewarden.javaagent.instrumentation.genai;

/**
 * Writes the GenAI semantic conventions' {@code gen_ai.input.messages} /
 * {@code gen_ai.output.messages} JSON: an array of {@code {"role", "parts": [...]}} with typed
 * parts. Written by hand because it runs as a helper in the application's class loader, where no
 * JSON library of ours exists. Every instrumentation maps its library's message types onto it, so
 * the JSON has one shape whatever the library.
 */
public final class GenAiJson {

  private final StringBuilder b = new StringBuilder(256).append('[');
  private boolean anyMessage;
  private boolean inMessage;
  private boolean anyPart;

  /** Opens the next message (and closes the one before). */
  public GenAiJson message(String role) {
    closeMessage();
    if (anyMessage) {
      b.append(',');
    }
    anyMessage = true;
    inMessage = true;
    anyPart = false;
    b.append("{\"role\":");
    string(b, role);
    b.append(",\"parts\":[");
    return this;
  }

  public GenAiJson text(String content) {
    return contentPart("text", content);
  }

  /** The model's thinking (Anthropic thinking blocks, LangChain4j {@code AiMessage.thinking()}). */
  public GenAiJson reasoning(String content) {
    return contentPart("reasoning", content);
  }

  /** A tool call; {@code arguments} is the arguments' JSON text, recorded as a string. */
  public GenAiJson toolCall(String id, String name, String arguments) {
    openPart("tool_call");
    b.append(",\"id\":");
    string(b, id);
    b.append(",\"name\":");
    string(b, name);
    b.append(",\"arguments\":");
    string(b, arguments);
    b.append('}');
    return this;
  }

  public GenAiJson toolCallResponse(String id, String response) {
    openPart("tool_call_response");
    b.append(",\"id\":");
    string(b, id);
    b.append(",\"response\":");
    string(b, response);
    b.append('}');
    return this;
  }

  /** A part whose content is not captured (an image, a document): only its type is recorded. */
  public GenAiJson opaquePart(String type) {
    openPart(type);
    b.append('}');
    return this;
  }

  /** Closes the current message with its finish reason (output messages only). */
  public GenAiJson finishReason(String finishReason) {
    if (inMessage) {
      b.append(']');
      if (finishReason != null) {
        b.append(",\"finish_reason\":");
        string(b, finishReason);
      }
      b.append('}');
      inMessage = false;
    }
    return this;
  }

  public String build() {
    closeMessage();
    return b.append(']').toString();
  }

  private GenAiJson contentPart(String type, String content) {
    openPart(type);
    b.append(",\"content\":");
    string(b, content);
    b.append('}');
    return this;
  }

  private void openPart(String type) {
    if (anyPart) {
      b.append(',');
    }
    anyPart = true;
    b.append("{\"type\":");
    string(b, type);
  }

  private void closeMessage() {
    if (inMessage) {
      b.append("]}");
      inMessage = false;
    }
  }

  /** {@code gen_ai.system_instructions}: the system prompt as an array of text parts. */
  public static String systemInstructions(Iterable<String> texts) {
    StringBuilder b = new StringBuilder(128).append('[');
    for (String text : texts) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("{\"type\":\"text\",\"content\":");
      string(b, text);
      b.append('}');
    }
    return b.append(']').toString();
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
