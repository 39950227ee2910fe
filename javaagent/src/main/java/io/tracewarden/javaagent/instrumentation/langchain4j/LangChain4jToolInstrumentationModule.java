package io.tracewarden.javaagent.instrumentation.langchain4j;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;
import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.implementsInterface;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.tool.ToolExecutionResult;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code execute_tool} spans and the in-process guard for LangChain4j 1.x tools: AI services run
 * every tool through {@code ToolExecutor.executeWithContext(ToolExecutionRequest,
 * InvocationContext)} (implemented by {@code DefaultToolExecutor} for {@code @Tool} methods, and
 * by the interface's default method for executors written as lambdas). Disable with
 * {@code -Dotel.instrumentation.tracewarden-langchain4j-tools.enabled=false}.
 *
 * <p>An indy module: its advice and helpers live in a class loader of their own that also sees
 * the extension, which is how the helpers reach the one {@code ToolGuard} the extension
 * configured. Helpers injected into the application's class loader could not.
 */
public final class LangChain4jToolInstrumentationModule extends InstrumentationModule {

  static final String TOOL_EXECUTOR = "dev.langchain4j.service.tool.ToolExecutor";
  // A string: naming the class would load it here, where LangChain4j is not visible.
  private static final String HELPER =
      "io.tracewarden.javaagent.instrumentation.langchain4j.ToolExecutionSpans";

  public LangChain4jToolInstrumentationModule() {
    super("tracewarden-langchain4j-tools", "tracewarden-langchain4j-tools-1.0");
  }

  @Override
  public boolean isIndyModule() {
    return true;
  }

  @Override
  public ElementMatcher.Junction<ClassLoader> classLoaderMatcher() {
    // executeWithContext and ToolExecutionResult arrived in 1.x.
    return hasClassesNamed(TOOL_EXECUTOR, "dev.langchain4j.service.tool.ToolExecutionResult");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new ToolExecutorInstrumentation());
  }

  // No muzzle plugin under Maven: the classes loaded next to the advice are listed here.
  @Override
  public List<String> getAdditionalHelperClassNames() {
    return List.of(HELPER, HELPER + "$Call",
        LangChain4jInstrumentationModule.GENAI_PACKAGE + "GenAiAttributes");
  }

  @Override
  public boolean isHelperClass(String className) {
    return className.startsWith(HELPER)
        || className.equals(LangChain4jInstrumentationModule.GENAI_PACKAGE + "GenAiAttributes");
  }

  static final class ToolExecutorInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<ClassLoader> classLoaderOptimization() {
      return hasClassesNamed(TOOL_EXECUTOR);
    }

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named(TOOL_EXECUTOR).or(implementsInterface(named(TOOL_EXECUTOR)));
    }

    @Override
    public void transform(TypeTransformer transformer) {
      transformer.applyAdviceToMethod(
          isMethod().and(named("executeWithContext")).and(not(isAbstract()))
              .and(takesArguments(2))
              .and(takesArgument(0, named("dev.langchain4j.agent.tool.ToolExecutionRequest")))
              .and(returns(named("dev.langchain4j.service.tool.ToolExecutionResult"))),
          LangChain4jToolInstrumentationModule.class.getName() + "$ExecuteWithContextAdvice");
    }
  }

  /**
   * Runs in the module's class loader. A refused call skips the tool's body: the enter advice
   * returns the refusal, and the exit advice returns it in place of the tool's result.
   */
  @SuppressWarnings("unused")
  public static final class ExecuteWithContextAdvice {

    private ExecuteWithContextAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class, inline = false,
        skipOn = ToolExecutionResult.class)
    public static Object onEnter(@Advice.Argument(0) ToolExecutionRequest request) {
      return ToolExecutionSpans.start(request);
    }

    @Advice.AssignReturned.ToReturned
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class,
        inline = false)
    public static ToolExecutionResult onExit(@Advice.Enter Object call,
        @Advice.Return ToolExecutionResult result, @Advice.Thrown Throwable error) {
      if (call instanceof ToolExecutionResult) {
        return (ToolExecutionResult) call;
      }
      ToolExecutionSpans.end(call, result, error);
      return result;
    }
  }
}
