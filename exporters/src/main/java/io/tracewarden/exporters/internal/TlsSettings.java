package io.tracewarden.exporters.internal;

import com.linecorp.armeria.client.ClientFactoryBuilder;
import com.linecorp.armeria.common.TlsKeyPair;
import io.tracewarden.core.config.ConfigSection;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code tls} of a client, with the Collector's names.
 *
 * @param insecure plaintext for an endpoint without a scheme (gRPC); ignored when the endpoint
 *     says {@code http://} or {@code https://}
 * @param caFile PEM bundle of CAs to trust instead of the JVM's
 * @param certFile PEM client certificate chain for mutual TLS (with {@code keyFile})
 * @param keyFile PEM PKCS#8 private key for mutual TLS
 * @param insecureSkipVerify trust any server certificate; for tests only
 */
public record TlsSettings(boolean insecure, Optional<Path> caFile, Optional<Path> certFile,
    Optional<Path> keyFile, boolean insecureSkipVerify) {

  public static TlsSettings read(ConfigSection config) {
    boolean insecure = config.bool("insecure", false);
    Optional<Path> ca = file(config, "ca_file");
    Optional<Path> cert = file(config, "cert_file");
    Optional<Path> key = file(config, "key_file");
    boolean skipVerify = config.bool("insecure_skip_verify", false);
    if (cert.isPresent() != key.isPresent()) {
      throw config.error(cert.isPresent() ? "key_file" : "cert_file",
          "cert_file and key_file must be given together");
    }
    return new TlsSettings(insecure, ca, cert, key, skipVerify);
  }

  /** Applies the TLS settings to the client factory of a TLS connection. */
  public void apply(ClientFactoryBuilder builder) {
    if (insecureSkipVerify) {
      builder.tlsNoVerify();
    }
    if (certFile.isPresent() && keyFile.isPresent()) {
      builder.tls(TlsKeyPair.of(keyFile.get().toFile(), certFile.get().toFile()));
    }
    caFile.ifPresent(ca -> {
      File file = ca.toFile();
      builder.tlsCustomizer(ssl -> ssl.trustManager(file));
    });
  }

  private static Optional<Path> file(ConfigSection config, String key) {
    Optional<String> value = config.string(key);
    if (value.isEmpty() || value.get().isBlank()) {
      return Optional.empty();
    }
    Path path = Path.of(value.get());
    if (!Files.isReadable(path)) {
      throw config.error(key, "file is not readable");
    }
    return Optional.of(path);
  }
}
