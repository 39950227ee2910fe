package io.tracewarden.javaagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracewarden.engine.Rules;
import io.tracewarden.engine.SecretEngine;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TelemetryMaskerTest {

  private static final String GITHUB = "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";
  private static final String AWS = "AKIAVQJXXVBOTHD2WTFL";
  private static final String PG_PASSWORD = "ltlTo9OJs4q7rne_NA";
  private static final String PG = "postgres://app_rw:" + PG_PASSWORD + "@db.internal:5432/orders";
  private static final SecretEngine ENGINE = SecretEngine.builder().addRules(Rules.builtin())
      .fingerprintKey(new byte[32]).build();

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  private final MaskingStats stats = new MaskingStats();
  private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(
          new MaskingSpanExporter(spans, new TelemetryMasker(ENGINE), stats)))
      .build();
  private final SdkLoggerProvider loggerProvider = SdkLoggerProvider.builder()
      .addLogRecordProcessor(SimpleLogRecordProcessor.create(
          new MaskingLogRecordExporter(logs, new TelemetryMasker(ENGINE), stats)))
      .build();

  @AfterEach
  void close() {
    tracerProvider.close();
    loggerProvider.close();
  }

  @Test
  void masksNameAttributesArraysEventsLinksAndStatus() {
    Span linked = tracerProvider.get("t").spanBuilder("linked").startSpan();
    linked.end();
    Span span = tracerProvider.get("t").spanBuilder("call with " + AWS)
        .addLink(linked.getSpanContext(), Attributes.of(AttributeKey.stringKey("l"), GITHUB))
        .startSpan();
    span.setAttribute("gen_ai.input.messages", "[{\"content\":\"" + PG + "\"}]");
    span.setAttribute(AttributeKey.stringArrayKey("tags"), List.of("ok", GITHUB));
    span.setAttribute("gen_ai.request.model", "gpt-4o-mini");
    span.setAttribute("tokens", 42L);
    span.addEvent("evt " + AWS, Attributes.of(AttributeKey.stringKey("e"), GITHUB));
    span.setStatus(StatusCode.ERROR, "auth failed for " + GITHUB);
    span.end();

    SpanData out = spans.getFinishedSpanItems().get(1);
    String all = out.getName() + out.getAttributes() + out.getEvents() + out.getLinks()
        + out.getStatus();
    assertThat(all).doesNotContain(AWS, GITHUB, PG_PASSWORD).contains("[REDACTED:");
    assertThat(out.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
        .isEqualTo("gpt-4o-mini");
    assertThat(out.getAttributes().get(AttributeKey.longKey("tokens"))).isEqualTo(42L);
    assertThat(out.getAttributes().get(AttributeKey.stringArrayKey("tags")).get(0))
        .isEqualTo("ok");
    assertThat(out.getAttributes().get(TelemetryMasker.MASKED_COUNT)).isEqualTo(7L);
    assertThat(out.getSpanContext()).isEqualTo(span.getSpanContext());
    assertThat(out.getTotalAttributeCount()).isEqualTo(out.getAttributes().size());
  }

  @Test
  void cleanSpanIsExportedAsItWas() {
    tracerProvider.get("t").spanBuilder("clean").setAttribute("k", "plain text").startSpan()
        .end();
    SpanData out = spans.getFinishedSpanItems().get(0);
    assertThat(out).isNotInstanceOf(MaskedSpanData.class);
    assertThat(out.getAttributes().get(TelemetryMasker.MASKED_COUNT)).isNull();
  }

  @Test
  void masksLogBodyAtAnyDepthAndAttributes() {
    Logger logger = loggerProvider.get("t");
    Value<?> body = Value.of(
        KeyValue.of("content", Value.of("key " + AWS)),
        KeyValue.of("tool_calls", Value.of(Value.of(KeyValue.of("function", Value.of(
            KeyValue.of("name", Value.of("open_pull_request")),
            KeyValue.of("arguments", Value.of("{\"token\":\"" + GITHUB + "\"}"))))))),
        KeyValue.of("index", Value.of(0L)));
    logger.logRecordBuilder().setBody(body).setAttribute(AttributeKey.stringKey("db"), PG)
        .setEventName("gen_ai.choice").emit();

    LogRecordData out = logs.getFinishedLogRecordItems().get(0);
    String all = out.getBodyValue().asString() + out.getAttributes();
    assertThat(all).doesNotContain(AWS, GITHUB, PG_PASSWORD)
        .contains("open_pull_request", "db.internal", "[REDACTED:");
    assertThat(out.getEventName()).isEqualTo("gen_ai.choice");
    assertThat(out.getAttributes().get(TelemetryMasker.MASKED_COUNT)).isEqualTo(3L);
  }

  @Test
  void cleanLogIsExportedAsItWas() {
    loggerProvider.get("t").logRecordBuilder().setBody("hello").emit();
    assertThat(logs.getFinishedLogRecordItems().get(0))
        .isNotInstanceOf(MaskedLogRecordData.class);
  }

  @Test
  void masksTheResourceOnceAndLeavesTheRecordsCountAlone() {
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("deployment.db_url"), PG,
        AttributeKey.stringKey("service.name"), "orders")));
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    InMemoryLogRecordExporter exportedLogs = InMemoryLogRecordExporter.create();
    TelemetryMasker masker = new TelemetryMasker(ENGINE);
    SdkTracerProvider tracers = SdkTracerProvider.builder().setResource(resource)
        .addSpanProcessor(SimpleSpanProcessor.create(
            new MaskingSpanExporter(exported, masker, stats)))
        .build();
    SdkLoggerProvider loggers = SdkLoggerProvider.builder().setResource(resource)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(
            new MaskingLogRecordExporter(exportedLogs, masker, stats)))
        .build();
    tracers.get("t").spanBuilder("first").setAttribute("k", "plain").startSpan().end();
    tracers.get("t").spanBuilder("second " + AWS).startSpan().end();
    loggers.get("t").logRecordBuilder().setBody("hello").emit();

    // Simple processors export synchronously; read before close (shutdown clears the exporters).
    List<SpanData> out = exported.getFinishedSpanItems();
    LogRecordData log = exportedLogs.getFinishedLogRecordItems().get(0);
    tracers.close();
    loggers.close();
    Resource masked = out.get(0).getResource();
    assertThat(masked.getAttributes().toString()).doesNotContain(PG_PASSWORD)
        .contains("db.internal", "[REDACTED:");
    assertThat(masked.getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("orders");
    assertThat(masked.getSchemaUrl()).isEqualTo(resource.getSchemaUrl());
    // Scanned once: every record carries the same masked instance.
    assertThat(out.get(1).getResource()).isSameAs(masked);
    assertThat(log.getResource()).isSameAs(masked);
    // A clean record is not counted for its resource; a dirty one counts only its own findings.
    assertThat(out.get(0).getAttributes().get(TelemetryMasker.MASKED_COUNT)).isNull();
    assertThat(out.get(0).getAttributes().get(AttributeKey.stringKey("k"))).isEqualTo("plain");
    assertThat(out.get(1).getAttributes().get(TelemetryMasker.MASKED_COUNT)).isEqualTo(1L);
    assertThat(log.getBodyValue().asString()).isEqualTo("hello");
  }

  @Test
  void cleanResourceIsKeptAsItWas() {
    Resource resource = Resource.getDefault();
    assertThat(new TelemetryMasker(ENGINE).mask(resource)).isSameAs(resource);
  }
}
