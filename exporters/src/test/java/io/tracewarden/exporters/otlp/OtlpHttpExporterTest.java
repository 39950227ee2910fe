package io.tracewarden.exporters.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.exporters.internal.QueuedRetryExporter;
import io.tracewarden.exporters.testing.FakeOtlpBackend;
import io.tracewarden.exporters.testing.FakeOtlpBackend.Answer;
import io.tracewarden.exporters.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OtlpHttpExporterTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String FAST_RETRY =
      "retry_on_failure: { initial_interval: 10ms, max_interval: 50ms, max_elapsed_time: 10s }\n";

  private final FakeOtlpBackend backend = new FakeOtlpBackend();
  @TempDir Path dataDirectory;
  private ComponentSettings settings;
  private Exporter exporter;

  @AfterEach
  void tearDown() {
    if (exporter != null) {
      exporter.shutdown(Duration.ofSeconds(5));
    }
    backend.close();
  }

  private Exporter start(String yaml) throws Exception {
    settings = TestComponents.settings(ComponentKind.EXPORTER, "otlp_http/test", dataDirectory);
    var config = TestComponents.config("endpoint: " + backend.httpUrl() + "\n" + yaml);
    exporter = new OtlpHttpExporterFactory().create(settings, config);
    config.checkNoUnknownKeys();
    exporter.start(TestComponents.host());
    return exporter;
  }

  private long counter(String name, Signal signal) {
    return TestData.counter(settings.telemetry(), name, "otlp_http/test", signal);
  }

  @ParameterizedTest(name = "encoding={0} compression={1}")
  @CsvSource({"proto, gzip", "proto, none", "json, gzip", "json, none"})
  void deliversExactlyWhatItWasGiven(String encoding, String compression) throws Exception {
    start("encoding: " + encoding + "\ncompression: " + compression
        + "\nsending_queue: { enabled: false }\nheaders: { authorization: Bearer t0ken }\n");
    Telemetry traces = TestData.traceTelemetry("span", 3);
    Telemetry logs = TestData.logTelemetry("log", 2);

    exporter.consume(traces).get(10, TimeUnit.SECONDS);
    exporter.consume(logs).get(10, TimeUnit.SECONDS);

    assertThat(backend.traces()).containsExactly(traces.traces());
    assertThat(backend.logs()).containsExactly(logs.logs());
    assertThat(backend.attempts()).extracting(FakeOtlpBackend.Attempt::path)
        .containsExactly("/v1/traces", "/v1/logs");
    assertThat(backend.attempts()).allSatisfy(attempt -> {
      assertThat(attempt.contentType()).startsWith(
          encoding.equals("json") ? "application/json" : "application/x-protobuf");
      assertThat(attempt.contentEncoding()).isEqualTo(compression.equals("gzip") ? "gzip" : "");
    });
    assertThat(backend.authorizations()).containsOnly("Bearer t0ken");
    assertThat(counter("tracewarden.items.exported", Signal.TRACES)).isEqualTo(3);
    assertThat(counter("tracewarden.items.exported", Signal.LOGS)).isEqualTo(2);
  }

  @Test
  void queuedRequestsAreDeliveredInTheBackground() throws Exception {
    start("");
    for (int i = 0; i < 20; i++) {
      exporter.consume(TestData.traceTelemetry("q" + i, 2)).get(1, TimeUnit.SECONDS);
    }
    backend.awaitAttempts(20, WAIT);
    exporter.shutdown(WAIT);
    assertThat(backend.traces()).hasSize(20);
    assertThat(counter("tracewarden.items.exported", Signal.TRACES)).isEqualTo(40);
  }

  @Test
  void retriesOn503ThenSucceeds() throws Exception {
    start("sending_queue: { enabled: false }\n" + FAST_RETRY);
    backend.script(new Answer.Http(503, null), new Answer.Http(502, null));
    Telemetry traces = TestData.traceTelemetry("retry", 2);

    exporter.consume(traces).get(10, TimeUnit.SECONDS);

    assertThat(backend.attempts()).hasSize(3);
    assertThat(backend.traces()).containsExactly(traces.traces());
    assertThat(counter("tracewarden.items.exported", Signal.TRACES)).isEqualTo(2);
    assertThat(counter("tracewarden.items.failed", Signal.TRACES)).isZero();
  }

  @Test
  void honoursRetryAfter() throws Exception {
    start("sending_queue: { enabled: false }\n" + FAST_RETRY);
    backend.script(new Answer.Http(429, "1"));

    exporter.consume(TestData.traceTelemetry("slow", 1)).get(10, TimeUnit.SECONDS);

    var attempts = backend.attempts();
    assertThat(attempts).hasSize(2);
    long gapMillis = (attempts.get(1).nanoTime() - attempts.get(0).nanoTime()) / 1_000_000;
    assertThat(gapMillis).isGreaterThanOrEqualTo(900);
  }

  @Test
  void permanentErrorIsDroppedAndCounted() throws Exception {
    start(FAST_RETRY);
    backend.script(new Answer.Http(400, null));

    exporter.consume(TestData.traceTelemetry("bad", 4)).get(1, TimeUnit.SECONDS);
    backend.awaitAttempts(1, WAIT);
    exporter.shutdown(WAIT);

    assertThat(backend.attempts()).hasSize(1);
    assertThat(counter("tracewarden.items.failed", Signal.TRACES)).isEqualTo(4);
    assertThat(settings.telemetry().prometheusText())
        .contains("tracewarden_items_failed").contains("otlp_http/test");
  }

  @Test
  void withoutQueueAPermanentErrorReachesTheCaller() throws Exception {
    start("sending_queue: { enabled: false }\n" + FAST_RETRY);
    backend.script(new Answer.Http(400, null));

    CompletableFuture<Void> result = exporter.consume(TestData.traceTelemetry("bad", 1));

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(TelemetryException.class,
            e -> assertThat(e.kind()).isEqualTo(TelemetryException.Kind.PERMANENT))
        .hasMessageContaining("400");
    assertThat(counter("tracewarden.items.failed", Signal.TRACES)).isEqualTo(1);
  }

  @Test
  void retriesStopAtMaxElapsedTime() throws Exception {
    start("sending_queue: { enabled: false }\nretry_on_failure: { initial_interval: 200ms, "
        + "max_interval: 200ms, max_elapsed_time: 3s, randomization_factor: 0 }\n");
    backend.script(java.util.stream.IntStream.range(0, 100)
        .mapToObj(i -> new Answer.Http(503, null)).toArray(Answer[]::new));

    CompletableFuture<Void> result = exporter.consume(TestData.traceTelemetry("down", 1));

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(TelemetryException.class,
            e -> assertThat(e.kind()).isEqualTo(TelemetryException.Kind.RETRYABLE));
    assertThat(backend.attempts().size()).isBetween(2, 30);
    assertThat(counter("tracewarden.items.failed", Signal.TRACES)).isEqualTo(1);
  }

  @Test
  void partialSuccessCountsRejectedAsFailed() throws Exception {
    start("sending_queue: { enabled: false }\n");
    backend.script(new Answer.Partial(2, "2 spans too old"));

    exporter.consume(TestData.traceTelemetry("partial", 5)).get(10, TimeUnit.SECONDS);

    assertThat(counter("tracewarden.items.exported", Signal.TRACES)).isEqualTo(3);
    assertThat(counter("tracewarden.items.failed", Signal.TRACES)).isEqualTo(2);
  }

  @Test
  void fullQueueRefusesWithBackPressureWithoutBlocking() throws Exception {
    start("sending_queue: { queue_size: 1, num_consumers: 1 }\n");
    CompletableFuture<Void> gate = new CompletableFuture<>();
    backend.script(new Answer.Hold(gate));

    exporter.consume(TestData.traceTelemetry("first", 1)).get(1, TimeUnit.SECONDS);
    backend.awaitAttempts(1, WAIT); // the only consumer is now busy with the first request
    exporter.consume(TestData.traceTelemetry("second", 1)).get(1, TimeUnit.SECONDS);
    assertThat(TestData.gauge(settings.telemetry(), QueuedRetryExporter.QUEUE_SIZE_METRIC,
        "otlp_http/test")).isEqualTo(1);
    CompletableFuture<Void> third = exporter.consume(TestData.traceTelemetry("third", 1));

    assertThat(third).isCompletedExceptionally();
    assertThatThrownBy(third::join).cause()
        .isInstanceOfSatisfying(TelemetryException.class, e -> {
          assertThat(e.kind()).isEqualTo(TelemetryException.Kind.BACK_PRESSURE);
          assertThat(e.retryAfter()).isPresent();
        })
        .hasMessage("sending queue of otlp_http/test is full");
    gate.complete(null);
    exporter.shutdown(WAIT);
    assertThat(backend.traces()).hasSize(2);
    assertThat(counter("tracewarden.items.failed", Signal.TRACES)).isEqualTo(1);
  }

  @Test
  void shutdownDrainsTheQueue() throws Exception {
    start("sending_queue: { queue_size: 100, num_consumers: 1 }\n");
    CompletableFuture<Void> gate = new CompletableFuture<>();
    backend.script(new Answer.Hold(gate));
    for (int i = 0; i < 10; i++) {
      exporter.consume(TestData.traceTelemetry("drain" + i, 1)).get(1, TimeUnit.SECONDS);
    }
    CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> gate.complete(null));

    exporter.shutdown(WAIT);

    assertThat(backend.traces()).hasSize(10);
    assertThat(counter("tracewarden.items.exported", Signal.TRACES)).isEqualTo(10);
  }

  @Test
  void shutdownDeadlineCountsWhatIsLeftAsFailed() throws Exception {
    start("sending_queue: { queue_size: 100, num_consumers: 1 }\n");
    CompletableFuture<Void> gate = new CompletableFuture<>();
    backend.script(new Answer.Hold(gate));
    for (int i = 0; i < 5; i++) {
      exporter.consume(TestData.traceTelemetry("stuck" + i, 2)).get(1, TimeUnit.SECONDS);
    }
    backend.awaitAttempts(1, WAIT);

    long start = System.nanoTime();
    exporter.shutdown(Duration.ofMillis(300));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(counter("tracewarden.items.failed", Signal.TRACES)).isEqualTo(10);
    gate.complete(null);
  }

  @Test
  void unreachableBackendIsRetryable() throws Exception {
    settings = TestComponents.settings(ComponentKind.EXPORTER, "otlp_http/test", dataDirectory);
    exporter = new OtlpHttpExporterFactory().create(settings, TestComponents.config(
        "endpoint: http://127.0.0.1:1\nsending_queue: { enabled: false }\n"
            + "retry_on_failure: { enabled: false }\n"));
    exporter.start(TestComponents.host());

    CompletableFuture<Void> result = exporter.consume(TestData.traceTelemetry("x", 1));

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOfSatisfying(TelemetryException.class,
            e -> assertThat(e.kind()).isEqualTo(TelemetryException.Kind.RETRYABLE))
        .hasMessageContaining("cannot send to http://127.0.0.1:1/v1/traces");
  }

  @Test
  void perSignalEndpointOverridesTheBase() throws Exception {
    start("logs_endpoint: " + backend.httpUrl() + "/custom/logs\n"
        + "sending_queue: { enabled: false }\n");
    Telemetry logs = TestData.logTelemetry("elsewhere", 1);

    exporter.consume(logs).get(10, TimeUnit.SECONDS);
    exporter.consume(TestData.traceTelemetry("base", 1)).get(10, TimeUnit.SECONDS);

    assertThat(backend.attempts()).extracting(FakeOtlpBackend.Attempt::path)
        .containsExactly("/custom/logs", "/v1/traces");
    assertThat(backend.logs()).containsExactly(logs.logs());
  }
}
