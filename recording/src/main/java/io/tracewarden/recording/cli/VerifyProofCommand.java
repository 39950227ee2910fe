package io.tracewarden.recording.cli;

import io.tracewarden.recording.trail.CanonicalJson;
import io.tracewarden.recording.trail.Checkpoint;
import io.tracewarden.recording.trail.Proofs;
import io.tracewarden.recording.trail.TrailReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit verify-proof}: checks a tlog-proof for one record. */
@Command(
    name = "verify-proof",
    mixinStandardHelpOptions = true,
    description = {
        "Checks a tlog-proof: the checkpoint's signature (origin = key name), that the record's "
            + "seq equals the proof's index, and the inclusion path to the signed root.",
        "The record is either --record FILE (its exact body bytes, see prove --record-out) or "
            + "read from the trail with --dir DIR --seq N."})
final class VerifyProofCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--proof", required = true, description = "The .tlog-proof file.")
  private Path proofFile;

  @Option(names = "--public-key",
      description = "Ed25519 public key (X.509 PEM); default DIR/keys/signing.pub with --dir.")
  private Path publicKey;

  @Option(names = "--dir", description = "The trail directory (for --seq or the default key).")
  private Path dir;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private RecordSource source;

  static final class RecordSource {
    @Option(names = "--record", description = "File holding the record's exact body bytes.")
    Path record;

    @Option(names = "--seq", description = "Read record N from --dir.")
    Long seq;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (publicKey == null && dir == null) {
        err.println("error: give --public-key or --dir");
        err.flush();
        return AuditCommand.EXIT_USAGE;
      }
      PublicKey key = Trails.publicKey(publicKey, dir);
      Proofs.Proof proof;
      Checkpoint checkpoint;
      try {
        proof = Proofs.parse(Files.readString(proofFile));
        checkpoint = Checkpoint.parse(proof.checkpointNote());
      } catch (IllegalArgumentException e) {
        err.println("error: " + proofFile + " is not a tlog-proof: " + e.getMessage());
        err.flush();
        return AuditCommand.EXIT_USAGE;
      }
      byte[] body = source.record != null ? Files.readAllBytes(source.record) : read(source.seq);
      if (body == null) {
        err.println("error: record " + source.seq + " not found in " + dir);
        err.flush();
        return AuditCommand.EXIT_USAGE;
      }
      String problem = null;
      if (!checkpoint.verify(key)) {
        problem = "checkpoint " + checkpoint.size() + ": bad signature";
      } else if (CanonicalJson.parse(body).path("seq").asLong(-1) != proof.index()) {
        problem = "seq " + proof.index() + ": the record is a different record (seq "
            + CanonicalJson.parse(body).path("seq").asText() + ")";
      } else if (!Proofs.includes(proof, checkpoint, body)) {
        problem = "seq " + proof.index() + ": inclusion proof does not lead to the signed root";
      }
      if (problem != null) {
        err.println("FAILED: " + problem);
        err.flush();
        return AuditCommand.EXIT_FAILED;
      }
      out.println("ok: seq " + proof.index() + " is included in checkpoint " + checkpoint.size()
          + " of " + checkpoint.origin());
      out.flush();
      return AuditCommand.EXIT_OK;
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return AuditCommand.EXIT_USAGE;
    }
  }

  private byte[] read(long seq) throws IOException {
    if (dir == null) {
      throw new IOException("--seq needs --dir");
    }
    Trails.requireDirectory(dir);
    byte[][] found = new byte[1][];
    new TrailReader(dir).forEach(record -> {
      if (record.seq() == seq) {
        found[0] = record.body();
      }
    });
    return found[0];
  }
}
