package io.tracewarden.exporters.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.core.consumer.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety with real processes: {@link QueueCrashChild} is killed with SIGKILL at random
 * points, eight times, on one queue directory; afterwards every record it reported durable was
 * either delivered (taken and printed by its consumer) or is still in the queue.
 */
class QueueCrashTest {

  private static final int ROUNDS = 8;

  @TempDir Path dir;

  @Test
  void everyDurableRecordSurvivesKillMinus9() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Set<Integer> durable = new HashSet<>();
    List<Integer> delivered = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      List<String> lines = runAndKill(round, round * 10_000_000, 150 + random.nextInt(1000));
      for (String line : lines) {
        if (line.startsWith("A ")) {
          durable.add(Integer.parseInt(line.substring(2)));
        } else if (line.startsWith("D ")) {
          delivered.add(Integer.parseInt(line.substring(2)));
        }
      }
    }
    List<Integer> drained = new ArrayList<>();
    DiskSendingQueue queue = DiskSendingQueue.open(dir, 100_000, QueueCrashChild.MAX_BYTES,
        QueueCrashChild.SEGMENT_BYTES, QueueSettings.Fsync.BATCH, "check");
    try {
      Telemetry telemetry;
      while ((telemetry = queue.poll(Duration.ZERO)) != null) {
        drained.add(QueueCrashChild.number(telemetry));
        queue.acknowledge(telemetry);
      }
    } finally {
      queue.release();
    }

    Map<Integer, Integer> seen = new HashMap<>();
    delivered.forEach(n -> seen.merge(n, 1, Integer::sum));
    drained.forEach(n -> seen.merge(n, 1, Integer::sum));
    Set<Integer> lost = new TreeSet<>(durable);
    lost.removeAll(seen.keySet());
    long duplicates = seen.values().stream().mapToLong(count -> count - 1).sum();
    System.out.printf("crash test (seed %d): %d durable, %d delivered, %d left in the queue, "
        + "%d duplicates, %d lost%n", seed, durable.size(), delivered.size(), drained.size(),
        duplicates, lost.size());
    assertThat(durable).as("records made durable across the rounds").hasSizeGreaterThan(100);
    assertThat(lost).as("durable records lost (seed %d); the children's warnings:%n%s", seed,
        childWarnings()).isEmpty();
  }

  /** What the queue logged at WARN in every round: how a record went missing, if one did. */
  private String childWarnings() throws IOException {
    StringBuilder warnings = new StringBuilder();
    for (int round = 0; round < ROUNDS; round++) {
      Path log = childLog(round);
      if (java.nio.file.Files.exists(log)) {
        for (String line : java.nio.file.Files.readAllLines(log)) {
          if (line.contains("WARN")) {
            warnings.append("round ").append(round).append(": ").append(line).append('\n');
          }
        }
      }
    }
    return warnings.length() == 0 ? "(none)" : warnings.toString();
  }

  private Path childLog(int round) {
    return dir.resolveSibling(dir.getFileName() + "-child-" + round + ".err");
  }

  /** Runs the child from {@code first}, kills it {@code millis} after it is ready; its lines. */
  private List<String> runAndKill(int round, int first, long millis) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), QueueCrashChild.class.getName(), dir.toString(),
        Integer.toString(first))
        .redirectError(childLog(round).toFile())
        .start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Object ready = new Object();
    Thread reader = new Thread(() -> copy(process.getInputStream(), output, ready));
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    synchronized (ready) {
      while (!contains(output, "READY\n")) {
        long left = deadline - System.nanoTime();
        assertThat(left).as("child ready within 20 s").isPositive();
        assertThat(process.isAlive()).as("child running").isTrue();
        ready.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
    Thread.sleep(millis);
    process.destroyForcibly(); // SIGKILL
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    reader.join(20_000);
    String text;
    synchronized (ready) {
      text = output.toString(StandardCharsets.UTF_8);
    }
    // The last line may be cut by the kill: only complete lines count.
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  private static boolean contains(ByteArrayOutputStream output, String text) {
    return output.toString(StandardCharsets.UTF_8).contains(text);
  }

  private static void copy(InputStream in, ByteArrayOutputStream out, Object lock) {
    byte[] buffer = new byte[8192];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        synchronized (lock) {
          out.write(buffer, 0, read);
          lock.notifyAll();
        }
      }
    } catch (IOException e) {
      // The child died: what was read so far is all there is.
    }
  }
}
