package io.tracewarden.javaagent.sample;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * A plain application using LangChain4j's OpenAI chat model, run under the javaagent by the
 * integration test. Args: {@code <baseUrl> [iterations]}.
 */
public final class LangChain4jSampleApp {

  private LangChain4jSampleApp() {}

  public static void main(String[] args) {
    String baseUrl = args[0];
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    OpenAiChatModel model = OpenAiChatModel.builder()
        .baseUrl(baseUrl)
        .apiKey("sk-test-not-a-secret")
        .modelName(Planted.MODEL)
        .returnThinking(true)
        .maxRetries(0)
        .build();
    ChatRequest request = ChatRequest.builder()
        .messages(SystemMessage.from(Planted.SYSTEM_PROMPT), UserMessage.from(Planted.USER_PROMPT))
        .temperature(0.2)
        .build();
    long[] nanos = new long[iterations];
    ChatResponse response = null;
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      response = model.chat(request);
      nanos[i] = System.nanoTime() - start;
    }
    System.out.println("RESPONSE_ID " + response.id());
    System.out.println("THINKING " + (response.aiMessage().thinking() != null));
    System.out.println("TOOL_CALLS " + response.aiMessage().toolExecutionRequests().size());
    Samples.print(nanos, iterations / 2);
  }
}
