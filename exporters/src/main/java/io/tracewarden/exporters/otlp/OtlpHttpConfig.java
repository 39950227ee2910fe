package io.tracewarden.exporters.otlp;

import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Config of {@code otlp_http}.
 *
 * @param urls the full URL per signal: {@code <endpoint>/v1/<signal>} or its override
 * @param json encode OTLP JSON ({@code encoding: json}) instead of protobuf
 */
record OtlpHttpConfig(Map<Signal, URI> urls, boolean json, OtlpClientConfig client) {

  static OtlpHttpConfig read(ConfigSection config) {
    Optional<URI> base = config.string("endpoint").map(value -> url(config, "endpoint", value));
    Map<Signal, URI> urls = new EnumMap<>(Signal.class);
    for (Signal signal : Signal.values()) {
      String key = signal.id() + "_endpoint";
      Optional<String> override = config.string(key);
      if (override.isPresent()) {
        urls.put(signal, url(config, key, override.get()));
      } else if (base.isPresent()) {
        urls.put(signal, append(base.get(), "/v1/" + signal.id()));
      } else {
        throw config.error("endpoint", "is required (or traces_endpoint, logs_endpoint and "
            + "metrics_endpoint), e.g. http://127.0.0.1:4318");
      }
    }
    boolean json = config.oneOf("encoding", "proto", "proto", "json").equals("json");
    return new OtlpHttpConfig(Map.copyOf(urls), json, OtlpClientConfig.read(config));
  }

  private static URI url(ConfigSection config, String key, String value) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw config.error(key, "is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw config.error(key, "must start with http:// or https://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw config.error(key, "has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw config.error(key, "must not contain credentials; use headers");
    }
    return uri;
  }

  private static URI append(URI base, String suffix) {
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path + suffix);
  }
}
