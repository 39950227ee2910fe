package io.tracewarden.recording.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracewarden.recording.trail.TrailReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit sessions}: one line per session found in the trail. */
@Command(
    name = "sessions",
    mixinStandardHelpOptions = true,
    description = "Lists sessions with first and last record time, principal, record count, "
        + "masked-secret findings and other audit events. Reads without verifying.")
final class SessionsCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--dir", required = true, description = "The trail directory.")
  private Path dir;

  /** What is known about one session. */
  static final class Session {
    String first;
    String last;
    String principal = "";
    long records;
    long findings;
    long events;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Trails.requireDirectory(dir);
      Map<String, Session> sessions = collect(dir, err);
      out.printf("%-36s %-30s %-30s %-16s %8s %8s %8s%n", "SESSION", "FIRST", "LAST", "PRINCIPAL",
          "RECORDS", "FINDINGS", "EVENTS");
      sessions.forEach((id, s) -> out.printf("%-36s %-30s %-30s %-16s %8d %8d %8d%n", id, s.first,
          s.last, s.principal.isEmpty() ? "-" : s.principal, s.records, s.findings, s.events));
      out.flush();
      return AuditCommand.EXIT_OK;
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return AuditCommand.EXIT_USAGE;
    }
  }

  static Map<String, Session> collect(Path dir, PrintWriter err) throws IOException {
    Map<String, Session> sessions = new LinkedHashMap<>();
    TrailReader reader = new TrailReader(dir);
    reader.forEach(record -> {
      ObjectNode json = record.json();
      JsonNode session = json.get("session");
      if (session == null || session.asText().isEmpty()) {
        return;
      }
      Session s = sessions.computeIfAbsent(session.asText(), k -> new Session());
      String time = json.path("time").asText();
      if (s.first == null) {
        s.first = time;
      }
      s.last = time;
      s.records++;
      if (s.principal.isEmpty() && !json.path("principal").asText().isEmpty()
          && !json.path("principal").asText().equals("anonymous")) {
        s.principal = json.path("principal").asText();
      }
      if ("audit".equals(json.path("type").asText())) {
        JsonNode findings = json.path("attributes").path("findings");
        if (findings.isArray()) {
          s.findings += findings.size();
        } else {
          s.events++;
        }
        if (s.principal.isEmpty()) {
          s.principal = json.path("attributes").path("principal").asText("");
        }
      }
    });
    reader.warnings().forEach(w -> err.println("warning: " + w));
    err.flush();
    return sessions;
  }
}
