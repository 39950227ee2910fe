package io.tracewarden.recording.trail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Inclusion proofs in the C2SP tlog-proof format ({@code c2sp.org/tlog-proof@v1}): header,
 * {@code index N}, one base64 hash per line from the leaf's sibling up, a blank line, then the
 * signed checkpoint verbatim. The index is the record's {@code seq}.
 */
public final class Proofs {

  public static final String HEADER = "c2sp.org/tlog-proof@v1";

  private Proofs() {}

  /** A proof and the exact body of the record it is about. */
  public record Proof(long index, List<byte[]> hashes, String checkpointNote, byte[] body) {

    public String text() {
      StringBuilder text = new StringBuilder(HEADER).append('\n');
      text.append("index ").append(index).append('\n');
      for (byte[] hash : hashes) {
        text.append(Base64.getEncoder().encodeToString(hash)).append('\n');
      }
      return text.append('\n').append(checkpointNote).toString();
    }
  }

  /** The proof of record {@code seq} against the trail's latest checkpoint. */
  public static Proof prove(Path directory, long seq) throws IOException {
    Layout layout = new Layout(directory);
    if (!Files.exists(layout.latestCheckpoint())) {
      throw new IOException("the trail has no checkpoint yet");
    }
    String note = Files.readString(layout.latestCheckpoint());
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.parse(note);
    } catch (IllegalArgumentException e) {
      throw new IOException("the latest checkpoint is malformed: " + e.getMessage());
    }
    if (seq < 0 || seq >= checkpoint.size()) {
      throw new IOException("seq " + seq + " is not covered by the latest checkpoint (size "
          + checkpoint.size() + ")");
    }
    List<Path> segments = layout.listSegments();
    Merkle.Tree tree = new Merkle.Tree();
    if (!segments.isEmpty() && Layout.firstSeq(segments.get(0)) > 0) {
      long first = Layout.firstSeq(segments.get(0));
      ObjectNode retired = TrailVerifier.findRetirement(segments, first);
      if (retired == null) {
        throw new IOException("records before seq " + first + " are missing");
      }
      tree = new Merkle.Tree(Merkle.CompactRange.of(first,
          TrailWriter.unhexList(retired.path("kept_frontier"))));
    }
    if (seq < tree.prefixSize()) {
      throw new IOException("seq " + seq + " was retired");
    }
    byte[][] body = new byte[1][];
    Merkle.Tree leaves = tree;
    new TrailReader(directory).forEach(record -> {
      if (leaves.size() < checkpoint.size()) {
        leaves.append(Merkle.leafHash(record.body()));
        if (record.seq() == seq) {
          body[0] = record.body();
        }
      }
    });
    if (tree.size() < checkpoint.size()
        || !MessageDigest.isEqual(tree.root(checkpoint.size()), checkpoint.root())) {
      throw new IOException("the trail does not match its latest checkpoint: run audit verify");
    }
    return new Proof(seq, tree.inclusionProof(seq, checkpoint.size()), note, body[0]);
  }

  /** Parses a proof's text; the record body is not part of it (null). */
  public static Proof parse(String text) {
    String[] lines = text.split("\n", -1);
    int i = 0;
    if (lines.length < 3 || !lines[i++].equals(HEADER)) {
      throw new IllegalArgumentException("missing header " + HEADER);
    }
    if (lines[i].startsWith("extra ")) {
      i++;
    }
    if (!lines[i].startsWith("index ")) {
      throw new IllegalArgumentException("missing index line");
    }
    long index;
    try {
      index = Long.parseLong(lines[i++].substring("index ".length()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad index line");
    }
    List<byte[]> hashes = new ArrayList<>();
    while (i < lines.length && !lines[i].isEmpty()) {
      byte[] hash = Base64.getDecoder().decode(lines[i++]);
      if (hash.length != Merkle.HASH_BYTES) {
        throw new IllegalArgumentException("proof hash of " + hash.length + " bytes");
      }
      hashes.add(hash);
    }
    if (i >= lines.length) {
      throw new IllegalArgumentException("missing checkpoint");
    }
    int offset = 0;
    for (int k = 0; k <= i; k++) {
      offset += lines[k].length() + 1;
    }
    return new Proof(index, hashes, text.substring(offset), null);
  }

  /** Whether {@code body} is record {@code proof.index()} of the tree {@code checkpoint} signs. */
  public static boolean includes(Proof proof, Checkpoint checkpoint, byte[] body) {
    return Merkle.verifyInclusion(proof.index(), checkpoint.size(), Merkle.leafHash(body),
        proof.hashes(), checkpoint.root());
  }
}
