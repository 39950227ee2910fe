package io.tracewarden.javaagent.instrumentation.langchain4j;

import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.CAPTURE_CONTENT;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.ERROR_TYPE;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.FINISH_REASONS;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.INPUT_MESSAGES;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.INPUT_TOKENS;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.MAX_TOKENS;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.OPERATION;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.OUTPUT_MESSAGES;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.OUTPUT_TOKENS;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.PROVIDER;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.REQUEST_MODEL;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.RESPONSE_ID;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.RESPONSE_MODEL;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.TEMPERATURE;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.TOP_P;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.javaagent.bootstrap.CallDepth;
import io.tracewarden.javaagent.instrumentation.genai.ChatCall;
import io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Helper injected into the application's class loader: starts and ends one GenAI client span per
 * outermost {@code doChat}, streaming or not. Message content (prompts, reasoning, tool calls) is
 * recorded as {@code gen_ai.input.messages} / {@code gen_ai.output.messages} JSON when content
 * capture is on (the Tracewarden distribution's default); the extension's exporter masks it before
 * export.
 */
public final class LangChain4jSpans {

  private LangChain4jSpans() {}

  public static ChatCall start(ChatModel model, ChatRequest request) {
    CallDepth depth = CallDepth.forClass(ChatModel.class);
    if (depth.getAndIncrement() > 0) {
      return new ChatCall(depth, null, null); // a model delegating to another: one span only
    }
    return startCall(depth, provider(model::provider), request);
  }

  public static void end(ChatCall call, ChatResponse response, Throwable error) {
    if (ChatCall.exit(call)) {
      finish(call.span, response, error);
    }
  }

  /**
   * A streaming {@code doChat} starts the span; the handler wrapped around the caller's ends it
   * when the response completes or fails, usually on another thread.
   */
  public static ChatCall startStreaming(StreamingChatModel model, ChatRequest request) {
    CallDepth depth = CallDepth.forClass(StreamingChatModel.class);
    if (depth.getAndIncrement() > 0) {
      return new ChatCall(depth, null, null);
    }
    return startCall(depth, provider(model::provider), request);
  }

  private static ChatCall startCall(CallDepth depth, String provider, ChatRequest request) {
    try {
      Span span = startSpan(provider, request);
      return new ChatCall(depth, span, span.makeCurrent());
    } catch (Throwable t) {
      depth.decrementAndGet(); // the exit advice gets no call: leave the depth as it was
      throw t;
    }
  }

  public static StreamingChatResponseHandler wrap(ChatCall call,
      StreamingChatResponseHandler handler) {
    return call.span == null || handler == null
        ? handler : new TracingStreamingResponseHandler(handler, call.span);
  }

  /** {@code doChat} returned: the stream goes on, the span stays open unless doChat threw. */
  public static void exitStreaming(ChatCall call, StreamingChatResponseHandler handler,
      Throwable error) {
    if (!ChatCall.exit(call) || error == null) {
      return;
    }
    if (handler instanceof TracingStreamingResponseHandler) {
      ((TracingStreamingResponseHandler) handler).end(null, error); // once, even if onError ran
    } else {
      finish(call.span, null, error); // no handler to wrap: nothing else will end it
    }
  }

  private static Span startSpan(String provider, ChatRequest request) {
    Tracer tracer = GlobalOpenTelemetry.getTracer("io.tracewarden.langchain4j");
    String modelName = request.modelName();
    SpanBuilder builder = tracer
        .spanBuilder(modelName == null ? "chat" : "chat " + modelName)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(Context.current())
        .setAttribute(OPERATION, "chat")
        .setAttribute(PROVIDER, provider);
    if (modelName != null) {
      builder.setAttribute(REQUEST_MODEL, modelName);
    }
    if (request.temperature() != null) {
      builder.setAttribute(TEMPERATURE, request.temperature());
    }
    if (request.topP() != null) {
      builder.setAttribute(TOP_P, request.topP());
    }
    if (request.topK() != null) {
      builder.setAttribute(GenAiAttributes.TOP_K, (double) request.topK());
    }
    if (request.maxOutputTokens() != null) {
      builder.setAttribute(MAX_TOKENS, (long) request.maxOutputTokens());
    }
    if (CAPTURE_CONTENT) {
      builder.setAttribute(INPUT_MESSAGES, GenAiMessages.input(request.messages()));
    }
    return builder.startSpan();
  }

  static void finish(Span span, ChatResponse response, Throwable error) {
    try {
      if (error != null) {
        span.setStatus(StatusCode.ERROR);
        span.setAttribute(ERROR_TYPE, error.getClass().getName());
      }
      if (response != null) {
        setIfPresent(span, RESPONSE_ID, response.id());
        setIfPresent(span, RESPONSE_MODEL, response.modelName());
        FinishReason finish = response.finishReason();
        String finishReason = finish == null ? null : finishReason(finish);
        if (finishReason != null) {
          span.setAttribute(FINISH_REASONS, List.of(finishReason));
        }
        TokenUsage usage = response.tokenUsage();
        if (usage != null && usage.inputTokenCount() != null) {
          span.setAttribute(INPUT_TOKENS, (long) usage.inputTokenCount());
        }
        if (usage != null && usage.outputTokenCount() != null) {
          span.setAttribute(OUTPUT_TOKENS, (long) usage.outputTokenCount());
        }
        AiMessage ai = response.aiMessage();
        if (CAPTURE_CONTENT && ai != null) {
          span.setAttribute(OUTPUT_MESSAGES, GenAiMessages.output(ai, finishReason));
        }
      }
    } finally {
      span.end();
    }
  }

  static String finishReason(FinishReason finish) {
    switch (finish.name()) {
      case "TOOL_EXECUTION":
        return "tool_call";
      case "OTHER":
        return "error";
      default:
        return finish.name().toLowerCase(Locale.ROOT);
    }
  }

  static String provider(ChatModel model) {
    return provider(model::provider);
  }

  private static String provider(Supplier<ModelProvider> provider) {
    String name;
    try {
      name = provider.get().name();
    } catch (RuntimeException | LinkageError e) {
      return "langchain4j";
    }
    switch (name) {
      case "OPEN_AI":
        return "openai";
      case "ANTHROPIC":
        return "anthropic";
      case "AZURE_OPEN_AI":
        return "azure.ai.openai";
      case "AMAZON_BEDROCK":
        return "aws.bedrock";
      case "GOOGLE_AI_GEMINI":
        return "gcp.gemini";
      case "GOOGLE_VERTEX_AI_GEMINI":
      case "GOOGLE_VERTEX_AI_ANTHROPIC":
        return "gcp.vertex_ai";
      case "MISTRAL_AI":
        return "mistral_ai";
      case "WATSONX":
        return "ibm.watsonx.ai";
      default:
        return name.toLowerCase(Locale.ROOT);
    }
  }

  private static void setIfPresent(Span span, AttributeKey<String> key, String value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
  }
}
