package io.tracewarden.processors.memorylimiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.config.ConfigException;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.testing.RecordingConsumer;
import io.tracewarden.core.testing.TestComponents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryLimiterProcessorTest {

  private static final long MIB = 1L << 20;

  @TempDir
  Path dir;

  private final RecordingConsumer next = new RecordingConsumer();
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong afterCollection = new AtomicLong(-1);
  private final HeapGauge gauge = new HeapGauge() {
    @Override
    public long usedBytes() {
      return used.get();
    }

    @Override
    public long usedAfterLastCollection() {
      return afterCollection.get();
    }
  };

  private MemoryLimiterProcessor limiter(String yaml, long maxHeap) {
    return new MemoryLimiterProcessor(
        TestComponents.settings(ComponentKind.PROCESSOR, "memory_limiter", dir),
        MemoryLimiterConfig.read(TestComponents.config(yaml), maxHeap), gauge, next);
  }

  @Test
  void refusesWithRetryableBackPressureAboveTheSoftLimitAndRecovers() throws Exception {
    MemoryLimiterProcessor limiter = limiter("limit_mib: 100\nspike_limit_mib: 20\n"
        + "retry_after: 3s\n", 1024 * MIB);
    used.set(50 * MIB);
    limiter.consume(telemetry()).get();
    assertThat(next.received()).hasSize(1);

    used.set(81 * MIB);
    CompletableFuture<Void> refused = limiter.consume(telemetry());
    assertThatThrownBy(refused::get).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(TelemetryException.class, e -> {
          assertThat(e.kind()).isEqualTo(TelemetryException.Kind.BACK_PRESSURE);
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
        });
    assertThat(next.received()).hasSize(1);

    used.set(60 * MIB);
    assertThat(limiter.refusing()).isTrue();
    limiter.check();
    assertThat(limiter.refusing()).isFalse();
    limiter.consume(telemetry()).get();
    assertThat(next.received()).hasSize(2);
  }

  @Test
  void garbageAboveTheSoftLimitIsNotRefusedWhileTheLastCollectionLeftLittle() throws Exception {
    MemoryLimiterProcessor limiter = limiter("limit_mib: 100\nspike_limit_mib: 20\n",
        1024 * MIB);
    afterCollection.set(30 * MIB);
    used.set(95 * MIB); // over the soft limit, under the hard one: mostly garbage
    limiter.consume(telemetry()).get();
    assertThat(limiter.refusing()).isFalse();
    assertThat(next.received()).hasSize(1);

    // The last collection left more than the soft limit: refused (the confirming collection of
    // this JVM cannot change what this gauge says).
    afterCollection.set(85 * MIB);
    assertThatThrownBy(() -> limiter.consume(telemetry()).get())
        .cause().isInstanceOf(TelemetryException.class);
    assertThat(limiter.refusing()).isTrue();

    // The next collection reports the data gone: accepted again.
    afterCollection.set(40 * MIB);
    used.set(40 * MIB);
    limiter.check();
    assertThat(limiter.refusing()).isFalse();
    limiter.consume(telemetry()).get();
    assertThat(next.received()).hasSize(2);

    // Over the hard limit the reading itself decides, whatever the last collection said.
    afterCollection.set(10 * MIB);
    used.set(101 * MIB);
    assertThatThrownBy(() -> limiter.consume(telemetry()).get())
        .cause().isInstanceOf(TelemetryException.class);
    assertThat(next.received()).hasSize(2);
  }

  @Test
  void theJvmGaugeReportsTheHeapLeftByACollection() throws Exception {
    JvmHeap heap = JvmHeap.INSTANCE;
    System.gc();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (heap.usedAfterLastCollection() < 0 && System.nanoTime() < deadline) {
      Thread.sleep(10); // notifications are delivered asynchronously
    }
    long after = heap.usedAfterLastCollection();
    assertThat(after).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
    byte[][] garbage = new byte[64][];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = new byte[64 * 1024];
    }
    assertThat(garbage[63]).hasSize(64 * 1024);
    assertThat(heap.usedBytes()).isPositive();
  }

  @Test
  void percentagesResolveAgainstTheMaximumHeap() {
    MemoryLimiterConfig config = MemoryLimiterConfig.read(
        TestComponents.config("limit_percentage: 50\nspike_limit_percentage: 10\n"), 1000 * MIB);
    assertThat(config.hardLimit()).isEqualTo(500 * MIB);
    assertThat(config.softLimit()).isEqualTo(400 * MIB);
    MemoryLimiterConfig defaults = MemoryLimiterConfig.read(TestComponents.config(""), 1000 * MIB);
    assertThat(defaults.hardLimit()).isEqualTo(800 * MIB);
    assertThat(defaults.softLimit()).isEqualTo(600 * MIB);
  }

  @Test
  void configErrorsNameTheKey() {
    assertThatThrownBy(() -> limiter("limit_mib: 4096\n", 1024 * MIB))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.limit_mib: is above the JVM's maximum heap (1024 MiB)");
    assertThatThrownBy(() -> limiter("limit_mib: 10\nlimit_percentage: 50\n", 1024 * MIB))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.limit_percentage: give limit_mib or limit_percentage");
    assertThatThrownBy(() -> limiter("limit_mib: 100\nspike_limit_mib: 100\n", 1024 * MIB))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.spike_limit_mib: must be between 0 and 99");
  }

  @Test
  void lifecycleIsSafeTwiceAndWithoutStart() throws Exception {
    Processor processor = new MemoryLimiterProcessorFactory().create(
        TestComponents.settings(ComponentKind.PROCESSOR, "memory_limiter", dir),
        TestComponents.config("check_interval: 10ms\n"), Signal.TRACES, next);
    processor.shutdown(Duration.ofSeconds(1));
    processor.start(TestComponents.host());
    processor.consume(telemetry()).get();
    processor.shutdown(Duration.ofSeconds(1));
    processor.shutdown(Duration.ofSeconds(1));
    assertThat(next.received()).hasSize(1);
  }

  private static Telemetry telemetry() {
    return Telemetry.traces(ExportTraceServiceRequest.getDefaultInstance(),
        TestComponents.context());
  }
}
