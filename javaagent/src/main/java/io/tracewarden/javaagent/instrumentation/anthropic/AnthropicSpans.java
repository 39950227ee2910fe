package io.tracewarden.javaagent.instrumentation.anthropic;

import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.CAPTURE_CONTENT;

import com.anthropic.core.JsonNumber;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Usage;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.javaagent.bootstrap.CallDepth;
import io.tracewarden.javaagent.instrumentation.genai.ChatCall;
import io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes;
import java.util.List;
import java.util.Map;

/**
 * Helper injected into the application's class loader: one GenAI {@code chat} client span per
 * outermost {@code messages().create(...)} / {@code createStreaming(...)}. Content (system
 * prompt, messages, thinking, tool calls and results) is recorded when content capture is on; the
 * extension's exporter masks it before export.
 */
public final class AnthropicSpans {

  static final AttributeKey<Long> CACHE_READ_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  static final AttributeKey<Long> CACHE_CREATION_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");

  private AnthropicSpans() {}

  public static ChatCall start(MessageCreateParams params) {
    // Keyed on the params type, shared by every entry point: whatever calls what inside the SDK
    // (a default method, a structured-output variant, a retry), the outermost call owns the span.
    CallDepth depth = CallDepth.forClass(MessageCreateParams.class);
    if (depth.getAndIncrement() > 0 || params == null) {
      return new ChatCall(depth, null, null);
    }
    try {
      Span span = startSpan(params);
      return new ChatCall(depth, span, span.makeCurrent());
    } catch (Throwable t) {
      depth.decrementAndGet(); // the exit advice gets no call: leave the depth as it was
      throw t;
    }
  }

  /**
   * Whether this thread is inside a call traced here. The SDK's own tracing (on by default in
   * 3.x when a global OpenTelemetry exists, as under the agent) is switched off for such calls,
   * so each call has one chat span.
   */
  public static boolean inTracedCall() {
    CallDepth depth = CallDepth.forClass(MessageCreateParams.class);
    boolean inside = depth.getAndIncrement() > 0;
    depth.decrementAndGet();
    return inside;
  }

  private static Span startSpan(MessageCreateParams params) {
    String model = params.model().asString();
    SpanBuilder builder = GlobalOpenTelemetry.getTracer("io.tracewarden.anthropic")
        .spanBuilder("chat " + model)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(Context.current())
        .setAttribute(GenAiAttributes.OPERATION, "chat")
        .setAttribute(GenAiAttributes.PROVIDER, "anthropic")
        .setAttribute(GenAiAttributes.REQUEST_MODEL, model)
        .setAttribute(GenAiAttributes.MAX_TOKENS, params.maxTokens());
    // 3.x has no typed sampling parameters: an application sets them as extra body properties.
    Map<String, JsonValue> extra = params._additionalBodyProperties();
    setNumber(builder, GenAiAttributes.TEMPERATURE, extra.get("temperature"));
    setNumber(builder, GenAiAttributes.TOP_P, extra.get("top_p"));
    setNumber(builder, GenAiAttributes.TOP_K, extra.get("top_k"));
    if (CAPTURE_CONTENT) {
      try {
        String system = AnthropicMessages.systemInstructions(params);
        if (system != null) {
          builder.setAttribute(GenAiAttributes.SYSTEM_INSTRUCTIONS, system);
        }
        builder.setAttribute(GenAiAttributes.INPUT_MESSAGES,
            AnthropicMessages.input(params.messages()));
      } catch (RuntimeException | LinkageError e) {
        // A request the SDK itself would reject (missing fields): the call fails on its own.
      }
    }
    return builder.startSpan();
  }

  private static void setNumber(SpanBuilder builder, AttributeKey<Double> key, JsonValue value) {
    if (value instanceof JsonNumber) {
      builder.setAttribute(key, ((JsonNumber) value).value().doubleValue());
    }
  }

  public static void end(ChatCall call, Message message, Throwable error) {
    if (ChatCall.exit(call)) {
      finish(call.span, message, error);
    }
  }

  /**
   * {@code createStreaming} returned: the span ends when the stream has delivered
   * {@code message_stop} or is closed, whichever comes first.
   */
  public static StreamResponse<RawMessageStreamEvent> endStreaming(ChatCall call,
      StreamResponse<RawMessageStreamEvent> response, Throwable error) {
    if (!ChatCall.exit(call)) {
      return response;
    }
    if (error != null || response == null) {
      finish(call.span, null, error);
      return response;
    }
    return new TracingStreamResponse(response, call.span);
  }

  static void finish(Span span, Message message, Throwable error) {
    try {
      if (error != null) {
        span.setStatus(StatusCode.ERROR);
        span.setAttribute(GenAiAttributes.ERROR_TYPE, error.getClass().getName());
      }
      if (message != null) {
        response(span, message);
      }
    } catch (RuntimeException | LinkageError e) {
      // A response missing fields the SDK calls required: keep what was set, end the span.
    } finally {
      span.end();
    }
  }

  private static void response(Span span, Message message) {
    span.setAttribute(GenAiAttributes.RESPONSE_ID, message.id());
    span.setAttribute(GenAiAttributes.RESPONSE_MODEL, message.model().asString());
    String finishReason = message.stopReason().map(AnthropicSpans::finishReason).orElse(null);
    if (finishReason != null) {
      span.setAttribute(GenAiAttributes.FINISH_REASONS, List.of(finishReason));
    }
    Usage usage = message.usage();
    long cacheRead = usage.cacheReadInputTokens().orElse(0L);
    long cacheCreation = usage.cacheCreationInputTokens().orElse(0L);
    // Anthropic's input_tokens leaves out cached tokens; the conventions count them in.
    span.setAttribute(GenAiAttributes.INPUT_TOKENS,
        usage.inputTokens() + cacheRead + cacheCreation);
    span.setAttribute(GenAiAttributes.OUTPUT_TOKENS, usage.outputTokens());
    if (cacheRead > 0) {
      span.setAttribute(CACHE_READ_TOKENS, cacheRead);
    }
    if (cacheCreation > 0) {
      span.setAttribute(CACHE_CREATION_TOKENS, cacheCreation);
    }
    if (CAPTURE_CONTENT) {
      span.setAttribute(GenAiAttributes.OUTPUT_MESSAGES,
          AnthropicMessages.output(message, finishReason));
    }
  }

  /** Anthropic's stop reasons in the conventions' finish-reason vocabulary. */
  static String finishReason(StopReason stopReason) {
    String reason = stopReason.asString();
    switch (reason) {
      case "end_turn":
      case "stop_sequence":
        return "stop";
      case "max_tokens":
      case "model_context_window_exceeded":
        return "length";
      case "tool_use":
        return "tool_call";
      case "refusal":
        return "content_filter";
      default:
        return reason;
    }
  }
}
