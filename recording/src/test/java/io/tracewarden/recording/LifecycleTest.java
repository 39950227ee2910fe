package io.tracewarden.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.ServiceStatus;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.testing.RecordingConsumer;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.recording.trail.Checkpoint;
import io.tracewarden.recording.trail.SigningKey;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifecycle, registration, config files, keys and checkpoint shipping of the exporter. */
class LifecycleTest {

  @TempDir Path data;

  private Exporter create(String yaml) {
    ConfigSection config = TestComponents.config(yaml);
    Exporter exporter = new RecordingExporterFactory().create(
        TestComponents.settings(ComponentKind.EXPORTER, "recording", data), config);
    config.checkNoUnknownKeys();
    return exporter;
  }

  @Test
  void createStartConsumeShutdownTwice() throws Exception {
    Exporter exporter = create("origin: tracewarden.audit/test");
    exporter.start(TestComponents.host());
    exporter.consume(TestTrails.traces("life", 1)).get(10, TimeUnit.SECONDS);
    exporter.consume(TestTrails.logs("life", "hello")).get(10, TimeUnit.SECONDS);
    exporter.shutdown(Duration.ofSeconds(5));
    exporter.shutdown(Duration.ofSeconds(5));

    assertThat(exporter.consume(TestTrails.traces("late", 1)))
        .failsWithin(Duration.ofSeconds(1));
    TestTrails.Result verify = TestTrails.verify(data.resolve("audit"));
    assertThat(verify.out()).startsWith("ok: 5 records, 1 segments, 1 checkpoints");
  }

  @Test
  void shutdownWithoutStartTouchesNothing() {
    Exporter exporter = create("");
    exporter.shutdown(Duration.ofSeconds(1));
    exporter.shutdown(Duration.ofSeconds(1));
    assertThat(data.resolve("audit")).doesNotExist();
  }

  @Test
  void generatesAnOwnerOnlySigningKeyAndItsPublicKeyOnce() throws Exception {
    Exporter exporter = create("");
    exporter.start(TestComponents.host());
    exporter.shutdown(Duration.ofSeconds(5));
    Path key = data.resolve("audit/keys/signing.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readString(data.resolve("audit/keys/signing.pub")))
        .startsWith("-----BEGIN PUBLIC KEY-----\n");
    byte[] first = Files.readAllBytes(key);
    Exporter again = create("");
    again.start(TestComponents.host());
    again.shutdown(Duration.ofSeconds(5));
    assertThat(Files.readAllBytes(key)).isEqualTo(first);
  }

  @Test
  void fullQueueIsBackPressure() throws Exception {
    Exporter exporter = create("queue_size: 1\nfsync: always");
    exporter.start(TestComponents.host());
    TelemetryException refused = null;
    for (int i = 0; i < 2000 && refused == null; i++) {
      var future = exporter.consume(TestTrails.traces("busy", i));
      if (future.isCompletedExceptionally()) {
        refused = TelemetryException.from(future.handle((ok, e) -> e).get());
      }
    }
    exporter.shutdown(Duration.ofSeconds(10));
    assertThat(refused).isNotNull();
    assertThat(refused.kind()).isEqualTo(TelemetryException.Kind.BACK_PRESSURE);
    assertThat(refused.retryAfter()).isPresent();
  }

  @Test
  void everyCheckpointIsShippedToTheConfiguredPipeline() throws Exception {
    RecordingConsumer pipeline = new RecordingConsumer();
    Host host = new Host() {
      @Override
      public Map<ComponentId, Extension> extensions() {
        return Map.of();
      }

      @Override
      public Optional<Consumer> pipeline(String id) {
        return id.equals("logs/audit") ? Optional.of(pipeline) : Optional.empty();
      }

      @Override
      public ServiceStatus status() {
        return new ServiceStatus(true, Map.of());
      }
    };
    TestTrails.Running running = TestTrails.start(data,
        "checkpoint_pipeline: logs/audit\norigin: tracewarden.audit/test", host);
    running.exporter().consume(TestTrails.traces("ship", 1)).get(5, TimeUnit.SECONDS);
    running.shutdown();

    var log = pipeline.awaitRequests(1, Duration.ofSeconds(5)).get(0).logs()
        .getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    Checkpoint shipped = Checkpoint.parse(log.getBody().getStringValue());
    assertThat(shipped.size()).isEqualTo(3);
    assertThat(shipped.verify(SigningKey.readPublicKey(running.dir().resolve("keys/signing.pub"))))
        .isTrue();
    assertThat(log.getEventName()).isEqualTo("tracewarden.audit.checkpoint");

    assertThatThrownBy(() -> TestTrails.start(data.resolve("other"),
        "checkpoint_pipeline: logs/missing", host))
        .hasMessageContaining("checkpoint_pipeline logs/missing is not a configured pipeline");
  }

  @Test
  void factoryIsRegistered() {
    assertThat(ServiceLoader.load(ExporterFactory.class).stream().map(ServiceLoader.Provider::get)
        .filter(f -> f.type().equals("recording")).findFirst()).get()
        .satisfies(f -> assertThat(f.signals()).hasSize(3));
  }

  @Test
  void configFiles() throws Exception {
    create(load("config.yaml"));
    create(load("empty.yaml"));
    assertThatThrownBy(() -> create(load("invalid.yaml")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.keyPath()).isEqualTo("test.fsync");
          assertThat(e.location().line()).isEqualTo(2);
        })
        .hasMessageContaining("must be one of batch, always, never");
    assertThatThrownBy(() -> create("segment_max_byte: 1MiB"))
        .hasMessageContaining("did you mean 'segment_max_bytes'");
    assertThatThrownBy(() -> create("checkpoint_pipeline: traces/x"))
        .hasMessageContaining("must be a logs pipeline");
  }

  private static String load(String name) throws Exception {
    try (InputStream in = LifecycleTest.class.getResourceAsStream("/recording/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

}
