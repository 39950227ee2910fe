package io.tracewarden.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.recording.trail.TrailReader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Path dir = data.resolve("audit");
    for (int run = 0; run < KILLS; run++) {
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), "-cp", System.getProperty("java.class.path"), "-Xmx256m",
          CrashWriterMain.class.getName(), data.toString(), "r" + run)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      Set<String> acks = ConcurrentHashMap.newKeySet();
      Thread reader = new Thread(() -> {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(
            child.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = lines.readLine()) != null) {
            if (line.startsWith("ack ")) {
              acks.add(line.substring(4));
            }
          }
        } catch (Exception e) {
          // the child died
        }
      });
      reader.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (acks.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(acks).as("run %d acknowledged something", run).isNotEmpty();
      Thread.sleep(50 + random.nextInt(400));
      // Acks read up to here were printed before the kill, hence durable before it.
      Set<String> before = Set.copyOf(acks);
      child.destroyForcibly();
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
      reader.join(5000);
      acknowledged.addAll(before);

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
}
