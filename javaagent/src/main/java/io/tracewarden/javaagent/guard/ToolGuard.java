package io.tracewarden.javaagent.guard;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.tracewarden.guard.Action;
import io.tracewarden.guard.Guard;
import io.tracewarden.guard.Verdict;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-process guard: asks the {@link Guard} about a tool call before the tool runs and records
 * the answer on the tool's {@code execute_tool} span. Instrumentations call {@link #check}; a
 * non-null answer is the refusal to hand the model instead of running the tool.
 *
 * <p>It lives in the extension's class loader and is never injected next to an instrumented
 * library, so every instrumentation in every application class loader reaches the one configured
 * instance. Their helpers, which cannot name it, call {@link #check} through a method handle. Its
 * signature uses only JDK and OpenTelemetry API types for that reason.
 *
 * <p>Nothing it records quotes the tool's arguments: they may hold the very secrets the rule is
 * about, and no masking has run on them yet.
 */
public final class ToolGuard {

  public static final AttributeKey<String> GUARD_ACTION =
      AttributeKey.stringKey("tracewarden.guard.action");
  public static final AttributeKey<String> GUARD_RULE =
      AttributeKey.stringKey("tracewarden.guard.rule");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
  static final String BLOCKED_EVENT = "tracewarden.guard.blocked";
  static final String BLOCKED_ERROR_TYPE = "tracewarden.guard.blocked";
  /** The rule a refusal names when the guard was enabled but could not be configured. */
  static final String UNAVAILABLE_RULE = "tracewarden-guard-unavailable";

  private static final Logger logger = Logger.getLogger(ToolGuard.class.getName());
  private static volatile ToolGuard installed;

  private final Guard guard;
  private final Supplier<LongCounter> blocked;

  ToolGuard(Guard guard, Supplier<LongCounter> blocked) {
    this.guard = guard;
    this.blocked = Objects.requireNonNull(blocked, "blocked");
  }

  /**
   * Inspects a tool call about to run, with the installed guard; null (run the tool) when
   * {@code tracewarden.guard.enabled} is off. See {@link #decide}.
   */
  public static String check(Span span, String toolName, String arguments) {
    ToolGuard guard = installed;
    return guard == null ? null : guard.decide(span, toolName, arguments);
  }

  static ToolGuard installed() {
    return installed;
  }

  static void install(ToolGuard toolGuard) {
    installed = toolGuard;
  }

  /** A guard that refuses every tool call: enabled, but its rules could not be loaded. */
  static ToolGuard unavailable() {
    return new ToolGuard(null, ToolGuard::globalCounter);
  }

  static ToolGuard of(Guard guard) {
    return new ToolGuard(Objects.requireNonNull(guard, "guard"), ToolGuard::globalCounter);
  }

  /**
   * Inspects a tool call about to run and annotates its span: a matching rule's id and action go
   * on the span; a {@code block} verdict also sets the error status, adds a
   * {@value #BLOCKED_EVENT} event, counts and logs the refusal.
   *
   * @param span the tool call's span (may be a no-op span)
   * @return the text to give the model instead of the tool's result, or null to run the tool
   */
  String decide(Span span, String toolName, String arguments) {
    String name = toolName == null ? "" : toolName;
    if (guard == null) {
      return refuse(span, name, UNAVAILABLE_RULE);
    }
    Verdict verdict;
    try {
      verdict = guard.inspect(name, arguments == null ? "" : arguments);
    } catch (RuntimeException e) {
      // A parser bug must neither let the call through unseen nor crash the application.
      logger.log(Level.WARNING, "tracewarden guard: inspecting a tool call failed ({0}); "
          + "the call is refused", e.getClass().getName());
      return refuse(span, name, UNAVAILABLE_RULE);
    }
    if (verdict == null) {
      return null;
    }
    if (verdict.action() != Action.BLOCK) {
      span.setAttribute(GUARD_ACTION, verdict.action().id());
      span.setAttribute(GUARD_RULE, verdict.ruleId());
      return null;
    }
    return refuse(span, name, verdict.ruleId());
  }

  private String refuse(Span span, String toolName, String ruleId) {
    span.setAttribute(GUARD_ACTION, Action.BLOCK.id());
    span.setAttribute(GUARD_RULE, ruleId);
    span.setAttribute(ERROR_TYPE, BLOCKED_ERROR_TYPE);
    span.setStatus(StatusCode.ERROR, "blocked by Tracewarden guard rule " + ruleId);
    span.addEvent(BLOCKED_EVENT, Attributes.of(GUARD_RULE, ruleId, TOOL_NAME, toolName));
    blocked.get().add(1, Attributes.of(GUARD_RULE, ruleId, TOOL_NAME, toolName));
    logger.log(Level.WARNING, "tracewarden guard: refused tool call ''{0}'' (rule {1}); "
        + "the tool did not run", new Object[] {toolName, ruleId});
    return refusal(ruleId);
  }

  /** What the model reads instead of the tool's result: the rule, never the arguments. */
  String refusal(String ruleId) {
    String description = guard == null ? null : guard.description(ruleId);
    String why = description != null ? description
        : "the Tracewarden guard is enabled but its rules could not be loaded";
    return "Blocked by Tracewarden guard rule " + ruleId + ": " + why
        + ". The tool was not run. Do not retry it in another form; ask the user instead.";
  }

  private static LongCounter globalCounter() {
    return GlobalOpenTelemetry.getMeter("io.tracewarden.guard")
        .counterBuilder("tracewarden.guard.blocked")
        .setDescription("Tool calls the in-process guard refused, by rule and tool")
        .setUnit("{call}")
        .build();
  }
}
