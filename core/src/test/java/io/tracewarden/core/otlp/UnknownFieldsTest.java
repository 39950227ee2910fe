package io.tracewarden.core.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Fields masking cannot see must not survive decoding. */
class UnknownFieldsTest {

  private static final String SECRET = "sk_live_hidden_in_an_unknown_field_0123456789";

  @Test
  void unknownFieldsAreDroppedAtDecode() throws Exception {
    // A span with an extra length-delimited field 100 that no OTLP schema defines.
    ByteArrayOutputStream spanBytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(spanBytes);
    Span.newBuilder().setName("op").setTraceId(ByteString.copyFrom(new byte[16]))
        .setSpanId(ByteString.copyFrom(new byte[8])).build().writeTo(out);
    out.writeString(100, SECRET);
    out.flush();
    ByteArrayOutputStream scopeBytes = new ByteArrayOutputStream();
    CodedOutputStream scope = CodedOutputStream.newInstance(scopeBytes);
    scope.writeByteArray(ScopeSpans.SPANS_FIELD_NUMBER, spanBytes.toByteArray());
    scope.flush();
    ByteArrayOutputStream resourceBytes = new ByteArrayOutputStream();
    CodedOutputStream resource = CodedOutputStream.newInstance(resourceBytes);
    resource.writeByteArray(ResourceSpans.SCOPE_SPANS_FIELD_NUMBER, scopeBytes.toByteArray());
    resource.flush();
    ByteArrayOutputStream requestBytes = new ByteArrayOutputStream();
    CodedOutputStream request = CodedOutputStream.newInstance(requestBytes);
    request.writeByteArray(ExportTraceServiceRequest.RESOURCE_SPANS_FIELD_NUMBER,
        resourceBytes.toByteArray());
    request.flush();
    byte[] wire = requestBytes.toByteArray();
    assertThat(new String(wire, StandardCharsets.ISO_8859_1)).contains(SECRET);

    ExportTraceServiceRequest decoded = OtlpCodec.decodeTraces(wire, OtlpCodec.Format.PROTOBUF,
        OtlpCodec.Limits.DEFAULT);

    assertThat(decoded.getResourceSpans(0).getScopeSpans(0).getSpans(0).getName()).isEqualTo("op");
    assertThat(new String(decoded.toByteArray(), StandardCharsets.ISO_8859_1))
        .doesNotContain(SECRET);
    assertThat(decoded.getSerializedSize()).isLessThan(wire.length);
  }
}
