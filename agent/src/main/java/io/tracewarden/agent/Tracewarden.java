package io.tracewarden.agent;

import io.tracewarden.agent.approvals.ApprovalsCommand;
import io.tracewarden.core.pipeline.Service;
import io.tracewarden.recording.cli.AuditCommand;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code tracewarden} command line. Exit codes: 0 success, 1 invalid config or failure to
 * start, 2 usage error.
 *
 * <p>No logger is touched before the config is read, so that {@code service.telemetry.logs.level}
 * can set the level of slf4j-simple, which reads its settings once, on first use.
 */
@Command(
    name = "tracewarden",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Masks secrets in AI reasoning traces on their way to your observability backend.",
    subcommands = {
        RunCommand.class,
        ValidateCommand.class,
        ComponentsCommand.class,
        ScanCommand.class,
        RedactCommand.class,
        AuditCommand.class,
        ApprovalsCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Tracewarden implements Callable<Integer> {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  private final Function<String, String> environment;
  private final RunListener runListener;

  @Spec
  private CommandSpec spec;

  /** The production command: system environment, signal-driven shutdown. */
  public Tracewarden() {
    this(System::getenv, null);
  }

  /**
   * A command for embedding and tests.
   *
   * @param environment resolves {@code ${env:...}} in configs
   * @param runListener if not null, told when {@code run} has started and given a way to stop it;
   *     then no JVM shutdown hook is installed
   */
  public Tracewarden(Function<String, String> environment, RunListener runListener) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.runListener = runListener;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new Tracewarden()).execute(args));
  }

  /** The picocli command line with Tracewarden's exit codes and error reporting. */
  public static CommandLine commandLine(Tracewarden command) {
    CommandLine commandLine = new CommandLine(command);
    commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      PrintWriter err = cmd.getErr();
      err.println("error: " + e.getMessage());
      err.flush();
      return EXIT_FAILURE;
    });
    return commandLine;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  Function<String, String> environment() {
    return environment;
  }

  RunListener runListener() {
    return runListener;
  }

  /** Told when {@code tracewarden run} is up; for embedding and tests. */
  @FunctionalInterface
  public interface RunListener {

    /**
     * Called once every component has started.
     *
     * @param service the running service
     * @param stop makes {@code run} shut the service down and return 0
     */
    void started(Service service, Runnable stop);
  }
}
