package io.tracewarden.receivers.otlp;

import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigSection;
import io.tracewarden.core.otlp.OtlpCodec;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code otlp} receiver's configuration.
 *
 * @param grpc the gRPC protocol settings, empty when gRPC is disabled
 * @param http the HTTP protocol settings, empty when HTTP is disabled
 * @param maxNestingDepth deepest AnyValue nesting accepted
 * @param auth bearer-token authentication, empty when disabled
 * @param maxInFlightBytes request bytes (decompressed) held at once, both protocols together
 */
record OtlpReceiverConfig(Optional<Grpc> grpc, Optional<Http> http, int maxNestingDepth,
    Optional<Auth> auth, long maxInFlightBytes) {

  static final long DEFAULT_MAX_SIZE = 20L * 1024 * 1024;
  /** Keeps room for framing inside an int-indexed buffer. */
  static final long MAX_SIZE = 1L << 30;

  record Endpoint(String host, int port) {

    /** Parses {@code host:port}, {@code [v6]:port} or {@code :port} (all interfaces). */
    static Endpoint parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("expected host:port");
      }
      String host = text.substring(0, colon).trim();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":")) {
        throw new IllegalArgumentException("an IPv6 host must be in brackets, e.g. [::1]:4317");
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("port must be a number");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535");
      }
      return new Endpoint(host.isEmpty() ? "0.0.0.0" : host, port);
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  record Grpc(Endpoint endpoint, int maxRecvMsgSize) {}

  record Http(Endpoint endpoint, int maxRequestBodySize, Map<String, Signal> paths) {}

  record Auth(Optional<Path> bearerTokensFile, Optional<String> bearerTokensEnv) {}

  /**
   * A request costs several times its size once decoded (the body, the decoded strings, the bytes
   * kept for pass-through, its share of a batch), so 1/32 of the heap in flight stays well under a
   * memory_limiter's default soft limit of 60 % even at that multiple.
   */
  static long defaultMaxInFlightBytes(long maxHeap) {
    return Math.max(8L << 20, maxHeap / 32);
  }

  static OtlpReceiverConfig parse(ConfigSection config) {
    return parse(config, Runtime.getRuntime().maxMemory());
  }

  static OtlpReceiverConfig parse(ConfigSection config, long maxHeap) {
    boolean hasProtocols = config.has("protocols");
    ConfigSection protocols = config.section("protocols");
    boolean both = !hasProtocols || protocols.isEmpty();
    boolean grpcOn = both || protocols.has("grpc");
    boolean httpOn = both || protocols.has("http");
    ConfigSection grpcSection = protocols.section("grpc");
    ConfigSection httpSection = protocols.section("http");

    Optional<Grpc> grpc = Optional.empty();
    if (grpcOn) {
      grpc = Optional.of(new Grpc(endpoint(grpcSection, "127.0.0.1:4317"),
          (int) grpcSection.bytes("max_recv_msg_size", DEFAULT_MAX_SIZE, 1, MAX_SIZE)));
    }
    Optional<Http> http = Optional.empty();
    if (httpOn) {
      Map<String, Signal> paths = new HashMap<>();
      Map<Signal, String> bySignal = new EnumMap<>(Signal.class);
      for (Signal signal : Signal.values()) {
        String key = signal.id() + "_url_path";
        String path = httpSection.string(key, "/v1/" + signal.id());
        if (!path.startsWith("/")) {
          throw httpSection.error(key, "must start with '/'");
        }
        if (paths.putIfAbsent(path, signal) != null) {
          throw httpSection.error(key, "is the same path as " + paths.get(path).id() + "_url_path");
        }
        bySignal.put(signal, path);
      }
      http = Optional.of(new Http(endpoint(httpSection, "127.0.0.1:4318"),
          (int) httpSection.bytes("max_request_body_size", DEFAULT_MAX_SIZE, 1, MAX_SIZE),
          Map.copyOf(paths)));
    }

    int depth = config.integer("max_nesting_depth", OtlpCodec.Limits.DEFAULT_NESTING_DEPTH, 1,
        OtlpCodec.Limits.MAX_NESTING_DEPTH);

    Optional<Auth> auth = Optional.empty();
    if (config.has("auth")) {
      ConfigSection authSection = config.section("auth");
      Optional<Path> file = authSection.string("bearer_tokens_file").map(Path::of);
      Optional<String> env = authSection.string("bearer_tokens_env");
      if (file.isEmpty() && env.isEmpty()) {
        throw config.error("auth", "needs bearer_tokens_file or bearer_tokens_env");
      }
      auth = Optional.of(new Auth(file, env));
    } else {
      config.section("auth");
    }
    long maxInFlight = config.bytes("max_in_flight_bytes", defaultMaxInFlightBytes(maxHeap), 1,
        Long.MAX_VALUE);
    return new OtlpReceiverConfig(grpc, http, depth, auth, maxInFlight);
  }

  private static Endpoint endpoint(ConfigSection section, String defaultValue) {
    try {
      return Endpoint.parse(section.string("endpoint", defaultValue));
    } catch (IllegalArgumentException e) {
      throw section.error("endpoint", e.getMessage());
    }
  }
}
