package io.tracewarden.core.pipeline;

import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.component.Component;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.Extension;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.Receiver;
import io.tracewarden.core.component.ServiceStatus;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.telemetry.SelfTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A built, validated set of pipelines and its lifecycle. Built by {@link ServiceBuilder} without
 * side effects; {@link #start} starts extensions, exporters, processors, then receivers;
 * {@link #shutdown} stops them in reverse, each stage draining within what is left of the
 * deadline.
 */
public final class Service implements Host, AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(Service.class);

  private final Object lock = new Object();
  private final Map<ComponentId, Extension> extensions;
  private final Map<ComponentId, Exporter> exporters;
  private final Map<PipelineId, List<Processor>> processors;
  private final Map<ComponentId, Receiver> receivers;
  private final Map<PipelineId, PipelineDescription> pipelines;
  private final Map<PipelineId, Consumer> pipelineEntries;
  private final SelfTelemetry telemetry;
  private final AuditBus audit;
  private final Duration shutdownTimeout;
  private final Path dataDirectory;
  private final Map<ComponentId, String> unhealthy = new ConcurrentHashMap<>();
  private final List<Component> started = new ArrayList<>();
  private volatile boolean running;
  private boolean shutDown;

  Service(
      Map<ComponentId, Extension> extensions,
      Map<ComponentId, Exporter> exporters,
      Map<PipelineId, List<Processor>> processors,
      Map<ComponentId, Receiver> receivers,
      Map<PipelineId, PipelineDescription> pipelines,
      Map<PipelineId, Consumer> pipelineEntries,
      SelfTelemetry telemetry,
      AuditBus audit,
      Duration shutdownTimeout,
      Path dataDirectory) {
    this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    this.exporters = Collections.unmodifiableMap(new LinkedHashMap<>(exporters));
    this.processors = Collections.unmodifiableMap(new LinkedHashMap<>(processors));
    this.receivers = Collections.unmodifiableMap(new LinkedHashMap<>(receivers));
    this.pipelines = Collections.unmodifiableMap(new LinkedHashMap<>(pipelines));
    this.pipelineEntries = Map.copyOf(pipelineEntries);
    this.telemetry = telemetry;
    this.audit = audit;
    this.shutdownTimeout = shutdownTimeout;
    this.dataDirectory = dataDirectory;
  }

  /** The pipelines as configured, for display and tests. */
  public Map<PipelineId, PipelineDescription> pipelines() {
    return pipelines;
  }

  public Map<ComponentId, Receiver> receivers() {
    return receivers;
  }

  public Map<ComponentId, Exporter> exporters() {
    return exporters;
  }

  public SelfTelemetry telemetry() {
    return telemetry;
  }

  public AuditBus audit() {
    return audit;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  @Override
  public Map<ComponentId, Extension> extensions() {
    return extensions;
  }

  @Override
  public Optional<Consumer> pipeline(String id) {
    return pipelineEntries.entrySet().stream()
        .filter(entry -> entry.getKey().toString().equals(id))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  @Override
  public ServiceStatus status() {
    return new ServiceStatus(running, unhealthy);
  }

  /** Lets a component mark itself unhealthy (or healthy again with a null reason). */
  public void reportHealth(ComponentId id, String problem) {
    if (problem == null) {
      unhealthy.remove(id);
    } else {
      unhealthy.put(id, problem);
    }
  }

  /**
   * Starts every component. If one fails, those already started are shut down and the failure
   * is rethrown, naming the component.
   */
  public void start() throws Exception {
    synchronized (lock) {
      if (shutDown) {
        throw new IllegalStateException("a service cannot start again after shutdown");
      }
      if (running) {
        throw new IllegalStateException("the service is already started");
      }
      try {
        startAll(extensions);
        startAll(exporters);
        for (List<Processor> chain : processors.values()) {
          // Downstream first, so that nothing receives data before its consumer is ready.
          for (int i = chain.size() - 1; i >= 0; i--) {
            startOne(chain.get(i), "processor in a pipeline");
          }
        }
        startAll(receivers);
      } catch (Exception e) {
        stopStarted(Duration.ofSeconds(5));
        throw e;
      }
      running = true;
    }
  }

  private void startAll(Map<ComponentId, ? extends Component> components) throws Exception {
    for (Map.Entry<ComponentId, ? extends Component> entry : components.entrySet()) {
      startOne(entry.getValue(), entry.getKey().toString());
    }
  }

  private void startOne(Component component, String name) throws Exception {
    try {
      component.start(this);
    } catch (Exception e) {
      throw new ServiceStartException("failed to start " + name + ": " + e.getMessage(), e);
    }
    started.add(component);
  }

  /** Shuts down within the configured {@code service.shutdown_timeout}. */
  public void shutdown() {
    shutdown(shutdownTimeout);
  }

  /**
   * Stops intake first (receivers), then drains processors and exporters, then extensions; each
   * stage gets what is left of {@code timeout}. Safe to call more than once.
   */
  public void shutdown(Duration timeout) {
    synchronized (lock) {
      if (shutDown) {
        return;
      }
      shutDown = true;
      running = false;
      stopStarted(timeout);
    }
  }

  private void stopStarted(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Component> order = new ArrayList<>(started);
    Collections.reverse(order);
    for (Component component : order) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      try {
        component.shutdown(left);
      } catch (RuntimeException e) {
        logger.warn("{} failed to shut down cleanly", component.getClass().getSimpleName(), e);
      }
    }
    started.clear();
  }

  @Override
  public void close() {
    shutdown();
    telemetry.close();
  }

  /** What a pipeline is made of, by id. */
  public record PipelineDescription(
      List<ComponentId> receivers, List<ComponentId> processors, List<ComponentId> exporters) {}

  /** A component failed to start; the message names it. */
  public static final class ServiceStartException extends Exception {
    private static final long serialVersionUID = 1L;

    ServiceStartException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
