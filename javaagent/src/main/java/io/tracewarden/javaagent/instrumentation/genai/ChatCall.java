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

  /**
   * The advice's exit: gives the depth back and closes the scope. True when {@code call} owns a
   * span, which the caller then ends (now or when a stream finishes).
   */
  public static boolean exit(ChatCall call) {
    if (call == null) {
      return false;
    }
    call.depth.decrementAndGet();
    if (call.span == null) {
      return false;
    }
    call.scope.close();
    return true;
  }
}
