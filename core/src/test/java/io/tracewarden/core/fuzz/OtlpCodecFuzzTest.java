package io.tracewarden.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Message;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.core.otlp.OtlpCodec.Format;
import io.tracewarden.core.otlp.OtlpCodec.Limits;
import io.tracewarden.core.otlp.OtlpDecodeException;

/**
 * Fuzzes the OTLP protobuf and JSON decoders. Properties, for any bytes, either format and a
 * range of nesting limits:
 *
 * <ul>
 *   <li>a decode returns or throws {@link OtlpDecodeException} (with a reason and a short
 *       message): any other exception, a StackOverflowError or an OutOfMemoryError is a finding
 *       (Jazzer reports every uncaught throwable; a per-input timeout catches hangs);
 *   <li>a decoded message re-encodes and decodes, in the same format, to an equal message;
 *   <li>it also crosses formats: its protobuf encoding decodes (same limits) to an equal message
 *       when it came from JSON, and its JSON encoding is a fixed point when it came from protobuf
 *       (JSON drops unknown fields, so equality is checked on the JSON text).
 * </ul>
 *
 * <p>The first input byte picks the format and the nesting limit, the rest is the payload. Seeds
 * live in {@code src/test/resources/io/tracewarden/core/fuzz/OtlpCodecFuzzTestInputs/<method>/}.
 */
class OtlpCodecFuzzTest {

  private static final int[] DEPTHS = {1, 2, 3, 8, 64, Limits.MAX_NESTING_DEPTH};

  private interface Decoder {
    Message decode(byte[] data, Format format, Limits limits) throws OtlpDecodeException;
  }

  @FuzzTest(maxDuration = "30s")
  void decodeTraces(FuzzedDataProvider data) {
    check(data, OtlpCodec::decodeTraces);
  }

  @FuzzTest(maxDuration = "30s")
  void decodeLogs(FuzzedDataProvider data) {
    check(data, OtlpCodec::decodeLogs);
  }

  @FuzzTest(maxDuration = "30s")
  void decodeMetrics(FuzzedDataProvider data) {
    check(data, OtlpCodec::decodeMetrics);
  }

  private static void check(FuzzedDataProvider data, Decoder decoder) {
    int selector = data.consumeInt(0, 2 * DEPTHS.length - 1);
    Format format = selector % 2 == 0 ? Format.PROTOBUF : Format.JSON;
    Limits limits = Limits.ofNestingDepth(DEPTHS[selector / 2]);
    byte[] payload = data.consumeRemainingAsBytes();

    Message decoded;
    try {
      decoded = decoder.decode(payload, format, limits);
    } catch (OtlpDecodeException e) {
      assertThat(e.reason()).isNotNull();
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(200);
      return;
    }
    assertThat(decoded).isNotNull();

    // Same format: encode → decode is stable.
    byte[] again = OtlpCodec.encode(decoded, format);
    assertThat(decodeOrFail(decoder, again, format, limits))
        .as("%s round trip", format).isEqualTo(decoded);

    if (format == Format.JSON) {
      // What arrived as JSON goes out as protobuf (exporters): it must mean the same.
      byte[] proto = OtlpCodec.encode(decoded, Format.PROTOBUF);
      assertThat(decodeOrFail(decoder, proto, Format.PROTOBUF, limits))
          .as("JSON → protobuf → decode").isEqualTo(decoded);
    } else {
      byte[] json = OtlpCodec.encode(decoded, Format.JSON);
      Message fromJson = decodeOrFail(decoder, json, Format.JSON, limits);
      assertThat(OtlpCodec.encode(fromJson, Format.JSON))
          .as("protobuf → JSON → decode → JSON").isEqualTo(json);
    }
  }

  private static Message decodeOrFail(Decoder decoder, byte[] data, Format format, Limits limits) {
    try {
      return decoder.decode(data, format, limits);
    } catch (OtlpDecodeException e) {
      throw new AssertionError("re-encoded " + format + " message no longer decodes: "
          + e.reason() + " " + e.getMessage(), e);
    }
  }
}
