package io.tracewarden.core.testing;

import io.tracewarden.core.consumer.Consumer;
import io.tracewarden.core.consumer.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** A real consumer that keeps what it receives and answers as told; for tests. */
public final class RecordingConsumer implements Consumer {

  private final Object lock = new Object();
  private final List<Telemetry> received = new ArrayList<>();
  private volatile Function<Telemetry, CompletableFuture<Void>> answer =
      t -> CompletableFuture.completedFuture(null);

  @Override
  public CompletableFuture<Void> consume(Telemetry telemetry) {
    synchronized (lock) {
      received.add(telemetry);
      lock.notifyAll();
    }
    return answer.apply(telemetry);
  }

  /** Makes later calls answer with {@code answer} (e.g. a failed future). */
  public void answerWith(Function<Telemetry, CompletableFuture<Void>> answer) {
    this.answer = answer;
  }

  public List<Telemetry> received() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  /** Waits until at least {@code count} requests arrived; returns them all. */
  public List<Telemetry> awaitRequests(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (received.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + count + " requests, got " + received.size());
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return List.copyOf(received);
    }
  }

  /** Waits until the received requests hold at least {@code items} spans/logs/points in total. */
  public List<Telemetry> awaitItems(int items, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (received.stream().mapToInt(Telemetry::itemCount).sum() < items) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + items + " items, got "
              + received.stream().mapToInt(Telemetry::itemCount).sum());
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return List.copyOf(received);
    }
  }
}
