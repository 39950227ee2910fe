package io.tracewarden.core.audit;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;

/**
 * Which agent session a record belongs to: {@code gen_ai.conversation.id}, else
 * {@code session.id} (on the record, then on its resource), else the trace id in hex.
 */
public final class Sessions {

  public static final String CONVERSATION_ID = "gen_ai.conversation.id";
  public static final String SESSION_ID = "session.id";

  private static final HexFormat HEX = HexFormat.of();

  private Sessions() {}

  public static String of(Span span, Resource resource) {
    String session = fromAttributes(span.getAttributesList(), resource);
    return session != null ? session : HEX.formatHex(span.getTraceId().toByteArray());
  }

  public static String of(LogRecord log, Resource resource) {
    String session = fromAttributes(log.getAttributesList(), resource);
    if (session != null) {
      return session;
    }
    return log.getTraceId().isEmpty() ? "" : HEX.formatHex(log.getTraceId().toByteArray());
  }

  private static String fromAttributes(List<KeyValue> attributes, Resource resource) {
    String value = find(attributes, CONVERSATION_ID);
    if (value == null) {
      value = find(resource.getAttributesList(), CONVERSATION_ID);
    }
    if (value == null) {
      value = find(attributes, SESSION_ID);
    }
    if (value == null) {
      value = find(resource.getAttributesList(), SESSION_ID);
    }
    return value;
  }

  private static String find(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        AnyValue value = attribute.getValue();
        if (value.hasStringValue() && !value.getStringValue().isEmpty()) {
          return value.getStringValue();
        }
      }
    }
    return null;
  }
}
