package io.tracewarden.javaagent.instrumentation.genai;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The GenAI semantic conventions' client span attributes, and whether message content is
 * captured. Shared by the Tracewarden instrumentations (injected as a helper with each).
 */
public final class GenAiAttributes {

  public static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<String> PROVIDER =
      AttributeKey.stringKey("gen_ai.provider.name");
  public static final AttributeKey<String> REQUEST_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<Double> TEMPERATURE =
      AttributeKey.doubleKey("gen_ai.request.temperature");
  public static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
  public static final AttributeKey<Double> TOP_K = AttributeKey.doubleKey("gen_ai.request.top_k");
  public static final AttributeKey<Long> MAX_TOKENS =
      AttributeKey.longKey("gen_ai.request.max_tokens");
  public static final AttributeKey<String> RESPONSE_ID =
      AttributeKey.stringKey("gen_ai.response.id");
  public static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  public static final AttributeKey<List<String>> FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  public static final AttributeKey<Long> INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  public static final AttributeKey<String> SYSTEM_INSTRUCTIONS =
      AttributeKey.stringKey("gen_ai.system_instructions");
  public static final AttributeKey<String> INPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.input.messages");
  public static final AttributeKey<String> OUTPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.output.messages");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /**
   * {@code otel.instrumentation.genai.capture-message-content}, on unless set to false: this
   * distribution masks content before export. Read from the system property or the environment
   * only (helpers cannot see the agent's configuration file).
   */
  public static final boolean CAPTURE_CONTENT = captureContent();

  private GenAiAttributes() {}

  private static boolean captureContent() {
    String v = System.getProperty("otel.instrumentation.genai.capture-message-content");
    if (v == null) {
      v = System.getenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT");
    }
    return v == null || Boolean.parseBoolean(v.trim());
  }
}
