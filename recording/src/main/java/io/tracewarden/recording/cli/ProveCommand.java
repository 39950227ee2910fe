package io.tracewarden.recording.cli;

import io.tracewarden.recording.trail.Proofs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit prove}: an inclusion proof for one record against the latest checkpoint. */
@Command(
    name = "prove",
    mixinStandardHelpOptions = true,
    description = "Prints a C2SP tlog-proof (c2sp.org/tlog-proof@v1) that record --seq is in the "
        + "tree signed by the latest checkpoint.")
final class ProveCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--dir", required = true, description = "The trail directory.")
  private Path dir;

  @Option(names = "--seq", required = true, description = "The record's sequence number.")
  private long seq;

  @Option(names = "--out", description = "Write the proof here instead of standard output.")
  private Path out;

  @Option(names = "--record-out",
      description = "Also write the record's exact body bytes here (for verify-proof --record).")
  private Path recordOut;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      Trails.requireDirectory(dir);
      Proofs.Proof proof = Proofs.prove(dir, seq);
      if (out != null) {
        Files.writeString(out, proof.text(), StandardCharsets.UTF_8);
      } else {
        spec.commandLine().getOut().print(proof.text());
        spec.commandLine().getOut().flush();
      }
      if (recordOut != null) {
        Files.write(recordOut, proof.body());
      }
      return AuditCommand.EXIT_OK;
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return AuditCommand.EXIT_USAGE;
    }
  }
}
