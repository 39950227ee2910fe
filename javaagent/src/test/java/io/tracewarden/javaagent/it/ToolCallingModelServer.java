package io.tracewarden.javaagent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracewarden.javaagent.sample.GuardedToolsSampleApp;
import io.tracewarden.javaagent.sample.Planted;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible chat completions endpoint playing an agent's model: the first turn asks
 * for three tool calls (a benign {@code runShell}, one that sends the environment away, and a
 * {@code read_file} of the AWS credentials), the next turn, which carries the tool results, gets
 * a final answer. Keeps every request body.
 */
final class ToolCallingModelServer implements AutoCloseable {

  static final String BENIGN_CALL_ID = "call_tw_ls";
  static final String EXFIL_CALL_ID = "call_tw_exfil";
  static final String CREDENTIALS_CALL_ID = "call_tw_creds";
  static final String ANSWER = "The build machine looks fine.";

  final List<String> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  ToolCallingModelServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private void handle(HttpExchange exchange) throws IOException {
    String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(request);
    boolean toolResultsIn = request.contains("\"tool_call_id\"");
    byte[] body = (toolResultsIn ? answer() : toolCalls()).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String toolCalls() {
    return completion("null", "["
        + toolCall(BENIGN_CALL_ID, "runShell", "command", GuardedToolsSampleApp.BENIGN_COMMAND)
        + "," + toolCall(EXFIL_CALL_ID, "runShell", "command", GuardedToolsSampleApp.EXFIL_COMMAND)
        + "," + toolCall(CREDENTIALS_CALL_ID, "read_file", "path",
            GuardedToolsSampleApp.CREDENTIALS_PATH)
        + "]", "tool_calls");
  }

  private static String answer() {
    return completion(json(ANSWER), null, "stop");
  }

  private static String toolCall(String id, String tool, String key, String value) {
    String arguments = "{\"" + key + "\":" + json(value) + "}";
    return "{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + tool
        + "\",\"arguments\":" + json(arguments) + "}}";
  }

  private static String completion(String content, String toolCalls, String finishReason) {
    return "{\"id\":\"chatcmpl-tw-guard\",\"object\":\"chat.completion\","
        + "\"created\":1764000000,\"model\":\"" + Planted.MODEL + "\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + content
        + (toolCalls == null ? "" : ",\"tool_calls\":" + toolCalls) + "},"
        + "\"logprobs\":null,\"finish_reason\":\"" + finishReason + "\"}],"
        + "\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":12,\"total_tokens\":42}}";
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Override
  public void close() {
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
