package io.tracewarden.exporters.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.TlsKeyPair;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.ExporterFactory;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.testing.TestComponents;
import io.tracewarden.exporters.testing.FakeOtlpBackend;
import io.tracewarden.exporters.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {

  private static final String NO_QUEUE = "\nsending_queue: { enabled: false }\n"
      + "retry_on_failure: { enabled: false }\n";

  private final TlsKeyPair keyPair = TlsKeyPair.ofSelfSigned("localhost");
  private final FakeOtlpBackend backend = new FakeOtlpBackend(keyPair);
  @TempDir Path directory;
  private Exporter exporter;

  @AfterEach
  void tearDown() {
    if (exporter != null) {
      exporter.shutdown(Duration.ofSeconds(5));
    }
    backend.close();
  }

  private Exporter start(ExporterFactory factory, String yaml) throws Exception {
    var config = TestComponents.config(yaml);
    exporter = factory.create(
        TestComponents.settings(ComponentKind.EXPORTER, factory.type(), directory), config);
    config.checkNoUnknownKeys();
    exporter.start(TestComponents.host());
    return exporter;
  }

  private Path caFile() throws Exception {
    X509Certificate certificate = keyPair.certificateChain().get(0);
    String pem = "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    return Files.writeString(directory.resolve("ca.pem"), pem);
  }

  @Test
  void clientCertificateAndKeyAreLoaded() throws Exception {
    String key = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(
            keyPair.privateKey().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Path keyFile = Files.writeString(directory.resolve("client.key"), key);
    start(new OtlpHttpExporterFactory(), "endpoint: https://localhost:" + backend.port()
        + "\ntls: { ca_file: " + caFile() + ", cert_file: " + caFile() + ", key_file: " + keyFile
        + " }" + NO_QUEUE);
    Telemetry traces = TestData.traceTelemetry("mtls", 1);

    exporter.consume(traces).get(10, TimeUnit.SECONDS);

    assertThat(backend.traces()).containsExactly(traces.traces());
  }

  @Test
  void httpTrustsTheGivenCa() throws Exception {
    start(new OtlpHttpExporterFactory(), "endpoint: https://localhost:" + backend.port()
        + "\ntls: { ca_file: " + caFile() + " }" + NO_QUEUE);
    Telemetry traces = TestData.traceTelemetry("tls", 2);

    exporter.consume(traces).get(10, TimeUnit.SECONDS);

    assertThat(backend.traces()).containsExactly(traces.traces());
  }

  @Test
  void httpRefusesAnUntrustedServer() throws Exception {
    start(new OtlpHttpExporterFactory(), "endpoint: https://localhost:" + backend.port() + NO_QUEUE);

    assertThatThrownBy(() -> exporter.consume(TestData.traceTelemetry("tls", 1))
        .get(10, TimeUnit.SECONDS)).hasMessageContaining("cannot send");
    assertThat(backend.traces()).isEmpty();
  }

  @Test
  void grpcUsesTlsByDefaultAndCanSkipVerification() throws Exception {
    start(new OtlpGrpcExporterFactory(), "endpoint: localhost:" + backend.port()
        + "\ntls: { insecure_skip_verify: true }" + NO_QUEUE);
    Telemetry logs = TestData.logTelemetry("tls", 2);

    exporter.consume(logs).get(10, TimeUnit.SECONDS);

    assertThat(backend.logs()).containsExactly(logs.logs());
  }
}
