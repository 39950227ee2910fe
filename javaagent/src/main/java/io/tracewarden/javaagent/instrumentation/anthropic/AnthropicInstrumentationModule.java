package io.tracewarden.javaagent.instrumentation.anthropic;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import io.tracewarden.javaagent.instrumentation.genai.ChatCall;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * GenAI client spans for the Anthropic Java SDK's Messages API ({@code client.messages()
 * .create(...)} and {@code .createStreaming(...)}), per the GenAI semantic conventions. Disable
 * with {@code -Dotel.instrumentation.tracewarden-anthropic.enabled=false}.
 */
public final class AnthropicInstrumentationModule extends InstrumentationModule {

  static final String MESSAGE_SERVICE = "com.anthropic.services.blocking.MessageServiceImpl";
  private static final String PACKAGE = "io.tracewarden.javaagent.instrumentation.anthropic.";
  private static final String GENAI_PACKAGE = "io.tracewarden.javaagent.instrumentation.genai.";

  public AnthropicInstrumentationModule() {
    super("tracewarden-anthropic", "tracewarden-anthropic-3.14", "anthropic");
  }

  @Override
  public ElementMatcher.Junction<ClassLoader> classLoaderMatcher() {
    // The shapes the helpers read: MessageParam.content() as MessageContentParam (3.14) and
    // system-role messages; tested with 3.14.0.
    return hasClassesNamed(MESSAGE_SERVICE,
        "com.anthropic.models.messages.MessageContentParam",
        "com.anthropic.models.messages.SystemMessageParam",
        "com.anthropic.helpers.MessageAccumulator");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new MessageServiceInstrumentation(), new SdkTracingInstrumentation());
  }

  // No muzzle plugin under Maven: the classes injected next to the advice are listed here.
  @Override
  public List<String> getAdditionalHelperClassNames() {
    return List.of(
        GENAI_PACKAGE + "ChatCall",
        GENAI_PACKAGE + "GenAiAttributes",
        GENAI_PACKAGE + "GenAiJson",
        PACKAGE + "AnthropicMessages",
        PACKAGE + "AnthropicSpans",
        PACKAGE + "TracingStreamResponse");
  }

  @Override
  public boolean isHelperClass(String className) {
    return className.startsWith(GENAI_PACKAGE)
        || className.startsWith(PACKAGE + "AnthropicMessages")
        || className.startsWith(PACKAGE + "AnthropicSpans")
        || className.startsWith(PACKAGE + "TracingStreamResponse");
  }

  static final class MessageServiceInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named(MESSAGE_SERVICE);
    }

    @Override
    public void transform(TypeTransformer transformer) {
      transformer.applyAdviceToMethod(messagesCall("create"),
          AnthropicInstrumentationModule.class.getName() + "$CreateAdvice");
      transformer.applyAdviceToMethod(messagesCall("createStreaming"),
          AnthropicInstrumentationModule.class.getName() + "$CreateStreamingAdvice");
    }

    /**
     * The implementation's two-argument method, which every public variant (without options,
     * structured output) ends in.
     */
    private static ElementMatcher<MethodDescription> messagesCall(String name) {
      return isMethod().and(isPublic()).and(named(name)).and(takesArguments(2))
          .and(takesArgument(0, named("com.anthropic.models.messages.MessageCreateParams")))
          .and(takesArgument(1, named("com.anthropic.core.RequestOptions")));
    }
  }

  /**
   * The SDK's own tracing asks {@code TraceApiCall.tracer(ClientOptions)} for a tracer and skips
   * its spans when there is none: inside a call traced here there is none, so one chat span per
   * call. Calls not traced here (other APIs, the async client) keep the SDK's spans.
   */
  static final class SdkTracingInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named("com.anthropic.core.opentelemetry.TraceApiCall");
    }

    @Override
    public void transform(TypeTransformer transformer) {
      transformer.applyAdviceToMethod(
          isMethod().and(isStatic()).and(named("tracer")).and(takesArguments(1))
              .and(takesArgument(0, named("com.anthropic.core.ClientOptions"))),
          AnthropicInstrumentationModule.class.getName() + "$SdkTracerAdvice");
    }
  }

  /** Inlined into {@code TraceApiCall.tracer}. */
  @SuppressWarnings("unused")
  public static final class SdkTracerAdvice {

    private SdkTracerAdvice() {}

    // Object, not Tracer: the SDK's Tracer is the application's OpenTelemetry API, which the
    // agent's remapping of our io.opentelemetry references must not touch.
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object tracer) {
      if (AnthropicSpans.inTracedCall()) {
        tracer = null;
      }
    }
  }

  /** Inlined into {@code MessageServiceImpl.create}: only helpers, the library and the API. */
  @SuppressWarnings("unused")
  public static final class CreateAdvice {

    private CreateAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ChatCall onEnter(@Advice.Argument(0) MessageCreateParams params) {
      return AnthropicSpans.start(params);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter ChatCall call,
        @Advice.Return Message message, @Advice.Thrown Throwable error) {
      AnthropicSpans.end(call, message, error);
    }
  }

  /** Inlined into {@code MessageServiceImpl.createStreaming}. */
  @SuppressWarnings("unused")
  public static final class CreateStreamingAdvice {

    private CreateStreamingAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ChatCall onEnter(@Advice.Argument(0) MessageCreateParams params) {
      return AnthropicSpans.start(params);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter ChatCall call,
        @Advice.Return(readOnly = false) StreamResponse<RawMessageStreamEvent> response,
        @Advice.Thrown Throwable error) {
      response = AnthropicSpans.endStreaming(call, response, error);
    }
  }
}
