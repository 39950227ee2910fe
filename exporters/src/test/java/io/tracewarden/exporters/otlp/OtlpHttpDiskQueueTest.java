package io.tracewarden.exporters.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.exporters.testing.FakeOtlpBackend;
import io.tracewarden.exporters.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code otlp_http} with {@code sending_queue.storage: disk}: what it accepted survives a restart. */
class OtlpHttpDiskQueueTest {

  private static final String DISK_QUEUE = "sending_queue: { storage: disk, num_consumers: 2 }\n"
      + "retry_on_failure: { initial_interval: 10ms, max_interval: 50ms, max_elapsed_time: 0 }\n";

  @TempDir Path dataDirectory;
  private final List<Exporter> started = new ArrayList<>();
  private FakeOtlpBackend backend;

  @AfterEach
  void tearDown() {
    started.forEach(exporter -> exporter.shutdown(Duration.ofSeconds(2)));
    if (backend != null) {
      backend.close();
    }
  }

  private Exporter start(ComponentSettings settings, String endpoint) throws Exception {
    var config = TestComponents.config("endpoint: " + endpoint + "\n" + DISK_QUEUE);
    Exporter exporter = new OtlpHttpExporterFactory().create(settings, config);
    config.checkNoUnknownKeys();
    exporter.start(TestComponents.host());
    started.add(exporter);
    return exporter;
  }

  @Test
  void acceptedWhileTheBackendIsDownThenDeliveredAfterARestart() throws Exception {
    FakeOtlpBackend gone = new FakeOtlpBackend();
    String deadEndpoint = gone.httpUrl();
    gone.close(); // nothing listens there any more

    ComponentSettings first =
        TestComponents.settings(ComponentKind.EXPORTER, "otlp_http/disk", dataDirectory);
    Exporter exporter = start(first, deadEndpoint);
    List<Telemetry> sent = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Telemetry telemetry = TestData.traceTelemetry("down" + i, 2);
      sent.add(telemetry);
      exporter.consume(telemetry).get(10, TimeUnit.SECONDS); // durable, not delivered
    }
    exporter.shutdown(Duration.ofMillis(300));
    assertThat(TestData.counter(first.telemetry(), "tracewarden.items.failed", "otlp_http/disk",
        Signal.TRACES)).as("kept, not failed").isZero();
    assertThat(dataDirectory.resolve("queue/otlp_http/disk")).isDirectory();

    backend = new FakeOtlpBackend();
    ComponentSettings second =
        TestComponents.settings(ComponentKind.EXPORTER, "otlp_http/disk", dataDirectory);
    start(second, backend.httpUrl());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (backend.traces().size() < sent.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(backend.traces()).containsExactlyInAnyOrderElementsOf(
        sent.stream().map(Telemetry::traces).toList());
    assertThat(TestData.counter(second.telemetry(), "tracewarden.items.exported",
        "otlp_http/disk", Signal.TRACES)).isEqualTo(24);
    try (var files = Files.list(dataDirectory.resolve("queue/otlp_http/disk"))) {
      assertThat(files.map(path -> path.getFileName().toString())
          .filter(name -> name.startsWith("segment-"))).hasSizeLessThanOrEqualTo(2);
    }
  }
}
