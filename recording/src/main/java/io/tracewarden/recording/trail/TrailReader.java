package io.tracewarden.recording.trail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads records in write order, for tools (sessions, replay, proofs). It does not verify: use
 * {@link TrailVerifier} for that. Reading stops at the first undecodable frame, which is reported
 * in {@link #warnings()}.
 */
public final class TrailReader {

  /** One stored record: its sequence number and exact body bytes. */
  public record Record(long seq, byte[] body) {
    public ObjectNode json() {
      try {
        return CanonicalJson.parse(body);
      } catch (IOException e) {
        throw new UncheckedIOException("record " + seq + " is not JSON", e);
      }
    }
  }

  /** Receives records in order. */
  @FunctionalInterface
  public interface Visitor {
    void record(Record record) throws IOException;
  }

  private final Layout layout;
  private final List<String> warnings = new ArrayList<>();

  public TrailReader(Path directory) {
    this.layout = new Layout(directory);
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Visits every readable record; returns how many. */
  public long forEach(Visitor visitor) throws IOException {
    long count = 0;
    for (Path file : layout.listSegments()) {
      long seq = Layout.firstSeq(file);
      Frames.Scan scan = Frames.scan(file);
      for (Frames.Frame frame : scan.frames()) {
        visitor.record(new Record(seq++, frame.body()));
        count++;
      }
      if (!scan.clean()) {
        warnings.add(file.getFileName() + ": stopped at a " + scan.damage().name().toLowerCase()
            + " frame at offset " + scan.damageOffset());
        break;
      }
    }
    return count;
  }
}
