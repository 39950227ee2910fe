package io.tracewarden.benchmarks;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.exporters.internal.DiskSendingQueue;
import io.tracewarden.exporters.internal.QueueSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The persistent sending queue's own throughput: one operation is one request made durable
 * ({@code enqueue(...).join()}, which is when the sender is acknowledged), while a consumer thread
 * polls and acknowledges as a healthy exporter would, so segments are written, read and deleted.
 * Concurrent producers matter with {@code fsync: batch}: one fsync covers every record that arrived
 * while the previous one ran. The queue directory is under {@code java.io.tmpdir}; point it at the
 * disk under test with {@code -jvmArgsAppend -Djava.io.tmpdir=...}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(8)
public class DiskQueueBenchmark {

  @Param({"batch", "always", "never"})
  String fsync;

  /** Spans of ~1 KB per request. */
  @Param({"16"})
  int spans;

  private Path directory;
  private DiskSendingQueue queue;
  private Telemetry telemetry;
  private final AtomicBoolean running = new AtomicBoolean();
  private Thread consumer;

  @Setup(Level.Trial)
  public void open() throws IOException {
    directory = Files.createTempDirectory("tracewarden-queue-bench");
    queue = DiskSendingQueue.open(directory.resolve("queue"), 100_000, 256L << 20,
        QueueSettings.Fsync.valueOf(fsync.toUpperCase(Locale.ROOT)), "bench");
    ExportTraceServiceRequest request = request(spans);
    telemetry = new Telemetry(io.tracewarden.core.component.Signal.TRACES, request,
        new TelemetryContext(TelemetryContext.ANONYMOUS, ComponentId.of("otlp"),
            "127.0.0.1:50000", Instant.EPOCH), request.toByteArray());
    System.out.printf("%nrequest: %d spans, %d bytes%n", spans, request.getSerializedSize());
    running.set(true);
    consumer = new Thread(this::consume, "queue-bench-consumer");
    consumer.setDaemon(true);
    consumer.start();
  }

  private void consume() {
    try {
      while (running.get()) {
        Telemetry next = queue.poll(Duration.ofMillis(100));
        if (next != null) {
          queue.acknowledge(next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    running.set(false);
    consumer.join(5_000);
    queue.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  /** One request made durable; a full queue (the consumer fell behind) is retried, not counted. */
  @Benchmark
  public void enqueueDurably() {
    while (true) {
      CompletableFuture<Void> durable = queue.enqueue(telemetry);
      if (durable != null) {
        durable.join();
        return;
      }
      Thread.onSpinWait();
    }
  }

  private static ExportTraceServiceRequest request(int spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    String content = "x".repeat(900);
    for (int i = 0; i < spans; i++) {
      scope.addSpans(Span.newBuilder()
          .setTraceId(ByteString.copyFrom(new byte[16]))
          .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) (i + 1)}))
          .setName("chat gpt-4o")
          .setStartTimeUnixNano(1_764_000_000_000_000_000L)
          .setEndTimeUnixNano(1_764_000_000_850_000_000L)
          .addAttributes(KeyValue.newBuilder().setKey("gen_ai.output.messages")
              .setValue(AnyValue.newBuilder().setStringValue(content))));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope)).build();
  }
}
