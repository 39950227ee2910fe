package io.tracewarden.exporters.otlp;

import io.tracewarden.core.config.ConfigSection;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Config of {@code otlp_grpc}.
 *
 * @param target {@code http://host:port} or {@code https://host:port}
 */
record OtlpGrpcConfig(URI target, OtlpClientConfig client) {

  static OtlpGrpcConfig read(ConfigSection config) {
    String endpoint = config.requiredString("endpoint").trim();
    OtlpClientConfig client = OtlpClientConfig.read(config);
    String scheme;
    String authority;
    int separator = endpoint.indexOf("://");
    if (separator >= 0) {
      scheme = endpoint.substring(0, separator).toLowerCase(Locale.ROOT);
      authority = endpoint.substring(separator + 3);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw config.error("endpoint", "scheme must be http or https, or none (host:port)");
      }
    } else {
      // As in the Collector: no scheme means TLS unless tls.insecure is set.
      scheme = client.tls().insecure() ? "http" : "https";
      authority = endpoint;
    }
    while (authority.endsWith("/")) {
      authority = authority.substring(0, authority.length() - 1);
    }
    URI target;
    try {
      target = new URI(scheme + "://" + authority);
    } catch (URISyntaxException e) {
      throw config.error("endpoint", "expected host:port or http(s)://host:port");
    }
    if (target.getHost() == null || target.getPort() < 0 || authority.contains("/")
        || target.getRawUserInfo() != null) {
      throw config.error("endpoint", "expected host:port or http(s)://host:port");
    }
    return new OtlpGrpcConfig(target, client);
  }
}
