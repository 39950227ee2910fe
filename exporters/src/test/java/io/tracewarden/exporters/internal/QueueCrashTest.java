package io.tracewarden.exporters.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.core.consumer.Telemetry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety with real processes: {@link QueueCrashChild} is killed with SIGKILL at random
 * points, eight times, on one queue directory; afterwards every record it reported durable was
 * either delivered (taken and journaled by its consumer) or is still in the queue. A longer hunt:
 * {@code -Dtracewarden.crash.rounds=16 -Dtracewarden.crash.fsync=NEVER
 * -Dtracewarden.crash.pauseEvery=2} (faster producers, slower consumer: a queue near full).
 */
class QueueCrashTest {

  private static final int ROUNDS = Integer.getInteger("tracewarden.crash.rounds", 8);

  @TempDir Path work;
  private Path dir;

  @Test
  void everyDurableRecordSurvivesKillMinus9() throws Exception {
    dir = work.resolve("queue");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Set<Integer> durable = new HashSet<>();
    List<Integer> delivered = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      snapshot(round);
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
    assertThat(lost).as("durable records lost (seed %d); the children's warnings:%n%s%nwhere the "
        + "lost records were before each round:%n%s", seed, childWarnings(), whereabouts(lost))
        .isEmpty();
  }

  /** What the queue logged at WARN in every round: how a record went missing, if one did. */
  private String childWarnings() throws IOException {
    StringBuilder warnings = new StringBuilder();
    for (int round = 0; round < ROUNDS; round++) {
      Path log = childLog(round);
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log)) {
          if (line.contains("WARN")) {
            warnings.append("round ").append(round).append(": ").append(line).append('\n');
          }
        }
      }
    }
    return warnings.length() == 0 ? "(none)" : warnings.toString();
  }

  private Path childLog(int round) {
    return work.resolve("child-" + round + ".err");
  }

  /** The queue directory as the child of {@code round} found it, for {@link #whereabouts}. */
  private void snapshot(int round) throws IOException {
    Path copy = work.resolve("before-" + round);
    Files.createDirectories(copy);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.copy(file, copy.resolve(file.getFileName()));
        }
      }
    }
  }

  /**
   * For each round, the acknowledged position its child recovered from and where in the segment
   * files each lost record was: tells which recovery or deletion lost it.
   */
  private String whereabouts(Set<Integer> lost) throws IOException {
    StringBuilder report = new StringBuilder();
    for (int round = 0; round < ROUNDS; round++) {
      Path copy = work.resolve("before-" + round);
      report.append("round ").append(round).append(": ack ").append(ackSlots(copy));
      List<Path> segments;
      try (Stream<Path> files = Files.list(copy)) {
        segments = files.filter(f -> DiskSendingQueue.segmentId(f.getFileName().toString()) != null)
            .sorted().toList();
      }
      report.append(", ").append(segments.size()).append(" segment(s)");
      for (Path segment : segments) {
        scanSegment(segment, lost, report);
      }
      report.append('\n');
    }
    return report.toString();
  }

  private static String ackSlots(Path copy) throws IOException {
    Path ack = copy.resolve(DiskSendingQueue.ACK_FILE);
    if (!Files.exists(ack)) {
      return "none";
    }
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(ack));
    StringBuilder slots = new StringBuilder();
    for (int slot = 0; slot + 32 <= bytes.capacity(); slot += 32) {
      slots.append("[seq ").append(bytes.getLong(slot)).append(" ").append(bytes.getLong(slot + 8))
          .append(':').append(bytes.getLong(slot + 16)).append(']');
    }
    return slots.toString();
  }

  /** Appends where {@code lost} records sit in {@code segment}, and where its records stop. */
  private static void scanSegment(Path segment, Set<Integer> lost, StringBuilder report)
      throws IOException {
    List<long[]> records;
    try {
      records = DiskSendingQueueTest.recordsIn(segment);
    } catch (IOException | RuntimeException e) {
      report.append(" | ").append(segment.getFileName()).append(" unreadable: ").append(e);
      return;
    }
    for (long[] record : records) {
      if (lost.contains((int) record[1])) {
        report.append(" | ").append(record[1]).append(" in ").append(segment.getFileName())
            .append(" at ").append(record[0]);
      }
    }
    long end = records.isEmpty() ? DiskSendingQueue.SEGMENT_HEADER_BYTES
        : records.get(records.size() - 1)[2];
    if (end != Files.size(segment)) {
      report.append(" | ").append(segment.getFileName()).append(" records end at ").append(end)
          .append(" of ").append(Files.size(segment));
    }
  }


  /** Runs the child from {@code first}, kills it {@code millis} after it is ready; its lines. */
  private List<String> runAndKill(int round, int first, long millis) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path journal = work.resolve("journal-" + round);
    Process process = new ProcessBuilder(java, "-Xmx256m",
        "-Dfsync=" + System.getProperty("tracewarden.crash.fsync", "BATCH"),
        "-DpauseEvery=" + Integer.getInteger("tracewarden.crash.pauseEvery", 8),
        "-cp", System.getProperty("java.class.path"), QueueCrashChild.class.getName(),
        dir.toString(), Integer.toString(first), journal.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(childLog(round).toFile())
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!Files.exists(journal) || !Files.readString(journal).contains("READY\n")) {
        assertThat(System.nanoTime() - deadline).as("child ready within 20 s").isNegative();
        assertThat(process.isAlive()).as("child running; its log: %s", childLog(round)).isTrue();
        Thread.sleep(5);
      }
      Thread.sleep(millis);
    } finally {
      process.destroyForcibly(); // SIGKILL
    }
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String text = Files.readString(journal);
    // The last line may be cut by the kill: only complete lines count.
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

}
