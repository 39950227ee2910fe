package io.tracewarden.exporters.internal;

import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.consumer.TelemetryContext;
import io.tracewarden.exporters.testing.TestData;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process {@link QueueCrashTest} kills: producers enqueue numbered records and journal
 * {@code A <n>} once the queue reported each durable; a consumer journals {@code D <n>} for each
 * record it takes ("delivers") before acknowledging it. Runs until killed.
 *
 * <p>The journal is a file, one write per line: what a write put in the page cache survives
 * SIGKILL. Standard output through a pipe is not reliable here: on JDK 17 a read of a killed
 * child's stdout can fail with "Stream closed" while the JDK drains the pipe at process exit, so
 * the parent missed the last lines (up to 280), and the records they delivered looked lost.
 *
 * <p>Arguments: queue directory, first number, journal file. System properties {@code fsync}
 * (default {@code BATCH}) and {@code pauseEvery} (the consumer sleeps 1 ms after that many
 * records, default 8; lower builds a larger backlog).
 */
public final class QueueCrashChild {

  static final int PRODUCERS = 8;
  static final long MAX_BYTES = 8L << 20;
  static final long SEGMENT_BYTES = 64L << 10;

  private QueueCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    AtomicInteger next = new AtomicInteger(Integer.parseInt(args[1]));
    PrintStream out = new PrintStream(new FileOutputStream(args[2], true), true, "UTF-8");
    int pauseEvery = Integer.getInteger("pauseEvery", 8);
    DiskSendingQueue queue = DiskSendingQueue.open(dir, 100_000, MAX_BYTES, SEGMENT_BYTES,
        QueueSettings.Fsync.valueOf(System.getProperty("fsync", "BATCH")), "crash");
    Thread consumer = new Thread(() -> {
      long taken = 0;
      try {
        while (true) {
          Telemetry telemetry = queue.poll(Duration.ofMillis(100));
          if (telemetry == null) {
            continue;
          }
          out.println("D " + number(telemetry));
          queue.acknowledge(telemetry);
          if (++taken % pauseEvery == 0) {
            Thread.sleep(1); // slower than the producers, so a backlog builds up
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    consumer.start();
    out.println("READY");
    for (int p = 0; p < PRODUCERS; p++) {
      new Thread(() -> {
        while (true) {
          int n = next.getAndIncrement();
          CompletableFuture<Void> durable;
          while ((durable = queue.enqueue(record(n))) == null) {
            sleep();
          }
          durable.join();
          out.println("A " + n);
        }
      }).start();
    }
    consumer.join();
  }

  static Telemetry record(int n) {
    return Telemetry.traces(TestData.traces("n" + n, 1 + n % 3), new TelemetryContext("crash",
        ComponentId.of("otlp"), "127.0.0.1:1", Instant.ofEpochSecond(1_700_000_000L)));
  }

  static int number(Telemetry telemetry) {
    String name = telemetry.traces().getResourceSpans(0).getScopeSpans(0).getSpans(0).getName();
    return Integer.parseInt(name.substring(1, name.indexOf('-')));
  }

  private static void sleep() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
