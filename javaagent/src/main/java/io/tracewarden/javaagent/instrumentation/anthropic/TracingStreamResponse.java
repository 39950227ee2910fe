package io.tracewarden.javaagent.instrumentation.anthropic;

import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.RawMessageStreamEvent;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The application's event stream, unchanged, with the events also fed to the SDK's own
 * {@link MessageAccumulator}: at {@code message_stop} the accumulated message ends the span. A
 * stream closed before that ends it without a response (the application stopped reading or the
 * connection failed).
 */
final class TracingStreamResponse implements StreamResponse<RawMessageStreamEvent> {

  private final StreamResponse<RawMessageStreamEvent> delegate;
  private final Span span;
  private final MessageAccumulator accumulator = MessageAccumulator.create();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean accumulating = true;

  TracingStreamResponse(StreamResponse<RawMessageStreamEvent> delegate, Span span) {
    this.delegate = delegate;
    this.span = span;
  }

  @Override
  public Stream<RawMessageStreamEvent> stream() {
    return delegate.stream().peek(this::onEvent);
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      if (ended.compareAndSet(false, true)) {
        AnthropicSpans.finish(span, null, null);
      }
    }
  }

  private void onEvent(RawMessageStreamEvent event) {
    if (!accumulating) {
      return;
    }
    try {
      accumulator.accumulate(event);
      if (event.isMessageStop() && ended.compareAndSet(false, true)) {
        AnthropicSpans.finish(span, accumulator.message(), null);
      }
    } catch (RuntimeException e) {
      accumulating = false; // an event the accumulator refuses: stop recording, never the stream
    }
  }
}
