package io.tracewarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracewarden.agent.admin.AdminExtension;
import io.tracewarden.core.pipeline.Service;
import io.tracewarden.core.testing.Canaries;
import io.tracewarden.receivers.otlp.OtlpReceiver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plants secrets in every place an agent's telemetry can carry them, runs the whole agent with
 * every component that writes something (file output, audit trail, persistent sending queue,
 * debug output on stderr, admin metrics), and proves no secret appears anywhere the agent wrote
 * or printed.
 */
class NoLeakTest {

  @TempDir
  Path dir;

  @Test
  void plantedSecretsAppearInNoFileLogLineOrMetric() throws Exception {
    String pem = Canaries.pemPrivateKey();
    Path config = Files.writeString(dir.resolve("agent.yaml"), """
        receivers:
          otlp:
            protocols:
              http: { endpoint: 127.0.0.1:0 }
        processors:
          secrets:
          batch: { timeout: 20ms }
        exporters:
          debug: { verbosity: detailed }
          file: { path: %1$s/out/telemetry.jsonl, flush_interval: 20ms }
          recording: { directory: %1$s/audit, content: full, checkpoint_every: 1 }
          # A backend that never answers: everything stays in the persistent queue on disk.
          otlp_http:
            endpoint: http://127.0.0.1:9
            sending_queue: { enabled: true, storage: disk, directory: %1$s/queue }
            retry_on_failure: { enabled: true, max_elapsed_time: 0 }
        extensions:
          admin: { endpoint: 127.0.0.1:0 }
        service:
          extensions: [admin]
          data_directory: %1$s/data
          shutdown_timeout: 5s
          telemetry: { logs: { level: debug } }
          pipelines:
            traces: { receivers: [otlp], processors: [secrets, batch], exporters: [debug, file, recording, otlp_http] }
            logs: { receivers: [otlp], processors: [secrets, batch], exporters: [debug, file, recording, otlp_http] }
        """.formatted(dir));

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    ExecutorService executor = Executors.newSingleThreadExecutor();
    String metrics;
    Cli.Result result;
    try {
      PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
      System.setErr(capture);
      System.setOut(capture);
      CompletableFuture<Service> started = new CompletableFuture<>();
      CompletableFuture<Runnable> stop = new CompletableFuture<>();
      Future<Cli.Result> run = executor.submit(() -> Cli.run(Map.of(), (service, stopper) -> {
        stop.complete(stopper);
        started.complete(service);
      }, "run", "-c", config.toString()));
      Service service = started.get(30, TimeUnit.SECONDS);
      int port = ((OtlpReceiver) service.receivers().values().iterator().next()).httpPort();

      sendEverywhere(port, pem);
      awaitFileContains(dir.resolve("out/telemetry.jsonl"), "tool.result");
      awaitFileContains(dir.resolve("out/telemetry.jsonl"), "psql");

      int adminPort = service.extensions().values().stream()
          .filter(AdminExtension.class::isInstance).map(AdminExtension.class::cast)
          .findFirst().orElseThrow().port();
      metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(),
          BodyHandlers.ofString()).body();
      stop.get().run();
      result = run.get(30, TimeUnit.SECONDS);
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
      executor.shutdownNow();
    }

    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> secrets = new ArrayList<>(Canaries.tokens());
    secrets.add(Canaries.POSTGRES_PASSWORD);
    secrets.addAll(Canaries.pemBodyLines(pem));

    String console = printed.toString(StandardCharsets.UTF_8) + result.out() + result.err();
    assertThat(console).contains("REDACTED"); // the debug exporter did print the masked data
    assertThat(metrics).contains("tracewarden_secrets_masked_total");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).filter(f -> !f.equals(config)).toList();
    }
    assertThat(files).anyMatch(f -> f.toString().contains("audit"))
        .anyMatch(f -> f.toString().endsWith("telemetry.jsonl"))
        .anyMatch(f -> f.toString().contains("queue") && f.toString().endsWith(".log"));
    for (String secret : secrets) {
      assertThat(console).as("console output").doesNotContain(secret);
      assertThat(metrics).as("metrics").doesNotContain(secret);
      for (Path file : files) {
        String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(content).as(file.toString()).doesNotContain(secret);
      }
    }
  }

  private static void sendEverywhere(int port, String pem) {
    SdkTracerProvider tracers = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
            "leaky-agent", AttributeKey.stringKey("deploy.token"), Canaries.GITHUB_TOKEN)))
        .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + port + "/v1/traces").build()))
        .build();
    Span span = tracers.get("leak").spanBuilder("run " + Canaries.AWS_KEY_ID)
        .setAttribute("gen_ai.conversation.id", "leak-session")
        .setAttribute("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":"
            + "\"text\",\"content\":\"" + pem.replace("\n", "\\n") + "\"}]}]")
        .setAttribute("gen_ai.tool.call.arguments", "{\"command\":\"curl -H 'Authorization: "
            + "Bearer " + Canaries.OPENAI_KEY + "' https://api.example.com\"}")
        .startSpan();
    span.addEvent("tool.result", Attributes.of(AttributeKey.stringKey("output"),
        "SLACK_BOT_TOKEN=" + Canaries.SLACK_TOKEN + "\nANTHROPIC_API_KEY=" + Canaries.ANTHROPIC_KEY));
    span.setStatus(StatusCode.ERROR, "connect " + Canaries.POSTGRES_URL);
    span.end();
    tracers.forceFlush().join(10, TimeUnit.SECONDS);
    tracers.close();

    SdkLoggerProvider loggers = SdkLoggerProvider.builder()
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpHttpLogRecordExporter.builder()
            .setEndpoint("http://127.0.0.1:" + port + "/v1/logs").build()))
        .build();
    loggers.get("leak").logRecordBuilder()
        .setBody("psql " + Canaries.POSTGRES_URL + " -c 'select 1' # STRIPE=" + Canaries.STRIPE_KEY)
        .emit();
    loggers.forceFlush().join(10, TimeUnit.SECONDS);
    loggers.close();
  }

  private static void awaitFileContains(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(file + " never contained " + text);
  }
}
