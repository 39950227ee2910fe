package io.tracewarden.exporters.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.otlp.OtlpCodec;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.exporters.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileExporterTest {

  @TempDir Path directory;
  private ComponentSettings settings;
  private Exporter exporter;

  @AfterEach
  void tearDown() {
    if (exporter != null) {
      exporter.shutdown(Duration.ofSeconds(5));
    }
  }

  private Path start(String yaml) throws Exception {
    Path file = directory.resolve("nested/dir/telemetry.jsonl");
    settings = TestComponents.settings(ComponentKind.EXPORTER, "file", directory);
    var config = TestComponents.config("path: " + file + "\n" + yaml);
    exporter = new FileExporterFactory().create(settings, config);
    config.checkNoUnknownKeys();
    exporter.start(TestComponents.host());
    return file;
  }

  @Test
  void writesOneParseableOtlpJsonRequestPerLine() throws Exception {
    Path file = start("");
    Telemetry traces = TestData.traceTelemetry("file-span", 3);
    Telemetry logs = TestData.logTelemetry("file-log", 2);

    exporter.consume(traces).get(5, TimeUnit.SECONDS);
    exporter.consume(logs).get(5, TimeUnit.SECONDS);
    exporter.shutdown(Duration.ofSeconds(5));

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    assertThat(OtlpCodec.decodeTraces(lines.get(0).getBytes(StandardCharsets.UTF_8),
        OtlpCodec.Format.JSON, OtlpCodec.Limits.DEFAULT)).isEqualTo(traces.traces());
    assertThat(OtlpCodec.decodeLogs(lines.get(1).getBytes(StandardCharsets.UTF_8),
        OtlpCodec.Format.JSON, OtlpCodec.Limits.DEFAULT)).isEqualTo(logs.logs());
    assertThat(lines.get(0)).contains("\"traceId\":\"");
    assertThat(TestData.counter(settings.telemetry(), "tracewarden.items.exported", "file",
        Signal.TRACES)).isEqualTo(3);
  }

  @Test
  void flushesPeriodically() throws Exception {
    Path file = start("flush_interval: 50ms\n");

    exporter.consume(TestData.traceTelemetry("flush", 1)).get(5, TimeUnit.SECONDS);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Files.size(file) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(Files.readAllLines(file)).hasSize(1);
  }

  @Test
  void rotatesBySizeAndKeepsMaxBackups() throws Exception {
    // One request is well under 1 MiB; 300 KiB of spans per request fills a file in ~4 requests.
    Path file = start("rotation: { max_megabytes: 1, max_backups: 2 }\n");
    Telemetry big = TestData.traceTelemetry("x".repeat(3000), 100);
    int lineBytes = OtlpCodec.encode(big.request(), OtlpCodec.Format.JSON).length + 1;
    int perFile = (1024 * 1024) / lineBytes;
    int requests = perFile * 4 + 1;

    for (int i = 0; i < requests; i++) {
      exporter.consume(big).get(5, TimeUnit.SECONDS);
    }
    exporter.shutdown(Duration.ofSeconds(5));

    List<Path> files;
    try (Stream<Path> list = Files.list(file.getParent())) {
      files = list.sorted().toList();
    }
    assertThat(files).hasSize(3).contains(file);
    List<Path> backups = new ArrayList<>(files);
    backups.remove(file);
    assertThat(backups).allSatisfy(backup -> {
      assertThat(backup.getFileName().toString()).matches("telemetry-\\d{8}T\\d{6}\\.\\d{3}Z\\.jsonl");
      assertThat(Files.size(backup)).isLessThanOrEqualTo(1024 * 1024);
      assertThat(Files.readAllLines(backup)).hasSize(perFile).allSatisfy(line ->
          assertThat(OtlpCodec.decodeTraces(line.getBytes(StandardCharsets.UTF_8),
              OtlpCodec.Format.JSON, OtlpCodec.Limits.DEFAULT)).isEqualTo(big.traces()));
    });
    assertThat(Files.readAllLines(file)).hasSize(1);
  }

  @Test
  void concurrentWritersNeverInterleaveLines() throws Exception {
    Path file = start("");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<CompletableFuture<Void>> results = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Telemetry telemetry = i % 2 == 0 ? TestData.traceTelemetry("t" + i, 5)
          : TestData.logTelemetry("l" + i, 5);
      results.add(CompletableFuture.supplyAsync(() -> exporter.consume(telemetry), pool)
          .thenCompose(f -> f));
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    pool.shutdown();
    exporter.shutdown(Duration.ofSeconds(5));

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(200);
    int spans = 0;
    int logs = 0;
    for (String line : lines) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      if (line.startsWith("{\"resourceSpans\"")) {
        ExportTraceServiceRequest request =
            OtlpCodec.decodeTraces(bytes, OtlpCodec.Format.JSON, OtlpCodec.Limits.DEFAULT);
        spans += Telemetry.countSpans(request);
      } else {
        ExportLogsServiceRequest request =
            OtlpCodec.decodeLogs(bytes, OtlpCodec.Format.JSON, OtlpCodec.Limits.DEFAULT);
        logs += Telemetry.countLogRecords(request);
      }
    }
    assertThat(spans).isEqualTo(500);
    assertThat(logs).isEqualTo(500);
  }

  @Test
  void appendsToAnExistingFileAcrossRestarts() throws Exception {
    Path file = start("");
    exporter.consume(TestData.traceTelemetry("one", 1)).get(5, TimeUnit.SECONDS);
    exporter.shutdown(Duration.ofSeconds(5));
    start("");
    exporter.consume(TestData.traceTelemetry("two", 1)).get(5, TimeUnit.SECONDS);
    exporter.shutdown(Duration.ofSeconds(5));

    assertThat(Files.readAllLines(file)).hasSize(2);
  }
}
