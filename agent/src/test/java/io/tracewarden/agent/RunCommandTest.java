package io.tracewarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracewarden.agent.admin.AdminExtension;
import io.tracewarden.core.pipeline.Service;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracewarden run} in-process against real components and a real OTLP client. */
class RunCommandTest {

  /** A made-up key of the AWS access key id shape; not a real credential. */
  private static final String AWS_KEY = "AKIAZ3MBQXNUV7R2LK4D";

  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  void spanSentOverOtlpHttpIsMaskedWrittenByTheFileExporterAndCounted() throws Exception {
    int otlpPort = freePort();
    Path output = dir.resolve("out/telemetry.jsonl");
    Path config = Files.writeString(dir.resolve("run.yaml"), """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:%d
        processors:
          secrets:
          batch:
            timeout: 50ms
        exporters:
          file:
            path: %s
            flush_interval: 50ms
        extensions:
          admin:
            endpoint: 127.0.0.1:0
        service:
          extensions: [admin]
          data_directory: %s
          shutdown_timeout: 5s
          pipelines:
            traces:
              receivers: [otlp]
              processors: [secrets, batch]
              exporters: [file]
        """.formatted(otlpPort, output, dir.resolve("data")));
    CompletableFuture<Service> started = new CompletableFuture<>();
    CompletableFuture<Runnable> stop = new CompletableFuture<>();
    Future<Cli.Result> run = executor.submit(() -> Cli.run(Map.of(), (service, stopper) -> {
      stop.complete(stopper);
      started.complete(service);
    }, "run", "-c", config.toString()));
    Service service = started.get(30, TimeUnit.SECONDS);
    int adminPort = service.extensions().values().stream()
        .filter(AdminExtension.class::isInstance).map(AdminExtension.class::cast)
        .findFirst().orElseThrow().port();
    assertThat(get(adminPort, "/ready").statusCode()).isEqualTo(200);
    assertThat(get(adminPort, "/health").body()).isEqualTo("{\"status\":\"ok\"}");

    sendSpan(otlpPort, "tool-call-span", "aws configure set aws_access_key_id " + AWS_KEY);

    awaitContains(output, "tool-call-span");
    assertThat(Files.readString(output))
        .contains("aws_access_key_id [REDACTED:aws-access-key-id:")
        .doesNotContain(AWS_KEY);
    assertThat(get(adminPort, "/metrics").body())
        .contains("tracewarden_items_accepted_total");
    stop.get().run();
    Cli.Result result = run.get(30, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.err()).isEqualTo(0);
    assertThat(freePortIsFree(otlpPort)).isTrue();
    assertThat(freePortIsFree(adminPort)).isTrue();
  }

  @Test
  void brokenConfigExitsOneBeforeBindingAnyPort() throws Exception {
    int otlpPort = freePort();
    int adminPort = freePort();
    Path config = Files.writeString(dir.resolve("broken.yaml"), """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:%d
        exporters:
          debug:
            verbosty: basic
        extensions:
          admin:
            endpoint: 127.0.0.1:%d
        service:
          extensions: [admin]
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [debug]
        """.formatted(otlpPort, adminPort));

    Cli.Result result = Cli.run(Map.of(), (service, stop) -> stop.run(),
        "run", "-c", config.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: " + config + ":8:5: exporters.debug.verbosty: "
        + "unknown key (did you mean 'verbosity'?)");
    assertThat(freePortIsFree(otlpPort)).isTrue();
    assertThat(freePortIsFree(adminPort)).isTrue();
  }

  @Test
  void componentFailingToStartExitsOneAndReleasesWhatStarted() throws Exception {
    int otlpPort = freePort();
    try (ServerSocket taken = new ServerSocket(0, 50,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      Path config = Files.writeString(dir.resolve("taken.yaml"), """
          receivers:
            otlp:
              protocols:
                http:
                  endpoint: 127.0.0.1:%d
          exporters:
            debug:
          extensions:
            admin:
              endpoint: 127.0.0.1:%d
          service:
            extensions: [admin]
            pipelines:
              logs:
                receivers: [otlp]
                exporters: [debug]
          """.formatted(otlpPort, taken.getLocalPort()));

      Cli.Result result = Cli.run(Map.of(), (service, stop) -> stop.run(),
          "run", "-c", config.toString());

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).startsWith("error: failed to start admin");
      assertThat(freePortIsFree(otlpPort)).isTrue();
    }
  }

  private static void sendSpan(int port, String name, String command) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
        .setTimeout(Duration.ofSeconds(10))
        .build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
            "run-command-test")))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
    try {
      provider.get("test").spanBuilder(name)
          .setAttribute("gen_ai.tool.name", "shell")
          .setAttribute("process.command_line", command).startSpan().end();
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).as("OTLP export succeeded").isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitContains(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(file + " never contained " + text + "; it holds: "
        + (Files.exists(file) ? Files.readString(file) : "(no file)"));
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean freePortIsFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 50,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
