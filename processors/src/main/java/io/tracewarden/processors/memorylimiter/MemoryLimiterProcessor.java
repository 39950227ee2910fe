package io.tracewarden.processors.memorylimiter;

import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.opentelemetry.api.metrics.LongCounter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the agent alive under overload: while the live heap is above the soft limit, new data is
 * refused with a retryable back-pressure error (OTLP 429 / RESOURCE_EXHAUSTED with a retry hint)
 * instead of being buffered towards an {@code OutOfMemoryError}.
 *
 * <p>A reading of the heap between collections counts garbage too, and under a high allocation
 * rate that alone passes the soft limit while little is live: a limiter that refused on it would
 * turn senders away from an agent with room to spare. So the soft limit is held against the heap
 * left by the last collection, which the JVM reports for free, and against nothing fresher: when
 * that figure says "above", a collection of our own (at most one a second) confirms it before
 * refusing, and ends refusing as soon as the data is gone. The hard limit is held against the
 * reading itself, checked on every request: above it the limiter collects at once, as the
 * Collector's does, and the exact figure decides.
 */
final class MemoryLimiterProcessor implements Processor {

  private static final Logger logger = LoggerFactory.getLogger(MemoryLimiterProcessor.class);
  private static final long MIB = 1L << 20;
  private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;
  private static final long CONFIRM_INTERVAL_NANOS = 1_000_000_000L;

  private final Object lock = new Object();
  private final MemoryLimiterConfig limits;
  private final HeapGauge heap;
  private final Consumer next;
  private final String id;
  private final LongCounter refusals;
  private volatile boolean refusing;
  /** Under overload the state can flip many times a second: say so at most once a minute. */
  private long lastLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;
  private long switchesSinceLog;
  private long lastConfirmNanos = System.nanoTime() - CONFIRM_INTERVAL_NANOS;
  private ScheduledExecutorService checker;

  MemoryLimiterProcessor(ComponentSettings settings, MemoryLimiterConfig limits, HeapGauge heap,
      Consumer next) {
    this.limits = limits;
    this.heap = heap;
    this.next = next;
    this.id = settings.id().toString();
    this.refusals = settings.metrics().meter().counterBuilder("tracewarden.memory_limiter.refusals")
        .setDescription("Requests refused because heap use was above the soft limit")
        .setUnit("{request}").build();
    settings.metrics().gauge("tracewarden.memory_limiter.heap_used", "Heap in use", "By", heap::usedBytes);
  }

  @Override
  public void start(Host host) {
    synchronized (lock) {
      if (checker != null) {
        return;
      }
      checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tracewarden-memory-limiter");
        thread.setDaemon(true);
        return thread;
      });
      long period = limits.checkInterval().toNanos();
      checker.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    if (!refusing) {
      long used = heap.usedBytes();
      if (used > limits.hardLimit() || live(used) > limits.softLimit()) {
        check();
      }
    }
    if (refusing) {
      refusals.add(1);
      return CompletableFuture.failedFuture(TelemetryException.backPressure(
          "memory limit reached in " + id + "; retry later", limits.retryAfter()));
    }
    return next.consume(telemetry);
  }

  /** Re-evaluates the state, collecting garbage first when the figures say "above". */
  synchronized void check() {
    long used = heap.usedBytes();
    long live = live(used);
    long now = System.nanoTime();
    if (used > limits.hardLimit() || live > limits.softLimit()
        && now - lastConfirmNanos >= CONFIRM_INTERVAL_NANOS) {
      System.gc();
      lastConfirmNanos = now;
      live = heap.usedBytes();
    }
    boolean above = live > limits.softLimit();
    if (above != refusing) {
      refusing = above;
      logSwitch(above, live);
    }
  }

  /** The best estimate of live data short of collecting: the last collection's, else the reading. */
  private long live(long used) {
    long afterCollection = heap.usedAfterLastCollection();
    return afterCollection < 0 ? used : Math.min(used, afterCollection);
  }

  private synchronized void logSwitch(boolean above, long used) {
    switchesSinceLog++;
    long now = System.nanoTime();
    if (now - lastLogNanos < LOG_INTERVAL_NANOS) {
      return;
    }
    lastLogNanos = now;
    if (above) {
      logger.warn("{}: heap in use {} MiB is above the soft limit {} MiB; refusing new data "
          + "({} switches since the last message)", id, used / MIB, limits.softLimit() / MIB,
          switchesSinceLog);
    } else {
      logger.info("{}: heap in use {} MiB is below the soft limit; accepting data "
          + "({} switches since the last message)", id, used / MIB, switchesSinceLog);
    }
    switchesSinceLog = 0;
  }

  boolean refusing() {
    return refusing;
  }

  @Override
  public void shutdown(Duration timeout) {
    synchronized (lock) {
      if (checker != null) {
        checker.shutdownNow();
      }
    }
  }
}
