package io.tracewarden.exporters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.testing.TestComponents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Loads each exporter's {@code config.yaml}, {@code invalid.yaml} and {@code empty.yaml}. */
class ConfigFilesTest {

  @TempDir Path dataDirectory;

  private static ExporterFactory factory(String type) {
    return factories().get(type);
  }

  private static Map<String, ExporterFactory> factories() {
    return ServiceLoader.load(ExporterFactory.class).stream().map(ServiceLoader.Provider::get)
        .collect(Collectors.toMap(ExporterFactory::type, f -> f));
  }

  private static ConfigSection load(String type, String file) throws IOException {
    String resource = "/" + type + "/" + file;
    try (InputStream in = ConfigFilesTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return ConfigSection.of(new ConfigLoader(name -> null).parse(yaml, type + "/" + file),
          "exporters." + type, null);
    }
  }

  private void create(String type, ConfigSection config) {
    var settings = TestComponents.settings(ComponentKind.EXPORTER, type, dataDirectory);
    factory(type).create(settings, config);
    config.checkNoUnknownKeys();
  }

  @Test
  void everyExporterIsRegistered() {
    assertThat(factories()).containsOnlyKeys("otlp_grpc", "otlp_http", "file", "debug");
    assertThat(factories().values()).allSatisfy(f -> {
      assertThat(f.kind()).isEqualTo(ComponentKind.EXPORTER);
      assertThat(f.description()).isNotBlank();
      assertThat(f.signals()).isNotEmpty();
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"otlp_grpc", "otlp_http", "file", "debug"})
  void fullConfigIsAccepted(String type) throws IOException {
    create(type, load(type, "config.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "otlp_http, 4, exporters.otlp_http.sending_queue.queue_size",
      "otlp_grpc, 4, exporters.otlp_grpc.retry_on_failure.max_intreval",
      "file,      2, exporters.file.format",
      "debug,     2, exporters.debug.sampling_initial"})
  void invalidConfigNamesLineAndKey(String type, int line, String key) {
    assertThatThrownBy(() -> create(type, load(type, "invalid.yaml")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.location().source()).isEqualTo(type + "/invalid.yaml");
          assertThat(e.location().line()).isEqualTo(line);
          assertThat(e.keyPath()).isEqualTo(key);
        })
        .hasMessageContaining(type + "/invalid.yaml:" + line);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"file", "debug"})
  void emptyConfigUsesDefaults(String type) throws IOException {
    create(type, load(type, "empty.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"otlp_grpc", "otlp_http"})
  void emptyConfigLacksAnEndpoint(String type) {
    assertThatThrownBy(() -> create(type, load(type, "empty.yaml")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("exporters." + type + ".endpoint"))
        .hasMessageContaining("is required");
  }
}
