package io.tracewarden.javaagent.sample;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain application using LangChain4j's OpenAI streaming chat model (server-sent events), run
 * under the javaagent by the integration test. Args: {@code <baseUrl> [iterations]}.
 */
public final class LangChain4jStreamingSampleApp {

  private LangChain4jStreamingSampleApp() {}

  public static void main(String[] args) throws Exception {
    String baseUrl = args[0];
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
        .baseUrl(baseUrl)
        .apiKey("sk-test-not-a-secret")
        .modelName(Planted.MODEL)
        .returnThinking(true)
        .build();
    ChatRequest request = ChatRequest.builder()
        .messages(SystemMessage.from(Planted.SYSTEM_PROMPT), UserMessage.from(Planted.USER_PROMPT))
        .temperature(0.2)
        .build();
    long[] nanos = new long[iterations];
    ChatResponse response = null;
    AtomicInteger partials = new AtomicInteger();
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      CompletableFuture<ChatResponse> done = new CompletableFuture<>();
      model.chat(request, new StreamingChatResponseHandler() {
        @Override
        public void onPartialResponse(String partialResponse) {
          partials.incrementAndGet();
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking) {
          partials.incrementAndGet();
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
          done.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
          done.completeExceptionally(error);
        }
      });
      response = done.get(30, TimeUnit.SECONDS);
      nanos[i] = System.nanoTime() - start;
    }
    System.out.println("RESPONSE_ID " + response.id());
    System.out.println("THINKING " + (response.aiMessage().thinking() != null));
    System.out.println("TOOL_CALLS " + response.aiMessage().toolExecutionRequests().size());
    System.out.println("PARTIALS " + partials.get());
    Samples.print(nanos, iterations / 2);
  }
}
