package io.tracewarden.recording.cli;

import io.tracewarden.recording.trail.Checkpoint;
import io.tracewarden.recording.trail.TrailVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit verify}: checks the whole trail. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
        "Checks every frame, CRC, sequence number, hash link, seal and checkpoint signature and "
            + "root of the trail; with --trusted-checkpoint also that the log still extends it.",
        "Exit 0 when intact, 1 naming the first damage, 2 on usage or I/O errors."})
final class VerifyCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--dir", required = true, description = "The trail directory.")
  private Path dir;

  @Option(names = "--public-key",
      description = "Ed25519 public key (X.509 PEM); default DIR/keys/signing.pub.")
  private Path publicKey;

  @Option(names = "--trusted-checkpoint",
      description = "A checkpoint kept off-host; the log must still contain it as a prefix.")
  private Path trustedCheckpoint;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Trails.requireDirectory(dir);
      Checkpoint trusted = null;
      if (trustedCheckpoint != null) {
        try {
          trusted = Checkpoint.parse(Files.readString(trustedCheckpoint));
        } catch (IllegalArgumentException e) {
          err.println("error: trusted checkpoint " + trustedCheckpoint + " is malformed: "
              + e.getMessage());
          return AuditCommand.EXIT_USAGE;
        }
      }
      TrailVerifier.Result result =
          new TrailVerifier(dir, Trails.publicKey(publicKey, dir), trusted).verify();
      if (result.ok()) {
        out.println(result.summary());
        out.flush();
        return AuditCommand.EXIT_OK;
      }
      err.println("FAILED: " + result.problem());
      err.flush();
      return AuditCommand.EXIT_FAILED;
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return AuditCommand.EXIT_USAGE;
    }
  }
}
