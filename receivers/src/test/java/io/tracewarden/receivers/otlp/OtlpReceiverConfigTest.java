package io.tracewarden.receivers.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.ReceiverFactory;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.consumer.Consumers;
import io.tracewarden.core.testing.TestComponents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtlpReceiverConfigTest {

  @TempDir Path dataDir;

  @Test
  void factoryIsRegistered() {
    assertThat(ServiceLoader.load(ReceiverFactory.class).stream()
        .map(ServiceLoader.Provider::get).filter(f -> f.type().equals("otlp")).toList())
        .singleElement().satisfies(f -> assertThat(f.signals())
            .containsExactlyInAnyOrder(Signal.TRACES, Signal.LOGS, Signal.METRICS));
  }

  @Test
  void noKeysEnablesBothProtocolsWithDefaults() throws IOException {
    OtlpReceiverConfig config = parse("config.yaml", "otlp");
    assertThat(config.grpc()).hasValueSatisfying(grpc -> {
      assertThat(grpc.endpoint().toString()).isEqualTo("127.0.0.1:4317");
      assertThat(grpc.maxRecvMsgSize()).isEqualTo(20 * 1024 * 1024);
    });
    assertThat(config.http()).hasValueSatisfying(http -> {
      assertThat(http.endpoint().toString()).isEqualTo("127.0.0.1:4318");
      assertThat(http.maxRequestBodySize()).isEqualTo(20 * 1024 * 1024);
      assertThat(http.paths()).isEqualTo(Map.of("/v1/traces", Signal.TRACES,
          "/v1/logs", Signal.LOGS, "/v1/metrics", Signal.METRICS));
    });
    assertThat(config.maxNestingDepth()).isEqualTo(64);
    assertThat(config.maxInFlightBytes())
        .isEqualTo(OtlpReceiverConfig.defaultMaxInFlightBytes(Runtime.getRuntime().maxMemory()));
    assertThat(OtlpReceiverConfig.defaultMaxInFlightBytes(1L << 30)).isEqualTo(32L << 20);
    assertThat(OtlpReceiverConfig.defaultMaxInFlightBytes(64L << 20)).isEqualTo(8L << 20);
    assertThat(config.auth()).isEmpty();
    assertThat(parse("empty.yaml", "otlp")).isEqualTo(config);
  }

  @Test
  void everyKeyIsRead() throws IOException {
    OtlpReceiverConfig config = parse("config.yaml", "otlp/full");
    assertThat(config.grpc().orElseThrow().endpoint().toString()).isEqualTo("127.0.0.1:14317");
    assertThat(config.grpc().orElseThrow().maxRecvMsgSize()).isEqualTo(8 * 1024 * 1024);
    assertThat(config.http().orElseThrow().endpoint().host()).isEqualTo("::1");
    assertThat(config.http().orElseThrow().maxRequestBodySize()).isEqualTo(16 * 1024 * 1024);
    assertThat(config.http().orElseThrow().paths()).containsEntry("/otlp/v1/logs", Signal.LOGS);
    assertThat(config.maxNestingDepth()).isEqualTo(32);
    assertThat(config.maxInFlightBytes()).isEqualTo(48L << 20);
    assertThat(config.auth().orElseThrow().bearerTokensEnv()).hasValue("TRACEWARDEN_OTLP_TOKENS");
    assertThat(config.auth().orElseThrow().bearerTokensFile())
        .hasValue(Path.of("/etc/tracewarden/otlp-tokens"));

    OtlpReceiverConfig httpOnly = parse("config.yaml", "otlp/http_only");
    assertThat(httpOnly.grpc()).isEmpty();
    assertThat(httpOnly.http().orElseThrow().endpoint().toString()).isEqualTo("0.0.0.0:4318");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"unknown_key", "endpoint_without_port", "bad_size",
      "depth_out_of_range", "same_path_twice", "relative_path", "auth_without_tokens",
      "in_flight_zero"})
  void invalidConfigsAreRefused(String id) throws IOException {
    assertThatThrownBy(() -> parse("invalid.yaml", id)).isInstanceOf(ConfigException.class);
  }

  @Test
  void createHasNoSideEffects() throws IOException {
    // A tokens file that does not exist is only an error at start, when it is read.
    ConfigSection section = TestComponents.config(
        "auth: { bearer_tokens_file: /nonexistent/tokens }\nprotocols: { http: {} }");
    OtlpReceiver receiver = new OtlpReceiverFactory().create(
        TestComponents.settings(ComponentKind.RECEIVER, "otlp", dataDir), section,
        Consumers.of(Map.of()));
    section.checkNoUnknownKeys();
    assertThat(receiver.httpPort()).isEqualTo(-1);
    assertThatThrownBy(() -> receiver.start(TestComponents.host()))
        .isInstanceOf(IOException.class).hasMessageNotContaining("token ");
    receiver.shutdown(java.time.Duration.ofSeconds(1));
  }

  @Test
  void tokensFileFormat() throws Exception {
    Path file = dataDir.resolve("tokens");
    java.nio.file.Files.writeString(file, "# comment\n\nalice:s3cr:et\n bob : tok \n");
    BearerTokens tokens = BearerTokens.load(
        new OtlpReceiverConfig.Auth(java.util.Optional.of(file), java.util.Optional.empty()),
        name -> null);
    assertThat(tokens.authenticate("Bearer s3cr:et")).isEqualTo("alice");
    assertThat(tokens.authenticate("bearer tok")).isEqualTo("bob");
    assertThat(tokens.authenticate("Bearer nope")).isNull();
    assertThat(tokens.authenticate("Basic s3cr:et")).isNull();
    assertThat(tokens.authenticate(null)).isNull();
    assertThat(tokens.toString()).doesNotContain("s3cr");
    java.nio.file.Files.writeString(file, "no-colon-here\n");
    assertThatThrownBy(() -> BearerTokens.load(
        new OtlpReceiverConfig.Auth(java.util.Optional.of(file), java.util.Optional.empty()),
        name -> null)).hasMessageContaining("entry 1").hasMessageNotContaining("no-colon-here");
  }

  private static OtlpReceiverConfig parse(String resource, String id) throws IOException {
    String yaml;
    try (InputStream in = OtlpReceiverConfigTest.class.getResourceAsStream("/otlp/" + resource)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ConfigSection root = TestComponents.config(yaml);
    assertThat(List.copyOf(root.keys())).contains(id);
    ConfigSection section = root.section(id);
    OtlpReceiverConfig config = OtlpReceiverConfig.parse(section);
    section.checkNoUnknownKeys();
    return config;
  }
}
