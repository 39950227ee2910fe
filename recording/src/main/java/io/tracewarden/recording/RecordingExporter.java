package io.tracewarden.recording;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tracewarden.core.audit.AuditBus;
import io.tracewarden.core.audit.AuditEvent;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.telemetry.ComponentMetrics;
import io.tracewarden.recording.trail.Checkpoint;
import io.tracewarden.recording.trail.TrailOptions;
import io.tracewarden.recording.trail.TrailWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records masked telemetry and audit events into the trail. {@link #consume} completes once the
 * request's records are durable (after the writer's group fsync, unless {@code fsync: never});
 * a full queue refuses with back-pressure. Audit events are queued without blocking the
 * publisher; one that finds the queue full is counted and reported by a {@code dropped} record.
 */
final class RecordingExporter implements Exporter {

  private static final Logger logger = LoggerFactory.getLogger(RecordingExporter.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final Object lock = new Object();
  private final ComponentId id;
  private final ComponentMetrics metrics;
  private final AuditBus audit;
  private final RecordingConfig config;
  private final LongCounter droppedEvents;

  private TrailWriter writer;
  private AutoCloseable subscription;
  private Consumer checkpointPipeline;
  private boolean running;
  private boolean stopped;

  RecordingExporter(ComponentSettings settings, RecordingConfig config) {
    this.id = settings.id();
    this.metrics = settings.metrics();
    this.audit = settings.audit();
    this.config = config;
    this.droppedEvents = metrics.meter().counterBuilder("tracewarden.recording.events.dropped")
        .setDescription("Audit events not recorded because the writer queue was full")
        .setUnit("{event}").build();
  }

  @Override
  public void start(Host host) throws Exception {
    synchronized (lock) {
      if (writer != null || stopped) {
        throw new IllegalStateException("exporter " + id + " was already started");
      }
      if (config.checkpointPipeline().isPresent()) {
        String pipeline = config.checkpointPipeline().get();
        checkpointPipeline = host.pipeline(pipeline).orElseThrow(() -> new IllegalStateException(
            "exporter " + id + ": checkpoint_pipeline " + pipeline + " is not a configured "
                + "pipeline"));
      }
      String origin = config.origin().orElseGet(RecordingExporter::defaultOrigin);
      TrailOptions options = new TrailOptions(config.directory(), config.signingKeyFile(), origin,
          config.checkpointEvery(), config.checkpointInterval(), config.segmentMaxBytes(),
          config.retention().orElse(null), config.fsync(), config.queueSize(), this::ship);
      TrailWriter opened = TrailWriter.open(options);
      opened.start();
      writer = opened;
      metrics.gauge("tracewarden.recording.queue.size", "Appends waiting for the trail writer",
          "{append}", opened::queued);
      metrics.gauge("tracewarden.recording.records", "Records in the audit trail", "{record}",
          opened::size);
      subscription = audit.subscribe(this::record);
      running = true;
    }
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    int items = telemetry.itemCount();
    List<ObjectNode> records;
    try {
      records = TelemetryRecords.of(telemetry, config.content());
    } catch (RuntimeException e) {
      metrics.refused(telemetry.signal(), items);
      return CompletableFuture.failedFuture(TelemetryException.permanent(
          "exporter " + id + " cannot record this request: " + e.getClass().getSimpleName()));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (lock) {
      if (!running || writer.failed()) {
        metrics.failed(telemetry.signal(), items);
        return CompletableFuture.failedFuture(
            TelemetryException.retryable("exporter " + id + " is not running", null));
      }
      if (!writer.offer(new TrailWriter.Append(records, done))) {
        metrics.refused(telemetry.signal(), items);
        return CompletableFuture.failedFuture(TelemetryException.backPressure(
            "exporter " + id + ": audit trail queue is full", RETRY_AFTER));
      }
    }
    return done.whenComplete((ok, failure) -> {
      if (failure == null) {
        metrics.exported(telemetry.signal(), items);
      } else {
        metrics.failed(telemetry.signal(), items);
      }
    });
  }

  /** Audit bus subscriber: quick, never blocks the publisher. */
  private void record(AuditEvent event) {
    ObjectNode record = TelemetryRecords.audit(event);
    synchronized (lock) {
      if (!running) {
        return;
      }
      if (!writer.offer(new TrailWriter.Append(List.of(record), new CompletableFuture<>()))) {
        writer.noteDropped();
        droppedEvents.add(1, metrics.attributes());
      }
    }
  }

  @Override
  public void shutdown(Duration timeout) {
    TrailWriter toClose;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      running = false;
      toClose = writer;
      if (subscription != null) {
        try {
          subscription.close();
        } catch (Exception e) {
          logger.warn("exporter {}: cannot unsubscribe from the audit bus: {}", id, e.toString());
        }
      }
    }
    if (toClose != null) {
      toClose.close(timeout);
    }
  }

  /** Sends a new checkpoint into the configured pipeline so that a remote backend witnesses it. */
  private void ship(Checkpoint checkpoint) {
    Consumer pipeline = checkpointPipeline;
    if (pipeline == null) {
      return;
    }
    Instant now = Instant.now();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    LogRecord log = LogRecord.newBuilder()
        .setTimeUnixNano(nanos).setObservedTimeUnixNano(nanos)
        .setEventName("tracewarden.audit.checkpoint")
        .setBody(AnyValue.newBuilder().setStringValue(checkpoint.note()))
        .addAttributes(attribute("tracewarden.audit.origin",
            AnyValue.newBuilder().setStringValue(checkpoint.origin()).build()))
        .addAttributes(attribute("tracewarden.audit.tree_size",
            AnyValue.newBuilder().setIntValue(checkpoint.size()).build()))
        .addAttributes(attribute("tracewarden.audit.root",
            AnyValue.newBuilder().setStringValue(checkpoint.rootBase64()).build()))
        .build();
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attribute("service.name",
                AnyValue.newBuilder().setStringValue("tracewarden").build())))
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(log)))
        .build();
    TelemetryContext context = new TelemetryContext("tracewarden", id, "", now);
    try {
      pipeline.consume(Telemetry.logs(request, context)).whenComplete((ok, failure) -> {
        if (failure != null) {
          logger.warn("exporter {}: checkpoint {} was not accepted by {}: {}", id,
              checkpoint.size(), config.checkpointPipeline().orElse(""),
              TelemetryException.from(failure).getMessage());
        }
      });
    } catch (RuntimeException e) {
      logger.warn("exporter {}: cannot ship checkpoint {}: {}", id, checkpoint.size(),
          e.toString());
    }
  }

  private static KeyValue attribute(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static String defaultOrigin() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
    return "tracewarden.audit/" + host.replaceAll("[\\s+]", "_");
  }
}
