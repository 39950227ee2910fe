package io.tracewarden.javaagent.instrumentation.langchain4j;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;
import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.implementsInterface;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import io.tracewarden.javaagent.instrumentation.genai.ChatCall;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code StreamingChatModel.doChat(ChatRequest, StreamingChatResponseHandler)}: the span starts
 * at the call and ends when the handler hears the complete response or the error.
 */
final class StreamingChatModelInstrumentation implements TypeInstrumentation {

  static final String STREAMING_CHAT_MODEL = "dev.langchain4j.model.chat.StreamingChatModel";

  @Override
  public ElementMatcher<ClassLoader> classLoaderOptimization() {
    // The handler wrapper forwards the callbacks of the tested versions (1.19: with contexts).
    return hasClassesNamed(STREAMING_CHAT_MODEL,
        "dev.langchain4j.model.chat.response.PartialThinkingContext",
        "dev.langchain4j.model.chat.response.PartialToolCallContext");
  }

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return implementsInterface(named(STREAMING_CHAT_MODEL));
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        isMethod().and(named("doChat")).and(not(isAbstract())).and(takesArguments(2))
            .and(takesArgument(0, named("dev.langchain4j.model.chat.request.ChatRequest")))
            .and(takesArgument(1,
                named("dev.langchain4j.model.chat.response.StreamingChatResponseHandler"))),
        StreamingChatModelInstrumentation.class.getName() + "$DoChatAdvice");
  }

  /** Inlined into every streaming {@code doChat}: only helpers, the library and the API. */
  @SuppressWarnings("unused")
  public static final class DoChatAdvice {

    private DoChatAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ChatCall onEnter(@Advice.This StreamingChatModel model,
        @Advice.Argument(0) ChatRequest request,
        @Advice.Argument(value = 1, readOnly = false) StreamingChatResponseHandler handler) {
      ChatCall call = LangChain4jSpans.startStreaming(model, request);
      handler = LangChain4jSpans.wrap(call, handler);
      return call;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter ChatCall call,
        @Advice.Argument(1) StreamingChatResponseHandler handler,
        @Advice.Thrown Throwable error) {
      LangChain4jSpans.exitStreaming(call, handler, error);
    }
  }
}
