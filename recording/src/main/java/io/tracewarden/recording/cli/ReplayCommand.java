package io.tracewarden.recording.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracewarden.recording.trail.TrailReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit replay}: a session's timeline, in trail order. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Prints the records of one session in the order they were recorded: requests "
        + "that carried it, its spans and logs (as masked), and its audit events. Reads without "
        + "verifying: run audit verify first.")
final class ReplayCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format { text, json }

  @Spec
  private CommandSpec spec;

  @Option(names = "--dir", required = true, description = "The trail directory.")
  private Path dir;

  @Option(names = "--session", required = true, description = "The session id.")
  private String session;

  @Option(names = "--format", defaultValue = "text",
      description = "text (one line per record) or json (each record body, one per line).")
  private Format format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Trails.requireDirectory(dir);
      List<TrailReader.Record> records = new ArrayList<>();
      TrailReader reader = new TrailReader(dir);
      reader.forEach(record -> {
        if (belongs(record.json())) {
          records.add(record);
        }
      });
      reader.warnings().forEach(w -> err.println("warning: " + w));
      if (records.isEmpty()) {
        err.println("error: no records for session " + session);
        err.flush();
        return AuditCommand.EXIT_FAILED;
      }
      for (TrailReader.Record record : records) {
        out.println(format == Format.json ? new String(record.body(), StandardCharsets.UTF_8)
            : line(record.json()));
      }
      out.flush();
      err.flush();
      return AuditCommand.EXIT_OK;
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return AuditCommand.EXIT_USAGE;
    }
  }

  private boolean belongs(ObjectNode json) {
    if (session.equals(json.path("session").asText(null))) {
      return true;
    }
    for (JsonNode listed : json.path("sessions")) {
      if (session.equals(listed.asText())) {
        return true;
      }
    }
    return false;
  }

  static String line(ObjectNode json) {
    String type = json.path("type").asText();
    String head = json.path("time").asText() + "  seq " + json.path("seq").asText() + "  ";
    return head + switch (type) {
      case "ingress" -> "ingress  " + json.path("signal").asText() + " x"
          + json.path("items").asText() + " from " + json.path("principal").asText() + " via "
          + json.path("receiver").asText() + " (" + json.path("peer").asText() + ")";
      case "span" -> "span     " + json.path("service").asText() + ": " + json.path("name").asText()
          + " [" + json.path("span_id").asText() + "]";
      case "log" -> "log      " + json.path("service").asText() + ": "
          + json.path("log").path("body").path("stringValue").asText("");
      case "audit" -> "audit    " + json.path("event").asText() + " by "
          + json.path("source").asText() + findings(json.path("attributes"));
      default -> type;
    };
  }

  private static String findings(JsonNode attributes) {
    JsonNode findings = attributes.path("findings");
    if (!findings.isArray()) {
      return attributes.isEmpty() ? "" : " " + attributes;
    }
    StringBuilder text = new StringBuilder(":");
    for (JsonNode finding : findings) {
      text.append(' ').append(finding.path("rule").asText()).append('@')
          .append(finding.path("path").asText());
    }
    return text.toString();
  }
}
