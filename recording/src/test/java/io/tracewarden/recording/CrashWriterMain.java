package io.tracewarden.recording;

import io.tracewarden.core.component.ComponentKind;
import io.tracewarden.core.component.Exporter;
import io.tracewarden.core.testing.TestComponents;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link CrashTest}: records spans named {@code <run>-<n>} through a real
 * exporter from four threads, journaling {@code ack <run>-<n>} once each request is durable, until
 * it is killed. The journal is a file (arguments: data directory, run, journal): a line written
 * there survives SIGKILL, while the tail of a killed child's stdout pipe can be lost.
 */
public final class CrashWriterMain {

  private CrashWriterMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    String run = args[1];
    var config = TestComponents.config("segment_max_bytes: 32KiB\ncheckpoint_every: 50\n"
        + "checkpoint_interval: 200ms\norigin: tracewarden.audit/crash\n");
    Exporter exporter = new RecordingExporterFactory().create(
        TestComponents.settings(ComponentKind.EXPORTER, "recording", data), config);
    exporter.start(TestComponents.host());
    PrintStream journal = new PrintStream(new FileOutputStream(args[2], true), true,
        StandardCharsets.UTF_8);
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread writer = new Thread(() -> {
        for (int n = thread; ; n += 4) {
          String id = run + "-" + n;
          try {
            exporter.consume(TestTrails.traces(id, n)).get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            continue;
          }
          journal.println("ack " + id);
        }
      });
      writer.start();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
