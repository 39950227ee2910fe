package io.tracewarden.recording.trail;

import static io.tracewarden.recording.trail.Layout.HEX;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a whole trail: every frame and CRC, canonical bodies, sequence density, hash links,
 * seals, segment continuity, every stored checkpoint's signature and root, and optionally that a
 * trusted (off-host) checkpoint is still a prefix of the log. Stops at the first problem, named
 * by the sequence number where it was found. The algorithm is specified in docs/audit-log.md.
 */
public final class TrailVerifier {

  /** The outcome: {@code problem} is null when the trail is intact. */
  public record Result(String problem, long records, int segments, int checkpoints, String root,
      long uncovered) {

    public boolean ok() {
      return problem == null;
    }

    public String summary() {
      if (!ok()) {
        return problem;
      }
      return "ok: " + records + " records, " + segments + " segments, " + checkpoints
          + " checkpoints, root " + root
          + (uncovered > 0 ? " (" + uncovered + " newest records not yet covered by a signed "
              + "checkpoint)" : "");
    }
  }

  private final Layout layout;
  private final PublicKey publicKey;
  private final Checkpoint trusted;

  public TrailVerifier(Path directory, PublicKey publicKey, Checkpoint trusted) {
    this.layout = new Layout(directory);
    this.publicKey = publicKey;
    this.trusted = trusted;
  }

  public Result verify() throws IOException {
    List<Path> segments = layout.listSegments();
    Map<Long, Checkpoint> checkpoints = new TreeMap<>();
    int checkpointCount = 0;
    List<Path> files = new ArrayList<>(layout.listCheckpoints());
    if (Files.exists(layout.latestCheckpoint())) {
      files.add(layout.latestCheckpoint());
    }
    for (Path file : files) {
      Checkpoint checkpoint;
      try {
        checkpoint = Checkpoint.parse(Files.readString(file));
      } catch (IllegalArgumentException e) {
        return fail("checkpoint file " + file.getFileName() + ": malformed (" + e.getMessage()
            + ")");
      }
      if (!checkpoint.verify(publicKey)) {
        return fail("checkpoint " + checkpoint.size() + ": bad signature");
      }
      if (!file.equals(layout.latestCheckpoint())) {
        checkpointCount++;
        if (Layout.checkpointSize(file) != checkpoint.size()) {
          return fail("checkpoint file " + file.getFileName() + ": holds tree size "
              + checkpoint.size());
        }
      }
      Checkpoint same = checkpoints.putIfAbsent(checkpoint.size(), checkpoint);
      if (same != null && !Arrays.equals(same.root(), checkpoint.root())) {
        return fail("checkpoint " + checkpoint.size() + ": two different roots for one size");
      }
    }
    if (trusted != null && !trusted.verify(publicKey)) {
      return fail("trusted checkpoint " + trusted.size() + ": bad signature");
    }

    long expected = 0;
    Merkle.CompactRange range = new Merkle.CompactRange();
    byte[] prev = TrailWriter.GENESIS_PREV;
    if (!segments.isEmpty() && Layout.firstSeq(segments.get(0)) > 0) {
      long first = Layout.firstSeq(segments.get(0));
      ObjectNode retired = findRetirement(segments, first);
      if (retired == null) {
        return fail("segment missing: seq 0.." + (first - 1));
      }
      range = Merkle.CompactRange.of(first, TrailWriter.unhexList(retired.path("kept_frontier")));
      prev = HEX.parseHex(retired.path("kept_prev").asText());
      expected = first;
    }
    long firstKept = expected;
    String problem = null;
    for (int i = 0; i < segments.size() && problem == null; i++) {
      Path file = segments.get(i);
      String name = file.getFileName().toString();
      long first = Layout.firstSeq(file);
      if (first > expected) {
        problem = "segment missing: seq " + expected + ".." + (first - 1);
        break;
      }
      if (first < expected) {
        problem = "seq " + first + ": segment " + name + " overlaps the previous one (expected "
            + "seq " + expected + ")";
        break;
      }
      Frames.Scan scan = Frames.scan(file);
      String lastType = null;
      List<Frames.Frame> frames = scan.frames();
      for (int f = 0; f < frames.size(); f++) {
        byte[] body = frames.get(f).body();
        ObjectNode record;
        try {
          record = CanonicalJson.parse(body);
        } catch (IOException e) {
          problem = "seq " + expected + ": body is not a JSON object";
          break;
        }
        if (!Arrays.equals(CanonicalJson.write(record), body)) {
          problem = "seq " + expected + ": body is not canonical JSON";
          break;
        }
        long seq = record.path("seq").asLong(-1);
        if (!record.path("seq").isIntegralNumber() || seq != expected) {
          problem = "seq " + expected + ": sequence broken (found seq "
              + record.path("seq").asText() + ")";
          break;
        }
        if (!HEX.formatHex(prev).equals(record.path("prev").asText())) {
          problem = "seq " + expected + ": hash link broken";
          break;
        }
        lastType = record.path("type").asText();
        if (TrailWriter.SEAL.equals(lastType)) {
          problem = checkSeal(record, range, name, f == frames.size() - 1 && scan.clean());
          if (problem != null) {
            problem = "seq " + expected + ": " + problem;
            break;
          }
        }
        prev = Merkle.sha256(body);
        range.append(Merkle.leafHash(body));
        expected++;
        problem = checkRoots(checkpoints, expected, range);
        if (problem != null) {
          break;
        }
      }
      if (problem != null) {
        break;
      }
      if (!scan.clean()) {
        problem = "seq " + expected + ": " + switch (scan.damage()) {
          case CRC -> "CRC mismatch";
          case LENGTH -> "bad frame length";
          case TORN -> "truncated frame (torn tail)";
        } + " in segment " + name + " at offset " + scan.damageOffset();
        break;
      }
      if (i < segments.size() - 1 && !TrailWriter.SEAL.equals(lastType)) {
        problem = "seq " + expected + ": segment " + name + " ends without a seal (records "
            + "missing after seq " + (expected - 1) + ")";
      }
    }
    if (problem != null) {
      return fail(problem);
    }
    long total = expected;
    long covered = 0;
    for (Checkpoint checkpoint : checkpoints.values()) {
      if (checkpoint.size() > total) {
        return fail("truncated: checkpoint has " + checkpoint.size() + " records, log has "
            + total);
      }
      covered = Math.max(covered, checkpoint.size());
    }
    if (trusted != null) {
      if (trusted.size() > total) {
        return fail("truncated: trusted checkpoint has " + trusted.size() + " records, log has "
            + total);
      }
      if (trusted.size() < firstKept) {
        return fail("trusted checkpoint " + trusted.size() + " predates the retained log (first "
            + "kept seq " + firstKept + "): it cannot be checked");
      }
      covered = Math.max(covered, trusted.size());
    }
    return new Result(null, total, segments.size(), checkpointCount,
        Base64.getEncoder().encodeToString(range.root()), total - covered);
  }

  private String checkRoots(Map<Long, Checkpoint> checkpoints, long size,
      Merkle.CompactRange range) {
    Checkpoint stored = checkpoints.get(size);
    boolean trustedHere = trusted != null && trusted.size() == size;
    if (stored == null && !trustedHere) {
      return null;
    }
    byte[] root = range.root();
    if (stored != null && !MessageDigest.isEqual(stored.root(), root)) {
      return "checkpoint " + size + ": root mismatch (records before seq " + size
          + " were changed)";
    }
    if (trustedHere && !MessageDigest.isEqual(trusted.root(), root)) {
      return "trusted checkpoint " + size + ": root mismatch (the log was rewritten)";
    }
    return null;
  }

  private static String checkSeal(ObjectNode seal, Merkle.CompactRange range, String segment,
      boolean last) {
    if (!last) {
      return "seal is not the last record of segment " + segment;
    }
    if (!segment.equals(seal.path("segment").asText())) {
      return "seal names segment " + seal.path("segment").asText() + ", found in " + segment;
    }
    if (seal.path("tree_size").asLong(-1) != range.size()
        || !Base64.getEncoder().encodeToString(range.root()).equals(seal.path("root").asText())) {
      return "seal does not match the tree";
    }
    return null;
  }

  /** The latest {@code retired} record saying the records before {@code first} were retired. */
  public static ObjectNode findRetirement(List<Path> segments, long first) throws IOException {
    ObjectNode found = null;
    byte[] marker = "\"type\":\"retired\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (Path file : segments) {
      for (Frames.Frame frame : Frames.scan(file).frames()) {
        if (contains(frame.body(), marker)) {
          ObjectNode record = CanonicalJson.parse(frame.body());
          JsonNode kept = record.path("first_kept_seq");
          if (kept.asLong(-1) == first) {
            found = record;
          }
        }
      }
    }
    return found;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static Result fail(String problem) {
    return new Result(problem, 0, 0, 0, null, 0);
  }
}
