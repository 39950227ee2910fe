package io.tracewarden.javaagent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracewarden.javaagent.sample.LangChain4jStreamingSampleApp;
import io.tracewarden.javaagent.sample.Planted;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's OpenAI streaming chat model under the javaagent, against the fake model's
 * server-sent events: the chat span starts at the call and ends when the handler hears the
 * complete response, with reasoning and the tool call reassembled from the deltas and every
 * planted secret masked (one is split across two deltas). A second run against a closed port
 * ends its span through {@code onError}.
 */
class LangChain4jStreamingJavaagentIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static FakeModelServer model;
  private static OtlpReceiver otlp;
  private static OtlpReceiver failedOtlp;
  private static AgentRun run;
  private static AgentRun failedRun;

  @BeforeAll
  static void runSampleApp() throws Exception {
    model = new FakeModelServer();
    otlp = new OtlpReceiver();
    run = AgentRun.run(LangChain4jStreamingSampleApp.class.getName(), otlp.endpoint(), List.of(),
        model.baseUrl());
    failedOtlp = new OtlpReceiver();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    failedRun = AgentRun.run(LangChain4jStreamingSampleApp.class.getName(),
        failedOtlp.endpoint(), List.of(), "http://127.0.0.1:" + closedPort + "/v1");
  }

  @AfterAll
  static void stop() throws Exception {
    otlp.dump(Path.of("target", "it-logs", "LangChain4jStreamingJavaagentIT-otlp.txt"));
    model.close();
    otlp.close();
    failedOtlp.close();
  }

  @Test
  void sampleAppRanUnderTheAgentAndItsHandlerHeardEverything() {
    assertThat(run.exitCode).as(run.output).isZero();
    assertThat(run.output).contains("RESPONSE_ID " + Planted.RESPONSE_ID, "THINKING true",
        "TOOL_CALLS 1");
    // The wrapped handler forwards every partial callback: 1 thinking + 2 text deltas at least.
    long partials = run.output.lines().filter(l -> l.startsWith("PARTIALS "))
        .mapToLong(l -> Long.parseLong(l.substring("PARTIALS ".length()))).findFirst()
        .orElseThrow();
    assertThat(partials).isGreaterThanOrEqualTo(3);
    assertThat(model.requests()).isEqualTo(1);
  }

  @Test
  void oneChatSpanFollowingTheGenAiConventions() {
    List<Span> chats = chatSpans(otlp);
    assertThat(chats).hasSize(1);
    Span chat = chats.get(0);
    assertThat(chat.getName()).isEqualTo("chat " + Planted.MODEL);
    assertThat(chat.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(string(chat, "gen_ai.provider.name")).isEqualTo("openai");
    assertThat(string(chat, "gen_ai.request.model")).isEqualTo(Planted.MODEL);
    assertThat(attr(chat, "gen_ai.request.temperature").getDoubleValue()).isEqualTo(0.2);
    assertThat(string(chat, "gen_ai.response.id")).isEqualTo(Planted.RESPONSE_ID);
    assertThat(string(chat, "gen_ai.response.model")).isEqualTo(Planted.MODEL + "-2024-07-18");
    assertThat(attr(chat, "gen_ai.usage.input_tokens").getIntValue()).isEqualTo(42);
    assertThat(attr(chat, "gen_ai.usage.output_tokens").getIntValue()).isEqualTo(17);
    assertThat(attr(chat, "gen_ai.response.finish_reasons").getArrayValue().getValues(0)
        .getStringValue()).isEqualTo("tool_call");
    assertThat(chat.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    // The streaming HTTP call nests under the chat span.
    assertThat(otlp.spans).anySatisfy(s -> assertThat(s.getParentSpanId())
        .isEqualTo(chat.getSpanId()));
  }

  @Test
  void reasoningTextAndToolCallAreReassembledAndMasked() throws Exception {
    Span chat = chatSpans(otlp).get(0);
    assertThat(string(chat, "gen_ai.input.messages")).contains("\"role\":\"system\"",
        "Deploy the orders service", "[REDACTED:").doesNotContain(Planted.AWS_KEY_ID);
    JsonNode output = JSON.readTree(string(chat, "gen_ai.output.messages")).get(0);
    assertThat(output.get("finish_reason").asText()).isEqualTo("tool_call");
    JsonNode parts = output.get("parts");
    assertThat(parts).extracting(p -> p.get("type").asText())
        .containsExactly("reasoning", "text", "tool_call");
    assertThat(parts.get(0).get("content").asText()).startsWith("The user pasted an AWS key")
        .contains("[REDACTED:");
    assertThat(parts.get(1).get("content").asText())
        .contains("Opening a pull request", "postgres://app_rw:[REDACTED:", "@db.internal");
    assertThat(parts.get(2).get("id").asText()).isEqualTo(Planted.TOOL_CALL_ID);
    assertThat(parts.get(2).get("name").asText()).isEqualTo(Planted.TOOL_NAME);
    assertThat(parts.get(2).get("arguments").asText()).contains("acme/orders", "[REDACTED:");
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

  @Test
  void aFailedStreamEndsItsSpanWithTheError() {
    assertThat(failedRun.exitCode).as(failedRun.output).isNotZero();
    List<Span> chats = chatSpans(failedOtlp);
    assertThat(chats).hasSize(1);
    Span chat = chats.get(0);
    assertThat(chat.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(string(chat, "error.type")).isNotBlank();
    assertThat(OtlpReceiver.attribute(chat.getAttributesList(), "gen_ai.output.messages"))
        .isEmpty();
    for (byte[] body : failedOtlp.rawBodies) {
      assertThat(new String(body, StandardCharsets.ISO_8859_1))
          .doesNotContain(Planted.AWS_KEY_ID);
    }
  }

  private static List<Span> chatSpans(OtlpReceiver receiver) {
    return receiver.spans.stream()
        .filter(s -> "chat".equals(string(s, "gen_ai.operation.name")))
        .collect(Collectors.toList());
  }

  private static String string(Span s, String key) {
    return OtlpReceiver.string(s.getAttributesList(), key);
  }

  private static AnyValue attr(Span s, String key) {
    return OtlpReceiver.attribute(s.getAttributesList(), key)
        .orElseThrow(() -> new AssertionError("no " + key + " on " + s.getName()));
  }
}
