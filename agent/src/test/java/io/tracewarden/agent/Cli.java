package io.tracewarden.agent;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the CLI in-process with captured output, for tests. */
final class Cli {

  private Cli() {}

  static Result run(Map<String, String> environment, Tracewarden.RunListener listener,
      String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Tracewarden.commandLine(new Tracewarden(environment::get, listener));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  static Result run(String... args) {
    return run(Map.of(), null, args);
  }

  record Result(int exitCode, String out, String err) {}
}
