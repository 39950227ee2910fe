package io.tracewarden.recording;

import static io.tracewarden.recording.TestTrails.cut;
import static io.tracewarden.recording.TestTrails.firstSeq;
import static io.tracewarden.recording.TestTrails.flip;
import static io.tracewarden.recording.TestTrails.frames;
import static io.tracewarden.recording.TestTrails.segments;
import static io.tracewarden.recording.TestTrails.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracewarden.recording.trail.CanonicalJson;
import io.tracewarden.recording.trail.Frames;
import io.tracewarden.recording.trail.Merkle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of tampering, on a real trail written by the exporter, is caught at the right seq. */
class TamperTest {

  @TempDir Path data;
  @TempDir Path offHost;
  private Path dir;
  private List<Path> segments;
  private Path middle;
  private Path newest;
  private Path trusted;

  @BeforeEach
  void writeTrail() throws Exception {
    dir = TestTrails.write(data, 30, "");
    segments = segments(dir);
    assertThat(segments).hasSizeGreaterThan(5);
    middle = segments.get(3);
    newest = segments.get(segments.size() - 1);
    trusted = offHost.resolve("trusted.ckpt");
    Files.copy(dir.resolve("checkpoint"), trusted); // what a remote witness kept
  }

  @Test
  void untouchedTrailVerifiesClean() {
    TestTrails.Result result = verify(dir, "--trusted-checkpoint", trusted.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).matches("ok: \\d+ records, \\d+ segments, \\d+ checkpoints, root "
        + "[A-Za-z0-9+/=]{44}\\R");
  }

  @Test
  void flippedBodyByteIsACrcMismatchAtThatSeq() throws Exception {
    Frames.Frame frame = frames(middle).get(2);
    flip(middle, frame.offset() + Frames.HEADER_BYTES + 10);
    expect("seq " + (firstSeq(middle) + 2) + ": CRC mismatch");
  }

  @Test
  void flippedCrcByteIsACrcMismatchAtThatSeq() throws Exception {
    Frames.Frame frame = frames(middle).get(5);
    flip(middle, frame.offset() + 6);
    expect("seq " + (firstSeq(middle) + 5) + ": CRC mismatch");
  }

  @Test
  void flippedCheckpointSignatureIsABadSignature() throws Exception {
    Path checkpoint;
    try (var files = Files.list(dir.resolve("checkpoints"))) {
      checkpoint = files.sorted().toList().get(1);
    }
    String note = Files.readString(checkpoint);
    int at = note.lastIndexOf(' ') + 1;
    byte[] signature = Base64.getDecoder().decode(note.substring(at).trim());
    signature[20] ^= 1;
    Files.writeString(checkpoint, note.substring(0, at)
        + Base64.getEncoder().encodeToString(signature) + "\n");
    String size = checkpoint.getFileName().toString().replace(".ckpt", "");
    expect("checkpoint " + size + ": bad signature");
  }

  @Test
  void deletedRecordBreaksTheSequenceAtItsSeq() throws Exception {
    Frames.Frame frame = frames(middle).get(4);
    cut(middle, frame.offset(), frame.end());
    expect("seq " + (firstSeq(middle) + 4) + ": sequence broken (found seq "
        + (firstSeq(middle) + 5) + ")");
  }

  @Test
  void swappedRecordsBreakTheSequenceAtTheFirst() throws Exception {
    List<Frames.Frame> frames = frames(middle);
    Frames.Frame a = frames.get(3);
    Frames.Frame b = frames.get(4);
    byte[] bytes = Files.readAllBytes(middle);
    byte[] swapped = bytes.clone();
    byte[] frameB = Frames.encode(b.body());
    byte[] frameA = Frames.encode(a.body());
    System.arraycopy(frameB, 0, swapped, (int) a.offset(), frameB.length);
    System.arraycopy(frameA, 0, swapped, (int) a.offset() + frameB.length, frameA.length);
    Files.write(middle, swapped);
    expect("seq " + (firstSeq(middle) + 3) + ": sequence broken (found seq "
        + (firstSeq(middle) + 4) + ")");
  }

  @Test
  void deletedMiddleSegmentIsAGap() throws Exception {
    Files.delete(middle);
    expect("segment missing: seq " + firstSeq(middle) + ".." + (firstSeq(segments.get(4)) - 1));
  }

  @Test
  void newestSegmentTruncatedMidFrameIsATornFrame() throws Exception {
    List<Frames.Frame> frames = frames(newest);
    Frames.Frame last = frames.get(frames.size() - 1);
    TestTrails.truncate(newest, last.offset() + 5);
    expect("seq " + (firstSeq(newest) + frames.size() - 1) + ": truncated frame (torn tail)");
  }

  @Test
  void newestSegmentTruncatedAtAFrameBoundaryIsCaughtByTheCheckpointCoveringIt()
      throws Exception {
    List<Frames.Frame> frames = frames(newest);
    long total = firstSeq(newest) + frames.size();
    TestTrails.truncate(newest, frames.get(frames.size() - 1).offset());
    expect("truncated: checkpoint has " + total + " records, log has " + (total - 1));
  }

  @Test
  void truncationWithTheCheckpointsRolledBackIsCaughtOnlyByATrustedCheckpoint()
      throws Exception {
    long total = firstSeq(newest) + frames(newest).size();
    long kept = largestCheckpointBelow(total);
    cutLogTo(kept);
    rollBackCheckpointsTo(kept);

    assertThat(verify(dir).exitCode()).as("undetectable without an off-host checkpoint")
        .isZero();
    TestTrails.Result result = verify(dir, "--trusted-checkpoint", trusted.toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("truncated: trusted checkpoint has " + total
        + " records, log has " + kept);
  }

  @Test
  void removedNewestSegmentsAndCheckpointAreCaughtByATrustedCheckpoint() throws Exception {
    long total = firstSeq(newest) + frames(newest).size();
    long kept = largestCheckpointBelow(firstSeq(segments.get(segments.size() - 2)) + 1);
    cutLogTo(kept);
    assertThat(segments(dir)).hasSizeLessThanOrEqualTo(segments.size() - 2);
    rollBackCheckpointsTo(kept);

    assertThat(verify(dir).exitCode()).isZero();
    TestTrails.Result result = verify(dir, "--trusted-checkpoint", trusted.toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("truncated: trusted checkpoint has " + total
        + " records, log has " + kept);
  }

  @Test
  void forgedRecordWithAWrongLinkIsABrokenLink() throws Exception {
    long seq = firstSeq(newest) + frames(newest).size();
    append(forged(seq, "00".repeat(32)));
    expect("seq " + seq + ": hash link broken");
  }

  @Test
  void rewrittenLastRecordWithAValidCrcIsARootMismatch() throws Exception {
    List<Frames.Frame> frames = frames(newest);
    Frames.Frame last = frames.get(frames.size() - 1);
    ObjectNode json = CanonicalJson.parse(last.body());
    json.put("time", "2000-01-01T00:00:00Z");
    TestTrails.truncate(newest, last.offset());
    append(CanonicalJson.write(json));
    long size = firstSeq(newest) + frames.size();
    expect("checkpoint " + size + ": root mismatch");
  }

  /**
   * A forged record that links correctly and comes after the newest checkpoint needs no key: the
   * trail alone cannot tell it from a record written just before a crash. Verify reports it as
   * not covered by a signature; the next writer to open the trail records a {@code recover}
   * record naming the uncovered range, which its next checkpoint then signs.
   */
  @Test
  void forgedLinkedRecordAfterTheLastCheckpointIsOnlyReportedAsUncovered() throws Exception {
    List<Frames.Frame> frames = frames(newest);
    long seq = firstSeq(newest) + frames.size();
    String prev = HexFormat.of().formatHex(Merkle.sha256(frames.get(frames.size() - 1).body()));
    append(forged(seq, prev));

    TestTrails.Result result = verify(dir, "--trusted-checkpoint", trusted.toString());
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("(1 newest records not yet covered by a signed checkpoint)");

    TestTrails.start(data, "origin: tracewarden.audit/test").shutdown();
    TestTrails.Result replay = TestTrails.cli("replay", "--dir", dir.toString(), "--session",
        "forged", "--format", "json");
    assertThat(replay.out()).contains("\"seq\":" + seq);
    String all = new String(Files.readAllBytes(segments(dir).get(segments(dir).size() - 1)));
    assertThat(all).contains("\"type\":\"recover\"").contains("\"uncovered_from_seq\":" + seq)
        .contains("\"uncovered_records\":1");
    assertThat(verify(dir).out()).startsWith("ok: " + (seq + 2) + " records");
  }

  private void expect(String problem) {
    TestTrails.Result result = verify(dir);
    assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(1);
    assertThat(result.err()).startsWith("FAILED: " + problem);
  }

  private byte[] forged(long seq, String prev) {
    ObjectNode json = CanonicalJson.NODES.objectNode();
    json.put("type", "audit");
    json.put("event", "approval.granted");
    json.put("session", "forged");
    json.put("seq", seq);
    json.put("time", "2030-01-01T00:00:00Z");
    json.put("prev", prev);
    return CanonicalJson.write(json);
  }

  private void append(byte[] body) throws Exception {
    Files.write(newest, Frames.encode(body), StandardOpenOption.APPEND);
  }

  /** What an attacker does to hide a truncation: drop every checkpoint above {@code size}. */
  private void rollBackCheckpointsTo(long size) throws Exception {
    for (long n : checkpointSizes()) {
      if (n > size) {
        Files.delete(dir.resolve("checkpoints").resolve(n + ".ckpt"));
      }
    }
    Files.copy(dir.resolve("checkpoints").resolve(size + ".ckpt"), dir.resolve("checkpoint"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  private List<Long> checkpointSizes() throws Exception {
    try (var files = Files.list(dir.resolve("checkpoints"))) {
      return files.map(f -> Long.parseLong(f.getFileName().toString().replace(".ckpt", "")))
          .sorted().toList();
    }
  }

  private long largestCheckpointBelow(long size) throws Exception {
    return checkpointSizes().stream().filter(n -> n < size).max(Long::compare).orElseThrow();
  }

  /** Deletes whole segments and cuts at a frame boundary so that {@code size} records remain. */
  private void cutLogTo(long size) throws Exception {
    for (Path segment : segments) {
      long first = firstSeq(segment);
      if (first >= size) {
        Files.delete(segment);
      } else if (first + frames(segment).size() > size) {
        TestTrails.truncate(segment, frames(segment).get((int) (size - first)).offset());
      }
    }
  }
}
