package io.tracewarden.core.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.testing.TestComponents;
import org.junit.jupiter.api.Test;

class TelemetryTest {

  private static final ExportTraceServiceRequest REQUEST = ExportTraceServiceRequest.newBuilder()
      .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
          .addSpans(Span.newBuilder().setName("password=hunter2-but-longer"))))
      .build();

  @Test
  void receivedBytesStayOnlyWithTheirOwnRequest() {
    byte[] wire = REQUEST.toByteArray();
    Telemetry received = new Telemetry(Signal.TRACES, REQUEST, TestComponents.context(), wire);
    assertThat(received.withRequest(REQUEST)).isSameAs(received);
    assertThat(received.protobufBytes()).isSameAs(wire);

    ExportTraceServiceRequest changed = REQUEST.toBuilder().clearResourceSpans().build();
    Telemetry masked = received.withRequest(changed);
    assertThat(masked.protobuf()).isNull();
    assertThat(masked.protobufBytes()).isEqualTo(changed.toByteArray());
  }

  @Test
  void toStringNeverShowsContent() {
    Telemetry telemetry = Telemetry.traces(REQUEST, TestComponents.context());
    assertThat(telemetry.toString()).doesNotContain("hunter2").contains("1 items");
  }
}
