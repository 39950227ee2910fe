package io.tracewarden.agent;

import io.tracewarden.engine.Finding;
import io.tracewarden.engine.MaskingStyle;
import io.tracewarden.engine.SecretEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tracewarden redact}: writes files with their secrets masked and nothing else changed. */
@Command(
    name = "redact",
    mixinStandardHelpOptions = true,
    description = {
        "Writes each file with its secrets replaced by [REDACTED:<rule>:<fingerprint>];",
        "every byte outside the masked spans is kept. '-' reads standard input and writes",
        "standard output. Exit code 0 on success, 2 on error."
    })
final class RedactCommand implements Callable<Integer> {

  @ParentCommand
  private Tracewarden parent;

  @Spec
  private CommandSpec spec;

  @Mixin
  private ScanEngine engineOptions;

  @Option(names = "--output-dir", paramLabel = "DIR",
      description = "Where masked files are written, as DIR/<file name>. Required for files.")
  private Path outputDir;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files, directories, or '-'.")
  private List<String> paths;

  private final InputStream stdin;
  private final OutputStream stdout;

  RedactCommand() {
    this(System.in, System.out);
  }

  RedactCommand(InputStream stdin, OutputStream stdout) {
    this.stdin = stdin;
    this.stdout = stdout;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      SecretEngine engine = engineOptions.build(parent.environment());
      if (paths.equals(List.of("-"))) {
        stdout.write(redact(engine, TextFile.of(stdin.readAllBytes())));
        stdout.flush();
        return Tracewarden.EXIT_OK;
      }
      if (paths.contains("-")) {
        throw new IllegalArgumentException("'-' cannot be combined with files");
      }
      if (outputDir == null) {
        throw new IllegalArgumentException("--output-dir is required when redacting files");
      }
      List<Path> files = ScanCommand.files(paths.stream().map(Path::of).toList());
      Files.createDirectories(outputDir);
      List<String> written = new ArrayList<>();
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (written.contains(name)) {
          throw new IllegalArgumentException("two input files are named " + name
              + "; redact them into different output directories");
        }
        written.add(name);
        Files.write(outputDir.resolve(name), redact(engine, TextFile.of(Files.readAllBytes(file))));
      }
      return Tracewarden.EXIT_OK;
    } catch (IOException | RuntimeException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return Tracewarden.EXIT_USAGE;
    }
  }

  private static byte[] redact(SecretEngine engine, TextFile content) {
    List<Finding> findings = engine.scan(content.text());
    List<String> replacements = new ArrayList<>(findings.size());
    MaskingStyle style = MaskingStyle.redacted();
    for (Finding finding : findings) {
      replacements.add(style.replacement(finding.ruleId(), finding.fingerprint(),
          content.text().subSequence(finding.start(), finding.end())));
    }
    return content.rewrite(findings, replacements);
  }
}
