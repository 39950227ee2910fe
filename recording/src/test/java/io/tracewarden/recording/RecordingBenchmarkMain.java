package io.tracewarden.recording;

import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.testing.TestComponents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Timed loop, not a unit test: {@code threads} senders each wait for their ack (durable, group
 * fsync) before sending again; prints acknowledged requests/s and records/s. Usage:
 * {@code RecordingBenchmarkMain [threads=32] [seconds=10] [fsync=batch] [content=full]}.
 */
public final class RecordingBenchmarkMain {

  private RecordingBenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    String fsync = args.length > 2 ? args[2] : "batch";
    String content = args.length > 3 ? args[3] : "full";
    Path data = Files.createTempDirectory("recording-bench");
    var config = TestComponents.config("fsync: " + fsync + "\ncontent: " + content
        + "\norigin: tracewarden.audit/bench\nqueue_size: 100000");
    Exporter exporter = new RecordingExporterFactory().create(
        TestComponents.settings(ComponentKind.EXPORTER, "recording", data), config);
    exporter.start(TestComponents.host());
    LongAdder requests = new LongAdder();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread sender = new Thread(() -> {
        for (int n = 0; System.nanoTime() < end; n++) {
          try {
            exporter.consume(TestTrails.traces("bench-" + id, n)).get(30, TimeUnit.SECONDS);
            requests.increment();
          } catch (Exception e) {
            // back-pressure: try again
          }
        }
      });
      sender.start();
      senders.add(sender);
    }
    long start = System.nanoTime();
    for (Thread sender : senders) {
      sender.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    exporter.shutdown(Duration.ofSeconds(30));
    long records = requests.sum() * 3; // ingress + 2 spans per request
    System.out.printf("fsync=%s content=%s threads=%d: %.0f requests/s, %.0f records/s "
        + "(%d records in %.1f s)%n", fsync, content, threads, requests.sum() / elapsed,
        records / elapsed, records, elapsed);
    TestTrails.Result verify = TestTrails.verify(data.resolve("audit"));
    long t0 = System.nanoTime();
    System.out.print(verify.out() + verify.err());
    TestTrails.verify(data.resolve("audit"));
    System.out.printf("verify: %.0f records/s%n",
        records / ((System.nanoTime() - t0) / 1e9));
  }
}
