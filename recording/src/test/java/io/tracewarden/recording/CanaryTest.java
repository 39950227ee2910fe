package io.tracewarden.recording;

import static io.tracewarden.recording.TestTrails.attr;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.telemetry.SelfTelemetry;
import io.tracewarden.core.testing.Canaries;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.processors.secrets.SecretsProcessorFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * secrets processor → recording exporter, with canaries in every location: no byte of any file
 * of the trail holds a canary or a line of the PEM key, and the masking audit events are there.
 */
class CanaryTest {

  private static final ByteString TRACE_ID = ByteString.copyFrom(new byte[] {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  private static final ByteString SPAN_ID = ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

  @TempDir Path data;

  @Test
  void noCanaryReachesAnyFileOfTheTrailInEitherContentMode() throws Exception {
    for (String content : List.of("full", "metadata")) {
      Path dataDirectory = data.resolve(content);
      String pem = Canaries.pemPrivateKey();
      TestTrails.Running recording = TestTrails.start(dataDirectory,
          "content: " + content + "\norigin: tracewarden.audit/test");
      var settings = TestComponents.settings(ComponentKind.PROCESSOR, "secrets", dataDirectory,
          new SelfTelemetry(), recording.audit());
      Processor traces = new SecretsProcessorFactory().create(settings, TestComponents.config(""),
          Signal.TRACES, recording.exporter());
      Processor logs = new SecretsProcessorFactory().create(settings, TestComponents.config(""),
          Signal.LOGS, recording.exporter());
      traces.start(TestComponents.host());
      logs.start(TestComponents.host());

      traces.consume(Telemetry.traces(spans(pem), TestComponents.context()))
          .get(10, TimeUnit.SECONDS);
      logs.consume(Telemetry.logs(logRecords(pem), TestComponents.context()))
          .get(10, TimeUnit.SECONDS);
      recording.shutdown();

      List<String> canaries = new ArrayList<>(Canaries.tokens());
      canaries.add(Canaries.POSTGRES_PASSWORD);
      canaries.addAll(Canaries.pemBodyLines(pem));
      List<Path> files;
      try (Stream<Path> walk = Files.walk(recording.dir())) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      assertThat(files).hasSizeGreaterThanOrEqualTo(5);
      for (Path file : files) {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String canary : canaries) {
          assertThat(bytes).as("%s in %s", content, file).doesNotContain(canary);
        }
      }
      TestTrails.Result replay = TestTrails.cli("replay", "--dir", recording.dir().toString(),
          "--session", "conv-canary");
      assertThat(replay.out()).contains("audit    secrets.masked by secrets:")
          .contains("span.status.message").contains("span.links[0].attributes[note]");
      assertThat(TestTrails.verify(recording.dir()).exitCode()).isZero();
      if (content.equals("full")) {
        assertThat(replay.out()).contains("[REDACTED:");
      }
    }
  }

  private static ExportTraceServiceRequest spans(String pem) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder()
                .addAttributes(attr("service.name", "agent"))
                .addAttributes(attr("deploy.token", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)))
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder()
                .setTraceId(TRACE_ID).setSpanId(SPAN_ID)
                .setName("call " + Canaries.AWS_KEY_ID)
                .addAttributes(attr("gen_ai.conversation.id", "conv-canary"))
                .addAttributes(attr("gen_ai.output.messages", "here: " + pem))
                .addAttributes(KeyValue.newBuilder().setKey("tool").setValue(AnyValue.newBuilder()
                    .setKvlistValue(KeyValueList.newBuilder().addValues(attr("cmd",
                        "curl -H 'Authorization: Bearer " + Canaries.OPENAI_KEY + "' x")))))
                .addAttributes(KeyValue.newBuilder().setKey("args").setValue(AnyValue.newBuilder()
                    .setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder()
                        .setStringValue("STRIPE=" + Canaries.STRIPE_KEY)))))
                .setStatus(Status.newBuilder().setMessage("connect " + Canaries.POSTGRES_URL))
                .addEvents(Span.Event.newBuilder().setName("tool.result")
                    .addAttributes(attr("output", "SLACK=" + Canaries.SLACK_TOKEN)))
                .addLinks(Span.Link.newBuilder().setTraceId(TRACE_ID).setSpanId(SPAN_ID)
                    .addAttributes(attr("note", "ANTHROPIC_API_KEY=" + Canaries.ANTHROPIC_KEY))))))
        .build();
  }

  private static ExportLogsServiceRequest logRecords(String pem) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attr("service.name", "agent")))
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                .setTraceId(TRACE_ID)
                .setBody(AnyValue.newBuilder().setStringValue("env dump: AWS="
                    + Canaries.AWS_KEY_ID + " GH=" + Canaries.GITHUB_TOKEN + "\n" + pem))
                .addAttributes(attr("gen_ai.conversation.id", "conv-canary"))
                .addAttributes(attr("db.url", Canaries.POSTGRES_URL)))))
        .build();
  }
}
