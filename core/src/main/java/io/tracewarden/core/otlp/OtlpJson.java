package io.tracewarden.core.otlp;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OTLP JSON mapping (proto3 JSON with OTLP's deviations), driven by message descriptors.
 *
 * <p>Written here rather than with {@code JsonFormat} because {@code JsonFormat.Parser} caps
 * message nesting at 100 with no public way to raise it, which refuses legitimate AnyValue trees
 * of depth 64 (each level is up to three message levels); parsing once into a Jackson tree under
 * {@link StreamReadConstraints} and converting by descriptor also avoids parsing twice.
 */
final class OtlpJson {

  /** The OTLP bytes fields that JSON carries as hex; all other bytes fields are base64. */
  private static final Set<String> ID_FIELDS = Set.of("trace_id", "span_id", "parent_span_id");

  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private static final JsonFactory OUTPUT = new JsonFactory();
  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS =
      new ConcurrentHashMap<>();

  private OtlpJson() {}

  static Message parse(byte[] data, OtlpCodec.Limits limits, Message.Builder builder)
      throws OtlpDecodeException {
    JsonNode root;
    try {
      root = mapper(limits).readTree(data);
    } catch (StreamConstraintsException e) {
      throw new OtlpDecodeException(OtlpDecodeException.Reason.TOO_DEEP,
          "JSON nesting exceeds the limit");
    } catch (JsonProcessingException e) {
      throw new OtlpDecodeException(OtlpDecodeException.Reason.MALFORMED, "malformed JSON"
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr()));
    } catch (IOException | RuntimeException e) {
      throw new OtlpDecodeException(OtlpDecodeException.Reason.MALFORMED, "malformed JSON");
    }
    if (root == null || !root.isObject()) {
      throw malformed("expected a JSON object");
    }
    merge(root, builder);
    return builder.build();
  }

  static byte[] print(Message message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = OUTPUT.createGenerator(out, JsonEncoding.UTF8)) {
      write(message, generator);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + message.getDescriptorForType().getName(), e);
    }
    return out.toByteArray();
  }

  // ---- reading -------------------------------------------------------------------------------

  private static ObjectMapper mapper(OtlpCodec.Limits limits) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(limits.jsonNestingLimit()).build())
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .build();
    return new ObjectMapper(factory);
  }

  private static void merge(JsonNode object, Message.Builder builder) throws OtlpDecodeException {
    Map<String, FieldDescriptor> fields = fields(builder.getDescriptorForType());
    Iterator<Map.Entry<String, JsonNode>> entries = object.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      FieldDescriptor field = fields.get(entry.getKey());
      JsonNode value = entry.getValue();
      if (field == null || value.isNull() || field.isMapField()) {
        continue; // unknown fields are ignored; null means default
      }
      if (field.isRepeated()) {
        if (!value.isArray()) {
          throw malformed("field '" + field.getJsonName() + "' must be an array");
        }
        for (JsonNode item : value) {
          Object converted = convert(field, item, builder);
          if (converted != null) {
            builder.addRepeatedField(field, converted);
          }
        }
      } else {
        Object converted = convert(field, value, builder);
        if (converted != null) {
          builder.setField(field, converted);
        }
      }
    }
  }

  /** The value to set, or null to leave the field unset (an unknown enum name). */
  private static Object convert(FieldDescriptor field, JsonNode value, Message.Builder parent)
      throws OtlpDecodeException {
    return switch (field.getJavaType()) {
      case MESSAGE -> {
        if (!value.isObject()) {
          throw malformed("field '" + field.getJsonName() + "' must be an object");
        }
        Message.Builder child = parent.newBuilderForField(field);
        merge(value, child);
        yield child.build();
      }
      case STRING -> {
        if (!value.isTextual()) {
          throw malformed("field '" + field.getJsonName() + "' must be a string");
        }
        if (!isWellFormed(value.textValue())) {
          // "\ud800" is valid JSON but not Unicode: protobuf would re-encode it as "?", so what
          // was scanned would not be what is exported. Refused like invalid UTF-8 in protobuf.
          throw malformed("field '" + field.getJsonName() + "' has an unpaired surrogate");
        }
        yield value.textValue();
      }
      case BOOLEAN -> {
        if (value.isBoolean()) {
          yield value.booleanValue();
        }
        if (value.isTextual() && ("true".equals(value.textValue())
            || "false".equals(value.textValue()))) {
          yield Boolean.parseBoolean(value.textValue());
        }
        throw malformed("field '" + field.getJsonName() + "' must be a boolean");
      }
      case INT -> (int) integer(field, value, isUnsigned(field) ? 0 : Integer.MIN_VALUE,
          isUnsigned(field) ? 0xFFFF_FFFFL : Integer.MAX_VALUE);
      case LONG -> isUnsigned(field) ? unsignedLong(field, value)
          : integer(field, value, Long.MIN_VALUE, Long.MAX_VALUE);
      case DOUBLE -> floating(field, value);
      case FLOAT -> (float) floating(field, value);
      case BYTE_STRING -> bytes(field, value);
      case ENUM -> enumValue(field, value);
    };
  }

  /** True when every surrogate in {@code text} is part of a pair. */
  private static boolean isWellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUnsigned(FieldDescriptor field) {
    return switch (field.getType()) {
      case UINT32, FIXED32, UINT64, FIXED64 -> true;
      default -> false;
    };
  }

  private static BigDecimal number(FieldDescriptor field, JsonNode value)
      throws OtlpDecodeException {
    try {
      if (value.isNumber()) {
        return value.decimalValue();
      }
      if (value.isTextual() && value.textValue().length() <= 64) {
        return new BigDecimal(value.textValue().trim());
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw malformed("field '" + field.getJsonName() + "' must be a number");
  }

  private static long integer(FieldDescriptor field, JsonNode value, long min, long max)
      throws OtlpDecodeException {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      long result = value.longValue();
      if (result >= min && result <= max) {
        return result;
      }
      throw malformed("field '" + field.getJsonName() + "' is out of range");
    }
    try {
      long result = number(field, value).longValueExact();
      if (result >= min && result <= max) {
        return result;
      }
    } catch (ArithmeticException e) {
      // fall through
    }
    throw malformed("field '" + field.getJsonName() + "' must be an integer in range");
  }

  private static long unsignedLong(FieldDescriptor field, JsonNode value)
      throws OtlpDecodeException {
    // Size-check before converting: toBigIntegerExact on "1e999999999" (or "1e-999999999")
    // computes a power of ten with a billion digits, minutes of CPU for one field.
    BigDecimal number = number(field, value).stripTrailingZeros();
    if (number.scale() <= 0 && number.precision() - number.scale() <= 20) {
      BigInteger result = number.toBigIntegerExact();
      if (result.signum() >= 0 && result.compareTo(UINT64_MAX) <= 0) {
        return result.longValue();
      }
    }
    throw malformed("field '" + field.getJsonName() + "' must be an unsigned integer in range");
  }

  private static double floating(FieldDescriptor field, JsonNode value)
      throws OtlpDecodeException {
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isTextual()) {
      switch (value.textValue()) {
        case "NaN" -> {
          return Double.NaN;
        }
        case "Infinity" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-Infinity" -> {
          return Double.NEGATIVE_INFINITY;
        }
        default -> {
          return number(field, value).doubleValue();
        }
      }
    }
    throw malformed("field '" + field.getJsonName() + "' must be a number");
  }

  private static ByteString bytes(FieldDescriptor field, JsonNode value)
      throws OtlpDecodeException {
    if (!value.isTextual()) {
      throw malformed("field '" + field.getJsonName() + "' must be a string");
    }
    String text = value.textValue();
    if (ID_FIELDS.contains(field.getName())) {
      if (text.isEmpty()) {
        return ByteString.EMPTY;
      }
      int length = "trace_id".equals(field.getName()) ? 16 : 8;
      byte[] id = OtlpCodec.Hex.decode(text);
      if (id == null || id.length != length) {
        throw malformed("field '" + field.getJsonName() + "' must be " + (2 * length)
            + " hex digits");
      }
      return ByteString.copyFrom(id);
    }
    try {
      boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
      return ByteString.copyFrom(
          (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text));
    } catch (IllegalArgumentException e) {
      throw malformed("field '" + field.getJsonName() + "' must be base64");
    }
  }

  private static EnumValueDescriptor enumValue(FieldDescriptor field, JsonNode value)
      throws OtlpDecodeException {
    EnumDescriptor type = field.getEnumType();
    if (value.isTextual()) {
      EnumValueDescriptor named = type.findValueByName(value.textValue());
      if (named != null) {
        return named;
      }
      try {
        return type.findValueByNumberCreatingIfUnknown(Integer.parseInt(value.textValue()));
      } catch (NumberFormatException e) {
        return null; // an unknown enum name is ignored, like an unknown field
      }
    }
    return type.findValueByNumberCreatingIfUnknown(
        (int) integer(field, value, Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  /** Both the lowerCamelCase JSON name and the original snake_case name of every field. */
  private static Map<String, FieldDescriptor> fields(Descriptor descriptor) {
    return FIELDS.computeIfAbsent(descriptor, d -> {
      Map<String, FieldDescriptor> byName = new HashMap<>();
      for (FieldDescriptor field : d.getFields()) {
        byName.put(field.getName(), field);
        byName.put(field.getJsonName(), field);
      }
      return Map.copyOf(byName);
    });
  }

  private static OtlpDecodeException malformed(String problem) {
    return new OtlpDecodeException(OtlpDecodeException.Reason.MALFORMED,
        "JSON does not match the OTLP schema: " + problem);
  }

  // ---- writing -------------------------------------------------------------------------------

  private static void write(Message message, JsonGenerator out) throws IOException {
    out.writeStartObject();
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      out.writeFieldName(field.getJsonName());
      if (field.isRepeated()) {
        out.writeStartArray();
        for (Object item : (List<?>) entry.getValue()) {
          writeValue(field, item, out);
        }
        out.writeEndArray();
      } else {
        writeValue(field, entry.getValue(), out);
      }
    }
    out.writeEndObject();
  }

  private static void writeValue(FieldDescriptor field, Object value, JsonGenerator out)
      throws IOException {
    switch (field.getType()) {
      case MESSAGE, GROUP -> write((Message) value, out);
      case STRING -> out.writeString((String) value);
      case BOOL -> out.writeBoolean((Boolean) value);
      case INT32, SINT32, SFIXED32 -> out.writeNumber((Integer) value);
      case UINT32, FIXED32 -> out.writeNumber(Integer.toUnsignedLong((Integer) value));
      case INT64, SINT64, SFIXED64 -> out.writeString(Long.toString((Long) value));
      case UINT64, FIXED64 -> out.writeString(Long.toUnsignedString((Long) value));
      case DOUBLE -> writeDouble((Double) value, out);
      case FLOAT -> writeDouble(((Float) value).doubleValue(), out);
      case ENUM -> out.writeNumber(((EnumValueDescriptor) value).getNumber());
      case BYTES -> {
        byte[] bytes = ((ByteString) value).toByteArray();
        out.writeString(ID_FIELDS.contains(field.getName())
            ? OtlpCodec.Hex.encode(bytes) : Base64.getEncoder().encodeToString(bytes));
      }
    }
  }

  private static void writeDouble(double value, JsonGenerator out) throws IOException {
    if (Double.isNaN(value)) {
      out.writeString("NaN");
    } else if (Double.isInfinite(value)) {
      out.writeString(value > 0 ? "Infinity" : "-Infinity");
    } else {
      out.writeNumber(value);
    }
  }
}
