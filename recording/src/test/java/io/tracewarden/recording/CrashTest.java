package io.tracewarden.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.recording.trail.TrailReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM that records with fsync at random moments; after each kill the trail
 * recovers (torn tail cut, recover record), verifies, and holds every acknowledged request.
 */
class CrashTest {

  private static final int KILLS = 10;

  @TempDir Path data;

  @Test
  void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
    Random random = new Random(42);
    Set<String> acknowledged = new HashSet<>();
    Path dir = data.resolve("audit");
    for (int run = 0; run < KILLS; run++) {
      Path journal = data.resolve("journal-" + run);
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), "-cp", System.getProperty("java.class.path"), "-Xmx256m",
          CrashWriterMain.class.getName(), data.toString(), "r" + run, journal.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (acks(journal).isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(acks(journal)).as("run %d acknowledged something", run).isNotEmpty();
        Thread.sleep(50 + random.nextInt(400));
      } finally {
        child.destroyForcibly();
      }
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
      // Every ack the child journaled was durable before it was written, kill or not.
      acknowledged.addAll(acks(journal));

      // Reopen: recovery runs in start(); then the whole trail must verify and hold every ack.
      TestTrails.start(data, "segment_max_bytes: 32KiB\norigin: tracewarden.audit/crash")
          .shutdown();
      TestTrails.Result verify = TestTrails.verify(dir);
      assertThat(verify.exitCode()).as("run %d: %s", run, verify.err()).isZero();
      Set<String> recorded = new HashSet<>();
      new TrailReader(dir).forEach(record -> {
        var json = record.json();
        if ("span".equals(json.path("type").asText())) {
          recorded.add(json.path("session").asText());
        }
      });
      assertThat(recorded).as("run %d", run).containsAll(acknowledged);
    }
    long[] recovers = new long[1];
    new TrailReader(dir).forEach(record -> {
      if ("recover".equals(record.json().path("type").asText())) {
        recovers[0]++;
      }
    });
    assertThat(recovers[0]).as("recover records").isGreaterThanOrEqualTo(KILLS / 2);
    String all = TestTrails.cli("replay", "--dir", dir.toString(), "--session", "r0-0",
        "--format", "json").out();
    assertThat(all).contains("\"type\":\"span\"");
  }

  /** The ids in the complete {@code ack <id>} lines of a journal (the last line may be cut). */
  private static Set<String> acks(Path journal) throws IOException {
    if (!Files.exists(journal)) {
      return Set.of();
    }
    String text = Files.readString(journal);
    Set<String> ids = new HashSet<>();
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      if (line.startsWith("ack ")) {
        ids.add(line.substring(4));
      }
    }
    return ids;
  }
}
