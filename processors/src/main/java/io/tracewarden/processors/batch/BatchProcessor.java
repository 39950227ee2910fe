package io.tracewarden.processors.batch;

import io.tracewarden.core.component.Host;
import io.tracewarden.core.component.Processor;
import io.tracewarden.core.component.Signal;
import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Merges requests into batches of {@code send_batch_size} items or whatever arrived within
 * {@code timeout}. Unlike the Collector's batch processor, a sender's request is acknowledged only
 * once the batch holding it has been accepted downstream, so failures and back-pressure still
 * reach the sender and nothing is acknowledged that could be lost here.
 *
 * <p>Requests are merged only with others from the same principal and receiver, so that the
 * context (and what the audit trail attributes to whom) stays true.
 */
final class BatchProcessor implements Processor {

  private final Object lock = new Object();
  private final BatchConfig config;
  private final Signal signal;
  private final Consumer next;
  private final Map<BatchKey, Batch> pending = new HashMap<>();
  /** Batches handed downstream whose senders are not answered yet; shutdown waits for them. */
  private final Set<CompletableFuture<Void>> inFlight = new HashSet<>();
  private ScheduledExecutorService timer;
  private boolean stopped;

  BatchProcessor(BatchConfig config, Signal signal, Consumer next) {
    this.config = config;
    this.signal = signal;
    this.next = next;
  }

  @Override
  public void start(Host host) {
    synchronized (lock) {
      if (timer == null && !stopped) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
          Thread thread = new Thread(runnable, "tracewarden-batch-" + signal.id());
          thread.setDaemon(true);
          return thread;
        });
        // At shutdown every pending batch is sent at once: waiting timers have nothing to do.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        timer = executor;
      }
    }
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    Batch ready = null;
    synchronized (lock) {
      if (stopped || timer == null || config.timeout().isZero()) {
        ready = new Batch();
        ready.add(telemetry, result);
      } else {
        BatchKey key = new BatchKey(telemetry.context().principal(),
            telemetry.context().receiver().toString());
        Batch batch = pending.get(key);
        if (batch == null) {
          Batch created = new Batch();
          pending.put(key, created);
          batch = created;
          timer.schedule(() -> flushIfPending(key, created), config.timeout().toNanos(),
              TimeUnit.NANOSECONDS);
        }
        batch.add(telemetry, result);
        if (batch.items >= config.sendBatchSize()) {
          pending.remove(key);
          ready = batch;
        }
      }
    }
    if (ready != null) {
      send(ready);
    }
    return result;
  }

  private void flushIfPending(BatchKey key, Batch batch) {
    synchronized (lock) {
      if (pending.get(key) != batch) {
        return;
      }
      pending.remove(key);
    }
    send(batch);
  }

  private void send(Batch batch) {
    List<Telemetry> parts = Batching.mergeAndSplit(signal, batch.requests, batch.context(),
        config.sendBatchMaxSize());
    CompletableFuture<?>[] sent = new CompletableFuture<?>[parts.size()];
    for (int i = 0; i < sent.length; i++) {
      try {
        sent[i] = next.consume(parts.get(i));
      } catch (RuntimeException e) {
        sent[i] = CompletableFuture.failedFuture(e);
      }
    }
    CompletableFuture<Void> done = CompletableFuture.allOf(sent);
    synchronized (lock) {
      inFlight.add(done);
    }
    done.whenComplete((ignored, failure) -> {
      synchronized (lock) {
        inFlight.remove(done);
      }
      for (CompletableFuture<Void> waiter : batch.waiters) {
        if (failure == null) {
          waiter.complete(null);
        } else {
          waiter.completeExceptionally(failure);
        }
      }
    });
  }

  @Override
  public void shutdown(Duration timeout) {
    List<Batch> remaining;
    ScheduledExecutorService stoppedTimer;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      remaining = new ArrayList<>(pending.values());
      pending.clear();
      stoppedTimer = timer;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    if (stoppedTimer != null) {
      // No interrupt: a timer thread inside send() may be writing to a file channel downstream.
      stoppedTimer.shutdown();
    }
    for (Batch batch : remaining) {
      send(batch);
    }
    try {
      if (stoppedTimer != null) {
        // A flush the timer is running now still hands its batch over before we look below.
        stoppedTimer.awaitTermination(Math.max(0, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
      }
      List<CompletableFuture<Void>> outstanding;
      synchronized (lock) {
        outstanding = new ArrayList<>(inFlight);
      }
      CompletableFuture.allOf(outstanding.toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      // Senders of what did not drain in time were told through their own futures.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record BatchKey(String principal, String receiver) {}

  private static final class Batch {
    final List<Telemetry> requests = new ArrayList<>();
    final List<CompletableFuture<Void>> waiters = new ArrayList<>();
    int items;

    void add(Telemetry telemetry, CompletableFuture<Void> waiter) {
      requests.add(telemetry);
      waiters.add(waiter);
      items += telemetry.itemCount();
    }

    TelemetryContext context() {
      return requests.get(0).context();
    }
  }
}
