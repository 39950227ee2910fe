package io.tracewarden.core.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.DiscardUnknownFieldsParser;
import com.google.protobuf.Parser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Decodes and encodes OTLP export requests (and any other OTLP message) in the two OTLP/HTTP
 * encodings, per the OTLP specification.
 *
 * <p>JSON follows the OTLP JSON mapping: trace and span ids are hex strings (not base64), enums
 * are integers, field names are lowerCamelCase on output (snake_case is accepted on input),
 * 64-bit integers are accepted as strings or numbers, and unknown fields are ignored.
 *
 * <p>Decoding is bounded: {@link Limits#maxNestingDepth} caps AnyValue nesting in both formats
 * (checked explicitly, and message nesting is capped in the parsers so that hostile input cannot
 * exhaust the stack), {@link Limits#maxMessageBytes} caps what a stream may deliver, and invalid
 * UTF-8 is refused. Every failure is an {@link OtlpDecodeException} whose message never echoes
 * payload content.
 */
public final class OtlpCodec {

  /** The two OTLP/HTTP payload encodings. */
  public enum Format {
    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    private final String mediaType;

    Format(String mediaType) {
      this.mediaType = mediaType;
    }

    /** The media type OTLP/HTTP uses for this format, without parameters. */
    public String mediaType() {
      return mediaType;
    }
  }

  /**
   * Bounds applied while decoding.
   *
   * @param maxNestingDepth the deepest AnyValue nesting accepted: a scalar attribute value has
   *     depth 1, an array of scalars depth 2, and so on (1 to {@value #MAX_NESTING_DEPTH})
   * @param maxMessageBytes the most bytes read from a stream (byte arrays are taken as given)
   */
  public record Limits(int maxNestingDepth, int maxMessageBytes) {

    public static final int DEFAULT_NESTING_DEPTH = 64;
    public static final int MAX_NESTING_DEPTH = 256;
    public static final Limits DEFAULT = new Limits(DEFAULT_NESTING_DEPTH, Integer.MAX_VALUE - 16);

    public Limits {
      if (maxNestingDepth < 1 || maxNestingDepth > MAX_NESTING_DEPTH) {
        throw new IllegalArgumentException(
            "maxNestingDepth must be between 1 and " + MAX_NESTING_DEPTH + ", got " + maxNestingDepth);
      }
      if (maxMessageBytes < 0) {
        throw new IllegalArgumentException("maxMessageBytes must not be negative");
      }
    }

    public static Limits ofNestingDepth(int maxNestingDepth) {
      return new Limits(maxNestingDepth, DEFAULT.maxMessageBytes);
    }

    public Limits withMaxMessageBytes(int bytes) {
      return new Limits(maxNestingDepth, bytes);
    }

    /**
     * Message nesting the parsers may reach: the deepest envelope (metrics exemplars) is under 16
     * levels, and each AnyValue level costs at most 3 message levels (AnyValue, KeyValueList,
     * KeyValue).
     */
    int messageRecursionLimit() {
      return 3 * maxNestingDepth + 16;
    }

    /** JSON nesting: each AnyValue level is at most 4 JSON levels, the envelope under 32. */
    int jsonNestingLimit() {
      return 4 * maxNestingDepth + 32;
    }
  }

  private OtlpCodec() {}

  public static ExportTraceServiceRequest decodeTraces(byte[] data, Format format, Limits limits)
      throws OtlpDecodeException {
    return decode(data, format, limits, ExportTraceServiceRequest.newBuilder(),
        ExportTraceServiceRequest.class);
  }

  public static ExportTraceServiceRequest decodeTraces(InputStream in, Format format, Limits limits)
      throws OtlpDecodeException {
    return decodeTraces(readBounded(in, limits), format, limits);
  }

  public static ExportLogsServiceRequest decodeLogs(byte[] data, Format format, Limits limits)
      throws OtlpDecodeException {
    return decode(data, format, limits, ExportLogsServiceRequest.newBuilder(),
        ExportLogsServiceRequest.class);
  }

  public static ExportLogsServiceRequest decodeLogs(InputStream in, Format format, Limits limits)
      throws OtlpDecodeException {
    return decodeLogs(readBounded(in, limits), format, limits);
  }

  public static ExportMetricsServiceRequest decodeMetrics(byte[] data, Format format, Limits limits)
      throws OtlpDecodeException {
    return decode(data, format, limits, ExportMetricsServiceRequest.newBuilder(),
        ExportMetricsServiceRequest.class);
  }

  public static ExportMetricsServiceRequest decodeMetrics(
      InputStream in, Format format, Limits limits) throws OtlpDecodeException {
    return decodeMetrics(readBounded(in, limits), format, limits);
  }

  /**
   * Decodes any OTLP message type (e.g. a response or {@code google.rpc.Status}) given a builder
   * of it. The AnyValue depth check applies to the three export requests only.
   */
  public static <T extends Message> T decode(
      byte[] data, Format format, Limits limits, Message.Builder builder, Class<T> type)
      throws OtlpDecodeException {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(limits, "limits");
    Message message = switch (format) {
      case PROTOBUF -> parseProtobuf(data, limits, builder);
      case JSON -> OtlpJson.parse(data, limits, builder);
    };
    AnyValueDepth.check(message, limits.maxNestingDepth());
    return type.cast(message);
  }

  /** Encodes {@code message} as OTLP protobuf or OTLP JSON (UTF-8). */
  public static byte[] encode(Message message, Format format) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(format, "format");
    return switch (format) {
      case PROTOBUF -> message.toByteArray();
      case JSON -> OtlpJson.print(message);
    };
  }

  private static Message parseProtobuf(byte[] data, Limits limits, Message.Builder builder)
      throws OtlpDecodeException {
    CodedInputStream input = CodedInputStream.newInstance(data);
    input.setRecursionLimit(limits.messageRecursionLimit());
    input.setSizeLimit(Integer.MAX_VALUE);
    // Unknown fields are invisible to masking: a backend with a newer schema could show them.
    Parser<? extends Message> parser = DiscardUnknownFieldsParser.wrap(
        builder.getDefaultInstanceForType().getParserForType());
    try {
      Message message = parser.parseFrom(input);
      input.checkLastTagWas(0);
      // Proto3 string fields are parsed with UTF-8 validation (readStringRequireUtf8), so
      // invalid UTF-8 is an InvalidProtocolBufferException here, not a lazy surprise later.
      return message;
    } catch (InvalidProtocolBufferException e) {
      if (e.getMessage() != null && e.getMessage().contains("levels of nesting")) {
        throw new OtlpDecodeException(OtlpDecodeException.Reason.TOO_DEEP,
            "message nesting exceeds the limit");
      }
      if (e.getMessage() != null && e.getMessage().contains("UTF-8")) {
        throw new OtlpDecodeException(OtlpDecodeException.Reason.MALFORMED,
            "invalid UTF-8 in a string field");
      }
      throw new OtlpDecodeException(OtlpDecodeException.Reason.MALFORMED, "malformed protobuf");
    } catch (IOException | RuntimeException e) {
      throw new OtlpDecodeException(OtlpDecodeException.Reason.MALFORMED, "malformed protobuf");
    }
  }

  private static byte[] readBounded(InputStream in, Limits limits) throws OtlpDecodeException {
    Objects.requireNonNull(in, "in");
    int max = limits.maxMessageBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 8192) + 1);
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, (long) max - out.size() + 1)))
          > 0) {
        out.write(buffer, 0, n);
        if (out.size() > max) {
          throw new OtlpDecodeException(OtlpDecodeException.Reason.TOO_LARGE,
              "message larger than " + max + " bytes");
        }
      }
    } catch (IOException e) {
      throw new OtlpDecodeException(OtlpDecodeException.Reason.MALFORMED, "unreadable input");
    }
    return out.toByteArray();
  }

  /** Lower-case hex, as OTLP JSON writes ids; decoding accepts either case. */
  static final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    static String encode(byte[] bytes) {
      char[] chars = new char[bytes.length * 2];
      for (int i = 0; i < bytes.length; i++) {
        chars[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
        chars[2 * i + 1] = DIGITS[bytes[i] & 0xF];
      }
      return new String(chars);
    }

    /** The bytes, or null when {@code hex} is not an even number of hex digits. */
    static byte[] decode(String hex) {
      if ((hex.length() & 1) != 0) {
        return null;
      }
      byte[] bytes = new byte[hex.length() / 2];
      for (int i = 0; i < bytes.length; i++) {
        int high = digit(hex.charAt(2 * i));
        int low = digit(hex.charAt(2 * i + 1));
        if (high < 0 || low < 0) {
          return null;
        }
        bytes[i] = (byte) ((high << 4) | low);
      }
      return bytes;
    }

    /** ASCII hex digits only: Character.digit would also accept other scripts' digits. */
    private static int digit(char c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      return -1;
    }
  }
}
