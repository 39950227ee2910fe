package io.tracewarden.exporters.internal;

import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentSettings;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.component.Host;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryException;
import io.tracewarden.core.telemetry.ComponentMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reliability half of a network exporter: an optional bounded {@link SendingQueue} drained by
 * consumer threads, and retries with exponential backoff and jitter around a {@link RequestSender}
 * that makes single attempts. Counts {@code exported} and {@code failed} items and reports the
 * queue size as {@code tracewarden.exporter.queue.size}.
 *
 * <p>With the queue, {@code consume} completes once the request is queued — for a disk queue, once
 * it is durable there — and fails at once with back-pressure when the queue is full. Without it,
 * {@code consume} completes when the backend accepted the request, or fails with the final error.
 *
 * <p>A request is acknowledged to the queue once it was delivered or given up on (permanent
 * failure, retries exhausted); never when a shutdown interrupted its delivery, so a persistent
 * queue sends it again after the next start.
 */
public final class QueuedRetryExporter implements Exporter {

  public static final String QUEUE_SIZE_METRIC = "tracewarden.exporter.queue.size";

  /** The hint given to senders refused because the queue is full. */
  static final Duration QUEUE_FULL_RETRY_AFTER = Duration.ofSeconds(1);

  private static final Logger logger = LoggerFactory.getLogger(QueuedRetryExporter.class);
  private static final int MAX_MESSAGE_CHARS = 256;
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final Object lock = new Object();
  private final ComponentId id;
  private final ComponentMetrics metrics;
  private final QueueSettings queueSettings;
  private final RetrySettings retry;
  private final RequestSender sender;
  private final Function<Integer, SendingQueue> queueFactory;
  private final Set<Delivery> inFlight = ConcurrentHashMap.newKeySet();
  private final List<Thread> consumers = new ArrayList<>();

  private State state = State.CREATED;
  private volatile boolean accepting;
  private volatile boolean aborting;
  private volatile boolean keepOnShutdown;
  private SendingQueue queue;
  private ScheduledExecutorService scheduler;

  /** With the queue {@code queueSettings} describe: in memory or on disk. */
  public QueuedRetryExporter(ComponentSettings settings, QueueSettings queueSettings,
      RetrySettings retry, RequestSender sender) {
    this(settings, queueSettings, retry, sender, size -> queueSettings.create(settings));
  }

  /** With another queue implementation, e.g. a persistent one; it gets the configured size. */
  public QueuedRetryExporter(ComponentSettings settings, QueueSettings queueSettings,
      RetrySettings retry, RequestSender sender, Function<Integer, SendingQueue> queueFactory) {
    this.id = Objects.requireNonNull(settings, "settings").id();
    this.metrics = settings.metrics();
    this.queueSettings = Objects.requireNonNull(queueSettings, "queueSettings");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.queueFactory = Objects.requireNonNull(queueFactory, "queueFactory");
  }

  @Override
  public void start(Host host) throws Exception {
    synchronized (lock) {
      if (state != State.CREATED) {
        throw new IllegalStateException("exporter " + id + " was already started");
      }
      SendingQueue created = queueSettings.enabled() ? queueFactory.apply(queueSettings.queueSize())
          : null;
      state = State.RUNNING;
      sender.start();
      scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tracewarden-exporter-" + id + "-retry");
        thread.setDaemon(true);
        return thread;
      });
      if (created != null) {
        queue = created;
        keepOnShutdown = created.persistent();
        metrics.gauge(QUEUE_SIZE_METRIC, "Requests waiting in an exporter's sending queue",
            "{request}", created::size);
        for (int i = 0; i < queueSettings.numConsumers(); i++) {
          Thread thread = new Thread(() -> drainLoop(created),
              "tracewarden-exporter-" + id + "-sender-" + i);
          thread.setDaemon(true);
          consumers.add(thread);
        }
      }
      accepting = true;
      consumers.forEach(Thread::start);
    }
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    if (!accepting) {
      metrics.failed(telemetry.signal(), telemetry.itemCount());
      return CompletableFuture.failedFuture(
          TelemetryException.retryable("exporter " + id + " is not running", null));
    }
    SendingQueue current = queue;
    if (current == null) {
      return deliver(telemetry);
    }
    CompletableFuture<Void> queued = current.enqueue(telemetry);
    if (queued == null) {
      metrics.failed(telemetry.signal(), telemetry.itemCount());
      String reason = current.isClosed() ? "exporter " + id + " is shutting down"
          : "sending queue of " + id + " is full";
      return CompletableFuture.failedFuture(
          TelemetryException.backPressure(reason, QUEUE_FULL_RETRY_AFTER));
    }
    if (queued.isDone() && !queued.isCompletedExceptionally()) {
      return queued;
    }
    return queued.whenComplete((ignored, error) -> {
      if (error != null) {
        metrics.failed(telemetry.signal(), telemetry.itemCount());
      }
    });
  }

  @Override
  public void shutdown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    SendingQueue current;
    synchronized (lock) {
      if (state != State.RUNNING) {
        state = State.STOPPED;
        return;
      }
      state = State.STOPPED;
      accepting = false;
      current = queue;
    }
    if (current != null) {
      current.close();
      for (Thread consumer : consumers) {
        joinUntil(consumer, deadline);
      }
    }
    awaitInFlight(deadline);
    aborting = true;
    int abandoned = 0;
    for (Delivery delivery : List.copyOf(inFlight)) {
      if (fail(delivery, TelemetryException.retryable(
          "exporter " + id + " shut down before delivery", null), false)) {
        abandoned++;
      }
    }
    consumers.forEach(Thread::interrupt);
    int left = 0;
    long leftItems = 0;
    if (current != null && current.persistent()) {
      int kept = current.size();
      if (kept > 0 || abandoned > 0) {
        logger.info("exporter {}: {} queued request(s) and {} in flight stay in the persistent "
            + "queue for the next start", id, kept, abandoned);
      }
      abandoned = 0;
    } else if (current != null) {
      for (Telemetry telemetry : current.drain()) {
        left++;
        leftItems += telemetry.itemCount();
        metrics.failed(telemetry.signal(), telemetry.itemCount());
        current.acknowledge(telemetry);
      }
    }
    if (left > 0 || abandoned > 0) {
      logger.warn("exporter {}: shutdown deadline reached; dropped {} queued request(s) ({} items) "
          + "and {} request(s) in flight", id, left, leftItems, abandoned);
    }
    if (current != null) {
      current.release();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    sender.close();
  }

  /** Requests waiting in the queue; zero without one. */
  public int queueSize() {
    SendingQueue current = queue;
    return current == null ? 0 : current.size();
  }

  private void drainLoop(SendingQueue source) {
    while (true) {
      Telemetry telemetry;
      try {
        telemetry = source.poll(POLL_INTERVAL);
      } catch (InterruptedException e) {
        return;
      }
      if (telemetry == null) {
        if (source.isClosed() && source.size() == 0) {
          return;
        }
        continue;
      }
      try {
        deliver(telemetry).get();
      } catch (InterruptedException e) {
        // Shutting down: not acknowledged, so a persistent queue delivers it after a restart.
        return;
      } catch (ExecutionException e) {
        // Already counted and logged by fail(). Cut short by a shutdown: not done with it.
        if (aborting) {
          return;
        }
      }
      source.acknowledge(telemetry);
    }
  }

  /** Sends with retries; the future completes with the final outcome, already counted. */
  private CompletableFuture<Void> deliver(Telemetry telemetry) {
    Delivery delivery = new Delivery(telemetry, System.nanoTime(),
        retry.initialInterval().toNanos());
    inFlight.add(delivery);
    attempt(delivery);
    return delivery.result;
  }

  private void attempt(Delivery delivery) {
    if (aborting) {
      fail(delivery, TelemetryException.retryable("exporter " + id + " shut down", null), true);
      return;
    }
    CompletableFuture<RequestSender.SendResult> sent;
    try {
      sent = sender.send(delivery.telemetry);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((result, error) -> {
      if (error == null) {
        succeed(delivery, result);
      } else {
        retryOrFail(delivery, TelemetryException.from(error));
      }
    });
  }

  private void retryOrFail(Delivery delivery, TelemetryException failure) {
    if (failure.kind() == TelemetryException.Kind.PERMANENT || !retry.enabled() || aborting) {
      fail(delivery, failure, true);
      return;
    }
    long delay = retry.jitteredNanos(delivery.intervalNanos);
    delivery.intervalNanos = retry.nextIntervalNanos(delivery.intervalNanos);
    if (failure.retryAfter().isPresent()) {
      delay = Math.max(delay, failure.retryAfter().get().toNanos());
    }
    long maxElapsed = retry.maxElapsedTime().toNanos();
    long elapsed = System.nanoTime() - delivery.startNanos;
    if (maxElapsed > 0 && elapsed + delay > maxElapsed) {
      fail(delivery, new TelemetryException(TelemetryException.Kind.RETRYABLE,
          "giving up after " + Duration.ofNanos(elapsed).toMillis() + "ms of retries: "
              + failure.getMessage(), null, failure), true);
      return;
    }
    delivery.attempts++;
    logger.debug("exporter {}: attempt {} failed ({}); retrying in {}ms", id, delivery.attempts,
        failure.getMessage(), TimeUnit.NANOSECONDS.toMillis(delay));
    try {
      scheduler.schedule(() -> attempt(delivery), delay, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      fail(delivery, failure, true);
    }
  }

  private void succeed(Delivery delivery, RequestSender.SendResult result) {
    if (!delivery.done.compareAndSet(false, true)) {
      return;
    }
    Telemetry telemetry = delivery.telemetry;
    long items = telemetry.itemCount();
    long rejected = Math.min(Math.max(0, result.rejected()), items);
    metrics.exported(telemetry.signal(), items - rejected);
    if (rejected > 0) {
      metrics.failed(telemetry.signal(), rejected);
      logger.warn("exporter {}: backend rejected {} of {} {} item(s): {}", id, rejected, items,
          telemetry.signal().id(), truncate(result.message()));
    } else if (!result.message().isEmpty()) {
      logger.warn("exporter {}: backend accepted the request with a warning: {}", id,
          truncate(result.message()));
    }
    // Counted before completing, so whoever waits on the future sees the counters updated.
    inFlight.remove(delivery);
    delivery.result.complete(null);
  }

  /** Completes the delivery with {@code failure}, counting it once; false if already done. */
  private boolean fail(Delivery delivery, TelemetryException failure, boolean log) {
    if (!delivery.done.compareAndSet(false, true)) {
      return false;
    }
    Telemetry telemetry = delivery.telemetry;
    // Cut short by a shutdown with a persistent queue: kept for the next start, not failed.
    boolean kept = aborting && keepOnShutdown;
    if (!kept) {
      metrics.failed(telemetry.signal(), telemetry.itemCount());
    }
    if (log && !kept) {
      logger.warn("exporter {}: dropping {} {} item(s): {}", id, telemetry.itemCount(),
          telemetry.signal().id(), truncate(failure.getMessage()));
    }
    inFlight.remove(delivery);
    delivery.result.completeExceptionally(failure);
    return true;
  }

  private void awaitInFlight(long deadline) {
    while (!inFlight.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      CompletableFuture<?>[] pending =
          inFlight.stream().map(delivery -> delivery.result).toArray(CompletableFuture[]::new);
      try {
        CompletableFuture.allOf(pending).get(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        // Failures are counted by fail(); keep waiting for the others.
      } catch (TimeoutException e) {
        return;
      }
    }
  }

  private static void joinUntil(Thread thread, long deadline) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return;
    }
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String truncate(String message) {
    if (message == null) {
      return "";
    }
    return message.length() <= MAX_MESSAGE_CHARS ? message
        : message.substring(0, MAX_MESSAGE_CHARS) + "...";
  }

  private enum State { CREATED, RUNNING, STOPPED }

  /** One request on its way, across attempts. */
  private static final class Delivery {

    final Telemetry telemetry;
    final long startNanos;
    final CompletableFuture<Void> result = new CompletableFuture<>();
    final AtomicBoolean done = new AtomicBoolean();
    volatile long intervalNanos;
    volatile int attempts;

    Delivery(Telemetry telemetry, long startNanos, long intervalNanos) {
      this.telemetry = telemetry;
      this.startNanos = startNanos;
      this.intervalNanos = intervalNanos;
    }
  }
}
