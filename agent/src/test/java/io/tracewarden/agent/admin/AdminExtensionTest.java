package io.tracewarden.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.ServiceStatus;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.telemetry.SelfTelemetry;
import io.tracewarden.core.testing.TestComponents;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminExtensionTest {

  private final HttpClient client = HttpClient.newHttpClient();
  private final SelfTelemetry telemetry = new SelfTelemetry();
  private final AtomicReference<ServiceStatus> status =
      new AtomicReference<>(new ServiceStatus(true, Map.of()));
  private Extension admin;

  @TempDir
  Path dir;

  @AfterEach
  void shutdown() {
    if (admin != null) {
      admin.shutdown(Duration.ofSeconds(5));
    }
    telemetry.close();
  }

  @Test
  void healthIsOkWhenTheServiceIsHealthy() throws Exception {
    start();

    java.net.http.HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
  }

  @Test
  void healthIs503WithReasonsWhenAComponentIsUnhealthy() throws Exception {
    start();
    status.set(new ServiceStatus(true, Map.of(ComponentId.parse("otlp_grpc/backend"),
        "backend \"unreachable\"")));

    java.net.http.HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo(
        "{\"status\":\"unavailable\",\"reasons\":[\"otlp_grpc/backend: backend \\\"unreachable\\\"\"]}");
  }

  @Test
  void readyFollowsTheServiceStart() throws Exception {
    status.set(new ServiceStatus(false, Map.of()));
    start();

    assertThat(get("/ready").statusCode()).isEqualTo(503);
    assertThat(get("/health").body()).contains("service is not started");

    status.set(new ServiceStatus(true, Map.of()));
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    assertThat(get("/ready").body()).isEqualTo("{\"status\":\"ready\"}");
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    telemetry.component(ComponentKind.RECEIVER, ComponentId.of("otlp")).accepted(
        io.tracewarden.core.component.Signal.TRACES, 3);
    start();

    java.net.http.HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body()).contains("tracewarden_items_accepted_total");
    java.net.http.HttpResponse<String> post = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + ((AdminExtension) admin).port() + "/metrics"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void servicesMountedBeforeOrAfterStartAreRouted() throws Exception {
    AdminExtension extension = create("endpoint: 127.0.0.1:0");
    extension.addService("/api/before", (ctx, req) -> HttpResponse.of(HttpStatus.OK,
        MediaType.PLAIN_TEXT_UTF_8, "before " + ctx.path()));
    extension.start(host());
    extension.addService("/api/after/", (ctx, req) -> HttpResponse.of("after"));
    extension.addService("/api/after/deeper", (ctx, req) -> HttpResponse.of("deeper"));

    assertThat(get("/api/before/x").body()).isEqualTo("before /api/before/x");
    assertThat(get("/api/after").body()).isEqualTo("after");
    assertThat(get("/api/after/deeper/1").body()).isEqualTo("deeper");
    assertThat(get("/api/afterwards").statusCode()).isEqualTo(404);
    assertThat(get("/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void mountsCannotShadowBuiltInsOrEachOther() {
    AdminExtension extension = create("endpoint: 127.0.0.1:0");
    extension.addService("/api", (ctx, req) -> HttpResponse.of("api"));

    assertThatThrownBy(() -> extension.addService("/api/", (ctx, req) -> HttpResponse.of("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already mounted");
    assertThatThrownBy(() -> extension.addService("/metrics", (ctx, req) -> HttpResponse.of("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/metrics");
    assertThatThrownBy(() -> extension.addService("/", (ctx, req) -> HttpResponse.of("x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> extension.addService("api", (ctx, req) -> HttpResponse.of("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lifecycleIsSafe() throws Exception {
    AdminExtension extension = create("endpoint: 127.0.0.1:0");
    assertThat(extension.port()).isEqualTo(-1);
    extension.shutdown(Duration.ofSeconds(1));

    AdminExtension started = create("endpoint: 127.0.0.1:0");
    started.start(host());
    int port = started.port();
    assertThat(port).isPositive();
    started.shutdown(Duration.ofSeconds(5));
    started.shutdown(Duration.ofSeconds(5));

    assertThat(started.port()).isEqualTo(-1);
    try (ServerSocket socket = new ServerSocket(port)) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void badEndpointIsAConfigError() {
    assertThatThrownBy(() -> create("endpoint: localhost"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.endpoint: expected host:port");
    assertThatThrownBy(() -> create("endpoint: 127.0.0.1:70000"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("0 to 65535");
  }

  private void start() throws Exception {
    AdminExtension extension = create("endpoint: 127.0.0.1:0");
    extension.start(host());
  }

  private AdminExtension create(String yaml) {
    AdminExtension extension = (AdminExtension) new AdminExtensionFactory().create(
        TestComponents.settings(ComponentKind.EXTENSION, "admin", dir, telemetry, new AuditBus()),
        TestComponents.config(yaml));
    admin = extension;
    return extension;
  }

  private Host host() {
    return new Host() {
      @Override
      public Map<ComponentId, Extension> extensions() {
        return Map.of(ComponentId.of("admin"), admin);
      }

      @Override
      public ServiceStatus status() {
        return status.get();
      }
    };
  }

  private java.net.http.HttpResponse<String> get(String path) throws Exception {
    int port = ((AdminExtension) admin).port();
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
  }
}
