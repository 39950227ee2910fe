package io.tracewarden.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole sealed segments past retention are deleted, recorded, and the rest still verifies. */
class RetentionTest {

  @TempDir Path data;

  @Test
  void retiredHeadIsRecordedAndTheRestVerifiesAndProves() throws Exception {
    Path dir = TestTrails.write(data, 20, "");
    List<Path> before = TestTrails.segments(dir);
    for (Path segment : before.subList(0, 3)) {
      Files.setLastModifiedTime(segment, FileTime.from(Instant.now().minus(40, ChronoUnit.DAYS)));
    }
    TestTrails.Running running = TestTrails.start(data, "segment_max_bytes: 8KiB\n"
        + "retention: 30d\norigin: tracewarden.audit/test");
    for (int i = 0; i < 25; i++) { // enough to rotate at least once
      running.exporter().consume(TestTrails.traces("late", i)).get(5, TimeUnit.SECONDS);
    }
    running.shutdown();

    List<Path> after = TestTrails.segments(dir);
    assertThat(after).doesNotContainAnyElementsOf(before.subList(0, 3)).contains(before.get(3));
    TestTrails.Result verify = TestTrails.verify(dir);
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    long firstKept = TestTrails.firstSeq(after.get(0));
    assertThat(TestTrails.cli("prove", "--dir", dir.toString(), "--seq",
        Long.toString(firstKept + 1)).exitCode()).isZero();
    StringBuilder trail = new StringBuilder();
    for (Path segment : after) {
      trail.append(new String(Files.readAllBytes(segment)));
    }
    assertThat(trail.toString()).contains("\"type\":\"retired\"").contains("\"first_kept_seq\":" + firstKept);

    // Deleting one more head segment by hand is not covered by any retired record.
    Files.delete(after.get(0));
    assertThat(TestTrails.verify(dir).err())
        .startsWith("FAILED: segment missing: seq 0.." + (TestTrails.firstSeq(after.get(1)) - 1));
  }
}
