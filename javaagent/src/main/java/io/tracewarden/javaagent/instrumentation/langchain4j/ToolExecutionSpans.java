package io.tracewarden.javaagent.instrumentation.langchain4j;

import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.CAPTURE_CONTENT;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.ERROR_TYPE;
import static io.tracewarden.javaagent.instrumentation.genai.GenAiAttributes.OPERATION;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.tool.ToolExecutionResult;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Helper loaded next to the advice: one INTERNAL {@code execute_tool {name}} span per outermost
 * LangChain4j tool execution, per the GenAI semantic conventions, and the in-process guard's
 * decision before the tool runs. Arguments and result are recorded as
 * {@code gen_ai.tool.call.arguments} / {@code gen_ai.tool.call.result} when content capture is on
 * (the default here); the extension's exporter masks them before export.
 */
public final class ToolExecutionSpans {

  static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
  static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
  static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");
  static final AttributeKey<String> ARGUMENTS =
      AttributeKey.stringKey("gen_ai.tool.call.arguments");
  static final AttributeKey<String> RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");
  /** LangChain4j reports a failed tool as an error result, without the exception's type. */
  static final String TOOL_ERROR = "_OTHER";
  static final String TOOL_GUARD = "io.tracewarden.javaagent.guard.ToolGuard";

  /** The request being executed: an executor handing it to another must not start a 2nd span. */
  private static final ContextKey<ToolExecutionRequest> EXECUTING =
      ContextKey.named("tracewarden-langchain4j-tool-execution");
  /**
   * {@code ToolGuard.check}: this class is loaded by the module's own class loader, which resolves
   * only OpenTelemetry's agent classes from the extension, so it cannot link to the guard by
   * name. That loader's parent is the extension's class loader, where the guard was configured.
   */
  private static final MethodHandle GUARD_CHECK = guardCheck();

  private ToolExecutionSpans() {}

  /**
   * Starts the span and consults the guard. Returns the refusal to return instead of running the
   * tool (the span is then already ended), else the call to pass to {@link #end}, or null when
   * the same request is already being executed. A tool that runs an agent of its own gets its
   * nested tool calls traced and guarded as calls of their own.
   */
  public static Object start(ToolExecutionRequest request) {
    Context parent = Context.current();
    if (request == null || parent.get(EXECUTING) == request) {
      return null;
    }
    String name = request.name();
    Span span = GlobalOpenTelemetry.getTracer("io.tracewarden.langchain4j")
        .spanBuilder(name == null ? "execute_tool" : "execute_tool " + name)
        .setSpanKind(SpanKind.INTERNAL)
        .setParent(parent)
        .setAttribute(OPERATION, "execute_tool")
        .setAttribute(TOOL_TYPE, "function")
        .startSpan();
    if (name != null) {
      span.setAttribute(TOOL_NAME, name);
    }
    if (request.id() != null) {
      span.setAttribute(TOOL_CALL_ID, request.id());
    }
    if (CAPTURE_CONTENT && request.arguments() != null) {
      span.setAttribute(ARGUMENTS, request.arguments());
    }
    String refusal = guard(span, name, request.arguments());
    if (refusal != null) {
      if (CAPTURE_CONTENT) {
        span.setAttribute(RESULT, refusal);
      }
      span.end();
      return ToolExecutionResult.builder().isError(true).resultText(refusal).build();
    }
    return new Call(span, parent.with(span).with(EXECUTING, request).makeCurrent());
  }

  /** Ends the span of {@code call} (from {@link #start}) with what the tool returned or threw. */
  public static void end(Object call, ToolExecutionResult result, Throwable error) {
    if (!(call instanceof Call)) {
      return;
    }
    Call c = (Call) call;
    c.scope.close();
    Span span = c.span;
    try {
      if (error != null) {
        span.setStatus(StatusCode.ERROR);
        span.setAttribute(ERROR_TYPE, error.getClass().getName());
      } else if (result != null && result.isError()) {
        span.setStatus(StatusCode.ERROR);
        span.setAttribute(ERROR_TYPE, TOOL_ERROR);
      }
      if (CAPTURE_CONTENT && result != null) {
        String text = result.resultText();
        if (text != null) {
          span.setAttribute(RESULT, text);
        }
      }
    } finally {
      span.end();
    }
  }

  private static String guard(Span span, String name, String arguments) {
    if (GUARD_CHECK == null) {
      // Fail closed when the guard was asked for where this class can see the setting.
      return guardRequested() ? "Blocked by Tracewarden guard: the guard is enabled but "
          + "unreachable from this instrumentation. The tool was not run." : null;
    }
    try {
      return (String) GUARD_CHECK.invokeExact(span, name, arguments);
    } catch (Throwable e) {
      // ToolGuard.check does not throw; this is a linkage problem, and the call was not judged.
      return "Blocked by Tracewarden guard: the guard could not run (" + e.getClass().getName()
          + "). The tool was not run.";
    }
  }

  private static MethodHandle guardCheck() {
    try {
      ClassLoader extension = ToolExecutionSpans.class.getClassLoader().getParent();
      Class<?> toolGuard = Class.forName(TOOL_GUARD, true, extension);
      return MethodHandles.publicLookup().findStatic(toolGuard, "check",
          MethodType.methodType(String.class, Span.class, String.class, String.class));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      java.util.logging.Logger.getLogger(ToolExecutionSpans.class.getName()).warning(
          "tracewarden: the tool guard is unreachable from the LangChain4j tool instrumentation ("
              + e.getClass().getName() + "); with the guard enabled, every tool call is refused");
      return null;
    }
  }

  private static boolean guardRequested() {
    String v = System.getProperty("tracewarden.guard.enabled");
    if (v == null) {
      v = System.getenv("TRACEWARDEN_GUARD_ENABLED");
    }
    return v != null && Boolean.parseBoolean(v.trim());
  }

  /** One tool execution in flight. */
  static final class Call {
    final Span span;
    final Scope scope;

    Call(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }
  }
}
