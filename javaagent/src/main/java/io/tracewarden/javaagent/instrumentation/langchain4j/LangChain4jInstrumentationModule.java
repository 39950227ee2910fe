package io.tracewarden.javaagent.instrumentation.langchain4j;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;
import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.implementsInterface;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import io.tracewarden.javaagent.instrumentation.genai.ChatCall;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * GenAI client spans for LangChain4j 1.x chat models ({@code ChatModel.doChat(ChatRequest)}, the
 * call every {@code chat(...)} variant funnels into, and its streaming counterpart), per the GenAI
 * semantic conventions. Disable
 * with {@code -Dotel.instrumentation.tracewarden-langchain4j.enabled=false}.
 */
public final class LangChain4jInstrumentationModule extends InstrumentationModule {

  static final String CHAT_MODEL = "dev.langchain4j.model.chat.ChatModel";
  private static final String HELPER_PACKAGE = "io.tracewarden.javaagent.instrumentation.langchain4j.";
  static final String GENAI_PACKAGE = "io.tracewarden.javaagent.instrumentation.genai.";

  public LangChain4jInstrumentationModule() {
    super("tracewarden-langchain4j", "tracewarden-langchain4j-1.0", "langchain4j");
  }

  @Override
  public ElementMatcher.Junction<ClassLoader> classLoaderMatcher() {
    // 1.x only: ChatModel with doChat and ChatResponse (0.x had ChatLanguageModel).
    return hasClassesNamed(CHAT_MODEL, "dev.langchain4j.model.chat.response.ChatResponse",
        "dev.langchain4j.model.ModelProvider");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new ChatModelInstrumentation(), new StreamingChatModelInstrumentation());
  }

  // No muzzle plugin under Maven: the classes injected next to the advice are listed here.
  @Override
  public List<String> getAdditionalHelperClassNames() {
    return List.of(
        HELPER_PACKAGE + "LangChain4jSpans",
        GENAI_PACKAGE + "ChatCall",
        HELPER_PACKAGE + "GenAiMessages",
        HELPER_PACKAGE + "TracingStreamingResponseHandler",
        GENAI_PACKAGE + "GenAiAttributes",
        GENAI_PACKAGE + "GenAiJson");
  }

  @Override
  public boolean isHelperClass(String className) {
    return className.startsWith(HELPER_PACKAGE + "LangChain4jSpans")
        || className.equals(HELPER_PACKAGE + "GenAiMessages")
        || className.equals(HELPER_PACKAGE + "TracingStreamingResponseHandler")
        || className.startsWith(GENAI_PACKAGE);
  }

  static final class ChatModelInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<ClassLoader> classLoaderOptimization() {
      return hasClassesNamed(CHAT_MODEL);
    }

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return implementsInterface(named(CHAT_MODEL));
    }

    @Override
    public void transform(TypeTransformer transformer) {
      transformer.applyAdviceToMethod(
          isMethod().and(named("doChat")).and(not(isAbstract())).and(takesArguments(1))
              .and(takesArgument(0, named("dev.langchain4j.model.chat.request.ChatRequest"))),
          LangChain4jInstrumentationModule.class.getName() + "$DoChatAdvice");
    }
  }

  /** Inlined into every {@code ChatModel.doChat}: must only use helpers, the library and the API. */
  @SuppressWarnings("unused")
  public static final class DoChatAdvice {

    private DoChatAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ChatCall onEnter(@Advice.This ChatModel model,
        @Advice.Argument(0) ChatRequest request) {
      return LangChain4jSpans.start(model, request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter ChatCall call,
        @Advice.Return ChatResponse response, @Advice.Thrown Throwable error) {
      LangChain4jSpans.end(call, response, error);
    }
  }
}
