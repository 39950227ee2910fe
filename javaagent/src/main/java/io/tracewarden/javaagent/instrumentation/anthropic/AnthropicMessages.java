package io.tracewarden.javaagent.instrumentation.anthropic;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageContentParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.SystemMessageParam;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.messages.ToolUseBlockParam;
import io.tracewarden.javaagent.instrumentation.genai.GenAiJson;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Anthropic Messages API requests and responses as the GenAI semantic conventions' JSON: text,
 * {@code reasoning} (thinking blocks), {@code tool_call} (tool_use blocks, the input as JSON text)
 * and {@code tool_call_response} (tool_result blocks) parts.
 */
final class AnthropicMessages {

  private static final Object MAPPER;
  private static final Method WRITE_VALUE_AS_STRING;

  static {
    Object mapper = null;
    Method write = null;
    try {
      mapper = ObjectMappers.class.getMethod("jsonMapper").invoke(null);
      write = mapper.getClass().getMethod("writeValueAsString", Object.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // tool arguments are then recorded as null; everything else still is
    }
    MAPPER = mapper;
    WRITE_VALUE_AS_STRING = write;
  }

  private AnthropicMessages() {}

  /** The {@code system} parameter's texts, or null when there is none. */
  static String systemInstructions(MessageCreateParams params) {
    MessageCreateParams.System system = params.system().orElse(null);
    if (system == null) {
      return null;
    }
    List<String> texts = new ArrayList<>();
    if (system.isString()) {
      texts.add(system.asString());
    } else {
      for (TextBlockParam block : system.asTextBlockParams()) {
        texts.add(block.text());
      }
    }
    return GenAiJson.systemInstructions(texts);
  }

  static String input(List<MessageParam> messages) {
    GenAiJson json = new GenAiJson();
    for (MessageParam m : messages) {
      json.message(m.role().asString());
      if (m.isSystem()) {
        SystemMessageParam.Content content = m.asSystem().content();
        if (content.isString()) {
          json.text(content.asString());
        } else {
          content.asBlocks().forEach(block -> json.text(block.text()));
        }
        continue;
      }
      MessageContentParam content = m.content();
      if (content.isString()) {
        json.text(content.asString());
      } else {
        for (ContentBlockParam block : content.asContentBlockParams()) {
          inputPart(json, block);
        }
      }
    }
    return json.build();
  }

  private static void inputPart(GenAiJson json, ContentBlockParam block) {
    if (block.isText()) {
      json.text(block.asText().text());
    } else if (block.isThinking()) {
      json.reasoning(block.asThinking().thinking());
    } else if (block.isToolUse()) {
      ToolUseBlockParam t = block.asToolUse();
      json.toolCall(t.id(), t.name(), toJson(t.input()));
    } else if (block.isToolResult()) {
      ToolResultBlockParam r = block.asToolResult();
      json.toolCallResponse(r.toolUseId(), r.content().map(AnthropicMessages::text).orElse(null));
    } else {
      json.opaquePart(String.valueOf(block.type()).toLowerCase(Locale.ROOT));
    }
  }

  private static String text(ToolResultBlockParam.Content content) {
    if (content.isString()) {
      return content.asString();
    }
    StringBuilder b = new StringBuilder();
    for (ToolResultBlockParam.Content.Block block : content.asBlocks()) {
      if (block.isText()) {
        if (b.length() > 0) {
          b.append('\n');
        }
        b.append(block.asText().text());
      }
    }
    return b.toString();
  }

  static String output(Message message, String finishReason) {
    GenAiJson json = new GenAiJson().message("assistant");
    for (ContentBlock block : message.content()) {
      if (block.isText()) {
        json.text(block.asText().text());
      } else if (block.isThinking()) {
        json.reasoning(block.asThinking().thinking());
      } else if (block.isRedactedThinking()) {
        json.opaquePart("reasoning"); // encrypted by the provider: nothing readable to record
      } else if (block.isToolUse()) {
        ToolUseBlock t = block.asToolUse();
        json.toolCall(t.id(), t.name(), toJson(t._input()));
      } else if (block.isServerToolUse()) {
        json.toolCall(block.asServerToolUse().id(), block.asServerToolUse().name().asString(),
            toJson(block.asServerToolUse()._input()));
      } else {
        json.opaquePart(String.valueOf(block.type()).toLowerCase(Locale.ROOT));
      }
    }
    return json.finishReason(finishReason).build();
  }

  /**
   * Tool input as JSON text, written by the SDK's own mapper (the application's Jackson). Called
   * reflectively: the extension jar relocates every Jackson reference in our classes to its own
   * shaded copy, which the SDK's mapper is not.
   */
  private static String toJson(Object value) {
    if (WRITE_VALUE_AS_STRING == null) {
      return null;
    }
    try {
      return (String) WRITE_VALUE_AS_STRING.invoke(MAPPER, value);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // never fail the call for telemetry; the part keeps its id and name
    }
  }
}
