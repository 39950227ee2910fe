package io.tracewarden.agent.admin;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.tracewarden.agent.approvals.HoldsApi;
import io.tracewarden.agent.approvals.TokenVerifier;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Registrar;
import io.tracewarden.core.component.ServiceStatus;
import io.tracewarden.core.telemetry.SelfTelemetry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin server: {@code /health}, {@code /ready} and {@code /metrics} (Prometheus text), plus
 * whatever other components mount with {@link #addService}.
 *
 * <p>Extensions start before every other component, so the server is already listening when a
 * processor (say, the approval API) starts. Routes therefore live in a router this class owns
 * rather than in Armeria's immutable route table: {@link #addService} works before or after
 * {@link #start}, and a mounted service sees the full request path.
 *
 * <p>It is also the {@link Registrar} through which processors offer objects the agent serves:
 * with {@code auth.oidc} configured, the holds API ({@link HoldsApi}) serves every registered
 * {@link io.tracewarden.processors.approval.HoldStore} behind bearer-token authentication. Without
 * it, no such API is mounted at all.
 */
public final class AdminExtension implements Extension, Registrar {

  private static final Logger logger = LoggerFactory.getLogger(AdminExtension.class);

  static final MediaType PROMETHEUS_TEXT =
      MediaType.parse("text/plain; version=0.0.4; charset=utf-8");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);
  private static final List<String> BUILT_IN = List.of("/health", "/ready", "/metrics");

  private final Object lock = new Object();
  private final ComponentId id;
  private final AdminConfig config;
  private final SelfTelemetry telemetry;
  /** Longest prefix first; replaced as a whole so that requests never see a partial update. */
  private volatile List<Mount> mounts = List.of();
  private volatile Host host;
  private final List<Registered> registered = new CopyOnWriteArrayList<>();
  private volatile TokenVerifier verifier;
  private Server server;
  private boolean shutDown;

  AdminExtension(ComponentId id, AdminConfig config, SelfTelemetry telemetry) {
    this.id = Objects.requireNonNull(id, "id");
    this.config = Objects.requireNonNull(config, "config");
    this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    if (config.oidc() != null) {
      addService(HoldsApi.PREFIX, new HoldsApi(config.oidc(), () -> verifier,
          () -> registered(io.tracewarden.processors.approval.HoldStore.class)));
    }
  }

  @Override
  public void start(Host host) throws Exception {
    synchronized (lock) {
      if (server != null || shutDown) {
        return;
      }
      this.host = Objects.requireNonNull(host, "host");
      if (config.oidc() != null) {
        verifier = TokenVerifier.create(config.oidc());
      }
      Server built = Server.builder()
          .http(new InetSocketAddress(config.host(), config.port()))
          // No quiet period: the admin endpoints answer at once, and the service drains the
          // data path before extensions stop.
          .gracefulShutdownTimeout(Duration.ZERO, STOP_TIMEOUT)
          .service("/health", (ctx, req) -> readOnly(req) ? health() : notAllowed())
          .service("/ready", (ctx, req) -> readOnly(req) ? ready() : notAllowed())
          .service("/metrics", (ctx, req) -> readOnly(req) ? metrics() : notAllowed())
          .serviceUnder("/", this::route)
          .build();
      built.start().get(30, TimeUnit.SECONDS);
      server = built;
      logger.info("{} listening on http://{}:{} (/health, /ready, /metrics)", id, config.host(),
          built.activeLocalPort());
    }
  }

  /**
   * Mounts {@code service} at {@code pathPrefix} (e.g. {@code /api/approvals}): it receives every
   * request whose path is the prefix or lies under it, with the full path. The longest matching
   * prefix wins. May be called before or after {@link #start}.
   *
   * @throws IllegalArgumentException if the prefix is taken or clashes with a built-in endpoint
   */
  public void addService(String pathPrefix, HttpService service) {
    Objects.requireNonNull(service, "service");
    String prefix = normalize(Objects.requireNonNull(pathPrefix, "pathPrefix"));
    for (String builtIn : BUILT_IN) {
      if (matches(builtIn, prefix) || prefix.equals("/")) {
        throw new IllegalArgumentException("'" + pathPrefix + "' clashes with " + builtIn);
      }
    }
    synchronized (lock) {
      if (mounts.stream().anyMatch(m -> m.prefix.equals(prefix))) {
        throw new IllegalArgumentException("'" + prefix + "' is already mounted");
      }
      List<Mount> sorted = new ArrayList<>(mounts);
      sorted.add(new Mount(prefix, service));
      sorted.sort(Comparator.comparingInt((Mount m) -> m.prefix.length()).reversed());
      mounts = List.copyOf(sorted);
    }
  }

  @Override
  public <T> AutoCloseable register(Class<T> type, T object) {
    Registered entry = new Registered(Objects.requireNonNull(type, "type"),
        Objects.requireNonNull(object, "object"));
    registered.add(entry);
    if (config.oidc() == null) {
      logger.warn("{}: a {} registered, but without auth.oidc no API serves it", id,
          type.getSimpleName());
    }
    return () -> registered.remove(entry);
  }

  /** What is registered under {@code type} right now. */
  public <T> List<T> registered(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Registered entry : registered) {
      if (entry.type == type) {
        out.add(type.cast(entry.object));
      }
    }
    return out;
  }

  /** The bound port once started (useful with port 0), else -1. */
  public int port() {
    synchronized (lock) {
      return server == null ? -1 : server.activeLocalPort();
    }
  }

  @Override
  public void shutdown(Duration timeout) {
    Server toStop;
    synchronized (lock) {
      shutDown = true;
      toStop = server;
      server = null;
    }
    if (toStop == null) {
      return;
    }
    try {
      toStop.stop().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      logger.warn("{} did not stop within {}", id, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      logger.warn("{} failed to stop cleanly", id, e);
    }
  }

  private HttpResponse route(ServiceRequestContext ctx, HttpRequest req) throws Exception {
    String path = ctx.path();
    for (Mount mount : mounts) {
      if (matches(path, mount.prefix)) {
        return mount.service.serve(ctx, req);
      }
    }
    return HttpResponse.of(HttpStatus.NOT_FOUND);
  }

  private HttpResponse health() {
    ServiceStatus status = currentStatus();
    if (status.healthy()) {
      return json(HttpStatus.OK, "{\"status\":\"ok\"}");
    }
    return json(HttpStatus.SERVICE_UNAVAILABLE,
        "{\"status\":\"unavailable\",\"reasons\":" + reasons(status) + "}");
  }

  private HttpResponse ready() {
    ServiceStatus status = currentStatus();
    if (status.started()) {
      return json(HttpStatus.OK, "{\"status\":\"ready\"}");
    }
    return json(HttpStatus.SERVICE_UNAVAILABLE,
        "{\"status\":\"not ready\",\"reasons\":[\"service is not started\"]}");
  }

  private HttpResponse metrics() {
    return HttpResponse.of(HttpStatus.OK, PROMETHEUS_TEXT, telemetry.prometheusText());
  }

  private static boolean readOnly(HttpRequest req) {
    return req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
  }

  private static HttpResponse notAllowed() {
    return HttpResponse.of(HttpStatus.METHOD_NOT_ALLOWED);
  }

  private ServiceStatus currentStatus() {
    Host current = host;
    return current == null ? new ServiceStatus(false, Map.of()) : current.status();
  }

  private static String reasons(ServiceStatus status) {
    List<String> reasons = new ArrayList<>();
    if (!status.started()) {
      reasons.add("service is not started");
    }
    new TreeMap<>(status.unhealthy()).forEach((component, problem) ->
        reasons.add(component + ": " + problem));
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < reasons.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      Json.appendString(out, reasons.get(i));
    }
    return out.append(']').toString();
  }

  private static HttpResponse json(HttpStatus status, String body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, body);
  }

  private static String normalize(String prefix) {
    if (!prefix.startsWith("/")) {
      throw new IllegalArgumentException("a path prefix starts with '/': " + prefix);
    }
    return prefix.length() > 1 && prefix.endsWith("/")
        ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  private static boolean matches(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  private record Mount(String prefix, HttpService service) {}

  /** Identity-compared, so that closing one registration never removes an equal twin. */
  private static final class Registered {
    final Class<?> type;
    final Object object;

    Registered(Class<?> type, Object object) {
      this.type = type;
      this.object = object;
    }
  }
}
