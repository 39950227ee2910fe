package io.tracewarden.javaagent;

import com.anthropic.core.JsonValue;
import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import io.tracewarden.javaagent.instrumentation.anthropic.AnthropicSpans;
import io.tracewarden.javaagent.it.FakeModelAnswers;
import io.tracewarden.javaagent.sample.Planted;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * What the Anthropic instrumentation and the masking cost per call, in process, without HTTP or
 * the agent's other instrumentations: {@code AnthropicSpans.start} + {@code end} on the sample
 * app's request and the fake model's response (span, attributes, input/output JSON), then
 * {@code TelemetryMasker.mask} on the span that produced. Splits the agent's overhead measured by
 * scripts/javaagent/overhead.sh into our part and the rest. Args: {@code [iterations]}.
 */
public final class GenAiCostMain {

  private GenAiCostMain() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    List<SpanData> last = new ArrayList<>(1);
    SpanExporter keepLast = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        last.clear();
        last.addAll(spans);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    GlobalOpenTelemetry.set(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider
        .builder().addSpanProcessor(SimpleSpanProcessor.create(keepLast)).build()).build());
    MessageCreateParams params = params();
    Message message = ObjectMappers.jsonMapper().readValue(
        FakeModelAnswers.anthropicMessage(), Message.class);
    TelemetryMasker masker = new TelemetryMasker(SecretEngine.builder()
        .addRules(Rules.builtin()).fingerprintKey(new byte[32]).build());

    long[] instrument = new long[iterations];
    long[] mask = new long[iterations];
    int masked = 0;
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      AnthropicSpans.end(AnthropicSpans.start(params), message, null);
      long t1 = System.nanoTime();
      SpanData out = masker.mask(last.get(0));
      long t2 = System.nanoTime();
      masked += out == last.get(0) ? 0 : 1;
      instrument[i] = t1 - t0;
      mask[i] = t2 - t1;
    }
    System.out.printf("iterations %d (second half measured), spans masked %d, span attributes %d,"
        + " content chars %d%n", iterations, masked, last.get(0).getAttributes().size(),
        last.get(0).getAttributes().asMap().values().stream()
            .mapToInt(v -> String.valueOf(v).length()).sum());
    print("instrumentation (start + end, content on)", instrument);
    print("masking the span", mask);
  }

  private static void print(String what, long[] nanos) {
    long[] measured = Arrays.copyOfRange(nanos, nanos.length / 2, nanos.length);
    Arrays.sort(measured);
    System.out.printf("%-45s median %6.1f us  p99 %6.1f us%n", what,
        measured[measured.length / 2] / 1000.0,
        measured[(int) (measured.length * 0.99)] / 1000.0);
  }

  /** The sample app's request. */
  private static MessageCreateParams params() {
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-5")
        .maxTokens(1024)
        .system(Planted.SYSTEM_PROMPT)
        .addUserMessage("What is the CI status of acme/orders?")
        .addAssistantMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolUse(
            ToolUseBlockParam.builder().id("toolu_tw01").name("read_ci_status")
                .input(ToolUseBlockParam.Input.builder()
                    .putAdditionalProperty("repo", JsonValue.from("acme/orders")).build())
                .build())))
        .addUserMessageOfContentBlockParams(List.of(
            ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId("toolu_tw01")
                .content("CI for acme/orders is green; deploy token " + Planted.GITHUB_TOKEN)
                .build()),
            ContentBlockParam.ofText(Planted.USER_PROMPT)))
        .putAdditionalBodyProperty("temperature", JsonValue.from(0.2))
        .build();
  }
}
