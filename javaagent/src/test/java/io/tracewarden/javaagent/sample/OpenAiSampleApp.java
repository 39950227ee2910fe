package io.tracewarden.javaagent.sample;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

/**
 * A plain application using the OpenAI Java SDK, run under the javaagent by the integration test.
 * Args: {@code <baseUrl> [iterations]}. Prints {@code LATENCY_NANOS <median>} for the overhead
 * measurement.
 */
public final class OpenAiSampleApp {

  private OpenAiSampleApp() {}

  public static void main(String[] args) {
    String baseUrl = args[0];
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    OpenAIClient client = OpenAIOkHttpClient.builder()
        .apiKey("sk-test-not-a-secret")
        .baseUrl(baseUrl)
        .maxRetries(0)
        .build();
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
        .model(Planted.MODEL)
        .addSystemMessage(Planted.SYSTEM_PROMPT)
        .addUserMessage(Planted.USER_PROMPT)
        .temperature(0.2)
        .build();
    long[] nanos = new long[iterations];
    ChatCompletion completion = null;
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      completion = client.chat().completions().create(params);
      nanos[i] = System.nanoTime() - start;
    }
    System.out.println("RESPONSE_ID " + completion.id());
    Samples.print(nanos, iterations / 2);
  }
}
