package io.tracewarden.recording.trail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The canonical JSON of record bodies (see {@code docs/audit-log.md}): no insignificant
 * whitespace, object members sorted by key (UTF-16 code units, as RFC 8785), strings in UTF-8 with
 * only {@code "}, {@code \}, and control characters escaped, integers in plain decimal.
 * Non-integral numbers (only ever found inside embedded OTLP JSON) are written as Java's
 * {@link Double#toString}; verifiers hash the stored bytes and never re-serialize.
 */
public final class CanonicalJson {

  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final ObjectMapper READER = new ObjectMapper();

  static {
    READER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(512).maxStringLength(Integer.MAX_VALUE).build());
    READER.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  private CanonicalJson() {}

  /** Parses a record body; throws {@link IOException} for anything that is not one JSON object. */
  public static ObjectNode parse(byte[] body) throws IOException {
    JsonNode node = READER.readTree(body);
    if (node == null || !node.isObject()) {
      throw new IOException("body is not a JSON object");
    }
    return (ObjectNode) node;
  }

  public static JsonNode parseAny(byte[] json) throws IOException {
    return READER.readTree(json);
  }

  public static byte[] write(JsonNode node) {
    StringBuilder text = new StringBuilder(256);
    append(node, text);
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON value for an audit attribute: String, Number, Boolean, List, Map, else its text. */
  public static JsonNode value(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      return NODES.numberNode(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      return NODES.numberNode(big);
    }
    if (value instanceof Number number) {
      double d = number.doubleValue();
      if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
        return NODES.numberNode((long) d);
      }
      return NODES.textNode(number.toString());
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        object.set(String.valueOf(entry.getKey()), value(entry.getValue()));
      }
      return object;
    }
    if (value instanceof Collection<?> collection) {
      ArrayNode array = NODES.arrayNode();
      for (Object item : collection) {
        array.add(value(item));
      }
      return array;
    }
    return NODES.textNode(value.toString());
  }

  private static void append(JsonNode node, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<String> keys = new ArrayList<>(node.size());
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
          keys.add(names.next());
        }
        keys.sort(null); // String.compareTo: UTF-16 code units, as RFC 8785
        out.append('{');
        for (int i = 0; i < keys.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          string(keys.get(i), out);
          out.append(':');
          append(node.get(keys.get(i)), out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          append(node.get(i), out);
        }
        out.append(']');
      }
      case STRING -> string(node.textValue(), out);
      case NUMBER -> number(node, out);
      case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
      case NULL, MISSING -> out.append("null");
      case BINARY, POJO -> string(node.asText(), out);
    }
  }

  private static void number(JsonNode node, StringBuilder out) {
    if (node.isIntegralNumber()) {
      out.append(node.bigIntegerValue().toString());
      return;
    }
    BigDecimal decimal = node.decimalValue();
    if (decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0
        && decimal.abs().compareTo(BigDecimal.valueOf(9_007_199_254_740_992L)) < 0) {
      out.append(decimal.toBigInteger().toString());
      return;
    }
    double d = node.doubleValue();
    out.append(Double.isFinite(d) ? Double.toString(d) : "null");
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          boolean loneSurrogate = Character.isSurrogate(c) && !(Character.isHighSurrogate(c)
              && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)));
          if (c < 0x20 || loneSurrogate) {
            out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
          } else if (Character.isHighSurrogate(c)) {
            out.append(c).append(s.charAt(++i));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
