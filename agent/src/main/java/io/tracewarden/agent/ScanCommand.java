package io.tracewarden.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracewarden.engine.Finding;
import io.tracewarden.engine.SecretEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tracewarden scan}: reports secrets in files, by byte offset, never by value. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = {
        "Finds secrets in files and directories (recursively; .git and binary files are skipped).",
        "Exit code 0 when nothing is found, 1 when something is, 2 on error."
    })
final class ScanCommand implements Callable<Integer> {

  static final int EXIT_FOUND = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Format { text, jsonl }

  @ParentCommand
  private Tracewarden parent;

  @Spec
  private CommandSpec spec;

  @Mixin
  private ScanEngine engineOptions;

  @Option(names = "--format", defaultValue = "text",
      description = "text (file:line:column: rule) or jsonl (one object per finding with UTF-8 "
          + "byte offsets). Default: ${DEFAULT-VALUE}.")
  private Format format;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories.")
  private List<Path> paths;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      SecretEngine engine = engineOptions.build(parent.environment());
      int found = 0;
      for (Path file : files(paths)) {
        TextFile content = TextFile.of(Files.readAllBytes(file));
        if (content.looksBinary()) {
          continue;
        }
        List<Finding> findings = engine.scan(content.text());
        found += findings.size();
        report(file, content, findings, out);
      }
      out.flush();
      return found == 0 ? Tracewarden.EXIT_OK : EXIT_FOUND;
    } catch (IOException | RuntimeException e) {
      out.flush();
      err.println("error: " + e.getMessage());
      err.flush();
      return Tracewarden.EXIT_USAGE;
    }
  }

  private void report(Path file, TextFile content, List<Finding> findings, PrintWriter out) {
    if (findings.isEmpty()) {
      return;
    }
    int[] charOffsets = new int[findings.size() * 2];
    for (int i = 0; i < findings.size(); i++) {
      charOffsets[2 * i] = findings.get(i).start();
      charOffsets[2 * i + 1] = findings.get(i).end();
    }
    long[] bytes = content.byteOffsets(charOffsets);
    for (int i = 0; i < findings.size(); i++) {
      Finding finding = findings.get(i);
      if (format == Format.jsonl) {
        ObjectNode line = JSON.createObjectNode();
        line.put("file", file.toString());
        line.put("start", bytes[2 * i]);
        line.put("end", bytes[2 * i + 1]);
        line.put("rule", finding.ruleId());
        line.put("severity", finding.severity().id());
        line.put("fingerprint", finding.fingerprint());
        out.println(line);
      } else {
        int[] lineColumn = lineAndColumn(content.text(), finding.start());
        out.println(file + ":" + lineColumn[0] + ":" + lineColumn[1] + ": " + finding.ruleId()
            + " (" + finding.severity().id() + ") " + finding.fingerprint());
      }
    }
  }

  /** Every regular file under {@code paths}, in a stable order; symbolic links are not followed. */
  static List<Path> files(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (!Files.exists(path)) {
        throw new IOException(path + ": no such file or directory");
      }
      if (Files.isRegularFile(path)) {
        files.add(path);
        continue;
      }
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(Files::isRegularFile)
            .filter(p -> !path.relativize(p).toString().startsWith(".git")
                && !p.toString().contains("/.git/"))
            .sorted()
            .forEach(files::add);
      }
    }
    return files;
  }

  private static int[] lineAndColumn(String text, int offset) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new int[] {line, offset - lineStart + 1};
  }
}
