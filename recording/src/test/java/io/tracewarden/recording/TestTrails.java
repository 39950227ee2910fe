package io.tracewarden.recording;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.audit.AuditEvent;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.telemetry.SelfTelemetry;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.recording.cli.AuditCommand;
import io.tracewarden.recording.trail.Frames;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Writes real trails with the real exporter, edits their bytes, and runs the CLI; for tests. */
public final class TestTrails {

  private TestTrails() {}

  /** A started recording exporter and the bus it listens to. */
  public record Running(Exporter exporter, AuditBus audit, Path dir) {
    public void shutdown() {
      exporter.shutdown(Duration.ofSeconds(10));
    }
  }

  public static Running start(Path dataDirectory, String yaml) throws Exception {
    return start(dataDirectory, yaml, TestComponents.host());
  }

  public static Running start(Path dataDirectory, String yaml, Host host) throws Exception {
    AuditBus audit = new AuditBus();
    var config = TestComponents.config(yaml);
    Exporter exporter = new RecordingExporterFactory().create(TestComponents.settings(
        ComponentKind.EXPORTER, "recording", dataDirectory, new SelfTelemetry(), audit), config);
    config.checkNoUnknownKeys();
    exporter.start(host);
    return new Running(exporter, audit, dataDirectory.resolve("audit"));
  }

  /**
   * Writes {@code requests} trace requests (two spans each, sessions s0..s4) and one audit event
   * per request through a real exporter, then shuts it down. Small segments give several files.
   */
  public static Path write(Path dataDirectory, int requests, String extraYaml) throws Exception {
    Running running = start(dataDirectory, "segment_max_bytes: 8KiB\ncheckpoint_every: 40\n"
        + "origin: tracewarden.audit/test\n" + extraYaml);
    for (int i = 0; i < requests; i++) {
      String session = "s" + (i % 5);
      running.audit().publish(new AuditEvent("secrets.masked", Instant.now(), session,
          ComponentId.of("secrets"), Map.of("findings", List.of(Map.of("rule", "github-pat",
              "path", "span.name", "fingerprint", "fp" + i)), "principal", "alice")));
      running.exporter().consume(traces(session, i)).get(10, TimeUnit.SECONDS);
    }
    running.shutdown();
    return running.dir();
  }

  public static Telemetry traces(String session, int n) {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attr("service.name", "agent")))
            .addScopeSpans(ScopeSpans.newBuilder()
                .addSpans(span(session, n, 1, "chat gpt-4o"))
                .addSpans(span(session, n, 2, "execute_tool search"))))
        .build();
    return Telemetry.traces(request, new TelemetryContext("alice", ComponentId.of("otlp"),
        "10.0.0.7:5555", Instant.now()));
  }

  public static Telemetry logs(String session, String body) {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attr("service.name", "agent")))
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                .setBody(AnyValue.newBuilder().setStringValue(body))
                .addAttributes(attr("session.id", session)))))
        .build();
    return Telemetry.logs(request, new TelemetryContext("bob", ComponentId.of("otlp"), "",
        Instant.now()));
  }

  private static Span span(String session, int n, int k, String name) {
    byte[] trace = new byte[16];
    trace[0] = (byte) n;
    trace[15] = 1;
    return Span.newBuilder().setTraceId(ByteString.copyFrom(trace))
        .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, (byte) n, (byte) k}))
        .setName(name).setStartTimeUnixNano(1_700_000_000_000_000_000L + n)
        .addAttributes(attr("gen_ai.conversation.id", session))
        .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.input_tokens")
            .setValue(AnyValue.newBuilder().setIntValue(100 + n)))
        .addAttributes(KeyValue.newBuilder().setKey("temperature")
            .setValue(AnyValue.newBuilder().setDoubleValue(0.7)))
        .build();
  }

  public static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  // ------------------------------------------------------------------ byte surgery

  public static List<Path> segments(Path dir) throws IOException {
    try (var files = Files.list(dir.resolve("segments"))) {
      return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  public static long firstSeq(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - 4));
  }

  public static List<Frames.Frame> frames(Path segment) throws IOException {
    return Frames.scan(segment).frames();
  }

  /** Flips one bit of the byte at {@code offset}. */
  public static void flip(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x01;
    Files.write(file, bytes);
  }

  /** Removes bytes [from, to) of {@code file}. */
  public static void cut(Path file, long from, long to) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer out = ByteBuffer.allocate(bytes.length - (int) (to - from));
    out.put(bytes, 0, (int) from).put(bytes, (int) to, bytes.length - (int) to);
    Files.write(file, out.array());
  }

  public static void truncate(Path file, long size) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, (int) size));
  }

  // ------------------------------------------------------------------ CLI

  public record Result(int exitCode, String out, String err) {}

  public static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = new CommandLine(new AuditCommand());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  public static Result verify(Path dir, String... extra) {
    String[] args = new String[2 + extra.length + 1];
    args[0] = "verify";
    args[1] = "--dir";
    args[2] = dir.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    return cli(args);
  }
}
