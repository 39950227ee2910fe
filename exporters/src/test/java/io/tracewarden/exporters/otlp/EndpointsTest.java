package io.tracewarden.exporters.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.testing.TestComponents;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EndpointsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "http://h:4318,          http://h:4318/v1/traces",
      "http://h:4318/,         http://h:4318/v1/traces",
      "https://h/otlp/,        https://h/otlp/v1/traces"})
  void httpAppendsTheSignalPath(String endpoint, String expected) {
    OtlpHttpConfig config = OtlpHttpConfig.read(TestComponents.config("endpoint: " + endpoint));
    assertThat(config.urls().get(Signal.TRACES)).isEqualTo(URI.create(expected));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ftp://h:1", "h:4318", "http://user:pw@h:4318"})
  void httpRefusesBadEndpoints(String endpoint) {
    assertThatThrownBy(() -> OtlpHttpConfig.read(TestComponents.config("endpoint: " + endpoint)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("endpoint")
        .hasMessageNotContaining("pw");
  }

  @ParameterizedTest(name = "{0} insecure={1} -> {2}")
  @CsvSource({
      "h:4317,          false, https://h:4317",
      "h:4317,          true,  http://h:4317",
      "http://h:4317,   false, http://h:4317",
      "https://h:4317/, true,  https://h:4317"})
  void grpcSchemeFollowsTheCollector(String endpoint, boolean insecure, String expected) {
    OtlpGrpcConfig config = OtlpGrpcConfig.read(TestComponents.config(
        "endpoint: " + endpoint + "\ntls: { insecure: " + insecure + " }"));
    assertThat(config.target()).isEqualTo(URI.create(expected));
  }

  @Test
  void retryAfterAcceptsSecondsAndHttpDates() {
    assertThat(OtlpHttpSender.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
    String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));
    assertThat(OtlpHttpSender.retryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(8),
        Duration.ofSeconds(10));
    assertThat(OtlpHttpSender.retryAfter("soon")).isNull();
    assertThat(OtlpHttpSender.retryAfter(null)).isNull();
  }

  @Test
  void headerValuesNeverAppearInToString() {
    OtlpClientConfig config = OtlpClientConfig.read(
        TestComponents.config("headers: { authorization: Bearer s3cr3t-value }"));
    assertThat(config.toString()).contains("authorization").doesNotContain("s3cr3t-value");
  }
}
