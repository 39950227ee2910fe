package io.tracewarden.javaagent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracewarden.javaagent.sample.GuardedToolsSampleApp;
import io.tracewarden.javaagent.sample.Planted;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A LangChain4j AI service with two tools under the javaagent, twice: with the in-process guard
 * on, the model's requests to send the environment away ({@code @Tool} method) and to read the
 * AWS credentials (lambda executor) are refused before the tools run (the tools' own record of
 * their runs proves it), the model reads the refusals, and every {@code execute_tool} span arrives
 * masked and annotated. With the guard off (the default), the same requests run the tools, which
 * shows the first run would have noticed a guard that let them through.
 */
class GuardedToolsJavaagentIT {

  private static final String EXFIL_RULE = "exfil-secrets-to-network";
  private static final String CREDENTIALS_RULE = "credential-file-read";

  private static Scenario guarded;
  private static Scenario unguarded;

  @BeforeAll
  static void runSampleAppTwice() throws Exception {
    guarded = Scenario.run("guarded", List.of("-Dtracewarden.guard.enabled=true"));
    unguarded = Scenario.run("unguarded", List.of());
  }

  @AfterAll
  static void stop() throws Exception {
    for (Scenario s : new Scenario[] {guarded, unguarded}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void bothRunsFinishTheConversation() {
    for (Scenario s : List.of(guarded, unguarded)) {
      assertThat(s.run.exitCode).as(s.run.output).isZero();
      assertThat(s.run.output).contains("ANSWER " + ToolCallingModelServer.ANSWER);
      assertThat(s.model.requests).hasSize(2);
    }
  }

  @Test
  void withTheGuardTheDumpingCallsNeverRan() throws Exception {
    assertThat(guarded.ranPrograms()).containsExactly("ls");
    assertThat(unguarded.ranPrograms()).containsExactly("ls", "sudo", "read");
  }

  @Test
  void theModelReadsTheRefusalInsteadOfAResult() {
    String toolTurn = guarded.model.requests.get(1);
    assertThat(toolTurn).contains("Blocked by Tracewarden guard rule " + EXFIL_RULE,
        "Blocked by Tracewarden guard rule " + CREDENTIALS_RULE, "The tool was not run",
        "total 8");
    assertThat(unguarded.model.requests.get(1)).doesNotContain("Blocked by Tracewarden")
        .contains("sent");
  }

  @Test
  void executeToolSpansFollowTheGenAiConventions() {
    for (Scenario s : List.of(guarded, unguarded)) {
      List<Span> tools = s.toolSpans();
      assertThat(tools).as(s.name).hasSize(3);
      assertThat(tools).extracting(span -> string(span, "gen_ai.tool.call.id"))
          .containsExactlyInAnyOrder(ToolCallingModelServer.BENIGN_CALL_ID,
              ToolCallingModelServer.EXFIL_CALL_ID, ToolCallingModelServer.CREDENTIALS_CALL_ID);
      for (Span span : tools) {
        String tool = string(span, "gen_ai.tool.name");
        assertThat(tool).isIn("runShell", "read_file");
        assertThat(span.getName()).isEqualTo("execute_tool " + tool);
        assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_INTERNAL);
        assertThat(string(span, "gen_ai.tool.type")).isEqualTo("function");
        assertThat(string(span, "gen_ai.tool.call.arguments"))
            .startsWith(tool.equals("runShell") ? "{\"command\":" : "{\"path\":");
      }
      Span benign = s.toolSpan(ToolCallingModelServer.BENIGN_CALL_ID);
      assertThat(benign.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
      assertThat(string(benign, "tracewarden.guard.action")).isNull();
      assertThat(string(benign, "gen_ai.tool.call.result")).contains("total 8", ".env");
    }
  }

  @Test
  void theRefusedCallIsMarkedOnItsSpan() {
    Span blocked = guarded.toolSpan(ToolCallingModelServer.EXFIL_CALL_ID);
    assertThat(string(blocked, "tracewarden.guard.action")).isEqualTo("block");
    assertThat(string(blocked, "tracewarden.guard.rule")).isEqualTo(EXFIL_RULE);
    assertThat(string(blocked, "error.type")).isEqualTo("tracewarden.guard.blocked");
    assertThat(blocked.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(string(blocked, "gen_ai.tool.call.result")).startsWith("Blocked by Tracewarden");
    assertThat(blocked.getEventsList()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("tracewarden.guard.blocked");
      assertThat(OtlpReceiver.string(e.getAttributesList(), "tracewarden.guard.rule"))
          .isEqualTo(EXFIL_RULE);
    });
    assertThat(guarded.run.output).contains("refused tool call 'runShell' (rule " + EXFIL_RULE);

    Span ran = unguarded.toolSpan(ToolCallingModelServer.EXFIL_CALL_ID);
    assertThat(string(ran, "tracewarden.guard.action")).isNull();
    assertThat(string(ran, "gen_ai.tool.call.result")).isEqualTo("sent");
  }

  @Test
  void aToolWrittenAsALambdaIsTracedAndGuardedToo() {
    Span blocked = guarded.toolSpan(ToolCallingModelServer.CREDENTIALS_CALL_ID);
    assertThat(blocked.getName()).isEqualTo("execute_tool read_file");
    assertThat(string(blocked, "tracewarden.guard.action")).isEqualTo("block");
    assertThat(string(blocked, "tracewarden.guard.rule")).isEqualTo(CREDENTIALS_RULE);
    assertThat(blocked.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

    Span ran = unguarded.toolSpan(ToolCallingModelServer.CREDENTIALS_CALL_ID);
    assertThat(ran.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(string(ran, "gen_ai.tool.call.result")).contains("aws_access_key_id", "[REDACTED")
        .doesNotContain(Planted.AWS_KEY_ID);
  }

  @Test
  void plantedSecretsInToolArgumentsAndResultsAreMasked() {
    for (Scenario s : List.of(guarded, unguarded)) {
      Span exfil = s.toolSpan(ToolCallingModelServer.EXFIL_CALL_ID);
      assertThat(string(exfil, "gen_ai.tool.call.arguments")).contains("printenv", "[REDACTED")
          .doesNotContain(Planted.GITHUB_TOKEN);
      Span benign = s.toolSpan(ToolCallingModelServer.BENIGN_CALL_ID);
      assertThat(string(benign, "gen_ai.tool.call.result")).contains("[REDACTED")
          .doesNotContain(Planted.AWS_KEY_ID);
      assertThat(s.otlp.rawBodies).isNotEmpty();
      for (byte[] body : s.otlp.rawBodies) {
        assertThat(new String(body, StandardCharsets.ISO_8859_1))
            .doesNotContain(Planted.GITHUB_TOKEN, Planted.AWS_KEY_ID);
      }
      assertThat(s.run.output).doesNotContain(Planted.GITHUB_TOKEN, Planted.AWS_KEY_ID);
    }
  }

  private static String string(Span s, String key) {
    return OtlpReceiver.string(s.getAttributesList(), key);
  }

  /** One run of the sample app with its own fake model, OTLP receiver and record of tool runs. */
  private static final class Scenario implements AutoCloseable {
    final String name;
    final ToolCallingModelServer model;
    final OtlpReceiver otlp;
    final Path ranFile;
    final AgentRun run;

    private Scenario(String name, ToolCallingModelServer model, OtlpReceiver otlp, Path ranFile,
        AgentRun run) {
      this.name = name;
      this.model = model;
      this.otlp = otlp;
      this.ranFile = ranFile;
      this.run = run;
    }

    static Scenario run(String name, List<String> jvmArgs) throws Exception {
      ToolCallingModelServer model = new ToolCallingModelServer();
      OtlpReceiver otlp = new OtlpReceiver();
      Path dir = Files.createDirectories(Path.of("target", "it-logs"));
      Path ranFile = dir.resolve("GuardedToolsJavaagentIT-" + name + "-ran.txt");
      Files.deleteIfExists(ranFile);
      AgentRun run = AgentRun.run(GuardedToolsSampleApp.class.getName(), otlp.endpoint(),
          jvmArgs, model.baseUrl(), ranFile.toAbsolutePath().toString());
      return new Scenario(name, model, otlp, ranFile, run);
    }

    List<String> ranPrograms() throws Exception {
      return Files.exists(ranFile) ? Files.readAllLines(ranFile) : List.of();
    }

    List<Span> toolSpans() {
      return otlp.spans.stream()
          .filter(s -> "execute_tool".equals(string(s, "gen_ai.operation.name")))
          .collect(Collectors.toList());
    }

    Span toolSpan(String callId) {
      return toolSpans().stream()
          .filter(s -> callId.equals(string(s, "gen_ai.tool.call.id")))
          .findFirst()
          .orElseThrow(() -> new AssertionError(name + ": no execute_tool span for " + callId
              + " among " + otlp.spans.stream().map(Span::getName).collect(Collectors.toList())
              + "\n" + run.output));
    }

    @Override
    public void close() throws Exception {
      otlp.dump(Path.of("target", "it-logs", "GuardedToolsJavaagentIT-" + name + "-otlp.txt"));
      model.close();
      otlp.close();
    }
  }
}
