package io.tracewarden.agent.admin;

import io.tracewarden.agent.approvals.OidcConfig;
import io.tracewarden.core.config.ConfigSection;
import java.util.Objects;

/**
 * Configuration of the {@code admin} extension.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1}
 * @param port the port to bind; 0 picks a free one (see {@link AdminExtension#port()})
 * @param oidc how bearer tokens of the component APIs (holds) are verified, or null: then those
 *     APIs are not served at all
 */
record AdminConfig(String host, int port, OidcConfig oidc) {

  static final String DEFAULT_ENDPOINT = "127.0.0.1:13133";

  AdminConfig {
    Objects.requireNonNull(host, "host");
  }

  /** Reads {@code endpoint: host:port}; a problem is a config error naming the key. */
  static AdminConfig from(ConfigSection config) {
    String endpoint = config.string("endpoint", DEFAULT_ENDPOINT).trim();
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0 || colon == endpoint.length() - 1) {
      throw config.error("endpoint", "expected host:port, e.g. " + DEFAULT_ENDPOINT);
    }
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(endpoint.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw config.error("endpoint", "the port must be a number from 0 to 65535");
    }
    if (port < 0 || port > 65535) {
      throw config.error("endpoint", "the port must be a number from 0 to 65535");
    }
    ConfigSection auth = config.section("auth");
    OidcConfig oidc = auth.has("oidc") ? OidcConfig.from(auth.section("oidc")) : null;
    return new AdminConfig(host, port, oidc);
  }
}
