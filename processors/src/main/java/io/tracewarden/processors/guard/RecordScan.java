package io.tracewarden.processors.guard;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.tracewarden.guard.Guard;
import io.tracewarden.guard.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * One record's attributes as the guard sees them: a first pass compares keys only, so a record
 * without tool-call, process, database or URL attributes costs a few hash lookups.
 */
final class RecordScan {

  static final String TOOL_NAME = "gen_ai.tool.name";
  static final String TOOL_ARGUMENTS = "gen_ai.tool.call.arguments";
  static final String INPUT_MESSAGES = "gen_ai.input.messages";
  static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
  static final String DB_QUERY = "db.query.text";
  static final String DB_STATEMENT = "db.statement";
  static final String COMMAND_LINE = "process.command_line";
  static final String COMMAND_ARGS = "process.command_args";
  static final String URL_FULL = "url.full";
  static final String MASKED_COUNT = "tracewarden.masked.count";

  private String toolName = "";
  private List<KeyValue> inspect;
  private long maskedCount;

  /** Looks at keys; remembers the attributes worth inspecting. */
  void scan(List<KeyValue> attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      KeyValue attribute = attributes.get(i);
      switch (attribute.getKey()) {
        case TOOL_NAME -> toolName = attribute.getValue().getStringValue();
        case TOOL_ARGUMENTS, INPUT_MESSAGES, OUTPUT_MESSAGES, DB_QUERY, DB_STATEMENT,
            COMMAND_LINE, COMMAND_ARGS, URL_FULL -> {
          if (inspect == null) {
            inspect = new ArrayList<>(2);
          }
          inspect.add(attribute);
        }
        case MASKED_COUNT -> maskedCount += attribute.getValue().getIntValue();
        default -> {
          // Not ours.
        }
      }
    }
  }

  long maskedCount() {
    return maskedCount;
  }

  String toolName() {
    return toolName;
  }

  boolean hasInputs() {
    return inspect != null;
  }

  /** The strongest rule verdict over the remembered attributes, or null. */
  Verdict inspect(Guard guard) {
    if (inspect == null) {
      return null;
    }
    Verdict best = null;
    for (KeyValue attribute : inspect) {
      AnyValue value = attribute.getValue();
      String key = attribute.getKey();
      Verdict verdict = switch (key) {
        case TOOL_ARGUMENTS -> value.hasStringValue()
            ? guard.toolCall(toolName, value.getStringValue(), key) : null;
        case INPUT_MESSAGES, OUTPUT_MESSAGES -> value.hasStringValue()
            ? guard.messages(value.getStringValue(), key) : null;
        case DB_QUERY, DB_STATEMENT -> value.hasStringValue()
            ? guard.sql(value.getStringValue(), key) : null;
        case COMMAND_LINE -> value.hasStringValue()
            ? guard.shell(value.getStringValue(), key) : null;
        case COMMAND_ARGS -> commandArgs(guard, value, key);
        case URL_FULL -> value.hasStringValue() ? guard.url(value.getStringValue(), key)
            : null;
        default -> null;
      };
      best = Verdict.stronger(best, verdict);
    }
    return best;
  }

  private static Verdict commandArgs(Guard guard, AnyValue value, String key) {
    if (value.hasStringValue()) {
      return guard.shell(value.getStringValue(), key);
    }
    if (!value.hasArrayValue()) {
      return null;
    }
    List<String> argv = new ArrayList<>();
    for (AnyValue item : value.getArrayValue().getValuesList()) {
      argv.add(item.getStringValue());
    }
    return guard.argv(argv, key);
  }
}
