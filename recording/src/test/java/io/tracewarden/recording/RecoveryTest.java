package io.tracewarden.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracewarden.recording.trail.CanonicalJson;
import io.tracewarden.recording.trail.Frames;
import io.tracewarden.recording.trail.TamperedTrailException;
import io.tracewarden.recording.trail.TrailReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reopening tells a torn tail (cut, recorded) from damage a checkpoint covers (refused). */
class RecoveryTest {

  @TempDir Path data;

  @Test
  void tornTailAfterTheLastCheckpointIsCutAndRecorded() throws Exception {
    Path dir = TestTrails.write(data, 10, "");
    Path newest = last(dir);
    long before = Files.size(newest);
    byte[] partial = Frames.encode(CanonicalJson.write(CanonicalJson.NODES.objectNode()
        .put("type", "span").put("seq", 999)));
    Files.write(newest, java.util.Arrays.copyOf(partial, partial.length - 7),
        StandardOpenOption.APPEND);

    TestTrails.Running running = TestTrails.start(data, "origin: tracewarden.audit/test");
    running.exporter().consume(TestTrails.traces("after", 1)).get(5, TimeUnit.SECONDS);
    running.shutdown();

    assertThat(TestTrails.verify(dir).exitCode()).isZero();
    List<String> recovers = new ArrayList<>();
    new TrailReader(dir).forEach(r -> {
      if ("recover".equals(r.json().path("type").asText())) {
        recovers.add(r.json().toString());
      }
    });
    assertThat(recovers).singleElement().asString()
        .contains("\"dropped_bytes\":" + (partial.length - 7))
        .contains("\"offset\":" + before).contains("\"damage\":\"torn\"");
  }

  @Test
  void damageInsideTheCheckpointedRangeRefusesToStart() throws Exception {
    Path dir = TestTrails.write(data, 10, "");
    Path newest = last(dir);
    TestTrails.flip(newest, TestTrails.frames(newest).get(0).offset() + 12);
    long size = Files.size(newest);

    assertThatThrownBy(() -> TestTrails.start(data, "origin: tracewarden.audit/test"))
        .isInstanceOf(TamperedTrailException.class)
        .hasMessageContaining("refusing to append")
        .hasMessageContaining("damage inside the checkpointed range");
    assertThat(Files.size(newest)).as("evidence left untouched").isEqualTo(size);
  }

  @Test
  void forgedCheckpointRefusesToStart() throws Exception {
    Path dir = TestTrails.write(data, 3, "");
    String note = Files.readString(dir.resolve("checkpoint"));
    Files.writeString(dir.resolve("checkpoint"), note.replaceFirst("\n\\d+\n", "\n1\n"));

    assertThatThrownBy(() -> TestTrails.start(data, "origin: tracewarden.audit/test"))
        .isInstanceOf(TamperedTrailException.class).hasMessageContaining("bad signature");
  }

  private static Path last(Path dir) throws Exception {
    List<Path> segments = TestTrails.segments(dir);
    return segments.get(segments.size() - 1);
  }
}
