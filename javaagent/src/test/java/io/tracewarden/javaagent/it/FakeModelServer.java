package io.tracewarden.javaagent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracewarden.javaagent.sample.Planted;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A fake model answering recorded-style responses: OpenAI chat completions (plain or streamed) and
 * the Anthropic Messages API (plain or streamed), chosen by path and the request's
 * {@code "stream":true}.
 */
final class FakeModelServer implements AutoCloseable {

  private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final Samples handlerNanos = new Samples();

  FakeModelServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.createContext("/stats", this::stats);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  int requests() {
    return requests.get();
  }

  /** The Anthropic SDK's base URL (it adds {@code /v1/messages} itself). */
  String rootUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.incrementAndGet();
    boolean anthropic = exchange.getRequestURI().getPath().endsWith("/messages");
    boolean stream = STREAM.matcher(request).find();
    String answer = anthropic
        ? (stream ? FakeModelAnswers.anthropicEvents() : FakeModelAnswers.anthropicMessage())
        : (stream ? FakeModelAnswers.openAiChunks() : completionJson());
    byte[] body = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type",
        stream ? "text/event-stream" : "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    handlerNanos.record(System.nanoTime() - start);
  }

  /**
   * {@code GET /stats}: {@code <count> <median ns> <p99 ns>} of the handler's own time since the
   * last call, so the overhead measurement can take the fake model's time out.
   */
  private void stats(HttpExchange exchange) throws IOException {
    byte[] body = handlerNanos.drain().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static String completionJson() {
    return "{\"id\":\"" + Planted.RESPONSE_ID + "\",\"object\":\"chat.completion\","
        + "\"created\":1764000000,\"model\":\"" + Planted.MODEL + "-2024-07-18\","
        + "\"system_fingerprint\":\"fp_tw\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":" + json(Planted.CONTENT) + ","
        + "\"reasoning_content\":" + json(Planted.REASONING) + ","
        + "\"tool_calls\":[{\"id\":\"" + Planted.TOOL_CALL_ID + "\",\"type\":\"function\","
        + "\"function\":{\"name\":\"" + Planted.TOOL_NAME + "\",\"arguments\":"
        + json(Planted.TOOL_ARGUMENTS) + "}}]},"
        + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],"
        + "\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":17,\"total_tokens\":59}}";
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Handler times, bounded: the last 100 000. */
  private static final class Samples {
    private final Object lock = new Object();
    private final long[] nanos = new long[100_000];
    private int count;

    void record(long n) {
      synchronized (lock) {
        nanos[count++ % nanos.length] = n;
      }
    }

    String drain() {
      long[] sorted;
      synchronized (lock) {
        sorted = java.util.Arrays.copyOf(nanos, Math.min(count, nanos.length));
        count = 0;
      }
      if (sorted.length == 0) {
        return "0 0 0";
      }
      java.util.Arrays.sort(sorted);
      return sorted.length + " " + sorted[sorted.length / 2] + " "
          + sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))];
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
