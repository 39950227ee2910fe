package io.tracewarden.javaagent.instrumentation.genai;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.javaagent.bootstrap.CallDepth;

/**
 * One model call in flight, from an advice's enter to its exit: the call-depth guard, and the
 * span with its scope when this is the outermost call (both null for a nested one).
 */
public final class ChatCall {
  public final CallDepth depth;
  public final Span span;
  public final Scope scope;

  public ChatCall(CallDepth depth, Span span, Scope scope) {
    this.depth = depth;
    this.span = span;
    this.scope = scope;
  }
}
