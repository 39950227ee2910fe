package io.tracewarden.exporters.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.exporters.testing.FakeOtlpBackend;
import io.tracewarden.exporters.testing.FakeOtlpBackend.Answer;
import io.tracewarden.exporters.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtlpGrpcExporterTest {

  private static final String NO_QUEUE_FAST_RETRY = "sending_queue: { enabled: false }\n"
      + "retry_on_failure: { initial_interval: 10ms, max_interval: 50ms, max_elapsed_time: 10s }\n";

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

  private void start(String yaml) throws Exception {
    settings = TestComponents.settings(ComponentKind.EXPORTER, "otlp_grpc", dataDirectory);
    var config = TestComponents.config(
        "endpoint: 127.0.0.1:" + backend.port() + "\ntls: { insecure: true }\n" + yaml);
    exporter = new OtlpGrpcExporterFactory().create(settings, config);
    config.checkNoUnknownKeys();
    exporter.start(TestComponents.host());
  }

  private long counter(String name) {
    return TestData.counter(settings.telemetry(), name, "otlp_grpc", Signal.TRACES);
  }

  @ParameterizedTest(name = "compression={0}")
  @ValueSource(strings = {"gzip", "none"})
  void deliversExactlyWhatItWasGiven(String compression) throws Exception {
    start("compression: " + compression + "\nheaders: { authorization: Bearer g }\n"
        + NO_QUEUE_FAST_RETRY);
    Telemetry traces = TestData.traceTelemetry("grpc-span", 4);
    Telemetry logs = TestData.logTelemetry("grpc-log", 3);

    exporter.consume(traces).get(10, TimeUnit.SECONDS);
    exporter.consume(logs).get(10, TimeUnit.SECONDS);

    assertThat(backend.traces()).containsExactly(traces.traces());
    assertThat(backend.logs()).containsExactly(logs.logs());
    assertThat(backend.authorizations()).containsOnly("Bearer g");
    if (compression.equals("gzip")) {
      assertThat(backend.grpcEncodings()).containsOnly("gzip");
    } else {
      assertThat(backend.grpcEncodings()).allMatch(encoding -> encoding.equals("identity"));
    }
    assertThat(counter("tracewarden.items.exported")).isEqualTo(4);
  }

  @Test
  void retriesUnavailableThenSucceeds() throws Exception {
    start(NO_QUEUE_FAST_RETRY);
    backend.script(new Answer.Grpc(Status.Code.UNAVAILABLE, null),
        new Answer.Grpc(Status.Code.DEADLINE_EXCEEDED, null));

    exporter.consume(TestData.traceTelemetry("again", 1)).get(10, TimeUnit.SECONDS);

    assertThat(backend.attempts()).hasSize(3);
    assertThat(backend.traces()).hasSize(1);
  }

  @Test
  void resourceExhaustedWithRetryInfoIsRetriedAfterTheDelay() throws Exception {
    start(NO_QUEUE_FAST_RETRY);
    backend.script(new Answer.Grpc(Status.Code.RESOURCE_EXHAUSTED, Duration.ofSeconds(1)));

    exporter.consume(TestData.traceTelemetry("throttled", 1)).get(10, TimeUnit.SECONDS);

    var attempts = backend.attempts();
    assertThat(attempts).hasSize(2);
    assertThat((attempts.get(1).nanoTime() - attempts.get(0).nanoTime()) / 1_000_000)
        .isGreaterThanOrEqualTo(900);
  }

  @Test
  void resourceExhaustedWithoutRetryInfoIsPermanent() throws Exception {
    start(NO_QUEUE_FAST_RETRY);
    backend.script(new Answer.Grpc(Status.Code.RESOURCE_EXHAUSTED, null));

    CompletableFuture<Void> result = exporter.consume(TestData.traceTelemetry("full", 2));

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOfSatisfying(TelemetryException.class,
            e -> assertThat(e.kind()).isEqualTo(TelemetryException.Kind.PERMANENT));
    assertThat(backend.attempts()).hasSize(1);
    assertThat(counter("tracewarden.items.failed")).isEqualTo(2);
  }

  @Test
  void invalidArgumentIsDroppedAndCounted() throws Exception {
    start("retry_on_failure: { initial_interval: 10ms }\n");
    backend.script(new Answer.Grpc(Status.Code.INVALID_ARGUMENT, null));

    exporter.consume(TestData.traceTelemetry("bad", 3)).get(1, TimeUnit.SECONDS);
    backend.awaitAttempts(1, Duration.ofSeconds(10));
    exporter.shutdown(Duration.ofSeconds(5));

    assertThat(backend.attempts()).hasSize(1);
    assertThat(counter("tracewarden.items.failed")).isEqualTo(3);
    assertThat(counter("tracewarden.items.exported")).isZero();
  }

  @Test
  void partialSuccessCountsRejectedAsFailed() throws Exception {
    start(NO_QUEUE_FAST_RETRY);
    backend.script(new Answer.Partial(1, "one span rejected"));

    exporter.consume(TestData.traceTelemetry("partial", 3)).get(10, TimeUnit.SECONDS);

    assertThat(counter("tracewarden.items.exported")).isEqualTo(2);
    assertThat(counter("tracewarden.items.failed")).isEqualTo(1);
  }

  @Test
  void queuedRequestsAreDrainedAtShutdown() throws Exception {
    start("sending_queue: { queue_size: 50, num_consumers: 2 }\n");
    for (int i = 0; i < 30; i++) {
      exporter.consume(TestData.traceTelemetry("bulk" + i, 1)).get(1, TimeUnit.SECONDS);
    }

    exporter.shutdown(Duration.ofSeconds(10));

    assertThat(backend.traces()).hasSize(30);
    assertThat(counter("tracewarden.items.exported")).isEqualTo(30);
  }
}
