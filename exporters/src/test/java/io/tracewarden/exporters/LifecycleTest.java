package io.tracewarden.exporters;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.exporters.debug.DebugExporterFactory;
import io.tracewarden.exporters.file.FileExporterFactory;
import io.tracewarden.exporters.otlp.OtlpGrpcExporterFactory;
import io.tracewarden.exporters.otlp.OtlpHttpExporterFactory;
import io.tracewarden.exporters.testing.FakeOtlpBackend;
import io.tracewarden.exporters.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** create → start → consume → shutdown, shutdown twice, and shutdown without start. */
class LifecycleTest {

  private static FakeOtlpBackend backend;
  @TempDir Path dataDirectory;

  @BeforeAll
  static void startBackend() {
    backend = new FakeOtlpBackend();
  }

  @AfterAll
  static void stopBackend() {
    backend.close();
  }

  static Stream<Arguments> exporters() {
    return Stream.of(
        Arguments.of(new OtlpGrpcExporterFactory(), "endpoint: http://127.0.0.1:${PORT}"),
        Arguments.of(new OtlpHttpExporterFactory(), "endpoint: http://127.0.0.1:${PORT}"),
        Arguments.of(new OtlpHttpExporterFactory(),
            "endpoint: http://127.0.0.1:${PORT}\nsending_queue: { storage: disk }"),
        Arguments.of(new OtlpGrpcExporterFactory(),
            "endpoint: http://127.0.0.1:${PORT}\nsending_queue: { storage: disk, fsync: never }"),
        Arguments.of(new FileExporterFactory(), "path: ${DIR}/out/telemetry.jsonl"),
        Arguments.of(new DebugExporterFactory(), "verbosity: basic"));
  }

  private Exporter create(ExporterFactory factory, String yaml) {
    var config = TestComponents.config(yaml.replace("${PORT}", String.valueOf(backend.port()))
        .replace("${DIR}", dataDirectory.toString()));
    Exporter exporter = factory.create(
        TestComponents.settings(ComponentKind.EXPORTER, factory.type(), dataDirectory), config);
    config.checkNoUnknownKeys();
    return exporter;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exporters")
  void startConsumeShutdownTwice(ExporterFactory factory, String yaml) throws Exception {
    Exporter exporter = create(factory, yaml);
    exporter.start(TestComponents.host());

    for (Telemetry telemetry : new Telemetry[] {
        TestData.traceTelemetry("life", 2), TestData.logTelemetry("life", 1)}) {
      if (factory.signals().contains(telemetry.signal())) {
        exporter.consume(telemetry).get(10, TimeUnit.SECONDS);
      }
    }
    exporter.shutdown(Duration.ofSeconds(5));
    exporter.shutdown(Duration.ofSeconds(5));

    var late = exporter.consume(TestData.traceTelemetry("late", 1));
    if (factory.type().equals("debug")) {
      assertThat(late).succeedsWithin(Duration.ofSeconds(1)); // stateless: prints regardless
    } else {
      assertThat(late).failsWithin(Duration.ofSeconds(1));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exporters")
  void shutdownWithoutStart(ExporterFactory factory, String yaml) {
    Exporter exporter = create(factory, yaml);

    exporter.shutdown(Duration.ofSeconds(1));
    exporter.shutdown(Duration.ofSeconds(1));

    assertThat(Files.exists(dataDirectory.resolve("out"))).isFalse();
  }
}
