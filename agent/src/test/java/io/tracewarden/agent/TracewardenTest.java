package io.tracewarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TracewardenTest {

  @Test
  void versionComesFromTheBuild() {
    Cli.Result result = Cli.run("--version");

    assertThat(result.exitCode()).isEqualTo(0);
    assertThat(result.out()).matches("(?s)tracewarden \\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void componentsListsEveryKindWithSignalsAndDescription() {
    Cli.Result result = Cli.run("components");

    assertThat(result.exitCode()).isEqualTo(0);
    assertThat(result.out())
        .contains("receivers:", "processors:", "exporters:", "extensions:")
        .containsPattern("\\n  otlp +traces,logs,metrics +\\S")
        .containsPattern("\\n  batch +traces,logs,metrics +\\S")
        .containsPattern("\\n  file +traces,logs,metrics +\\S")
        .containsPattern("\\n  admin +- +Serves /health");
  }

  @Test
  void auditCommandsAreRegistered() {
    Cli.Result result = Cli.run("audit", "--help");

    assertThat(result.exitCode()).isEqualTo(0);
    assertThat(result.out()).contains("verify", "prove", "sessions", "replay");
  }

  @Test
  void noCommandPrintsUsageAndExitsTwo() {
    Cli.Result result = Cli.run();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Usage: tracewarden", "run", "validate", "components");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Cli.Result result = Cli.run("run", "--bogus");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Unknown option: '--bogus'");
  }
}
