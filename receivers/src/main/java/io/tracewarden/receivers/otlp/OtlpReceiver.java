package io.tracewarden.receivers.otlp;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import io.grpc.ServerServiceDefinition;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Receiver;
import io.tracewarden.core.consumer.Consumers;
import io.tracewarden.core.otlp.OtlpCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives OTLP over gRPC and HTTP (protobuf or JSON, optionally gzip) and hands each request,
 * as one {@link io.tracewarden.core.consumer.Telemetry}, to the pipeline of its signal. Responses
 * complete asynchronously when the pipeline's future does; event loops never block.
 */
public final class OtlpReceiver implements Receiver {

  private static final Logger logger = LoggerFactory.getLogger(OtlpReceiver.class);
  /** How long in-flight requests may finish once shutdown begins, within the caller's timeout. */
  private static final Duration DRAIN = Duration.ofSeconds(5);

  private final ComponentSettings settings;
  private final OtlpReceiverConfig config;
  private final Consumers next;
  private final Function<String, String> env;
  private final Object lock = new Object();
  private Server grpcServer;
  private Server httpServer;
  private boolean stopped;

  OtlpReceiver(ComponentSettings settings, OtlpReceiverConfig config, Consumers next,
      Function<String, String> env) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    this.env = env;
  }

  @Override
  public void start(Host host) throws Exception {
    synchronized (lock) {
      if (grpcServer != null || httpServer != null || stopped) {
        throw new IllegalStateException(settings.id() + " is already started or shut down");
      }
      BearerTokens tokens = config.auth().isPresent()
          ? BearerTokens.load(config.auth().get(), env) : null;
      InFlightBytes inFlight = new InFlightBytes(config.maxInFlightBytes());
      OtlpIntake intake = new OtlpIntake(settings.id(), next,
          OtlpCodec.Limits.ofNestingDepth(config.maxNestingDepth()),
          new ReceiverMetrics(settings.metrics(), inFlight), tokens, inFlight);
      try {
        if (config.grpc().isPresent()) {
          grpcServer = grpcServer(config.grpc().get(), intake);
          grpcServer.start().join();
        }
        if (config.http().isPresent()) {
          httpServer = httpServer(config.http().get(), intake);
          httpServer.start().join();
        }
      } catch (RuntimeException e) {
        stopQuietly(Duration.ofSeconds(1));
        throw new IllegalStateException(settings.id() + ": cannot bind: "
            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
      }
      logger.info("{} listening: grpc={}, http={}", settings.id(),
          grpcServer == null ? "off" : grpcServer.activePort().localAddress(),
          httpServer == null ? "off" : httpServer.activePort().localAddress());
    }
  }

  @Override
  public void shutdown(Duration timeout) {
    synchronized (lock) {
      stopped = true;
      stopQuietly(timeout);
    }
  }

  /** The bound gRPC port, or -1 when gRPC is disabled or the receiver is not running. */
  public int grpcPort() {
    synchronized (lock) {
      return grpcServer == null ? -1 : grpcServer.activeLocalPort(SessionProtocol.HTTP);
    }
  }

  /** The bound HTTP port, or -1 when HTTP is disabled or the receiver is not running. */
  public int httpPort() {
    synchronized (lock) {
      return httpServer == null ? -1 : httpServer.activeLocalPort(SessionProtocol.HTTP);
    }
  }

  private Server grpcServer(OtlpReceiverConfig.Grpc grpc, OtlpIntake intake) {
    GrpcServiceBuilder builder = GrpcService.builder()
        .maxRequestMessageLength(grpc.maxRecvMsgSize())
        .useBlockingTaskExecutor(true);
    for (ServerServiceDefinition service : OtlpGrpcServices.create(intake)) {
      builder.addService(service);
    }
    return Server.builder()
        .http(address(grpc.endpoint()))
        .maxRequestLength(grpc.maxRecvMsgSize() + (long) grpc.maxRecvMsgSize() / 8 + 1024)
        .gracefulShutdownTimeout(Duration.ZERO, DRAIN)
        .service(builder.build())
        .build();
  }

  private Server httpServer(OtlpReceiverConfig.Http http, OtlpIntake intake) {
    return Server.builder()
        .http(address(http.endpoint()))
        .maxRequestLength(http.maxRequestBodySize())
        .gracefulShutdownTimeout(Duration.ZERO, DRAIN)
        .serviceUnder("/", new OtlpHttpService(intake, http.paths(), http.maxRequestBodySize()))
        .build();
  }

  private static InetSocketAddress address(OtlpReceiverConfig.Endpoint endpoint) {
    return new InetSocketAddress(endpoint.host(), endpoint.port());
  }

  /** Stops both servers in parallel (each waits for its event loops), within {@code timeout}. */
  private void stopQuietly(Duration timeout) {
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (Server server : new Server[] {grpcServer, httpServer}) {
      if (server != null) {
        stopping.add(server.stop());
      }
    }
    grpcServer = null;
    httpServer = null;
    if (stopping.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
          .get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      logger.warn("{} did not stop within {}", settings.id(), timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      logger.warn("{} failed to stop cleanly: {}", settings.id(), e.getCause().toString());
    }
  }
}
