package io.tracewarden.agent.approvals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracewarden approvals list|show|approve|deny}: a client of the admin extension's holds
 * API. Exit codes: 0 success, 1 refused or failed (the server's message is printed), 2 usage.
 */
@Command(
    name = "approvals",
    mixinStandardHelpOptions = true,
    description = "Lists, shows, approves or denies records held by the approval processor.",
    subcommands = {
        ApprovalsCommand.ListHolds.class,
        ApprovalsCommand.Show.class,
        ApprovalsCommand.Approve.class,
        ApprovalsCommand.Deny.class
    })
public final class ApprovalsCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HOLD_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Where the server is and how to authenticate. */
  static final class Connection {

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:13133",
        description = "The admin extension's base URL (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--token", paramLabel = "JWT", defaultValue = "${env:TRACEWARDEN_TOKEN}",
        description = "Bearer token (default: $TRACEWARDEN_TOKEN). Prefer --token-file: "
            + "arguments are visible to other users of the machine.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "Reads the bearer token from FILE.")
    Path tokenFile;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT30S",
        description = "Request timeout as an ISO-8601 duration (default: 30 seconds).")
    Duration timeout;

    String bearer() throws IOException {
      if (tokenFile != null) {
        return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
      }
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException(
            "a token is required: --token, --token-file or TRACEWARDEN_TOKEN");
      }
      return token.trim();
    }

    HttpResponse<String> send(String method, String path, String body)
        throws IOException, InterruptedException {
      String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(timeout)
          .header("Authorization", "Bearer " + bearer())
          .header("Accept", "application/json");
      if (body == null) {
        request.GET();
      } else {
        request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
      }
      HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** Runs one request and prints its answer; shared by the subcommands. */
  abstract static class Request implements Callable<Integer> {

    @Mixin
    Connection connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> response = send();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (response.statusCode() / 100 != 2) {
        err.println("error: HTTP " + response.statusCode() + ": " + message(response.body()));
        err.flush();
        return 1;
      }
      print(JSON.readTree(response.body()), out);
      out.flush();
      return 0;
    }

    abstract HttpResponse<String> send() throws Exception;

    void print(JsonNode body, PrintWriter out) throws IOException {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    }

    static String id(String id) {
      if (!HOLD_ID.matcher(id).matches()) {
        throw new IllegalArgumentException("'" + id + "' is not a hold id");
      }
      return id;
    }

    private static String message(String body) {
      try {
        JsonNode node = JSON.readTree(body);
        if (node != null && node.hasNonNull("error")) {
          return node.get("error").asText();
        }
      } catch (IOException e) {
        // Not JSON: fall through.
      }
      return body.length() > 200 ? body.substring(0, 200) : body;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists holds.")
  static final class ListHolds extends Request {

    @Option(names = "--state", paramLabel = "STATE",
        description = "pending, approved, denied or expired (default: all).")
    String state;

    @Override
    HttpResponse<String> send() throws Exception {
      String query = state == null ? ""
          : "?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8);
      return connection.send("GET", HoldsApi.PREFIX + query, null);
    }

    @Override
    void print(JsonNode body, PrintWriter out) {
      out.printf("%-28s %-9s %-24s %-20s %-16s %-20s %7s  %s%n", "ID", "STATE", "CREATED",
          "SESSION", "SENDER", "SERVICE", "RECORDS", "RULES");
      for (JsonNode hold : body.path("holds")) {
        StringBuilder rules = new StringBuilder();
        hold.path("rules").forEach(r -> rules.append(rules.length() == 0 ? "" : ",")
            .append(r.asText()));
        out.printf("%-28s %-9s %-24s %-20s %-16s %-20s %7d  %s%n", hold.path("id").asText(),
            hold.path("state").asText(), hold.path("created_at").asText(),
            hold.path("session").asText(), hold.path("principal").asText(),
            hold.path("service").asText(), hold.path("records").asInt(), rules);
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Shows one hold: masked preview and findings.")
  static final class Show extends Request {

    @Parameters(index = "0", paramLabel = "ID")
    String holdId;

    @Override
    HttpResponse<String> send() throws Exception {
      return connection.send("GET", HoldsApi.PREFIX + "/" + id(holdId), null);
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approves a hold: once enough approvers agree it is released downstream.")
  static final class Approve extends Request {

    @Parameters(index = "0", paramLabel = "ID")
    String holdId;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "",
        description = "Why, for the audit trail.")
    String reason;

    @Override
    HttpResponse<String> send() throws Exception {
      return connection.send("POST", HoldsApi.PREFIX + "/" + id(holdId) + "/approve",
          JSON.writeValueAsString(Map.of("reason", reason)));
    }
  }

  @Command(name = "deny", mixinStandardHelpOptions = true,
      description = "Denies a hold: its records are dropped (and audited).")
  static final class Deny extends Request {

    @Parameters(index = "0", paramLabel = "ID")
    String holdId;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "",
        description = "Why, for the audit trail.")
    String reason;

    @Override
    HttpResponse<String> send() throws Exception {
      return connection.send("POST", HoldsApi.PREFIX + "/" + id(holdId) + "/deny",
          JSON.writeValueAsString(Map.of("reason", reason)));
    }
  }
}
