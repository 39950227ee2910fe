package io.tracewarden.exporters.otlp;

import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.exporters.internal.QueueSettings;
import io.tracewarden.exporters.internal.RetrySettings;
import io.tracewarden.exporters.internal.TlsSettings;
import java.time.Duration;
import java.util.Map;

/**
 * The keys {@code otlp_grpc} and {@code otlp_http} share.
 *
 * @param gzip compress request bodies ({@code compression: gzip}, the default) or not
 * @param headers sent with every request; values may be secrets and are never logged
 * @param timeout per attempt
 */
record OtlpClientConfig(boolean gzip, Map<String, String> headers, Duration timeout,
    TlsSettings tls, QueueSettings queue, RetrySettings retry) {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  static OtlpClientConfig read(ConfigSection config) {
    boolean gzip = config.oneOf("compression", "gzip", "gzip", "none").equals("gzip");
    Map<String, String> headers = Map.copyOf(config.stringMap("headers"));
    for (String name : headers.keySet()) {
      if (name.isBlank() || name.startsWith(":") || !name.chars().allMatch(c -> c > 32 && c < 127)) {
        throw config.error("headers", "invalid header name '" + name + "'");
      }
    }
    Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
    if (timeout.isZero() || timeout.isNegative()) {
      throw config.error("timeout", "must be greater than zero");
    }
    TlsSettings tls = TlsSettings.read(config.section("tls"));
    QueueSettings queue = QueueSettings.read(config.section("sending_queue"));
    RetrySettings retry = RetrySettings.read(config.section("retry_on_failure"));
    return new OtlpClientConfig(gzip, headers, timeout, tls, queue, retry);
  }

  @Override
  public String toString() {
    // Header values can be credentials: show only the names.
    return "OtlpClientConfig[gzip=" + gzip + ", headers=" + headers.keySet() + ", timeout="
        + timeout + ", tls=" + tls + ", queue=" + queue + ", retry=" + retry + "]";
  }
}
