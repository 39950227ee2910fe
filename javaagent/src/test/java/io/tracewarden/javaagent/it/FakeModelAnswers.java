package io.tracewarden.javaagent.it;

import io.tracewarden.javaagent.sample.AnthropicSampleApp;
import io.tracewarden.javaagent.sample.Planted;

/**
 * Recorded-style answers of the fake model beyond OpenAI's plain completion: the Anthropic
 * Messages API (JSON and server-sent events) and OpenAI streaming chat completions. Each carries
 * thinking, text and a tool call with the planted secrets; the streamed ones split a secret across
 * two deltas, so only the reassembled response holds it whole.
 */
public final class FakeModelAnswers {

  static final String ANTHROPIC_MESSAGE_ID = "msg_tw0001";
  static final String ANTHROPIC_RESPONSE_MODEL = AnthropicSampleApp.MODEL + "-20250929";
  static final String ANTHROPIC_TOOL_USE_ID = "toolu_tw42";

  private FakeModelAnswers() {}

  public static String anthropicMessage() {
    return "{\"id\":\"" + ANTHROPIC_MESSAGE_ID + "\",\"type\":\"message\",\"role\":\"assistant\","
        + "\"model\":\"" + ANTHROPIC_RESPONSE_MODEL + "\",\"content\":["
        + "{\"type\":\"thinking\",\"thinking\":" + json(Planted.REASONING)
        + ",\"signature\":\"c2lnbmF0dXJl\"},"
        + "{\"type\":\"text\",\"text\":" + json(Planted.CONTENT) + "},"
        + "{\"type\":\"tool_use\",\"id\":\"" + ANTHROPIC_TOOL_USE_ID + "\",\"name\":\""
        + Planted.TOOL_NAME + "\",\"input\":" + Planted.TOOL_ARGUMENTS + "}],"
        + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
        + "\"usage\":{\"input_tokens\":42,\"output_tokens\":17}}";
  }

  static String anthropicEvents() {
    String text = Planted.CONTENT;
    int cut = text.indexOf(Planted.POSTGRES_PASSWORD) + 5;
    String args = Planted.TOOL_ARGUMENTS;
    int argsCut = args.indexOf(Planted.GITHUB_TOKEN) + 8;
    return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\""
            + ANTHROPIC_MESSAGE_ID + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
            + ANTHROPIC_RESPONSE_MODEL + "\",\"content\":[],\"stop_reason\":null,"
            + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":42,\"output_tokens\":1}}}")
        + blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}")
        + delta(0, "{\"type\":\"thinking_delta\",\"thinking\":" + json(Planted.REASONING) + "}")
        + delta(0, "{\"type\":\"signature_delta\",\"signature\":\"c2lnbmF0dXJl\"}")
        + blockStop(0)
        + blockStart(1, "{\"type\":\"text\",\"text\":\"\"}")
        + delta(1, "{\"type\":\"text_delta\",\"text\":" + json(text.substring(0, cut)) + "}")
        + delta(1, "{\"type\":\"text_delta\",\"text\":" + json(text.substring(cut)) + "}")
        + blockStop(1)
        + blockStart(2, "{\"type\":\"tool_use\",\"id\":\"" + ANTHROPIC_TOOL_USE_ID
            + "\",\"name\":\"" + Planted.TOOL_NAME + "\",\"input\":{}}")
        + delta(2, "{\"type\":\"input_json_delta\",\"partial_json\":"
            + json(args.substring(0, argsCut)) + "}")
        + delta(2, "{\"type\":\"input_json_delta\",\"partial_json\":"
            + json(args.substring(argsCut)) + "}")
        + blockStop(2)
        + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
            + "\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":17}}")
        + event("message_stop", "{\"type\":\"message_stop\"}");
  }

  static String openAiChunks() {
    String text = Planted.CONTENT;
    int cut = text.indexOf(Planted.POSTGRES_PASSWORD) + 5;
    String args = Planted.TOOL_ARGUMENTS;
    int argsCut = args.indexOf(Planted.GITHUB_TOKEN) + 8;
    return chunk("{\"role\":\"assistant\",\"reasoning_content\":" + json(Planted.REASONING) + "}",
            null)
        + chunk("{\"content\":" + json(text.substring(0, cut)) + "}", null)
        + chunk("{\"content\":" + json(text.substring(cut)) + "}", null)
        + chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"" + Planted.TOOL_CALL_ID
            + "\",\"type\":\"function\",\"function\":{\"name\":\"" + Planted.TOOL_NAME
            + "\",\"arguments\":" + json(args.substring(0, argsCut)) + "}}]}", null)
        + chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
            + json(args.substring(argsCut)) + "}}]}", null)
        + chunk("{}", "tool_calls")
        + "data: {\"id\":\"" + Planted.RESPONSE_ID + "\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1764000000,\"model\":\"" + Planted.MODEL + "-2024-07-18\",\"choices\":[],"
        + "\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":17,\"total_tokens\":59}}\n\n"
        + "data: [DONE]\n\n";
  }

  private static String chunk(String delta, String finishReason) {
    return "data: {\"id\":\"" + Planted.RESPONSE_ID + "\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1764000000,\"model\":\"" + Planted.MODEL + "-2024-07-18\","
        + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
        + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}\n\n";
  }

  private static String blockStart(int index, String block) {
    return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
        + ",\"content_block\":" + block + "}");
  }

  private static String delta(int index, String delta) {
    return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
        + ",\"delta\":" + delta + "}");
  }

  private static String blockStop(int index) {
    return event("content_block_stop",
        "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
  }

  private static String event(String name, String data) {
    return "event: " + name + "\ndata: " + data + "\n\n";
  }

  static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
