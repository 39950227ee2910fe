package io.tracewarden.javaagent.sample;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import java.util.List;

/**
 * A plain application using the Anthropic Java SDK, run under the javaagent by the integration
 * test and the overhead script. The conversation carries an earlier tool round trip (tool_use and
 * tool_result) before the new question. Args: {@code <baseUrl> [iterations] [sync|stream|both]}.
 */
public final class AnthropicSampleApp {

  public static final String MODEL = "claude-sonnet-4-5";
  public static final String PRIOR_TOOL_USE_ID = "toolu_tw01";
  public static final String PRIOR_TOOL_NAME = "read_ci_status";
  /** The earlier tool's result: carries a planted secret, like tool output often does. */
  public static final String TOOL_RESULT =
      "CI for acme/orders is green; deploy token " + Planted.GITHUB_TOKEN + " is configured.";

  private AnthropicSampleApp() {}

  public static void main(String[] args) {
    String baseUrl = args[0];
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    String mode = args.length > 2 ? args[2] : "both";
    AnthropicClient client = AnthropicOkHttpClient.builder()
        .apiKey("sk-ant-test-not-a-secret")
        .baseUrl(baseUrl)
        .maxRetries(0)
        .build();
    MessageCreateParams params = MessageCreateParams.builder()
        .model(MODEL)
        .maxTokens(1024)
        .system(Planted.SYSTEM_PROMPT)
        .addUserMessage("What is the CI status of acme/orders?")
        .addAssistantMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolUse(
            ToolUseBlockParam.builder().id(PRIOR_TOOL_USE_ID).name(PRIOR_TOOL_NAME)
                .input(ToolUseBlockParam.Input.builder()
                    .putAdditionalProperty("repo", JsonValue.from("acme/orders")).build())
                .build())))
        .addUserMessageOfContentBlockParams(List.of(
            ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                .toolUseId(PRIOR_TOOL_USE_ID).content(TOOL_RESULT).build()),
            ContentBlockParam.ofText(Planted.USER_PROMPT)))
        // 3.x has no typed sampling parameters; they go as extra body properties.
        .putAdditionalBodyProperty("temperature", JsonValue.from(0.2))
        .putAdditionalBodyProperty("top_k", JsonValue.from(40))
        .build();
    long[] nanos = new long[iterations];
    Message message = null;
    Message streamed = null;
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      if (!mode.equals("stream")) {
        message = client.messages().create(params);
      }
      if (!mode.equals("sync")) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> events =
            client.messages().createStreaming(params)) {
          events.stream().forEach(accumulator::accumulate);
        }
        streamed = accumulator.message();
      }
      nanos[i] = System.nanoTime() - start;
    }
    if (message != null) {
      System.out.println("RESPONSE_ID " + message.id());
      System.out.println("BLOCKS " + message.content().size());
    }
    if (streamed != null) {
      System.out.println("STREAMED_ID " + streamed.id());
      System.out.println("STREAMED_BLOCKS " + streamed.content().size());
    }
    Samples.print(nanos, iterations / 2);
  }
}
