package io.tracewarden.recording.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code audit}: inspect and verify a recording exporter's trail. Exit codes: 0 ok, 1 the trail
 * or proof failed a check, 2 usage or I/O error.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Verifies, proves and replays the session audit trail of the recording exporter.",
    subcommands = {
        VerifyCommand.class, ProveCommand.class, VerifyProofCommand.class,
        SessionsCommand.class, ReplayCommand.class})
public final class AuditCommand implements Callable<Integer> {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return EXIT_USAGE;
  }

  /** A command line for {@code audit} alone, e.g. for tests or a standalone launcher. */
  public static CommandLine commandLine() {
    return new CommandLine(new AuditCommand());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
