package io.tracewarden.javaagent.instrumentation.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wraps the application's streaming handler: ends the chat span with the complete response (or
 * the error) before passing it on. Every callback is forwarded as it came, including the ones
 * with a context, so the application's handler sees exactly what it would without the agent.
 */
public final class TracingStreamingResponseHandler implements StreamingChatResponseHandler {

  private final StreamingChatResponseHandler delegate;
  private final Span span;
  private final AtomicBoolean ended = new AtomicBoolean();

  public TracingStreamingResponseHandler(StreamingChatResponseHandler delegate, Span span) {
    this.delegate = delegate;
    this.span = span;
  }

  @Override
  public void onCompleteResponse(ChatResponse response) {
    end(response, null);
    delegate.onCompleteResponse(response);
  }

  @Override
  public void onError(Throwable error) {
    end(null, error);
    delegate.onError(error);
  }

  /** Ends the span once, whichever of completion, error or a throwing doChat comes first. */
  void end(ChatResponse response, Throwable error) {
    if (ended.compareAndSet(false, true)) {
      LangChain4jSpans.finish(span, response, error);
    }
  }

  @Override
  public void onPartialResponse(String partialResponse) {
    delegate.onPartialResponse(partialResponse);
  }

  @Override
  public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
    delegate.onPartialResponse(partialResponse, context);
  }

  @Override
  public void onPartialThinking(PartialThinking partialThinking) {
    delegate.onPartialThinking(partialThinking);
  }

  @Override
  public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
    delegate.onPartialThinking(partialThinking, context);
  }

  @Override
  public void onPartialToolCall(PartialToolCall partialToolCall) {
    delegate.onPartialToolCall(partialToolCall);
  }

  @Override
  public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
    delegate.onPartialToolCall(partialToolCall, context);
  }

  @Override
  public void onCompleteToolCall(CompleteToolCall completeToolCall) {
    delegate.onCompleteToolCall(completeToolCall);
  }

  @Override
  public void onUnmappedRawEvent(Object rawEvent) {
    delegate.onUnmappedRawEvent(rawEvent);
  }
}
